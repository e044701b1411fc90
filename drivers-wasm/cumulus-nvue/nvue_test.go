//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/simulator/state"
)

// TestAgainstSimulator runs the driver natively against a simulated NVUE
// switch over real SSH: stale pending changes discarded, one apply per
// change, save separate.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "leaf-1", Platform: "cumulus-nvue", Users: []simulator.User{{Name: "cumulus", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	access := sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}}
	hybrid := sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 100, AllowedVLANs: []int{200}}, CreateVLANs: []sdk.Network{{VLAN: 200}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":true,"commands":["nv set bridge domain br_default vlan 100","nv unset interface swp1 bridge domain br_default vlan","nv unset interface swp1 bridge domain br_default untagged","nv set interface swp1 bridge domain br_default access 100"]}`},
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":false}`},
		{Op: abi.OpSetPort, Req: hybrid, Want: `{"changed":true,"commands":["nv set bridge domain br_default vlan 200","nv unset interface swp2 bridge domain br_default access","nv set interface swp2 bridge domain br_default untagged 100","nv set interface swp2 bridge domain br_default vlan 100,200"]}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "swp2"}, Want: `{"port":"swp2","exists":true,"enabled":true,"mode":"trunk","native_vlan":100,"allowed_vlans":[200]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 200}, Force: true}, Want: `{"changed":true,"commands":["nv unset interface swp2 bridge domain br_default vlan 200","nv unset bridge domain br_default vlan 200"]}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["nv config save"],"saved":true}`},
	})
	st := dev.State()
	if p := st.Startup.Ports["swp2"]; p.Mode != "trunk" || p.Untagged() != 100 || p.Tagged().Len() != 0 {
		t.Errorf("swp2 in the saved configuration: %+v", p)
	}
}

