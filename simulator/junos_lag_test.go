package simulator

import (
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/state"
)

// TestJunosLAG builds, changes and deletes an aggregated Ethernet bundle
// in the Junos simulator: the ae carries the switching, members only their
// 802.3ad statement, and the rules Junos enforces at commit are refused.
func TestJunosLAG(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos", Users: []User{{Name: "netops", Password: "pw"}}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.cmd("set cli screen-length 0")
	tm.cmd("configure private")
	ok := func(lines ...string) {
		t.Helper()
		for _, l := range lines {
			if out := tm.cmd(l); strings.Contains(out, "error") {
				t.Fatalf("%q refused: %s", l, out)
			}
		}
	}
	refused := func(l, want string) {
		t.Helper()
		if out := tm.cmd(l); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want an error containing %q", l, out, want)
		}
	}
	ok("set vlans v100 vlan-id 100", "set vlans v200 vlan-id 200",
		"set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members 100")
	// A port with switching cannot join until its unit 0 goes.
	refused("set interfaces ge-0/0/3 ether-options 802.3ad ae1", "delete interfaces ge-0/0/3 unit 0 first")
	refused("set interfaces ge-0/0/3 aggregated-ether-options lacp active", "error")
	ok("set interfaces ae1 description \"kit bond\"",
		"set interfaces ae1 aggregated-ether-options lacp active",
		"set interfaces ae1 unit 0 family ethernet-switching interface-mode trunk",
		"set interfaces ae1 native-vlan-id 100",
		"set interfaces ae1 unit 0 family ethernet-switching vlan members 100",
		"set interfaces ae1 unit 0 family ethernet-switching vlan members 200",
		"delete interfaces ge-0/0/3 unit 0",
		"set interfaces ge-0/0/3 ether-options 802.3ad ae1",
		"set interfaces ge-0/0/4 ether-options 802.3ad ae1")
	// A member takes no switching of its own.
	refused("set interfaces ge-0/0/4 unit 0 family ethernet-switching vlan members 100", "member of ae1")
	if _, ok := d.State().Running.LAGs[1]; ok {
		t.Fatal("ae1 reached the running configuration before commit")
	}
	ok("commit")
	lag, found := d.State().Running.LAGs[1]
	if !found || lag.Name != "ae1" || lag.Mode != state.LACP || strings.Join(lag.Members, ",") != "ge-0/0/3,ge-0/0/4" ||
		lag.Untagged() != 100 || lag.Tagged().String() != "200" || lag.Description != "kit bond" {
		t.Fatalf("ae1 after commit: %+v (present %v)", lag, found)
	}
	if p := d.State().Startup.Ports["ge-0/0/3"]; p.LAG != 1 || p.AccessVLAN != 1 {
		t.Errorf("ge-0/0/3 in the committed configuration: %+v", p)
	}
	leaveJunosConfig(tm)
	out := tm.cmd("show configuration | display set")
	for _, want := range []string{
		"set interfaces ge-0/0/3 ether-options 802.3ad ae1\n",
		"set interfaces ae1 description \"kit bond\"\nset interfaces ae1 aggregated-ether-options lacp active\nset interfaces ae1 native-vlan-id 100\n",
		"set interfaces ae1 unit 0 family ethernet-switching vlan members 200\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show configuration lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ge-0/0/3 unit 0") {
		t.Errorf("a member shows switching:\n%s", out)
	}

	// Static, then gone: the bundle cannot go while a port names it.
	tm.cmd("configure private")
	ok("delete interfaces ae1 aggregated-ether-options lacp")
	refused("delete interfaces ae1", "delete those statements first")
	ok("delete interfaces ge-0/0/3 ether-options 802.3ad",
		"set interfaces ge-0/0/3 unit 0 family ethernet-switching interface-mode access",
		"delete interfaces ge-0/0/4 ether-options 802.3ad",
		"delete interfaces ae1", "commit")
	if n := len(d.State().Running.LAGs); n != 0 {
		t.Errorf("%d bundles after deleting ae1", n)
	}
	if p := d.State().Running.Ports["ge-0/0/4"]; p.LAG != 0 {
		t.Errorf("ge-0/0/4 still in a bundle: %+v", p)
	}
	if out := tm.cmd("delete interfaces ae7"); !strings.Contains(out, "warning: statement not found") {
		t.Errorf("deleting a missing ae: %q", out)
	}
}
