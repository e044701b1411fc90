package simulator

import (
	"regexp"
	"strings"
	"testing"
)

// TestSonic drives the SONiC simulator with networking-generic-switch's
// netmiko_sonic command set (ngs.md, Appendix A) through sudo, and checks
// the membership model: untagged in one VLAN, tagged in many, VLANs
// created before use and not deletable while in use, sudo asking for its
// password every time and refusing a wrong one, near misses refused, the
// lock and save faults.
func TestSonic(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", EnableSecret: "sudo-pw", Users: []User{{Name: "admin", Password: "pw"}}})
	tm := shell(t, d, "admin", "pw", 0)
	prompt := regexp.MustCompile(`admin@tor-1:~\$ \z`)
	tm.expect(prompt)
	sudo := func(line, password string) string {
		t.Helper()
		tm.send(line + "\n")
		tm.expect(regexp.MustCompile(`\[sudo\] password for admin: \z`))
		tm.send(password + "\n")
		return tm.expect(prompt)
	}
	port := func(name string) string { return summary(d.State().Running, name) }
	for _, l := range []string{
		"sudo config vlan add 100", // ADD_NETWORK
		"sudo config vlan add 200",
		"sudo config vlan member add -u 100 Ethernet0", // PLUG_PORT_TO_NETWORK
		"sudo config vlan member add 100 Ethernet4",    // ADD_NETWORK_TO_TRUNK
		"sudo config vlan member add 200 Ethernet4",
		"sudo config interface shutdown Ethernet8",
	} {
		if out := sudo(l, "sudo-pw"); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	for name, want := range map[string]string{
		"Ethernet0": "access vlan=100 native=1 allowed=none",
		"Ethernet4": "trunk vlan=1 native=1 allowed=100,200",
		"Ethernet8": "access vlan=1 native=1 allowed=none shutdown",
	} {
		if got := port(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for line, want := range map[string]string{
		"sudo config vlan member add -u 200 Ethernet0": "already an untagged member of Vlan100",
		"sudo config vlan member add 300 Ethernet0":    "Vlan300 does not exist",
		"sudo config vlan del 100":                     "First remove all members",
		"sudo config vlan add 100":                     "Vlan100 already exists",
		"sudo config vlan member del 300 Ethernet0":    "Vlan300 does not exist",
	} {
		if out := sudo(line, "sudo-pw"); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	if out := sudo("sudo config vlan del 200", "wrong"); !strings.Contains(out, "incorrect password") || d.State().Running.VLANs[200].ID != 200 {
		t.Errorf("a wrong sudo password: %q", out)
	}
	for _, l := range []string{"sudo config vlan adds 300", "sudo config vlan member add 100 Ethernet2", "config vlan add 300"} {
		tm.send(l + "\n")
		out := tm.expect(regexp.MustCompile(`(admin@tor-1:~\$ |password for admin: )\z`))
		if strings.HasSuffix(out, "password for admin: ") {
			out = sudo("", "sudo-pw")
		}
		if !strings.Contains(out, "rror") && !strings.Contains(out, "syntax") {
			t.Errorf("%q was accepted: %q", l, out)
		}
	}
	// DELETE_PORT and REMOVE_NETWORK_FROM_TRUNK, then DELETE_NETWORK.
	sudo("sudo config vlan member del 100 Ethernet0", "sudo-pw")
	sudo("sudo config vlan member del 200 Ethernet4", "sudo-pw")
	if port("Ethernet0") != "access vlan=1 native=1 allowed=none" || port("Ethernet4") != "trunk vlan=1 native=1 allowed=100" {
		t.Errorf("after removals: %q %q", port("Ethernet0"), port("Ethernet4"))
	}
	sudo("sudo config vlan del 200", "sudo-pw")
	if _, ok := d.State().Running.VLANs[200]; ok {
		t.Error("VLAN 200 survived its delete")
	}
	tm.send("show runningconfiguration all\n")
	if out := tm.expect(prompt); !strings.Contains(out, `"Vlan100|Ethernet4": {`) || !strings.Contains(out, `"tagging_mode": "tagged"`) {
		t.Errorf("show runningconfiguration all:\n%s", out)
	}
	if out := sudo("sudo config save -y", "sudo-pw"); d.State().Saves != 1 || strings.Contains(out, "Error") {
		t.Errorf("save: %q, saves %d", out, d.State().Saves)
	}
	d.SetFault(Fault{SaveError: true})
	if out := sudo("sudo config save -y", "sudo-pw"); !strings.Contains(out, "Error: config save failed") {
		t.Errorf("save with the save fault: %q", out)
	}
	d.SetFault(Fault{ConfigLocked: true})
	tm.send("sudo config vlan add 300\n")
	if out := tm.expect(prompt); !strings.Contains(out, "Error: Configuration is locked") {
		t.Errorf("a change while locked: %q", out)
	}
}

// TestSonicPortChannels checks the PortChannel model: LACP unless created
// static, members carry no VLAN and a port in a VLAN cannot join, the
// port-channel joins VLANs itself, the description is unquoted as bash
// would, and a port-channel in use cannot be deleted.
func TestSonicPortChannels(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", Users: []User{{Name: "admin", Password: "pw"}}})
	tm := shell(t, d, "admin", "pw", 0)
	prompt := regexp.MustCompile(`admin@tor-1:~\$ \z`)
	tm.expect(prompt)
	run := func(l string) string {
		t.Helper()
		tm.send(l + "\n")
		return tm.expect(prompt)
	}
	port := func(name string) string { return summary(d.State().Running, name) }
	for _, l := range []string{
		"sudo config vlan add 100",
		"sudo config portchannel add PortChannel1",
		"sudo config portchannel add --static true PortChannel2",
		`sudo config interface description PortChannel2 'bond '\''a'\'' b'`,
		"sudo config portchannel member add PortChannel1 Ethernet0",
		"sudo config portchannel member add PortChannel2 Ethernet4",
		"sudo config vlan member add -u 100 PortChannel1",
		"sudo config vlan member add -u 100 Ethernet8",
		"sudo config vlan add 300",
		"sudo config vlan member add 300 PortChannel2",
	} {
		if out := run(l); strings.Contains(out, "Error") || strings.Contains(out, "syntax") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	for name, want := range map[string]string{
		"PortChannel1": "access vlan=100 native=1 allowed=none members=Ethernet0 lacp",
		"PortChannel2": "trunk vlan=1 native=1 allowed=300 desc=bond 'a' b members=Ethernet4 static",
		"Ethernet0":    "access vlan=1 native=1 allowed=none lag=1/active",
		"Ethernet4":    "access vlan=1 native=1 allowed=none lag=2/on",
	} {
		if got := port(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for line, want := range map[string]string{
		"sudo config portchannel member add PortChannel2 Ethernet0":  "already a member of PortChannel1",
		"sudo config portchannel member add PortChannel2 Ethernet8":  "has VLAN memberships",
		"sudo config portchannel member add PortChannel3 Ethernet12": "PortChannel3 is not present",
		"sudo config portchannel member del PortChannel2 Ethernet0":  "not a member of portchannel PortChannel2",
		"sudo config vlan member add 100 Ethernet0":                  "part of portchannel PortChannel1",
		"sudo config portchannel add PortChannel1":                   "PortChannel1 already exists",
		"sudo config portchannel add PortChannel0001":                "syntax error",
		"sudo config portchannel del PortChannel2":                   "has members Ethernet4",
		"sudo config vlan del 300":                                   "First remove all members",
	} {
		if out := run(line); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	out := run("show runningconfiguration all")
	for _, want := range []string{`"PortChannel2|Ethernet4": {}`, `"Vlan100|PortChannel1": {`, `"description": "bond 'a' b"`, `"static": "true"`} {
		if !strings.Contains(out, want) {
			t.Errorf("show runningconfiguration all lacks %s:\n%s", want, out)
		}
	}
	run("sudo config portchannel member del PortChannel1 Ethernet0")
	if out := run("sudo config portchannel del PortChannel1"); !strings.Contains(out, "is a VLAN member") {
		t.Errorf("deleting a port-channel in a VLAN: %q", out)
	}
	run("sudo config vlan member del 100 PortChannel1")
	run("sudo config portchannel del PortChannel1")
	if _, ok := d.State().Running.LAGs[1]; ok || port("Ethernet0") != "access vlan=1 native=1 allowed=none" {
		t.Errorf("after deleting PortChannel1: %v, Ethernet0 %q", d.State().Running.LAGs, port("Ethernet0"))
	}
}
