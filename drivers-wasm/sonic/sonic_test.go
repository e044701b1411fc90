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

// TestLAGAgainstSimulator makes a static PortChannel of two ports (one of
// which leaves its VLAN first), finds it again by its description, refuses
// to reconfigure a member or change the mode, takes a member out, and
// deletes it, returning the members to the idle VLAN.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "sonic-1", Platform: "sonic", Users: []simulator.User{{Name: "admin", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	bond := sdk.LAG{Name: "bond 'a'", Mode: sdk.LAGStatic, Members: []string{"Ethernet0", "Ethernet8"}}
	set := sdk.LAGSetRequest{LAG: bond, Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 100, AllowedVLANs: []int{200}}, CreateVLANs: []sdk.Network{{VLAN: 100}, {VLAN: 200}}}
	lacp := set
	lacp.LAG.Mode = sdk.LAGLACP
	one := set
	one.LAG.Members = []string{"Ethernet0"}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "Ethernet8", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}},
			Want: `{"changed":true,"commands":["sudo config vlan add 100","sudo config vlan member add -u 100 Ethernet8"]}`},
		{Op: abi.OpLAGSet, Req: set, Want: `{"changed":true,"commands":["sudo config vlan add 200","sudo config portchannel add --static true PortChannel1","sudo config interface description PortChannel1 'bond '\\''a'\\'''","sudo config portchannel member add PortChannel1 Ethernet0","sudo config vlan member del 100 Ethernet8","sudo config portchannel member add PortChannel1 Ethernet8","sudo config vlan member add 200 PortChannel1","sudo config vlan member add -u 100 PortChannel1"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: set, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet8"}, Want: `{"port":"Ethernet8","exists":true,"enabled":true,"mode":"trunk","native_vlan":100,"allowed_vlans":[200],"lag":"PortChannel1"}`},
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "Ethernet0", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}}, Want: `{"kind":"conflict","message":"port Ethernet0 is a member of port-channel PortChannel1 (LAG \"bond 'a'\"): change the LAG with lag_set, or delete it with lag_delete first"}`},
		{Op: abi.OpLAGSet, Req: lacp, Want: `{"kind":"conflict","message":"port-channel PortChannel1 is static on the device, the request asks for lacp: lag_delete it first to change its mode"}`},
		{Op: abi.OpLAGSet, Req: one, Want: `{"changed":true,"commands":["sudo config portchannel member del PortChannel1 Ethernet8"],"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond 'a'"}, IdleVLAN: 100}, Want: `{"changed":true,"commands":["sudo config portchannel member del PortChannel1 Ethernet0","sudo config vlan member add -u 100 Ethernet0","sudo config vlan member del 100 PortChannel1","sudo config vlan member del 200 PortChannel1","sudo config portchannel del PortChannel1"],"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond 'a'"}, IdleVLAN: 100}, Want: `{"changed":false}`},
		// VLAN 1 is no VLAN on SONiC: Ethernet8, in none and up, is already there.
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "Ethernet8", IdleVLAN: 1}, Want: `{"changed":false}`},
	})
	st := dev.State().Running
	if len(st.LAGs) != 0 || st.Ports["Ethernet0"].Mode != "access" || st.Ports["Ethernet0"].AccessVLAN != 100 || st.Ports["Ethernet8"].LAG != 0 {
		t.Errorf("after lag_delete: port-channels %v, Ethernet0 %+v, Ethernet8 %+v", st.LAGs, st.Ports["Ethernet0"], st.Ports["Ethernet8"])
	}
}

// FuzzParse feeds the configuration-database parser arbitrary device
// output: it must never panic, and every port-channel member it reports
// is a port-channel of the state.
func FuzzParse(f *testing.F) {
	f.Add(`{"PORTCHANNEL": {"PortChannel1": {"static": "true", "description": "b"}}, "PORTCHANNEL_MEMBER": {"PortChannel1|Ethernet0": {}}, "VLAN_MEMBER": {"Vlan5|PortChannel1": {"tagging_mode": "untagged"}}}`)
	f.Add(`{"PORTCHANNEL": {"PortChannelx": {}}, "VLAN_MEMBER": {"Vlanx|": {}}}`)
	f.Add("no json here")
	f.Fuzz(func(t *testing.T, out string) {
		st, err := parse(out)
		if err != nil {
			return
		}
		for n, l := range st.LAGs {
			if st.Ports[l.Name] == nil {
				t.Fatalf("port-channel %d (%s) has no membership entry", n, l.Name)
			}
		}
	})
}

// TestMaskedPassword: with the login password "admin" the host masks
// "admin_status" in the output as "********_status"; ports still read as
// up, so nothing is enabled needlessly and lag_delete without an idle VLAN
// shuts the member.
func TestMaskedPassword(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "sonic-1", Platform: "sonic", Users: []simulator.User{{Name: "admin", Password: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	lag := sdk.LAG{Name: "n", Mode: sdk.LAGLACP, Members: []string{"Ethernet8"}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet8"}, Want: `{"port":"Ethernet8","exists":true,"enabled":true,"mode":"access","native_vlan":1}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: lag, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, CreateVLANs: []sdk.Network{{VLAN: 100}}},
			Want: `{"changed":true,"commands":["sudo config vlan add 100","sudo config portchannel add PortChannel1","sudo config interface description PortChannel1 'n'","sudo config portchannel member add PortChannel1 Ethernet8","sudo config vlan member add -u 100 PortChannel1"],"number":1,"created":true}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: lag},
			Want: `{"changed":true,"commands":["sudo config portchannel member del PortChannel1 Ethernet8","sudo config interface shutdown Ethernet8","sudo config vlan member del 100 PortChannel1","sudo config portchannel del PortChannel1"],"number":1}`},
	})
}
