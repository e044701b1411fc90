package simulator

import (
	"regexp"
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/state"
)

// TestNVUEBond builds, changes and removes a bond in the NVUE simulator:
// pending until applied, members out of the bridge, the bond carrying the
// bridge settings, and the rules NVUE enforces refused.
func TestNVUEBond(t *testing.T) {
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
	ok := func(lines ...string) {
		t.Helper()
		for _, l := range lines {
			if out := run(l); strings.Contains(out, "Error") {
				t.Fatalf("%q refused: %s", l, out)
			}
		}
	}
	refused := func(l, want string) {
		t.Helper()
		if out := run(l); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want an error containing %q", l, out, want)
		}
	}
	ok("nv set bridge domain br_default vlan 100,200", "nv set interface swp3 bridge domain br_default access 100")
	refused("nv set interface bond1 bond member swp3", "unset interface swp3 bridge domain br_default first")
	refused("nv set interface swp4 bond member swp3", "not a bond")
	ok("nv set interface bond1 bond mode lacp",
		"nv set interface bond1 bridge domain br_default",
		`nv set interface bond1 description "node 7"`,
		"nv set interface bond1 bridge domain br_default untagged 100",
		"nv set interface bond1 bridge domain br_default vlan 100,200",
		"nv unset interface swp3 bridge domain br_default",
		"nv set interface bond1 bond member swp3",
		"nv set interface bond1 bond member swp4")
	refused("nv set interface swp4 bridge domain br_default access 200", "member of bond1")
	refused("nv set interface bond2 bond member swp4", "already a member of bond1")
	if len(d.State().Running.LAGs) != 0 {
		t.Fatal("the bond reached the running configuration before apply")
	}
	ok("nv config apply -y")
	lag, found := d.State().Running.LAGs[1]
	if !found || lag.Name != "bond1" || lag.Mode != state.LACP || strings.Join(lag.Members, ",") != "swp3,swp4" ||
		lag.Untagged() != 100 || lag.Tagged().String() != "200" || lag.Description != "node 7" {
		t.Fatalf("bond1 after apply: %+v (present %v)", lag, found)
	}
	if p := d.State().Running.Ports["swp3"]; p.LAG != 1 || p.AccessVLAN != 1 {
		t.Errorf("swp3: %+v", p)
	}
	out := strings.ReplaceAll(run("nv config show -o commands"), "\r\n", "\n")
	for _, want := range []string{
		"nv set interface bond1 description \"node 7\"\nnv set interface bond1 bridge domain br_default vlan 100,200\nnv set interface bond1 bridge domain br_default untagged 100\n",
		"nv set interface bond1 bond member swp3\nnv set interface bond1 bond member swp4\nnv set interface bond1 bond mode lacp\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("nv config show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "swp3 bridge") {
		t.Errorf("a member shows bridge settings:\n%s", out)
	}
	// A VLAN the bond carries cannot go; static mode; then the bond goes.
	refused("nv unset bridge domain br_default vlan 200", "in use by bond1")
	ok("nv config detach", "nv set interface bond1 bond mode static", "nv unset interface bond1 bond member swp4", "nv config apply -y")
	if l := d.State().Running.LAGs[1]; l.Mode != state.Static || strings.Join(l.Members, ",") != "swp3" {
		t.Errorf("bond1 after static and swp4 out: %+v", l)
	}
	ok("nv unset interface bond1", "nv config apply -y")
	if n := len(d.State().Running.LAGs); n != 0 || d.State().Running.Ports["swp3"].LAG != 0 {
		t.Errorf("%d bonds left, swp3 %+v", n, d.State().Running.Ports["swp3"])
	}
}
