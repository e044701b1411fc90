//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
)

// TestCases: list_ports reports representors only; port_supported takes
// representors for vnic_type smart-nic and nothing else; the DPU's own
// uplink is never configured by this driver. Natively and compiled.
func TestCases(t *testing.T) {
	no := func(reason string) *sdk.Support { return &sdk.Support{Reason: reason} }
	table := []drivertest.Case{
		{Name: "list", Op: abi.OpListPorts, Req: sdk.ListPortsRequest{}, Script: "list", Want: &sdk.PortList{Ports: []sdk.PortState{
			{Port: "pf0hpf", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, NativeVLAN: 5, AllowedVLANs: []int{7}, Description: "a, b"},
			{Port: "pf0vf0", Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 100},
			{Port: "pf0vf1", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, AllowedVLANs: []int{200}},
		}}},
		{Name: "representor", Op: abi.OpPortSupported, Req: sdk.PortSupportedRequest{Port: "pf1vf12", VNICType: sdk.VNICSmartNIC}, Script: "no-io", Want: &sdk.Support{Supported: true}},
		{Name: "host-pf", Op: abi.OpPortSupported, Req: sdk.PortSupportedRequest{Port: "pf0hpf", VNICType: sdk.VNICSmartNIC}, Script: "no-io", Want: &sdk.Support{Supported: true}},
		{Name: "baremetal", Op: abi.OpPortSupported, Req: sdk.PortSupportedRequest{Port: "pf0hpf"}, Script: "no-io",
			Want: no(`driver dpu-ovs does not configure vnic_type "baremetal" (it supports [smart-nic])`)},
		{Name: "uplink-not-a-representor", Op: abi.OpPortSupported, Req: sdk.PortSupportedRequest{Port: "p0", VNICType: sdk.VNICSmartNIC}, Script: "no-io",
			Want: no(`port name "p0" does not match dpu-ovs's pattern ` + representor)},
		{Name: "uplink-refused", Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "p0", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
			Script: "no-io", ErrKind: "invalid"},
	}
	drivertest.RunCases(t, wasmbuild.Driver(t, "dpu-ovs"), wasmbuild.CacheDir(t), map[string]string{}, table)
}
