//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
)

// TestAgainstSimulator runs the driver natively against a simulated OS9
// switch over real SSH, logging in unprivileged so "enable" is answered
// with the enable secret.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "os9-1", Platform: "dell-os9", EnableSecret: "en-secret",
		Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	access := sdk.SetPortRequest{Port: "TenGigabitEthernet0/1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}}
	trunk := sdk.SetPortRequest{Port: "TenGigabitEthernet0/1", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{100, 200}}, CreateVLANs: []sdk.Network{{VLAN: 200}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":true,"commands":["interface vlan 100","exit","interface vlan 100","untagged TenGigabitEthernet0/1","exit"]}`},
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":false}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["interface vlan 200","exit","interface vlan 100","no untagged TenGigabitEthernet0/1","exit","interface vlan 100","tagged TenGigabitEthernet0/1","exit","interface vlan 200","tagged TenGigabitEthernet0/1","exit"]}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "TenGigabitEthernet0/1"}, Want: `{"port":"TenGigabitEthernet0/1","exists":true,"enabled":true,"mode":"trunk","allowed_vlans":[100,200]}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "TenGigabitEthernet0/1"}, Want: `{"changed":true,"commands":["interface vlan 100","no tagged TenGigabitEthernet0/1","exit","interface vlan 200","no tagged TenGigabitEthernet0/1","exit","interface TenGigabitEthernet0/1","shutdown","exit"]}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["write memory"],"saved":true}`},
	})
	if p := dev.State().Startup.Ports["TenGigabitEthernet0/1"]; !p.Shutdown || p.Untagged() != 1 || p.Tagged().Len() != 0 {
		t.Errorf("saved TenGigabitEthernet0/1: %+v", p)
	}
}
