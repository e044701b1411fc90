package simulator

import (
	"regexp"
	"strings"
	"testing"
)

// TestOS9 drives the Dell OS9 simulator with networking-generic-switch's
// netmiko_dell_force10 command set (ngs.md, Appendix A): ports join VLANs
// from the VLAN's side, untagged in one and tagged in many; VLANs in use
// cannot be removed; near misses are refused; write memory saves.
func TestOS9(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "dell-os9", EnableSecret: "s3cret", Users: []User{{Name: "netops", Password: "pw"}}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.send("enable\n")
	tm.expect(regexp.MustCompile(`Password: \z`))
	tm.send("s3cret\n")
	tm.expect(regexp.MustCompile(`tor-1#\z`))
	tm.cmd("terminal length 0")
	port := func(name string) string { return summary(d.State().Running, name) }
	tm.cmd("configure")
	for _, l := range []string{
		"interface vlan 100", "description " + net0, "exit", // ADD_NETWORK
		"interface vlan 200", "description net200", "exit",
		"interface vlan 100", "untagged TenGigabitEthernet0/1", "exit", // PLUG_PORT_TO_NETWORK
		"interface vlan 100", "tagged TenGigabitEthernet 0/2", "exit", // ADD_NETWORK_TO_TRUNK (FTOS's spelling, with a space)
		"interface vlan 200", "tagged TenGigabitEthernet0/2", "exit",
	} {
		if out := tm.cmd(l); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	for name, want := range map[string]string{
		"TenGigabitEthernet0/1": "access vlan=100 native=1 allowed=none",
		"TenGigabitEthernet0/2": "trunk vlan=1 native=1 allowed=100,200",
	} {
		if got := port(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for line, want := range map[string]string{
		"untagged TenGigabitEthernet0/1":    "is untagged in Vlan 100",
		"no untagged TenGigabitEthernet0/3": "is not an untagged member",
		"untagged TenGigabitEthernet0/99":   "Error",
		"untaged TenGigabitEthernet0/3":     "Error",
	} {
		tm.cmd("interface vlan 200")
		if out := tm.cmd(line); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
		tm.cmd("exit")
	}
	if out := tm.cmd("no interface vlan 100"); !strings.Contains(out, "has members") {
		t.Errorf("deleting a VLAN in use: %q", out)
	}
	for _, l := range []string{
		"interface vlan 100", "no untagged TenGigabitEthernet0/1", "no tagged TenGigabitEthernet0/2", "exit", // DELETE_PORT, REMOVE_NETWORK_FROM_TRUNK
		"no interface vlan 100", // DELETE_NETWORK
	} {
		if out := tm.cmd(l); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	if _, ok := d.State().Running.VLANs[100]; ok || port("TenGigabitEthernet0/2") != "trunk vlan=1 native=1 allowed=200" {
		t.Errorf("after removals: VLANs %v, Te0/2 %q", d.State().Running.VLANs, port("TenGigabitEthernet0/2"))
	}
	tm.cmd("end")
	tm.cmd("write memory")
	if st := d.State(); st.Saves != 1 {
		t.Errorf("write memory: saves %d", st.Saves)
	}
	if out := tm.cmd("show running-config"); !strings.Contains(out, "interface Vlan 200\n description net200\n no ip address\n tagged TenGigabitEthernet0/2\n") {
		t.Errorf("show running-config:\n%s", out)
	}
}

// TestOS9PortChannels checks the Port-channel model: a new one is shut
// down; static members with channel-member, LACP ones from the port; a
// port in a VLAN or another port-channel cannot join; a member cannot join
// a VLAN; the port-channel joins VLANs from the VLAN's side; the running
// configuration shows all of it.
func TestOS9PortChannels(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "dell-os9", Users: []User{{Name: "netops", Password: "pw"}}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.cmd("enable")
	tm.cmd("terminal length 0")
	port := func(name string) string { return summary(d.State().Running, name) }
	tm.cmd("configure")
	for _, l := range []string{
		"interface Port-channel 1", "description bond one", "channel-member TenGigabitEthernet 0/1", "no shutdown", "exit",
		"interface Port-channel 2", "exit",
		"interface TenGigabitEthernet0/2", "port-channel-protocol LACP", "port-channel 2 mode active", "exit", "exit",
		"interface vlan 100", "untagged Port-channel 1", "tagged Port-channel2", "untagged TenGigabitEthernet0/3", "exit",
	} {
		if out := tm.cmd(l); strings.Contains(out, "Error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	for name, want := range map[string]string{
		"Port-channel1":         "access vlan=100 native=1 allowed=none desc=bond one members=TenGigabitEthernet0/1 static",
		"Port-channel2":         "trunk vlan=1 native=1 allowed=100 shutdown members=TenGigabitEthernet0/2 lacp",
		"TenGigabitEthernet0/2": "access vlan=1 native=1 allowed=none lag=2/active",
	} {
		if got := port(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, c := range []struct{ mode, line, want string }{
		{"interface Port-channel 2", "channel-member TenGigabitEthernet0/1", "already a member of Port-channel1"},
		{"interface Port-channel 2", "channel-member TenGigabitEthernet0/3", "Layer-2 mode"},
		{"interface Port-channel 2", "no channel-member TenGigabitEthernet0/2", "not a channel-member"},
		{"interface TenGigabitEthernet0/4", "channel-member TenGigabitEthernet0/5", "valid on a Port-channel only"},
		{"interface vlan 200", "untagged TenGigabitEthernet0/1", "is a member of Port-channel1"},
		{"interface TenGigabitEthernet0/3", "no switchport", "member of a VLAN"},
	} {
		tm.cmd(c.mode)
		if out := tm.cmd(c.line); !strings.Contains(out, c.want) {
			t.Errorf("%s / %q: %q, want %q", c.mode, c.line, out, c.want)
		}
		tm.cmd("exit")
	}
	tm.cmd("interface vlan 100")
	tm.cmd("no untagged TenGigabitEthernet0/3")
	tm.cmd("exit")
	if out := tm.cmd("no interface vlan 100"); !strings.Contains(out, "has members") {
		t.Errorf("deleting a VLAN whose members are port-channels: %q", out)
	}
	tm.cmd("interface TenGigabitEthernet0/4")
	tm.cmd("port-channel-protocol LACP")
	if out := tm.cmd("port-channel 9 mode active"); !strings.Contains(out, "Port-channel 9 does not exist") {
		t.Errorf("joining a missing port-channel: %q", out)
	}
	tm.cmd("end")
	out := tm.cmd("show running-config")
	for _, want := range []string{
		"interface TenGigabitEthernet0/2\n no ip address\n port-channel-protocol LACP\n  port-channel 2 mode active\n no shutdown\n",
		"interface Port-channel 1\n description bond one\n no ip address\n switchport\n channel-member TenGigabitEthernet0/1\n no shutdown\n",
		"interface Vlan 100\n no ip address\n tagged Port-channel 2\n untagged Port-channel 1\n",
	} {
		if !strings.Contains(strings.ReplaceAll(out, "!\n", ""), want) {
			t.Errorf("show running-config lacks\n%s\nin\n%s", want, out)
		}
	}
	tm.cmd("configure")
	tm.cmd("interface TenGigabitEthernet0/2")
	tm.cmd("no port-channel-protocol LACP")
	tm.cmd("exit")
	tm.cmd("no interface Port-channel 1")
	if st := d.State().Running; len(st.LAGs) != 1 || st.Ports["TenGigabitEthernet0/1"].LAG != 0 || st.Ports["TenGigabitEthernet0/2"].LAG != 0 {
		t.Errorf("after removing Port-channel1 and Te0/2's LACP: port-channels %v", st.LAGs)
	}
}
