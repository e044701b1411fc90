//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
)

// TestAgainstSimulator runs the driver natively against a simulated EOS
// switch over real SSH, logging in unprivileged (so "enable" is answered
// with the enable secret), and checks each reply and the switch's state.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "eos-1", Platform: "arista-eos", EnableSecret: "en-secret",
		Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	set := func(port string, cfg sdk.PortConfig, create ...sdk.Network) sdk.SetPortRequest {
		return sdk.SetPortRequest{Port: port, Config: cfg, CreateVLANs: create}
	}
	access10 := set("Ethernet1", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}, sdk.Network{VLAN: 10, Name: "tenant-a"})
	trunk := set("Ethernet2", sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20, 21}, Description: "node-1 eth1"})
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":true,"commands":["vlan 10","name tenant-a","exit","interface Ethernet1","switchport mode access","switchport access vlan 10"]}`},
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet1"}, Want: `{"port":"Ethernet1","exists":true,"enabled":true,"mode":"access","native_vlan":10}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["interface Ethernet2","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20-21","description node-1 eth1"]}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet2"}, Want: `{"port":"Ethernet2","exists":true,"enabled":true,"mode":"trunk","native_vlan":10,"allowed_vlans":[20,21],"description":"node-1 eth1"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, Want: `{"kind":"conflict","message":"VLAN 10 is still carried by Ethernet1, Ethernet2: detach those ports first, or delete with force"}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "Ethernet1"}, Want: `{"changed":true,"commands":["interface Ethernet1","switchport mode access","switchport access vlan 1","shutdown"]}`},
		{Op: abi.OpSetPort, Req: sdk.SetPortRequest{Port: "Ethernet3", Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 10, AllowedVLANs: []int{30}}, CreateVLANs: []sdk.Network{{VLAN: 30}}, DryRun: true},
			Want: `{"changed":true,"commands":["vlan 30","exit","interface Ethernet3","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,30"]}`},
		{Op: abi.OpSetPort, Req: set("Ethernet3", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10, Description: "x | reload"}),
			Want: `{"kind":"invalid","message":"value \"x | reload\" for {text} contains a character the CLI could read as another command"}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["copy running-config startup-config"],"saved":true}`},
		{Op: abi.OpSetPort, Req: set("Ethernet99", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}), Want: `{"kind":"not_found","message":"port Ethernet99 does not exist on this device (check the port name against the switch's interface list)"}`},
	})
	st := dev.State()
	if p := st.Running.Ports["Ethernet1"]; !p.Shutdown || p.AccessVLAN != 1 {
		t.Errorf("Ethernet1 after reset: %+v, want shut on VLAN 1", p)
	}
	if p := st.Running.Ports["Ethernet2"]; p.Mode != "trunk" || p.NativeVLAN != 10 || p.Allowed.String() != "10,20-21" || p.Description != "node-1 eth1" {
		t.Errorf("Ethernet2: %+v", p)
	}
	if p := st.Running.Ports["Ethernet3"]; p.Mode != "access" || p.AccessVLAN != 1 || p.Description != "" {
		t.Errorf("Ethernet3 changed by a dry run or a refused request: %+v", p)
	}
	if _, ok := st.Running.VLANs[30]; ok {
		t.Error("a dry run created VLAN 30")
	}
	if st.Running.VLANs[10].Name != "tenant-a" || st.Saves != 1 {
		t.Errorf("VLAN 10 %+v, saves %d", st.Running.VLANs[10], st.Saves)
	}
}

// TestLAGAgainstSimulator creates, converges and deletes a port-channel,
// and maps a VLAN to a VXLAN VNI where the OS can.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "eos-1", Platform: "arista-eos"})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	bond := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-7-bond", Mode: sdk.LAGLACP, Members: []string{"Ethernet3", "Ethernet4"}},
		Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20}}, CreateVLANs: []sdk.Network{{VLAN: 10}, {VLAN: 20}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":true,"commands":["vlan 10","exit","vlan 20","exit","interface Port-Channel1","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20","description node-7-bond","interface Ethernet3","channel-group 1 mode active","interface Ethernet4","channel-group 1 mode active"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-8-bond", Members: []string{"Ethernet4"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}}, Want: `{"kind":"conflict","message":"LAG member Ethernet4 already belongs to Port-Channel1: delete that LAG or take the port out first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 20}}, Want: `{"kind":"conflict","message":"VLAN 20 is still carried by Port-Channel1: detach those ports first, or delete with force"}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":true,"commands":["interface Ethernet3","no channel-group","switchport mode access","switchport access vlan 10","interface Ethernet4","no channel-group","switchport mode access","switchport access vlan 10","no interface Port-Channel1"],"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":false}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050, Name: "overlay"}}, Want: `{"changed":true,"commands":["vlan 50","name overlay","exit","interface Vxlan1","vxlan vlan 50 vni 10050"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050, Name: "overlay"}}, Want: `{"changed":false}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 51, VNI: 10050}}, Want: `{"kind":"conflict","message":"VNI 10050 is already mapped to VLAN 50: delete that network first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050}}, Want: `{"changed":true,"commands":["interface Vxlan1","no vxlan vlan 50 vni 10050","no vlan 50"]}`},
	})
	st := dev.State()
	if len(st.Running.LAGs) != 0 || len(st.Running.VNIs) != 0 {
		t.Errorf("LAGs %+v and VNI maps %v left after their deletion", st.Running.LAGs, st.Running.VNIs)
	}
	for _, m := range []string{"Ethernet3", "Ethernet4"} {
		if p := st.Running.Ports[m]; p.LAG != 0 || p.Mode != "access" || p.AccessVLAN != 10 || p.Shutdown {
			t.Errorf("%s after lag_delete: %+v, want an enabled access port on idle VLAN 10", m, p)
		}
	}
}
