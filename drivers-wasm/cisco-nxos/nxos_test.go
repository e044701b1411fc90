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

// TestAgainstSimulator runs the driver natively against a simulated
// switch over real SSH and checks each reply and the switch's state.
func TestAgainstSimulator(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "nxos-1", Platform: "cisco-nxos", EnableSecret: "en-secret",
		Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	set := func(port string, cfg sdk.PortConfig, create ...sdk.Network) sdk.SetPortRequest {
		return sdk.SetPortRequest{Port: port, Config: cfg, CreateVLANs: create}
	}
	access10 := set("Ethernet1/1", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}, sdk.Network{VLAN: 10, Name: "tenant-a"})
	trunk := set("Ethernet1/2", sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20, 21}, Description: "node-1 eth1"}, sdk.Network{VLAN: 20}, sdk.Network{VLAN: 21})
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":true,"commands":["vlan 10","name tenant-a","exit","interface Ethernet1/1","switchport mode access","switchport access vlan 10"]}`},
		{Op: abi.OpSetPort, Req: access10, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet1/1"}, Want: `{"port":"Ethernet1/1","exists":true,"enabled":true,"mode":"access","native_vlan":10}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":true,"commands":["vlan 20","exit","vlan 21","exit","interface Ethernet1/2","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20-21","description node-1 eth1"]}`},
		{Op: abi.OpSetPort, Req: trunk, Want: `{"changed":false}`},
		{Op: abi.OpReadPort, Req: sdk.ReadPortRequest{Port: "Ethernet1/2"}, Want: `{"port":"Ethernet1/2","exists":true,"enabled":true,"mode":"trunk","native_vlan":10,"allowed_vlans":[20,21],"description":"node-1 eth1"}`},
		{Op: abi.OpSetPort, Req: set("Ethernet1/2", sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{21}}), Want: `{"changed":true,"commands":["interface Ethernet1/2","no switchport trunk native vlan","switchport trunk allowed vlan 21"]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, Want: `{"kind":"conflict","message":"VLAN 10 is still carried by Ethernet1/1: detach those ports first, or delete with force"}`},
		{Op: abi.OpResetPort, Req: sdk.ResetPortRequest{Port: "Ethernet1/1"}, Want: `{"changed":true,"commands":["interface Ethernet1/1","switchport mode access","switchport access vlan 1","shutdown"]}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, Want: `{"changed":true,"commands":["no vlan 10"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 30, Name: "storage"}}, Want: `{"changed":true,"commands":["vlan 30","name storage","exit"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 30, Name: "storage"}}, Want: `{"changed":false}`},
		{Op: abi.OpSave, Req: sdk.SaveRequest{}, Want: `{"changed":true,"commands":["copy running-config startup-config"],"saved":true}`},
	})
	st := dev.State()
	if p := st.Running.Ports["Ethernet1/1"]; !p.Shutdown || p.AccessVLAN != 1 {
		t.Errorf("Ethernet1/1 after reset: %+v, want shut on VLAN 1", p)
	}
	if p := st.Running.Ports["Ethernet1/2"]; p.Mode != "trunk" || p.Untagged() != 1 || p.Tagged().String() != "21" || p.Description != "node-1 eth1" {
		t.Errorf("Ethernet1/2: %+v, want a trunk carrying 21 tagged", p)
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
	dev, err := sim.Add(simulator.DeviceSpec{Name: "nxos-1", Platform: "cisco-nxos"})
	if err != nil {
		t.Fatal(err)
	}
	call := drivertest.SimCaller(t, dev)
	bond := sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-7-bond", Mode: sdk.LAGLACP, Members: []string{"Ethernet1/3", "Ethernet1/4"}},
		Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20}}, CreateVLANs: []sdk.Network{{VLAN: 10}, {VLAN: 20}}}
	drivertest.RunSimSteps(t, call, []drivertest.SimStep{
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":true,"commands":["vlan 10","exit","vlan 20","exit","interface port-channel1","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20","description node-7-bond","no shutdown","interface Ethernet1/3","channel-group 1 mode active","interface Ethernet1/4","channel-group 1 mode active"],"number":1,"created":true}`},
		{Op: abi.OpLAGSet, Req: bond, Want: `{"changed":false,"number":1}`},
		{Op: abi.OpLAGSet, Req: sdk.LAGSetRequest{LAG: sdk.LAG{Name: "node-8-bond", Members: []string{"Ethernet1/4"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}}, Want: `{"kind":"conflict","message":"LAG member Ethernet1/4 already belongs to port-channel1: delete that LAG or take the port out first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 20}}, Want: `{"kind":"conflict","message":"VLAN 20 is still carried by port-channel1: detach those ports first, or delete with force"}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":true,"commands":["interface Ethernet1/3","no channel-group","switchport mode access","switchport access vlan 10","interface Ethernet1/4","no channel-group","switchport mode access","switchport access vlan 10","no interface port-channel1"],"number":1}`},
		{Op: abi.OpLAGDelete, Req: sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "node-7-bond"}, IdleVLAN: 10}, Want: `{"changed":false}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050, Name: "overlay"}}, Want: `{"changed":true,"commands":["vlan 50","name overlay","exit","evpn","vni 10050 l2","rd auto","route-target both auto","exit","vlan 50","vn-segment 10050","exit","interface nve1","member vni 10050","ingress-replication protocol bgp","exit"]}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050, Name: "overlay"}}, Want: `{"changed":false}`},
		{Op: abi.OpAddNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 51, VNI: 10050}}, Want: `{"kind":"conflict","message":"VNI 10050 is already mapped to VLAN 50: delete that network first"}`},
		{Op: abi.OpDeleteNetwork, Req: sdk.NetworkRequest{Network: sdk.Network{VLAN: 50, VNI: 10050}}, Want: `{"changed":true,"commands":["interface nve1","no member vni 10050","exit","vlan 50","no vn-segment","exit","evpn","no vni 10050","exit","no vlan 50"]}`},
	})
	st := dev.State()
	if len(st.Running.LAGs) != 0 || len(st.Running.VNIs) != 0 || len(st.Running.Overlay.NVE) != 0 || len(st.Running.Overlay.EVPNByVNI) != 0 {
		t.Errorf("LAGs %+v, VNI maps %v, NVE members %v and EVPN VNIs %v left after their deletion",
			st.Running.LAGs, st.Running.VNIs, st.Running.Overlay.NVE, st.Running.Overlay.EVPNByVNI)
	}
	for _, m := range []string{"Ethernet1/3", "Ethernet1/4"} {
		if p := st.Running.Ports[m]; p.LAG != 0 || p.Mode != "access" || p.AccessVLAN != 10 || p.Shutdown {
			t.Errorf("%s after lag_delete: %+v, want an enabled access port on idle VLAN 10", m, p)
		}
	}
}

