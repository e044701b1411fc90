package simulator

import (
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
