// Package vswitch is Mercury's driver logic for Open vSwitch, driven over SSH with
// ovs-vsctl on exec sessions: the datapath of OVS-based hosts and of
// BlueField-style DPUs. Drivers ovs and dpu-ovs are built on it.
//
// Every change is one ovs-vsctl transaction (commands joined with "--"), so
// a port is never left half-configured, and a port that already matches is
// not touched. Device options:
//
//	options.ovs_vsctl        command to run (default "sudo -n ovs-vsctl")
//	options.db               ovsdb socket path, for a private OVS instance
//	options.isolation_vlan   VLAN that parks a port carrying nothing (default 4095)
//
// Its tests are the ovs and dpu-ovs drivers' (scripted device sessions,
// natively and compiled to wasm) and test/e2e (real Open vSwitch).
package vswitch
