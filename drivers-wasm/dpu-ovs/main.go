// Command dpu-ovs is Mercury's driver for a BlueField-style DPU: Linux with
// Open vSwitch, whose host-facing ports are representors (pf0hpf for the
// host's physical function, pf0vf0, pf0vf1, ... for its virtual functions)
// on the same bridge as the uplink to a switch.
//
// The driver configures representors only, and only for vnic_type
// smart-nic; the service puts the VLAN on the switch port the DPU's uplink
// is cabled to (the device's uplink setting) before it configures the
// representor, and takes it off when no representor carries it any more,
// which it learns from list_ports. The logic is package vswitch, shared
// with the ovs driver; see it for the device options.
package main

import (
	"regexp"

	"github.com/openmercury/mercury/drivers-wasm/ovs/vswitch"
	"github.com/openmercury/mercury/sdk"
)

// representor is a host-facing representor name: pf<N>hpf or pf<N>vf<M>.
const representor = `pf[0-9]{1,2}(?:hpf|vf[0-9]{1,3})`

func init() {
	re := regexp.MustCompile("^(?:" + representor + ")$")
	sdk.Handle(vswitch.New(vswitch.Config{
		Info: sdk.Description{
			Name:        "dpu-ovs",
			Version:     "1.0.0",
			PortPattern: representor,
			VNICTypes:   []string{sdk.VNICSmartNIC},
			Models:      []string{"NVIDIA BlueField-2/3 in DPU mode (Open vSwitch on the Arm cores)", "any Linux DPU with Open vSwitch and pfNhpf/pfNvfM representors"},
			Notes: []string{
				"configures representors (pf0hpf, pf0vfN) only; give the device an uplink so the service also configures the switch port the DPU is cabled to",
			},
		},
		Listed: re.MatchString,
		VXLAN:  true,
	}))
}

func main() {}
