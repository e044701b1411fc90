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

// TestLAGAgainstSimulator builds an ae bundle over real SSH: the lowest
// free number of lag_range, the LAG's name as its description, members'
// unit 0 removed before they join; the repeat sends nothing; delete
// returns the members to the idle VLAN and removes the ae.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "junos-1", Platform: "juniper-junos"})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCallerWith(t, dev, map[string]string{"lag_range": "3-9"})
	lacp := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-7 bond", Mode: sdk.LAGLACP, Members: []string{"ge-0/0/1", "ge-0/0/2"}},
		Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 100, AllowedVLANs: []int{200}}, CreateVLANs: []sdk.Network{{VLAN: 100}, {VLAN: 200}}}
	static := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-8", Mode: sdk.LAGStatic, Members: []string{"ge-0/0/3"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}}
	toStatic := lacp
	toStatic.LAG.Mode = sdk.LAGStatic
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "ge-0/0/1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 300}, CreateVLANs: []sdk.Network{{VLAN: 300}}}, Want: `{"changed":true,"commands":["set vlans vlan300 vlan-id 300","set interfaces ge-0/0/1 unit 0 family ethernet-switching interface-mode access","delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members","set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 300"],"saved":true}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":true,"commands":["set vlans vlan100 vlan-id 100","set vlans vlan200 vlan-id 200","set interfaces ae3 aggregated-ether-options lacp active","set interfaces ae3 unit 0 family ethernet-switching interface-mode trunk","set interfaces ae3 native-vlan-id 100","set interfaces ae3 unit 0 family ethernet-switching vlan members 100","set interfaces ae3 unit 0 family ethernet-switching vlan members 200","set interfaces ae3 description \"node-7 bond\"","delete interfaces ge-0/0/1 unit 0","set interfaces ge-0/0/1 ether-options 802.3ad ae3","delete interfaces ge-0/0/2 unit 0","set interfaces ge-0/0/2 ether-options 802.3ad ae3"],"saved":true,"number":3,"created":true}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":false,"number":3}`},
		{Op: abi.OpLAGSet, Req: toStatic, Want: `{"changed":true,"commands":["delete interfaces ae3 aggregated-ether-options lacp"],"saved":true,"number":3}`},
		{Op: abi.OpLAGSet, Req: toStatic, Want: `{"changed":false,"number":3}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":true,"commands":["set interfaces ae3 aggregated-ether-options lacp active"],"saved":true,"number":3}`},
		{Op: abi.OpLAGSet, Req: static, Want: `{"changed":true,"commands":["set interfaces ae4 unit 0 family ethernet-switching interface-mode access","delete interfaces ae4 unit 0 family ethernet-switching vlan members","set interfaces ae4 unit 0 family ethernet-switching vlan members 100","set interfaces ae4 description \"node-8\"","delete interfaces ge-0/0/3 unit 0","set interfaces ge-0/0/3 ether-options 802.3ad ae4"],"saved":true,"number":4,"created":true}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "quote\" bond", Members: []string{"ge-0/0/4"}}, Config: static.Config}, Want: `{"kind":"invalid","message":"LAG name \"quote\\\" bond\" contains \"\\\"\", which driver juniper-junos cannot quote for the device: choose a LAG name without \"\\\"\""}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7 bond"}, IdleVLAN: 300}, Want: `{"changed":true,"commands":["delete interfaces ge-0/0/1 ether-options 802.3ad","set interfaces ge-0/0/1 unit 0 family ethernet-switching interface-mode access","set interfaces ge-0/0/1 unit 0 family ethernet-switching interface-mode access","delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members","set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 300","delete interfaces ge-0/0/2 ether-options 802.3ad","set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access","set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode access","delete interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members","set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 300","delete interfaces ae3"],"saved":true,"number":3}`},
	})
	st := dev.State().Startup
	if _, ok := st.LAGs[3]; ok || st.Ports["ge-0/0/1"].LAG != 0 || st.Ports["ge-0/0/2"].AccessVLAN != 300 {
		t.Errorf("after lag_delete: ae3 %+v, ge-0/0/1 %+v, ge-0/0/2 %+v", st.LAGs[3], st.Ports["ge-0/0/1"], st.Ports["ge-0/0/2"])
	}
	if l := st.LAGs[4]; l.Name != "ae4" || l.Mode != "static" || len(l.Members) != 1 || l.AccessVLAN != 100 || l.Description != "node-8" {
		t.Errorf("ae4 in the committed configuration: %+v", l)
	}
}
