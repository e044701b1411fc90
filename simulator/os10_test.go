package simulator

import (
	"reflect"
	"strings"
	"testing"
)

// TestOS10AccessLists checks the access lists behind NGS's Dell OS10
// security groups: rules numbered by tens or as given, bindings that need
// an existing list and an unbind that must name the bound one, a bound list
// that cannot be deleted, near-miss rules refused without a change, and
// the running configuration.
func TestOS10AccessLists(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "dell-os10"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("terminal length 0")
	tm.cmd("configure terminal")
	for _, l := range []string{
		"ip access-list web",
		"permit tcp any 10.1.0.0/16 eq 443",
		"seq 5 deny ip host 10.9.9.9 any",
		"permit udp 10.0.0.0/8 any range 53 54",
		"permit 47 any any",
		"exit",
		"ip access-list spare",
		"exit",
		"interface ethernet1/1/1",
		"ip access-group web in",
		"ip access-group spare out",
		"exit",
	} {
		if out := tm.cmd(l); out != "" {
			t.Fatalf("%q: %q", l, out)
		}
	}
	want := "spare[] web[5 deny ip host 10.9.9.9 any; 10 permit tcp any 10.1.0.0/16 eq 443; 20 permit udp 10.0.0.0/8 any range 53 54; 30 permit 47 any any] " +
		"ethernet1/1/1:in=web,out=spare"
	if got := summary(d.State().Running, "acls"); got != want {
		t.Errorf("acls = %q\nwant   %q", got, want)
	}
	before := d.State()
	tm.cmd("ip access-list web")
	for _, l := range []string{
		"permit tcp 10.0.0.0/33 any",
		"permit tcp 10.0.0.0/24 any eq 70000",
		"permit tcp 10.0.0.0/24 any range 90 80",
		"permit icmp any any eq 22",
		"permit tcp any any 8 0",
		"permit gre any any",
		"permit tcp any",
		"permit tcp 2001:db8::/32 any",
		"permit tcp any 10.1.0.0/16 eq 443",
		"seq 20 permit ip any any",
		"no seq 7",
		"permt ip any any",
	} {
		if out := tm.cmd(l); !strings.HasPrefix(out, "% Error") {
			t.Errorf("%q: %q, want a %% Error", l, out)
		}
	}
	tm.cmd("exit")
	for _, l := range []string{"ip access-list bad!name", "no ip access-list web", "no ip access-list nosuch"} {
		if out := tm.cmd(l); !strings.HasPrefix(out, "% Error") {
			t.Errorf("%q: %q, want a %% Error", l, out)
		}
	}
	tm.cmd("interface ethernet1/1/2")
	for _, l := range []string{"ip access-group nosuch in", "no ip access-group web in", "ip access-group web both"} {
		if out := tm.cmd(l); !strings.HasPrefix(out, "% Error") {
			t.Errorf("%q: %q, want a %% Error", l, out)
		}
	}
	tm.cmd("end")
	if after := d.State(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused line changed the access lists: %q", summary(after.Running, "acls"))
	}
	run := tm.cmd("show running-configuration")
	for _, w := range []string{"ip access-list web\n seq 5 deny ip host 10.9.9.9 any\n seq 10 permit tcp any 10.1.0.0/16 eq 443\n",
		"interface ethernet1/1/1\n no shutdown\n switchport access vlan 1\n ip access-group web in\n ip access-group spare out\n"} {
		if !strings.Contains(run, w) {
			t.Errorf("show running-configuration lacks %q:\n%s", w, run)
		}
	}
	if out := tm.cmd("show ip access-lists"); !strings.Contains(out, "IP access list web\n Active on ethernet1/1/1 (in)\n seq 5 deny") {
		t.Errorf("show ip access-lists:\n%s", out)
	}
	// Unbind and delete; "no seq" removes one rule.
	tm.cmd("configure terminal")
	for _, l := range []string{"ip access-list web", "no seq 5", "exit", "interface ethernet1/1/1", "no ip access-group web in",
		"no ip access-group spare out", "exit", "no ip access-list spare"} {
		if out := tm.cmd(l); out != "" {
			t.Errorf("%q: %q", l, out)
		}
	}
	tm.cmd("end")
	if got := summary(d.State().Running, "acls"); got != "web[10 permit tcp any 10.1.0.0/16 eq 443; 20 permit udp 10.0.0.0/8 any range 53 54; 30 permit 47 any any]" {
		t.Errorf("after unbinding: %q", got)
	}
}
