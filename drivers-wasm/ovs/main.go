// Command ovs is Mercury's driver for Open vSwitch, driven over SSH with
// ovs-vsctl on exec sessions: the datapath of OVS-based hosts. The logic is
// package vswitch, shared with the dpu-ovs driver; see it for the device
// options.
package main

import (
	"github.com/openmercury/mercury/drivers-wasm/ovs/vswitch"
	"github.com/openmercury/mercury/sdk"
)

func init() {
	sdk.Handle(vswitch.New(vswitch.Config{Info: sdk.Description{
		Name:        "ovs",
		Version:     "1.1.0",
		PortPattern: `[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}`,
		Models:      []string{"Open vSwitch 2.17+ (system or netdev datapath)"},
	}}))
}

func main() {}
