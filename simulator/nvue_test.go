package simulator

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestNVUE drives the Cumulus NVUE simulator with networking-generic-switch's
// netmiko_cumulus_nvue command set (ngs.md, Appendix A) and checks the three
// stages NVUE keeps apart — pending, applied, saved — plus access/vlan
// exclusivity, VLANs required in the bridge, detach, and the faults.
func TestNVUE(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "leaf-1", Platform: "cumulus-nvue", Users: []User{{Name: "cumulus", Password: "pw"}}})
	tm := shell(t, d, "cumulus", "pw", 0)
	prompt := regexp.MustCompile(`cumulus@leaf-1:mgmt:~\$ \z`)
	tm.expect(prompt)
	run := func(l string) string {
		t.Helper()
		tm.send(l + "\n")
		return tm.expect(prompt)
	}
	port := func(name string) string { return summary(d.State().Running, name) }
	for _, l := range []string{
		"nv set bridge domain br_default vlan 100", // ADD_NETWORK
		"nv set bridge domain br_default vlan 200",
		"nv unset interface swp1 bridge domain br_default untagged", // PLUG_PORT_TO_NETWORK
		"nv set interface swp1 bridge domain br_default access 100",
		"nv unset interface swp2 bridge domain br_default access", // SET_NATIVE_VLAN
		"nv set interface swp2 bridge domain br_default untagged 100",
		"nv set interface swp2 bridge domain br_default vlan 100",
		"nv set interface swp2 bridge domain br_default vlan 200", // ADD_NETWORK_TO_TRUNK
		"nv set interface swp5 link state down",                   // DISABLE_PORT
	} {
		if out := run(l); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	if got := port("swp1"); got != "access vlan=1 native=1 allowed=none" {
		t.Fatalf("before apply swp1 = %q: pending changes leaked into the running configuration", got)
	}
	if out := run("nv config apply --assume-yes"); !strings.Contains(out, "applied") {
		t.Fatalf("apply: %q", out)
	}
	for name, want := range map[string]string{
		"swp1": "access vlan=100 native=1 allowed=none",
		"swp2": "trunk vlan=1 native=100 allowed=100,200",
		"swp5": "access vlan=1 native=1 allowed=none shutdown",
	} {
		if got := port(name); got != want {
			t.Errorf("after apply %s = %q, want %q", name, got, want)
		}
	}
	if st := d.State(); st.Saves != 0 || st.Startup.Ports["swp1"].AccessVLAN == 100 {
		t.Error("apply also saved: NVUE keeps apply and save apart")
	}
	if out := run("nv config save"); !strings.Contains(out, "saved") || d.State().Startup.Ports["swp1"].AccessVLAN != 100 {
		t.Errorf("save: %q", out)
	}
	for line, want := range map[string]string{
		"nv set interface swp1 bridge domain br_default vlan 200":   "mutually exclusive",
		"nv set interface swp3 bridge domain br_default access 300": "vlan 300 is not in bridge domain br_default",
		"nv set interface swp99 link state down":                    "Error",
		"nv sett bridge domain br_default vlan 300":                 "Error",
	} {
		if out := run(line); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	// A pending change can be dropped with detach.
	run("nv unset interface swp2 bridge domain br_default vlan 200") // REMOVE_NETWORK_FROM_TRUNK
	run("nv config detach")
	run("nv config apply -y")
	if got := port("swp2"); got != "trunk vlan=1 native=100 allowed=100,200" {
		t.Errorf("a detached change was applied: swp2 = %q", got)
	}
	if out := strings.ReplaceAll(run("nv config show -o commands"), "\r\n", "\n"); !strings.Contains(out, "nv set interface swp2 bridge domain br_default vlan 100,200\nnv set interface swp2 bridge domain br_default untagged 100\n") {
		t.Errorf("nv config show:\n%q", out)
	}
	d.SetFault(Fault{ConfigLocked: true})
	if out := run("nv set bridge domain br_default vlan 300"); !strings.Contains(out, "another configuration operation is in progress") {
		t.Errorf("a change while locked: %q", out)
	}
}

// TestNVUEVXLAN checks the VXLAN commands NGS sends: the per-VNI flooding
// goes with its VLAN's mapping, head-end-replication peers are unicast
// and multicast groups multicast, the "-o json" shows are JSON, and vtysh
// changes take effect at once and survive an apply of an older pending
// revision.
func TestNVUEVXLAN(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "leaf-1", Platform: "cumulus-nvue", Users: []User{{Name: "cumulus", Password: "pw"}}})
	tm := shell(t, d, "cumulus", "pw", 0)
	prompt := regexp.MustCompile(`cumulus@leaf-1:mgmt:~\$ \z`)
	tm.expect(prompt)
	run := func(l string) string {
		t.Helper()
		return tm.cmdUntil(l, prompt)
	}
	for _, l := range []string{
		"nv set bridge domain br_default vlan 100",
		"nv set bridge domain br_default vlan 200",
		"nv set interface swp1 bridge domain br_default access 100",
		"nv set bridge domain br_default vlan 100 vni 5100 flooding head-end-replication evpn",
		"nv set bridge domain br_default vlan 200 vni 5200",
		"nv set bridge domain br_default vlan 200 vni 5200 flooding multicast-group 239.1.1.200",
		"nv set nve vxlan flooding head-end-replication 10.0.1.1",
		"nv set nve vxlan flooding head-end-replication 10.0.1.1",
		"nv config apply -y",
	} {
		if out := run(l); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	st := d.State().Running
	if got := summary(st, "flood") + " " + summary(st, "vlans"); got != "her=10.0.1.1 100=evpn 200=239.1.1.200 1: 100: 200: vni:100=5100 vni:200=5200" {
		t.Errorf("after the flooding commands: %q", got)
	}
	before := d.State()
	for line, want := range map[string]string{
		"nv set bridge domain br_default vlan 200 vni 5200 flooding multicast-group 10.0.0.1":  "not an IPv4 multicast address",
		"nv set bridge domain br_default vlan 200 vni 5200 flooding multicast-group 239.1.1":   "not an IPv4 multicast address",
		"nv set nve vxlan flooding head-end-replication 239.1.1.1":                             "not a unicast IPv4 address",
		"nv set nve vxlan flooding head-end-replication evpn":                                  "not a unicast IPv4 address",
		"nv set bridge domain br_default vlan 300 vni 5300 flooding head-end-replication evpn": "vlan 300 does not exist",
		"nv set bridge domain br_default vlan 100 vni 5200 flooding head-end-replication evpn": "vni 5200 is already mapped to vlan 200",
		"nv set bridge domain br_default vlan 100 vni 5100 flooding head-end-replication all":  "Error: Invalid command",
		"nv show bridge domain br_default vlan 300 -o json":                                    "The requested item does not exist",
		"nv show bridge domain br_default vlan 100 -o yaml":                                    "Error: Invalid command",
		"nv show bridge domain br_default vlan-vni-map -o jsn":                                 "Error: Invalid command",
	} {
		if out := run(line); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	if after := d.State(); !reflect.DeepEqual(before, after) {
		t.Error("a refused line changed the state")
	}
	var vlan struct {
		Port map[string]any
		VNI  map[string]struct {
			Flooding map[string]any
		}
	}
	if err := json.Unmarshal([]byte(run("nv show bridge domain br_default vlan 100 -o json")), &vlan); err != nil {
		t.Fatalf("nv show ... vlan 100 -o json is not JSON: %v", err)
	}
	if _, ok := vlan.Port["swp1"]; !ok || vlan.VNI["5100"].Flooding["enable"] != "on" {
		t.Errorf("vlan 100 as JSON: %+v", vlan)
	}
	var vnis map[string]map[string]map[string]struct{ VNI int }
	if err := json.Unmarshal([]byte(run("nv show bridge domain br_default vlan-vni-map -o json")), &vnis); err != nil {
		t.Fatalf("nv show ... vlan-vni-map -o json is not JSON: %v", err)
	}
	if m := vnis["br_default"]["vlan-vni-map"]; len(m) != 2 || m["200"].VNI != 5200 {
		t.Errorf("the VNI map as JSON: %+v", vnis)
	}
	// Unmapping a VNI drops its flooding.
	run("nv unset bridge domain br_default vlan 100 vni")
	run("nv config apply -y")
	if got := summary(d.State().Running, "flood"); got != "her=10.0.1.1 200=239.1.1.200" {
		t.Errorf("after unmapping VLAN 100: flood %q", got)
	}
	// vtysh takes effect at once; applying a revision pending since
	// before does not undo it.
	run("nv set bridge domain br_default vlan 300")
	if out := run(`vtysh -c "configure terminal" -c "router bgp 65000" -c "address-family l2vpn evpn" -c "vni 5300"`); out != "" {
		t.Fatalf("vtysh: %q", out)
	}
	if got := summary(d.State().Running, "frr"); got != "asn=65000 vni=5300" {
		t.Errorf("FRR before apply: %q", got)
	}
	run("nv config apply -y")
	if got := summary(d.State().Running, "frr") + " " + summary(d.State().Running, "vlans"); got != "asn=65000 vni=5300 1: 100: 200: 300: vni:200=5200" {
		t.Errorf("after apply: %q", got)
	}
}
