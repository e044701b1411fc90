//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
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
