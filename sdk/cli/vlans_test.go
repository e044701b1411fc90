package cli

import (
	"reflect"
	"testing"
)

func TestVLANLists(t *testing.T) {
	for _, tc := range []struct {
		text string
		ids  []int
		back string // FormatVLANs(ids)
	}{
		{"10", []int{10}, "10"},
		{"10,20-22", []int{10, 20, 21, 22}, "10,20-22"},
		{"20-22, 10", []int{10, 20, 21, 22}, "10,20-22"},
		{"none", nil, ""},
		{"", nil, ""},
		{"1-3,3,2", []int{1, 2, 3}, "1-3"},
	} {
		ids, err := ParseVLANs(tc.text)
		if err != nil || !reflect.DeepEqual(ids, tc.ids) {
			t.Errorf("ParseVLANs(%q) = %v, %v; want %v", tc.text, ids, err, tc.ids)
		}
		if got := FormatVLANs(ids); got != tc.back {
			t.Errorf("FormatVLANs(%v) = %q, want %q", ids, got, tc.back)
		}
	}
	if ids, _ := ParseVLANs("ALL"); len(ids) != 4094 {
		t.Errorf("ALL parsed to %d VLANs", len(ids))
	}
	for _, bad := range []string{"0", "4095", "x", "5-3", "10,", "1-", "internal order ascending"} {
		if _, err := ParseVLANs(bad); err == nil {
			t.Errorf("ParseVLANs(%q) accepted", bad)
		}
	}
}

func TestSyntaxParse(t *testing.T) {
	sx := &Syntax{
		VLAN: "vlan ", VLANName: "name ", ImplicitVLAN1: true, DefaultVLANName: "VLAN%04d",
		Ports: []string{"Ethernet"}, Trunk: "switchport mode trunk", Access: "switchport access vlan ",
		Native: "switchport trunk native vlan ", Allowed: "switchport trunk allowed vlan ",
		Description: "description ", ChannelGroup: "channel-group ", LAGName: "Port-Channel%s",
		Shutdown: "shutdown", NoShutdown: "no shutdown", DefaultAllowed: "all",
	}
	text := "! Command: show running-config\nvlan internal order ascending range 1006 1199\n!\nvlan 10\n   name tenant-a\n!\nvlan 20,30\n!\n" +
		"interface Ethernet1\n   description node 1\n   shutdown\n   switchport access vlan 10\n!\n" +
		"interface Ethernet2\n   channel-group 5 mode active\n   switchport trunk native vlan 10\n   switchport trunk allowed vlan 10,20\n   switchport mode trunk\n!\n" +
		"interface Ethernet3\n   switchport mode trunk\n!\ninterface Management1\n   ip address 10.0.0.1/24\n"
	r, err := sx.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	wantVLANs := map[int]string{1: "default", 10: "tenant-a", 20: "VLAN0020", 30: "VLAN0030"}
	if !reflect.DeepEqual(r.VLANs, wantVLANs) {
		t.Errorf("VLANs %v, want %v", r.VLANs, wantVLANs)
	}
	if len(r.Ports) != 3 {
		t.Errorf("ports %v: Management1 is not a switch port", r.Ports)
	}
	e1, e2, e3 := r.Ports["Ethernet1"], r.Ports["Ethernet2"], r.Ports["Ethernet3"]
	if e1.Enabled || e1.Mode != "access" || e1.NativeVLAN != 10 || e1.Description != "node 1" || !e1.Exists {
		t.Errorf("Ethernet1 %+v", e1)
	}
	if !e2.Enabled || e2.Mode != "trunk" || e2.NativeVLAN != 10 || !reflect.DeepEqual(e2.AllowedVLANs, []int{10, 20}) || e2.LAG != "Port-Channel5" {
		t.Errorf("Ethernet2 %+v", e2)
	}
	if e3.Mode != "trunk" || e3.NativeVLAN != 0 || len(e3.AllowedVLANs) != 4094 {
		t.Errorf("Ethernet3 (defaults: native 1 reads as none, all VLANs allowed): native %d, %d allowed", e3.NativeVLAN, len(e3.AllowedVLANs))
	}
}
