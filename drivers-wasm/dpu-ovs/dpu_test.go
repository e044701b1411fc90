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

// TestVXLAN: a VXLAN network is a tunnel port vx<VNI> on the
// representors' bridge; made once, refused when the VLAN or VNI is taken,
// kept while a representor carries its VLAN, read back by read_networks.
func TestVXLAN(t *testing.T) {
	const V = "sudo -n ovs-vsctl --timeout=10"
	vni := func(vlan, vni int) sdk.NetworkRequest {
		return sdk.NetworkRequest{Network: sdk.Network{VLAN: vlan, VNI: vni}}
	}
	table := []drivertest.Case{
		{Name: "add", Op: abi.OpAddNetwork, Req: vni(3000, 5000), Script: "tunnel-add", Want: &sdk.Result{Changed: true, Saved: true,
			Commands: []string{V + " -- add-port br0 vx5000 tag=3000 -- set interface vx5000 type=vxlan options:key=5000 options:remote_ip=192.168.77.2"}}},
		{Name: "add-again", Op: abi.OpAddNetwork, Req: vni(3000, 5000), Script: "tunnel-present", Want: &sdk.Result{Saved: true}},
		{Name: "vni-on-another-vlan", Op: abi.OpAddNetwork, Req: vni(3001, 5000), Script: "tunnel-present", ErrKind: "conflict"},
		{Name: "vlan-has-another-vni", Op: abi.OpAddNetwork, Req: vni(3000, 5001), Script: "tunnel-present", ErrKind: "conflict"},
		{Name: "plain-vlan", Op: abi.OpAddNetwork, Req: vni(100, 0), Script: "no-io", Want: &sdk.Result{Saved: true}},
		{Name: "read", Op: abi.OpReadNetworks, Req: sdk.ReadNetworksRequest{}, Script: "tunnel-present",
			Want: &sdk.NetworkList{Networks: []sdk.Network{{VLAN: 3000, VNI: 5000}}}},
		{Name: "delete-in-use", Op: abi.OpDeleteNetwork, Req: vni(3000, 5000), Script: "tunnel-in-use", ErrKind: "conflict"},
		{Name: "delete-forced", Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 3000, VNI: 5000}, Force: true}, Script: "tunnel-delete",
			Want: &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- del-port vx5000"}}},
	}
	drivertest.RunCases(t, wasmbuild.Driver(t, "dpu-ovs"), wasmbuild.CacheDir(t), map[string]string{"options.vxlan_remote_ip": "192.168.77.2"}, table)
	bad := []drivertest.Case{{Name: "no-remote", Op: abi.OpAddNetwork, Req: vni(3000, 5000), Script: "no-io", ErrKind: "invalid"}}
	drivertest.RunCases(t, wasmbuild.Driver(t, "dpu-ovs"), wasmbuild.CacheDir(t), map[string]string{}, bad)
}
