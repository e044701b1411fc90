//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
)

// TestAgainstSimulator runs the driver natively against a simulated SONiC
// switch over real SSH, with a sudo password answered through the host.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "sonic-1", Platform: "sonic", EnableSecret: "sudo-pw",
		Users: []simulator.User{{Name: "admin", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	access := sdk.SetPortRequest{Port: "Ethernet0", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}}
	trunk := sdk.SetPortRequest{Port: "Ethernet0", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 100, AllowedVLANs: []int{200, 300}}, CreateVLANs: []sdk.Network{{VLAN: 200}, {VLAN: 300}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":true,"commands":["sudo config vlan add 100","sudo config vlan member add -u 100 Ethernet0"]}`},
		{Op: abi.OpSetPort, Req: access, Want: `{"changed":false}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["sudo config vlan add 200","sudo config vlan add 300","sudo config vlan member add 200 Ethernet0","sudo config vlan member add 300 Ethernet0"]}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet0"}, Want: `{"port":"Ethernet0","exists":true,"enabled":true,"mode":"trunk","native_vlan":100,"allowed_vlans":[200,300]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 300}}, Want: `{"kind":"conflict","message":"VLAN 300 is still carried by Ethernet0: detach those ports first, or delete with force"}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "Ethernet0", IdleVLAN: 200}, Want: `{"changed":true,"commands":["sudo config vlan member del 100 Ethernet0","sudo config vlan member del 200 Ethernet0","sudo config vlan member del 300 Ethernet0","sudo config vlan member add -u 200 Ethernet0"]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 300}}, Want: `{"changed":true,"commands":["sudo config vlan del 300"]}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["sudo config save -y"],"saved":true}`},
	})
	st := dev.State()
	if p := st.Running.Ports["Ethernet0"]; p.Mode != "access" || p.AccessVLAN != 200 || st.Saves != 1 {
		t.Errorf("Ethernet0 %+v, saves %d", p, st.Saves)
	}
	// Nothing the driver typed, not even in the command log, is the secret.
	for _, c := range dev.Commands() {
		if c.Line == "sudo-pw" {
			t.Fatal("the sudo password was recorded as a command")
		}
	}
}
