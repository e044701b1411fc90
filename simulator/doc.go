// Package simulator runs SSH servers that emulate vendor switch CLIs with a
// real VLAN/port state model, so Mercury, its drivers and the conformance
// kit can be tested without switches.
//
// A Server hosts many devices in one process; each device listens on its own
// loopback port (127.0.0.1:0), has its own in-memory ed25519 host key, users
// (password and public-key authentication) and enable secret, and speaks one
// platform's CLI (package platform: arista-eos, cisco-ios, cisco-nxos,
// dell-os10, juniper-junos, sonic, cumulus-nvue, dell-os9). Interactive shells get echo, prompts, modes and paging from
// package cli; exec requests run one command. Tests read a device's state
// (Device.State), the lines it received (Device.Commands), and inject faults
// at runtime (Device.SetFault): refused connections, rejected
// authentication, a connection dropped mid-configuration, a configuration
// line refused as invalid input, a hang, slow output, a failing save, a
// locked configuration, commits refused as locked for the next N commits.
//
// Run and Serve start a fleet for "mercury simulate" and write an inventory
// snippet describing it.
//
// It is not a general SSH server (no port forwarding, no SFTP, no files) and
// not a model of switching: no frames move.
package simulator
