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

// TestLAGAgainstSimulator makes an LACP port-channel of two ports (one
// shut down, one in a VLAN: both made fit to join), finds it again by its
// description, refuses to change its mode or take another's member, and
// deletes it, returning the members to the idle VLAN; then a static one.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "os9-1", Platform: "dell-os9", Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	const p1, p2, p3 = "TenGigabitEthernet0/1", "TenGigabitEthernet0/2", "TenGigabitEthernet0/3"
	set := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "server-7 bond", Mode: sdk.LAGLACP, Members: []string{p1, p2}},
		Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}}
	static := set
	static.LAG.Mode = sdk.LAGStatic
	other := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "other", Mode: sdk.LAGStatic, Members: []string{p2, p3}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: p1, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}},
			Want: `{"changed":true,"commands":["interface vlan 100","exit","interface vlan 100","untagged TenGigabitEthernet0/1","exit"]}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: p2}, Want: `{"changed":true,"commands":["interface TenGigabitEthernet0/2","shutdown","exit"]}`},
		{Op: abi.OpLAGSet, Req: set, Want: `{"changed":true,"commands":["interface Port-channel1","switchport","exit","interface Port-channel1","description server-7 bond","exit","interface vlan 100","no untagged TenGigabitEthernet0/1","exit","interface TenGigabitEthernet0/1","no switchport","port-channel-protocol LACP","port-channel 1 mode active","exit","exit","interface TenGigabitEthernet0/2","no switchport","port-channel-protocol LACP","port-channel 1 mode active","exit","exit","interface TenGigabitEthernet0/2","no shutdown","exit","interface vlan 100","untagged Port-channel1","exit","interface Port-channel1","no shutdown","exit"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: set, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpReadNetworks, Req: sdk.ReadNetworksRequest{}, Want: `{"networks":[{"vlan":1},{"vlan":100}]}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: p2}, Want: `{"port":"TenGigabitEthernet0/2","exists":true,"enabled":true,"mode":"access","native_vlan":100,"lag":"Port-channel1"}`},
		{Op: abi.OpLAGSet, Req: static, Want: `{"kind":"conflict","message":"port-channel Port-channel1 is lacp on the device, the request asks for static: lag_delete it first to change its mode"}`},
		{Op: abi.OpLAGSet, Req: other, Want: `{"kind":"conflict","message":"LAG member TenGigabitEthernet0/2 already belongs to Port-channel1 (LAG \"server-7 bond\"): delete that LAG or take the port out first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 100}}, Want: `{"kind":"conflict","message":"VLAN 100 is still carried by Port-channel1: detach those ports first, or delete with force"}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "server-7 bond"}, IdleVLAN: 100}, Want: `{"changed":true,"commands":["interface TenGigabitEthernet0/1","no port-channel-protocol LACP","switchport","exit","interface vlan 100","untagged TenGigabitEthernet0/1","exit","interface TenGigabitEthernet0/2","no port-channel-protocol LACP","switchport","exit","interface vlan 100","untagged TenGigabitEthernet0/2","exit","interface vlan 100","no untagged Port-channel1","exit","no interface Port-channel1"],"number":1}`},
		{Op: abi.OpLAGSet, Req: static, Want: `{"changed":true,"commands":["interface Port-channel1","switchport","exit","interface Port-channel1","description server-7 bond","exit","interface vlan 100","no untagged TenGigabitEthernet0/1","exit","interface TenGigabitEthernet0/1","no switchport","exit","interface Port-channel1","channel-member TenGigabitEthernet0/1","exit","interface vlan 100","no untagged TenGigabitEthernet0/2","exit","interface TenGigabitEthernet0/2","no switchport","exit","interface Port-channel1","channel-member TenGigabitEthernet0/2","exit","interface vlan 100","untagged Port-channel1","exit","interface Port-channel1","no shutdown","exit"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: static, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Number: 1}}, Want: `{"changed":true,"commands":["interface Port-channel1","no channel-member TenGigabitEthernet0/1","exit","interface TenGigabitEthernet0/1","switchport","exit","interface TenGigabitEthernet0/1","shutdown","exit","interface Port-channel1","no channel-member TenGigabitEthernet0/2","exit","interface TenGigabitEthernet0/2","switchport","exit","interface TenGigabitEthernet0/2","shutdown","exit","interface vlan 100","no untagged Port-channel1","exit","no interface Port-channel1"],"number":1}`},
	})
	st := dev.State().Running
	if len(st.LAGs) != 0 || !st.Ports[p1].Shutdown || st.Ports[p1].Untagged() != 1 || st.Ports[p2].LAG != 0 {
		t.Errorf("after lag_delete with no idle VLAN: port-channels %v, %s %+v, %s %+v", st.LAGs, p1, st.Ports[p1], p2, st.Ports[p2])
	}
}

// FuzzParse feeds the running-configuration parser arbitrary device
// output: it must never panic, and every port-channel it reports has a
// name.
func FuzzParse(f *testing.F) {
	f.Add("interface TenGigabitEthernet 0/2\n no ip address\n!\n port-channel-protocol LACP\n  port-channel 2 mode active\n no shutdown\n!\ninterface Port-channel 2\n description b\n channel-member TenGigabitEthernet 0/1\ninterface Vlan 5\n untagged Port-channel 2\n")
	f.Add("interface Port-channel x\ninterface Te 0/1\n port-channel y mode active\n")
	f.Fuzz(func(t *testing.T, out string) {
		st, err := parse(out)
		if err != nil {
			return
		}
		for n, l := range st.LAGs {
			if l.Name == "" {
				t.Fatalf("port-channel %d has no name", n)
			}
		}
	})
}