// TestVNIReplicationOption: options.nve_replication chooses the NVE
// member's flooding (a multicast group here, without EVPN); a bad value is
// refused before any command; a VNI mapped without its NVE member (as an
// older driver left it) is completed.
func TestVNIReplicationOption(t *testing.T) {
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "nxos-1", Platform: "cisco-nxos"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(vlan, vni int) sdk.NetworkRequest {
		return sdk.NetworkRequest{Network: sdk.Network{VLAN: vlan, VNI: vni}}
	}
	mcast := drivertest.SimCallerWith(t, dev, map[string]string{"name": "nxos-1", "options.nve_replication": "mcast:239.1.1.60"})
	drivertest.RunSimSteps(t, mcast, []drivertest.SimStep{
		{Op: abi.OpAddNetwork, Req: add(60, 10060), Want: `{"changed":true,"commands":["vlan 60","exit","vlan 60","vn-segment 10060","exit","interface nve1","member vni 10060","mcast-group 239.1.1.60","exit"]}`},
		{Op: abi.OpAddNetwork, Req: add(60, 10060), Want: `{"changed":false}`},
	})
	if m := dev.State().Running.Overlay.NVE[10060]; m.Replication != state.ReplicationMulticast || m.McastGroup != "239.1.1.60" {
		t.Errorf("NVE member 10060: %+v, want flooding to 239.1.1.60", m)
	}
	for _, bad := range []string{"mcast:10.0.0.1", "static", "mcast:"} {
		call := drivertest.SimCallerWith(t, dev, map[string]string{"name": "nxos-1", "options.nve_replication": bad})
		want := `{"kind":"invalid","message":"device nxos-1: options.nve_replication \"` + bad + `\" is neither bgp nor mcast:GROUP with an IPv4 multicast GROUP: fix the option"}`
		drivertest.RunSimSteps(t, call, []drivertest.SimStep{{Op: abi.OpAddNetwork, Req: add(61, 10061), Want: want}})
	}
	if _, ok := dev.State().Running.VLANs[61]; ok {
		t.Error("a refused add_network created VLAN 61")
	}
	// A vn-segment without its NVE member reads as unmapped: add_network
	// sends the whole map again, which completes it.
	if err := dev.Store().Update(func(c *state.Config) error {
		c.SetVLAN(70, "VLAN0070")
		c.VNIs[70] = 10070
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	bgp := drivertest.SimCaller(t, dev)
	drivertest.RunSimSteps(t, bgp, []drivertest.SimStep{
		{Op: abi.OpAddNetwork, Req: add(70, 10070), Want: `{"changed":true,"commands":["evpn","vni 10070 l2","rd auto","route-target both auto","exit","vlan 70","vn-segment 10070","exit","interface nve1","member vni 10070","ingress-replication protocol bgp","exit"]}`},
		{Op: abi.OpAddNetwork, Req: add(70, 10070), Want: `{"changed":false}`},
	})
	if m := dev.State().Running.Overlay.NVE[10070]; m.Replication != state.ReplicationBGP {
		t.Errorf("NVE member 10070: %+v, want ingress replication over BGP", m)
	}
}
