//go:build !wasip1

package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/ssh"
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
	d := sdk.Registered()
	tgt, err := drivertest.SimTarget(dev, d.Describe().Shell, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	call := func(op string, req any) string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		in, _ := json.Marshal(req)
		_, out := sdk.Dispatch(drivertest.NativeHost(ctx, drivertest.PoolDialer{Pool: pool, Target: tgt}, nil, func(s string) { t.Log(s) }), op, in)
		return string(out)
	}
	set := func(port string, cfg sdk.PortConfig, create ...sdk.Network) sdk.SetPortRequest {
		return sdk.SetPortRequest{Port: port, Config: cfg, CreateVLANs: create}
	}
	access10 := set("Ethernet1", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}, sdk.Network{VLAN: 10, Name: "tenant-a"})
	trunk := set("Ethernet2", sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{20, 21}, Description: "node-1 eth1"})
	steps := []struct {
		op   string
		req  any
		want string // the reply, or the error reply
	}{
		{abi.OpSetPort, access10, `{"changed":true,"commands":["vlan 10","name tenant-a","exit","interface Ethernet1","switchport mode access","switchport access vlan 10"]}`},
		{abi.OpSetPort, access10, `{"changed":false}`},
		{abi.OpReadPort, sdk.ReadPortRequest{Port: "Ethernet1"}, `{"port":"Ethernet1","exists":true,"enabled":true,"mode":"access","native_vlan":10}`},
		{abi.OpSetPort, trunk, `{"changed":true,"commands":["interface Ethernet2","switchport mode trunk","switchport trunk native vlan 10","switchport trunk allowed vlan 10,20-21","description node-1 eth1"]}`},
		{abi.OpSetPort, trunk, `{"changed":false}`},
		{abi.OpReadPort, sdk.ReadPortRequest{Port: "Ethernet2"}, `{"port":"Ethernet2","exists":true,"enabled":true,"mode":"trunk","native_vlan":10,"allowed_vlans":[20,21],"description":"node-1 eth1"}`},
		{abi.OpDeleteNetwork, sdk.NetworkRequest{Network: sdk.Network{VLAN: 10}}, `{"kind":"conflict","message":"VLAN 10 is still carried by Ethernet1, Ethernet2: detach those ports first, or delete with force"}`},
		{abi.OpResetPort, sdk.ResetPortRequest{Port: "Ethernet1"}, `{"changed":true,"commands":["interface Ethernet1","switchport mode access","switchport access vlan 1","shutdown"]}`},
		{abi.OpSave, sdk.SaveRequest{}, `{"changed":true,"commands":["copy running-config startup-config"],"saved":true}`},
		{abi.OpSetPort, set("Ethernet99", sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}), `{"kind":"not_found","message":"port Ethernet99 does not exist on this device (check the port name against the switch's interface list)"}`},
	}
	for i, s := range steps {
		if got := call(s.op, s.req); got != s.want {
			t.Fatalf("step %d %s:\n got %s\nwant %s", i+1, s.op, got, s.want)
		}
	}
	st := dev.State()
	if p := st.Running.Ports["Ethernet1"]; !p.Shutdown || p.AccessVLAN != 1 {
		t.Errorf("Ethernet1 after reset: %+v, want shut on VLAN 1", p)
	}
	if p := st.Running.Ports["Ethernet2"]; p.Mode != "trunk" || p.NativeVLAN != 10 || p.Allowed.String() != "10,20-21" || p.Description != "node-1 eth1" {
		t.Errorf("Ethernet2: %+v", p)
	}
	if st.Running.VLANs[10].Name != "tenant-a" || st.Saves != 1 {
		t.Errorf("VLAN 10 %+v, saves %d", st.Running.VLANs[10], st.Saves)
	}
}