// TestLAGAgainstSimulator builds bonds over real SSH: the lowest free
// number of lag_range, the LAG's name as the bond's description, members
// out of the bridge before they join; the repeat sends nothing; a member
// of one bond cannot join another; delete returns the members to the idle
// VLAN and removes the bond.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "leaf-1", Platform: "cumulus-nvue", Users: []simulator.User{{Name: "cumulus", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCallerWith(t, dev, map[string]string{"lag_range": "5-6"})
	lacp := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node 7", Mode: sdk.LAGLACP, Members: []string{"swp1", "swp2"}},
		Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 100, AllowedVLANs: []int{200}}, CreateVLANs: []sdk.Network{{VLAN: 100}, {VLAN: 200}}}
	static := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-8", Mode: sdk.LAGStatic, Members: []string{"swp3"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}}
	toStatic := lacp
	toStatic.LAG.Mode = sdk.LAGStatic
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 300, Description: "node 7 eth0"}, CreateVLANs: []sdk.Network{{VLAN: 300}}}, Want: `{"changed":true,"commands":["nv set bridge domain br_default vlan 300","nv unset interface swp1 bridge domain br_default vlan","nv unset interface swp1 bridge domain br_default untagged","nv set interface swp1 bridge domain br_default access 300","nv set interface swp1 description \"node 7 eth0\""]}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":true,"commands":["nv set bridge domain br_default vlan 100","nv set bridge domain br_default vlan 200","nv set interface bond5 bond mode lacp","nv set interface bond5 bridge domain br_default","nv unset interface bond5 bridge domain br_default access","nv set interface bond5 bridge domain br_default untagged 100","nv set interface bond5 bridge domain br_default vlan 100,200","nv set interface bond5 description \"node 7\"","nv unset interface swp1 bridge domain br_default","nv set interface bond5 bond member swp1","nv unset interface swp2 bridge domain br_default","nv set interface bond5 bond member swp2"],"number":5,"created":true}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":false,"number":5}`},
		{Op: abi.OpLAGSet, Req: toStatic, Want: `{"changed":true,"commands":["nv set interface bond5 bond mode static","nv set interface bond5 bridge domain br_default"],"number":5}`},
		{Op: abi.OpLAGSet, Req: toStatic, Want: `{"changed":false,"number":5}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"changed":true,"commands":["nv set interface bond5 bond mode lacp","nv set interface bond5 bridge domain br_default"],"number":5}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-9", Members: []string{"swp2", "swp4"}}, Config: static.Config}, Want: `{"kind":"conflict","message":"LAG member swp2 already belongs to bond5: delete that LAG or take the port out first"}`},
		{Op: abi.OpLAGSet, Req: static, Want: `{"changed":true,"commands":["nv set interface bond6 bond mode static","nv set interface bond6 bridge domain br_default","nv unset interface bond6 bridge domain br_default vlan","nv unset interface bond6 bridge domain br_default untagged","nv set interface bond6 bridge domain br_default access 100","nv set interface bond6 description \"node-8\"","nv unset interface swp3 bridge domain br_default","nv set interface bond6 bond member swp3"],"number":6,"created":true}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "$(reboot)", Members: []string{"swp4"}}, Config: static.Config}, Want: `{"kind":"invalid","message":"LAG name \"$(reboot)\" contains \"$\", which driver cumulus-nvue cannot quote for the device: choose a LAG name without \"$\""}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 200}, Force: true}, Want: `{"changed":true,"commands":["nv unset interface bond5 bridge domain br_default vlan 200","nv unset bridge domain br_default vlan 200"]}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node 7"}, IdleVLAN: 300}, Want: `{"changed":true,"commands":["nv unset interface bond5 bond member swp1","nv set interface swp1 bridge domain br_default","nv unset interface swp1 bridge domain br_default vlan","nv unset interface swp1 bridge domain br_default untagged","nv set interface swp1 bridge domain br_default access 300","nv unset interface bond5 bond member swp2","nv set interface swp2 bridge domain br_default","nv unset interface swp2 bridge domain br_default vlan","nv unset interface swp2 bridge domain br_default untagged","nv set interface swp2 bridge domain br_default access 300","nv unset interface bond5"],"number":5}`},
	})
	st := dev.State().Running
	if _, ok := st.LAGs[5]; ok || st.Ports["swp1"].LAG != 0 || st.Ports["swp2"].AccessVLAN != 300 {
		t.Errorf("after lag_delete: bond5 %+v, swp1 %+v, swp2 %+v", st.LAGs[5], st.Ports["swp1"], st.Ports["swp2"])
	}
	if l := st.LAGs[6]; l.Name != "bond6" || l.Mode != "static" || len(l.Members) != 1 || l.AccessVLAN != 100 || l.Description != "node-8" {
		t.Errorf("bond6: %+v", l)
	}
}

// TestFloodingConfigured: a switch whose VNIs have flooding set by the
// operator ("... vlan V vni N flooding ...") reads and changes as usual.
func TestFloodingConfigured(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "leaf-1", Platform: "cumulus-nvue", Users: []simulator.User{{Name: "cumulus", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Store().Update(func(c *state.Config) error {
		c.VLANs[100], c.VLANs[200] = state.VLAN{ID: 100}, state.VLAN{ID: 200}
		c.VNIs[100], c.VNIs[200] = 10100, 10200
		c.Flood = state.VXLANFlood{HER: []string{"192.0.2.1"}, PerVLAN: map[int]string{100: "evpn", 200: "239.1.1.200"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpReadNetworks, Req: sdk.ReadNetworksRequest{}, Want: `{"networks":[{"vlan":1},{"vlan":100,"vni":10100},{"vlan":200,"vni":10200}]}`},
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "swp3", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 200}},
			Want: `{"changed":true,"commands":["nv unset interface swp3 bridge domain br_default vlan","nv unset interface swp3 bridge domain br_default untagged","nv set interface swp3 bridge domain br_default access 200"]}`},
	})
}
