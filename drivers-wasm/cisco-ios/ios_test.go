//go:build !wasip1

package main

import (
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
)

// TestAgainstSimulator runs the driver natively against a simulated
// switch over real SSH and checks each reply and the switch's state.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "ios-1", Platform: "cisco-ios", EnableSecret: "en-secret",
		Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	set := func(port string, cfg sdk.PortConfig, create ...sdk.Network) sdk.SetPortRequest {
		return sdk.SetPortRequest{Port: port, Config: cfg, CreateVLANs: create}
	}
	access10 := set("GigabitEthernet1/0/1", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}, sdk.Network{VLAN: 10, Name: "tenant-a"})
	trunk := set("GigabitEthernet1/0/2", sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20, 21}, Description: "node-1 eth1"}, sdk.Network{VLAN: 20}, sdk.Network{VLAN: 21})
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":true,"commands":["vlan 10","name tenant-a","exit","interface GigabitEthernet1/0/1","switchport mode access","switchport access vlan 10"]}`},
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "GigabitEthernet1/0/1"}, Want: `{"port":"GigabitEthernet1/0/1","exists":true,"enabled":true,"mode":"access","native_vlan":10}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["vlan 20","exit","vlan 21","exit","interface GigabitEthernet1/0/2","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20-21","description node-1 eth1"]}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "GigabitEthernet1/0/2"}, Want: `{"port":"GigabitEthernet1/0/2","exists":true,"enabled":true,"mode":"trunk","native_vlan":10,"allowed_vlans":[20,21],"description":"node-1 eth1"}`},
		{Op: abi.OpSetPort, Req: set("GigabitEthernet1/0/2", sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{21}}), Want: `{"changed":true,"commands":["interface GigabitEthernet1/0/2","no switchport trunk native vlan","switchport trunk allowed vlan 21"]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, Want: `{"kind":"conflict","message":"VLAN 10 is still carried by GigabitEthernet1/0/1: detach those ports first, or delete with force"}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "GigabitEthernet1/0/1"}, Want: `{"changed":true,"commands":["interface GigabitEthernet1/0/1","switchport mode access","switchport access vlan 1","shutdown"]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, Want: `{"changed":true,"commands":["no vlan 10"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 30, Name: "storage"}}, Want: `{"changed":true,"commands":["vlan 30","name storage","exit"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 30, Name: "storage"}}, Want: `{"changed":false}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["write memory"],"saved":true}`},
	})
	st := dev.State()
	if p := st.Running.Ports["GigabitEthernet1/0/1"]; !p.Shutdown || p.AccessVLAN != 1 {
		t.Errorf("GigabitEthernet1/0/1 after reset: %+v, want shut on VLAN 1", p)
	}
	if p := st.Running.Ports["GigabitEthernet1/0/2"]; p.Mode != "trunk" || p.Untagged() != 1 || p.Tagged().String() != "21" || p.Description != "node-1 eth1" {
		t.Errorf("GigabitEthernet1/0/2: %+v, want a trunk carrying 21 tagged", p)
	}
	if _, ok := st.Running.VLANs[10]; ok || st.Running.VLANs[30].Name != "storage" || st.Saves != 1 {
		t.Errorf("VLANs %+v (want 10 deleted, 30 named storage), saves %d", st.Running.VLANs, st.Saves)
	}
}

// TestLAGAgainstSimulator creates, converges and deletes a port-channel,
// and maps a VLAN to a VXLAN VNI where the OS can.
func TestLAGAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "ios-1", Platform: "cisco-ios"})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	bond := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-7-bond", Mode: sdk.LAGLACP, Members: []string{"GigabitEthernet1/0/3", "GigabitEthernet1/0/4"}},
		Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20}}, CreateVLANs: []sdk.Network{{VLAN: 10}, {VLAN: 20}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":true,"commands":["vlan 10","exit","vlan 20","exit","interface Port-channel1","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20","description node-7-bond","interface GigabitEthernet1/0/3","channel-group 1 mode active","interface GigabitEthernet1/0/4","channel-group 1 mode active"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-8-bond", Members: []string{"GigabitEthernet1/0/4"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}}, Want: `{"kind":"conflict","message":"LAG member GigabitEthernet1/0/4 already belongs to Port-channel1: delete that LAG or take the port out first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 20}}, Want: `{"kind":"conflict","message":"VLAN 20 is still carried by Port-channel1: detach those ports first, or delete with force"}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":true,"commands":["interface GigabitEthernet1/0/3","no channel-group","switchport mode access","switchport access vlan 10","interface GigabitEthernet1/0/4","no channel-group","switchport mode access","switchport access vlan 10","no interface Port-channel1"],"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":false}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050}}, Want: `{"kind":"unsupported","message":"driver cisco-ios does not map VXLAN VNIs"}`},
	})
	st := dev.State()
	if len(st.Running.LAGs) != 0 || len(st.Running.VNIs) != 0 {
		t.Errorf("LAGs %+v and VNI maps %v left after their deletion", st.Running.LAGs, st.Running.VNIs)
	}
	for _, m := range []string{"GigabitEthernet1/0/3", "GigabitEthernet1/0/4"} {
		if p := st.Running.Ports[m]; p.LAG != 0 || p.Mode != "access" || p.AccessVLAN != 10 || p.Shutdown {
			t.Errorf("%s after lag_delete: %+v, want an enabled access port on idle VLAN 10", m, p)
		}
	}
}
