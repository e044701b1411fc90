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

// TestOS10SecurityGroupNetmiko sends NGS's Dell OS10 security-group
// templates through netmiko's dell_os10 driver, as NGS does: an
// independent check that the access-list mode's prompt and the show
// commands inside the configuration set work for a real client.
func TestOS10SecurityGroupNetmiko(t *testing.T) {
	if testing.Short() {
		t.Skip("netmiko sessions take seconds; skipped under -short")
	}
	py := netmikoPython(t)
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "dell-os10", EnableSecret: "en",
		Users: []User{{Name: "ngs", Password: "pw", Privileged: true}}})
	templates := ngsTemplates("dell-os10")
	sg := []string{"security_group_ingress", "ngs-out-sg1", "security_group_egress", "ngs-in-sg1"}
	// Two configuration sets, as NGS's batching joins operations: the
	// group and its rules, then the binding (netmiko takes seconds a set).
	var create []string
	for _, o := range []op{
		ngs("ADD_SECURITY_GROUP", sg...),
		ngs("ADD_SECURITY_GROUP_RULE_INGRESS", append(sg, "protocol", "tcp", "remote_ip_prefix", "10.0.0.0/24", "filter", "eq 22")...),
		ngs("ADD_SECURITY_GROUP_RULE_EGRESS", append(sg, "protocol", "udp", "remote_ip_prefix", "192.168.0.0/16", "filter", "range 5000 5100")...),
	} {
		create = append(create, o.lines(t, templates)...)
	}
	ops := [][]string{create, ngs("BIND_SECURITY_GROUP", append(sg, "port", "ethernet1/1/1")...).lines(t, templates)}
	req := map[string]any{"device_type": "dell_os10", "port": d.Port(), "username": "ngs", "password": "pw",
		"secret": "en", "ops": ops, "shows": []string{"show running-configuration interface ethernet1/1/1"}}
	var res struct {
		Config []string
		Shows  []string
	}
	runNetmiko(t, py, netmikoScript, req, &res)
	if len(res.Config) != 2 || !strings.Contains(res.Config[1], "Egress IP access list ngs-out-sg1") {
		t.Errorf("BIND_SECURITY_GROUP through netmiko printed %q", res.Config)
	}
	if len(res.Shows) != 1 || !strings.Contains(res.Shows[0], " ip access-group ngs-in-sg1 in\n ip access-group ngs-out-sg1 out") {
		t.Errorf("the port through netmiko: %q", res.Shows)
	}
	snap := d.State()
	if got := summary(snap.Startup, "acls"); got != "ngs-in-sg1[10 permit udp any 192.168.0.0/16 range 5000 5100] "+
		"ngs-out-sg1[10 permit tcp 10.0.0.0/24 any eq 22] ethernet1/1/1:in=ngs-in-sg1,out=ngs-out-sg1" || snap.Saves != 1 {
		t.Errorf("saved after netmiko: %q, saves %d", got, snap.Saves)
	}
	for _, c := range d.Commands() {
		if c.Error != "" {
			t.Errorf("netmiko's %q (in %s) was refused: %s", c.Line, c.Mode, c.Error)
		}
	}
}
