//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
)

// TestAgainstSimulator runs the driver natively against a simulated Junos
// switch over real SSH: private candidate, one commit per change, set
// commands read back.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "junos-1", Platform: "juniper-junos"})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	access := sdk.SetPortRequest{Port: "ge-0/0/1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100, Name: "tenant-a"}}}
	trunk := sdk.SetPortRequest{Port: "ge-0/0/2", Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 100, AllowedVLANs: []int{200}, Description: "node 7"}, CreateVLANs: []sdk.Network{{VLAN: 200}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":true,"commands":["set vlans tenant-a vlan-id 100","set interfaces ge-0/0/1 unit 0 family ethernet-switching interface-mode access","delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members","set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100"],"saved":true}`},
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":false}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["set vlans vlan200 vlan-id 200","set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode trunk","set interfaces ge-0/0/2 native-vlan-id 100","set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 100","set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200","set interfaces ge-0/0/2 description \"node 7\""],"saved":true}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "ge-0/0/2"}, Want: `{"port":"ge-0/0/2","exists":true,"enabled":true,"mode":"trunk","native_vlan":100,"allowed_vlans":[200],"description":"node 7"}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 300, VNI: 10300}}, Want: `{"changed":true,"commands":["set vlans vlan300 vlan-id 300","set vlans vlan300 vxlan vni 10300"],"saved":true}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 300, VNI: 10300}}, Want: `{"changed":true,"commands":["delete vlans vlan300 vxlan vni","delete vlans vlan300"],"saved":true}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "ge-0/0/1"}, Want: `{"changed":true,"commands":["set interfaces ge-0/0/1 unit 0 family ethernet-switching interface-mode access","delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members","set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 1","set interfaces ge-0/0/1 disable"],"saved":true}`},
	})
	st := dev.State()
	if p := st.Running.Ports["ge-0/0/2"]; p.Untagged() != 100 || p.Tagged().String() != "200" || p.Description != "node 7" {
		t.Errorf("ge-0/0/2: %+v", p)
	}
	if p := st.Startup.Ports["ge-0/0/1"]; !p.Shutdown || p.AccessVLAN != 1 {
		t.Errorf("ge-0/0/1 in the committed configuration: %+v, want disabled on the default VLAN", p)
	}
	if _, ok := st.Running.VLANs[300]; ok || len(st.Running.VNIs) != 0 {
		t.Errorf("VLAN 300 or its VNI left: %v %v", st.Running.VLANs, st.Running.VNIs)
	}
}
