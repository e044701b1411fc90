package simulator

import (
	"strings"
	"testing"
)

// TestJunos drives the Junos simulator with networking-generic-switch's
// netmiko_juniper command set (ngs.md, Appendix A) inside private
// configuration sessions, and checks the candidate/commit model: nothing
// changes before "commit", a commit reaches both the running and the
// saved configuration, leaving without a commit discards, VLANs are named
// and ports join them by name or ID, near misses are refused, and the
// lock fault refuses configuration.
func TestJunos(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos", Users: []User{{Name: "netops", Password: "pw"}}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.cmd("set cli screen-length 0")
	port := func(name string) string { return summary(d.State().Running, name) }

	tm.cmd("configure private")
	for _, l := range []string{
		"set vlans " + net0 + " vlan-id 100", // ADD_NETWORK
		"set vlans net200 vlan-id 200",
		"delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members", // PLUG_PORT_TO_NETWORK
		"set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100",
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode trunk",
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members " + net0, // ADD_NETWORK_TO_TRUNK, by name
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200",     // and by ID
		"set interfaces ge-0/0/2 native-vlan-id 100",
		"set interfaces ge-0/0/5 disable", // DISABLE_PORT
		"set vlans net200 vxlan vni 5200", // PLUG_SWITCH_TO_NETWORK
	} {
		if out := tm.cmd(l); strings.Contains(out, "error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	if got := port("ge-0/0/1"); got != "access vlan=1 native=1 allowed=none" {
		t.Fatalf("before commit ge-0/0/1 = %q: the candidate leaked into the running configuration", got)
	}
	if out := tm.cmd("commit"); !strings.Contains(out, "commit complete") {
		t.Fatalf("commit: %q", out)
	}
	for name, want := range map[string]string{
		"ge-0/0/1": "access vlan=100 native=1 allowed=none",
		"ge-0/0/2": "trunk vlan=1 native=100 allowed=100,200",
		"ge-0/0/5": "access vlan=1 native=1 allowed=none shutdown",
	} {
		if got := port(name); got != want {
			t.Errorf("after commit %s = %q, want %q", name, got, want)
		}
	}
	if st := d.State(); st.Running.VNIs[200] != 5200 || st.Startup.Ports["ge-0/0/1"].AccessVLAN != 100 {
		t.Errorf("VNIs %v; the commit is not in the saved configuration", st.Running.VNIs)
	}

	// Near misses are refused and change nothing.
	for _, l := range []string{"set vlans v1 vlan-number 5", "set vlans v1 vlan-id 5000", "set interfaces ge-0/0/99 disable",
		"set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 999", "sett vlans v1 vlan-id 5"} {
		if out := tm.cmd(l); !strings.Contains(out, "error") {
			t.Errorf("%q was accepted: %q", l, out)
		}
	}
	// Removals, then leaving without a commit discards them.
	tm.cmd("delete interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200") // REMOVE_NETWORK_FROM_TRUNK
	tm.cmd("delete interfaces ge-0/0/5 disable")                                           // ENABLE_PORT
	if out := tm.cmd("delete vlans nosuch"); !strings.Contains(out, "warning: statement not found") {
		t.Errorf("deleting a missing statement: %q, want a warning", out)
	}
	tm.cmd("exit configuration-mode")
	if got := port("ge-0/0/2"); got != "trunk vlan=1 native=100 allowed=100,200" {
		t.Errorf("uncommitted changes survived leaving: ge-0/0/2 = %q", got)
	}
	tm.cmd("configure private")
	tm.cmd("delete vlans net200 vxlan vni") // UNPLUG_SWITCH_FROM_NETWORK
	tm.cmd("delete interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200")
	tm.cmd("delete vlans net200") // DELETE_NETWORK
	tm.cmd("commit and-quit")
	if st := d.State().Running; len(st.VNIs) != 0 || port("ge-0/0/2") != "trunk vlan=1 native=100 allowed=100" {
		t.Errorf("after the second commit: VNIs %v, ge-0/0/2 %q", st.VNIs, port("ge-0/0/2"))
	}
	if _, ok := d.State().Running.VLANs[200]; ok {
		t.Error("VLAN 200 survived its delete")
	}
	// The read-back the driver uses.
	if out := tm.cmd("show configuration interfaces ge-0/0/2 | display set"); !strings.Contains(out,
		"set interfaces ge-0/0/2 native-vlan-id 100\nset interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode trunk\nset interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 100\n") {
		t.Errorf("show configuration: %q", out)
	}
	// The lock fault refuses configuration mode with Junos's text.
	d.SetFault(Fault{ConfigLocked: true})
	if out := tm.cmd("configure private"); !strings.Contains(out, "error: configuration database locked by:") {
		t.Errorf("configure while locked: %q", out)
	}
}

// TestJunosCommitRefusals covers the ways a Junos commit or "configure
// private" is refused, each applying nothing: the commit-lock fault for N
// commits (then commits go through), a failed commit (the save-error
// fault, since the commit is the save), and a shared candidate another
// session left modified.
func TestJunosCommitRefusals(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("set cli screen-length 0")
	access := func() int { return d.State().Running.Ports["ge-0/0/1"].AccessVLAN }
	unchanged := func(when string) {
		t.Helper()
		st := d.State()
		if st.Running.Ports["ge-0/0/1"].AccessVLAN != 1 || st.Startup.Ports["ge-0/0/1"].AccessVLAN != 1 || st.Commits != 0 {
			t.Fatalf("%s: ge-0/0/1 running VLAN %d, saved VLAN %d, %d commits; want nothing applied", when,
				st.Running.Ports["ge-0/0/1"].AccessVLAN, st.Startup.Ports["ge-0/0/1"].AccessVLAN, st.Commits)
		}
	}

	// The commit lock holds for two commits, then lets the third through.
	tm.cmd("configure private")
	tm.cmd("set vlans v100 vlan-id 100")
	tm.cmd("set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100")
	d.SetFault(Fault{CommitLocked: 2})
	for i := range 2 {
		if out := tm.cmd("commit"); !strings.Contains(out, "error: configuration database locked by:") || strings.Contains(out, "commit complete") {
			t.Fatalf("commit %d under the commit lock: %q", i+1, out)
		}
		unchanged("after a locked commit")
	}
	if out := tm.cmd("commit"); !strings.Contains(out, "commit complete") {
		t.Fatalf("the third commit, after the lock: %q", out)
	}
	if st := d.State(); access() != 100 || st.Startup.Ports["ge-0/0/1"].AccessVLAN != 100 {
		t.Fatalf("after the commit went through: running VLAN %d, saved VLAN %d; want 100", access(), st.Startup.Ports["ge-0/0/1"].AccessVLAN)
	}
	if cmds := d.Commands(); cmds[len(cmds)-2].Error == "" || cmds[len(cmds)-1].Error != "" {
		t.Errorf("command log: %+v; want the second commit marked refused and the third accepted", cmds[len(cmds)-3:])
	}

	// A failed commit (the save-error fault) applies nothing; leaving
	// private mode discards the candidate.
	d.SetFault(Fault{SaveError: true})
	tm.cmd("set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 1")
	tm.cmd("delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100")
	if out := tm.cmd("commit"); !strings.Contains(out, "error: commit failed") {
		t.Fatalf("commit with the save fault: %q", out)
	}
	if access() != 100 || d.State().Commits != 1 {
		t.Fatalf("a failed commit applied: ge-0/0/1 on VLAN %d, %d commits", access(), d.State().Commits)
	}
	tm.cmd("exit configuration-mode")
	d.SetFault(Fault{})
	tm.cmd("configure private")
	if out := tm.cmd("commit"); !strings.Contains(out, "commit complete") || access() != 100 {
		t.Fatalf("the failed commit's candidate survived leaving private mode: %q, ge-0/0/1 on VLAN %d", out, access())
	}
	tm.cmd("exit configuration-mode")

	// Another session's uncommitted change in the shared candidate refuses
	// "configure private" and a private commit until it is rolled back.
	other := shell(t, d, "admin", "admin", 0)
	other.expect(other.promptRE())
	tm.cmd("configure private")
	tm.cmd("set vlans v300 vlan-id 300")
	other.cmd("configure")
	other.cmd("set vlans v200 vlan-id 200")
	other.cmd("exit configuration-mode") // the shared change stays, uncommitted
	if out := tm.cmd("commit"); !strings.Contains(out, "error: shared configuration database modified") {
		t.Errorf("private commit over a modified shared candidate: %q", out)
	}
	tm.cmd("exit configuration-mode")
	if out := tm.cmd("configure private"); !strings.Contains(out, "error: shared configuration database modified") {
		t.Errorf("configure private over a modified shared candidate: %q", out)
	}
	if _, ok := d.State().Running.VLANs[300]; ok {
		t.Error("VLAN 300 was committed over a modified shared candidate")
	}
	other.cmd("configure")
	other.cmd("rollback")
	other.cmd("exit configuration-mode")
	if out := tm.cmd("configure private"); strings.Contains(out, "error") {
		t.Fatalf("configure private after the shared change was rolled back: %q", out)
	}
	tm.cmd("set vlans v300 vlan-id 300")
	if out := tm.cmd("commit and-quit"); !strings.Contains(out, "commit complete") {
		t.Fatalf("commit after the shared change was rolled back: %q", out)
	}
	if _, ok := d.State().Running.VLANs[200]; ok {
		t.Error("the rolled-back shared change reached the running configuration")
	}
}
