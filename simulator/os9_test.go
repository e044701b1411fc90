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
