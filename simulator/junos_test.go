package simulator

import (
	"reflect"
	"regexp"
	"strconv"
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
	for l, want := range map[string]string{
		"set vlans v1 vlan-number 5":       "syntax error.",
		"set vlans v1 vlan-id 5000":        "syntax error.",
		"set interfaces ge-0/0/99 disable": "syntax error.",
		"set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 999": "error: vlan 999 does not exist",
		// An unknown first word is an unknown command, with the caret
		// under it (the prompt "netops@tor-1# " is 14 characters).
		"sett vlans v1 vlan-id 5": strings.Repeat(" ", 14) + "^\nunknown command.\n",
	} {
		if out := tm.cmd(l); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", l, out, want)
		}
	}
	// Removals, then leaving without a commit discards them.
	tm.cmd("delete interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200") // REMOVE_NETWORK_FROM_TRUNK
	tm.cmd("delete interfaces ge-0/0/5 disable")                                           // ENABLE_PORT
	if out := tm.cmd("delete vlans nosuch"); !strings.Contains(out, "warning: statement not found") {
		t.Errorf("deleting a missing statement: %q, want a warning", out)
	}
	// Leaving with changes not committed asks first; "no" stays.
	tm.send("exit configuration-mode\n")
	tm.expect(junosExitQuestion)
	if out := tm.cmd("no"); strings.Contains(out, "Exiting") {
		t.Fatalf("answering no to the exit question left configuration mode: %q", out)
	}
	leaveJunosConfig(tm)
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
	leaveJunosConfig(tm)
	d.SetFault(Fault{})
	tm.cmd("configure private")
	if out := tm.cmd("commit"); !strings.Contains(out, "commit complete") || access() != 100 {
		t.Fatalf("the failed commit's candidate survived leaving private mode: %q, ge-0/0/1 on VLAN %d", out, access())
	}
	leaveJunosConfig(tm)

	// Another session's uncommitted change in the shared candidate refuses
	// "configure private" and a private commit until it is rolled back.
	other := shell(t, d, "admin", "admin", 0)
	other.expect(other.promptRE())
	tm.cmd("configure private")
	tm.cmd("set vlans v300 vlan-id 300")
	other.cmd("configure")
	other.cmd("set vlans v200 vlan-id 200")
	leaveJunosConfig(other) // the shared change stays, uncommitted
	if out := tm.cmd("commit"); !strings.Contains(out, "error: shared configuration database modified") {
		t.Errorf("private commit over a modified shared candidate: %q", out)
	}
	leaveJunosConfig(tm)
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

// TestJunosVXLAN covers the VXLAN and EVPN statements of NGS's
// netmiko_juniper (PLUG_SWITCH_TO_NETWORK, PLUG_MCAST_GROUP,
// PLUG_EVPN_VRF_TARGET and their deletes): what each sets, that deleting
// the VLAN takes them with it, that deleting one that is not there warns,
// and that near misses are refused with Junos's text and change nothing.
func TestJunosVXLAN(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos", Users: []User{{Name: "netops", Password: "pw"}}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.cmd("set cli screen-length 0")
	tm.cmd("configure private")
	ok := func(lines ...string) {
		t.Helper()
		for _, l := range lines {
			if out := tm.cmd(l); strings.Contains(out, "error") || strings.Contains(out, "warning") {
				t.Fatalf("%q refused: %s", l, out)
			}
		}
	}
	ok("set vlans v100 vlan-id 100", "set vlans v200 vlan-id 200",
		"set vlans v100 vxlan vni 5100",
		"set vlans v100 vxlan multicast-group 239.1.1.100",
		"set vlans v100 vrf-target target:65000:5100",
		"set vlans v200 vrf-target target:192.0.2.1:200",   // an IPv4 administrator
		"set vlans v200 vrf-target target:4200000000L:7",   // a 4-byte AS, replacing the first
		"set vlans v200 vxlan multicast-group 239.1.1.100", // groups may be shared
		"commit")
	run := d.State().Running
	if run.VNIs[100] != 5100 || run.Flood.PerVLAN[100] != "239.1.1.100" || run.VRFTargets[100] != "target:65000:5100" ||
		run.VRFTargets[200] != "target:4200000000L:7" || run.Flood.PerVLAN[200] != "239.1.1.100" {
		t.Fatalf("after the commit: VNIs %v, flooding %v, targets %v", run.VNIs, run.Flood.PerVLAN, run.VRFTargets)
	}
	before := d.State()
	for line, want := range map[string]string{
		"set vlans v100 vxlan multicast-group 10.1.1.1":         "not a multicast address",
		"set vlans v100 vxlan multicast-group 239.1.1":          "syntax error",
		"set vlans v100 vxlan multicast-group ff0e::1":          "syntax error",
		"set vlans v100 vxlan multicast-group":                  "syntax error",
		"set vlans v100 vxlan mcast-group 239.1.1.1":            "syntax error",
		"set vlans v100 vxlan multicast-group 239.1.1.1 source": "syntax error",
		"set vlans nosuch vxlan multicast-group 239.1.1.1":      "error: vlan nosuch has no vlan-id",
		"set vlans v100 vrf-target 65000:5100":                  "invalid community",
		"set vlans v100 vrf-target target:65000":                "invalid community",
		"set vlans v100 vrf-target target:as65000:5100":         "invalid community",
		"set vlans v100 vrf-target target:0:5100":               "invalid community",
		"set vlans v100 vrf-target target:65000:99999999999":    "invalid community",
		"set vlans v100 vrf-target":                             "syntax error",
		"set vlans v100 route-target target:65000:5100":         "syntax error",
		"set vlans nosuch vrf-target target:65000:5100":         "error: vlan nosuch has no vlan-id",
		"delete vlans v100 vrf-target target:65000:5100":        "syntax error",
		"delete vlans v100 vxlan multicast-group 239.1.1.100":   "syntax error",
		"delete vlans v100 vxlan vni 5100":                      "syntax error",
	} {
		if out := tm.cmd(line); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		} else if testing.Verbose() {
			t.Logf("%s\n%s", line, out)
		}
	}
	tm.cmd("commit")
	if after := d.State(); !reflect.DeepEqual(after.Running, before.Running) {
		t.Errorf("the refused statements changed the configuration: %v -> %v", before.Running.VRFTargets, after.Running.VRFTargets)
	}

	// The deletes NGS sends; a second one finds nothing and warns.
	ok("delete vlans v100 vxlan multicast-group", "delete vlans v100 vxlan vni", "delete vlans v100 vrf-target", "commit")
	for _, l := range []string{"delete vlans v100 vxlan multicast-group", "delete vlans v100 vxlan vni", "delete vlans v100 vrf-target"} {
		if out := tm.cmd(l); !strings.Contains(out, "warning: statement not found") {
			t.Errorf("%q on a VLAN without it: %q, want a warning", l, out)
		}
	}
	// Deleting a VLAN deletes its whole stanza.
	ok("delete vlans v200", "commit and-quit")
	run = d.State().Running
	if len(run.VNIs) != 0 || len(run.Flood.PerVLAN) != 0 || len(run.VRFTargets) != 0 {
		t.Errorf("left behind: VNIs %v, flooding %v, targets %v", run.VNIs, run.Flood.PerVLAN, run.VRFTargets)
	}
	if !reflect.DeepEqual(d.State().Startup, run) {
		t.Error("the commit did not save")
	}
}

// junosShowVLANs is the layout of "show vlans": the header, VLAN lines
// (routing instance, name, tag) and interface lines (a logical interface
// at column 59, "*" when up), as captured ELS output has them.
var junosShowVLANsLine = regexp.MustCompile(`^(Routing instance {8}VLAN name {13}Tag {10}Interfaces|default-switch {10}\S+ +\d{1,4}| {59}(ge-|xe-|ae)\S+\.0\*?)$`)

// TestJunosShowVLANs checks "show vlans" line by line against the ELS
// layout, and reads it as NGS's netmiko_juniper does: _parse_vlan_name
// (the second and third white-space separated fields of a line) must find
// every VLAN's name by its tag, the lookup NGS makes before each VXLAN
// statement. NGS's _parse_vlan_ports and _parse_vlan_vni expect more than
// ELS prints (an interface on the VLAN's own line; a "VNI:" line): the
// layout here is the device's, so they find neither; the test pins that.
func TestJunosShowVLANs(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos", Users: []User{{Name: "netops", Password: "pw"}},
		Ports: []string{"ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4", "xe-0/0/10"}})
	tm := shell(t, d, "netops", "pw", 0)
	tm.expect(tm.promptRE())
	tm.cmd("set cli screen-length 0")
	tm.cmd("configure private")
	for _, l := range []string{
		"set vlans " + net0 + " vlan-id 100", "set vlans v200 vlan-id 200", "set vlans v3000 vlan-id 3000",
		"set vlans a-name-of-exactly-22ch vlan-id 1234",
		"set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100",
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode trunk",
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 200",
		"set interfaces ge-0/0/2 unit 0 family ethernet-switching vlan members 3000",
		"set interfaces ge-0/0/2 native-vlan-id 100",
		"set interfaces ge-0/0/3 ether-options 802.3ad ae1", "set interfaces ge-0/0/4 ether-options 802.3ad ae1",
		"set interfaces ae1 unit 0 family ethernet-switching vlan members 200",
		"set interfaces xe-0/0/10 disable",
		"set vlans v200 vxlan vni 5200",
		"commit and-quit",
	} {
		if out := tm.cmd(l); strings.Contains(out, "error") {
			t.Fatalf("%q refused: %s", l, out)
		}
	}
	out := tm.cmd("show vlans")
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !junosShowVLANsLine.MatchString(l) {
			t.Errorf("show vlans line %q is not in the ELS layout", l)
		}
	}
	want := "default-switch          default                  1\n" +
		"                                                           xe-0/0/10.0\n" +
		"default-switch          " + net0 + " 100\n" +
		"                                                           ge-0/0/1.0*\n" +
		"                                                           ge-0/0/2.0*\n" + // its native VLAN
		"default-switch          v200                   200\n" +
		"                                                           ae1.0*\n" +
		"                                                           ge-0/0/2.0*\n" +
		"default-switch          a-name-of-exactly-22ch 1234\n" +
		"default-switch          v3000                 3000\n" +
		"                                                           ge-0/0/2.0*\n"
	if !strings.Contains(out, want) {
		t.Errorf("show vlans:\n%s\nwant it to contain:\n%s", out, want)
	}

	// NGS's readings of the output.
	fields := func(id int) []string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] != "Routing" && f[2] == strconv.Itoa(id) {
				return f
			}
		}
		return nil
	}
	for id, name := range map[int]string{1: "default", 100: net0, 200: "v200", 1234: "a-name-of-exactly-22ch", 3000: "v3000"} {
		if f := fields(id); f == nil || f[1] != name {
			t.Errorf("NGS's _parse_vlan_name for %d: fields %q, want the name %q", id, f, name)
		}
	}
	if f := fields(100); len(f) >= 4 {
		t.Errorf("VLAN 100's line has interfaces on it (%q): ELS lists them below", f)
	}
	if strings.Contains(out, "VNI") {
		t.Errorf("show vlans prints a VNI: %q", out)
	}
	// Near misses, with the caret under the bad word ("netops@tor-1> " is
	// 14 characters).
	for l, want := range map[string]string{
		"shw vlans":        strings.Repeat(" ", 14) + "^\nunknown command.\n",
		"show vlanz":       strings.Repeat(" ", 19) + "^\nsyntax error.\n",
		"show vlans 100 x": strings.Repeat(" ", 25) + "^\nsyntax error.\n",
	} {
		if got := tm.cmd(l); got != want {
			t.Errorf("%q: %q, want %q", l, got, want)
		}
	}
}

// junosNetmikoScript drives the device as NGS's netmiko_juniper does with
// netmiko's juniper_junos class: per operation, config_mode("configure
// private"), send_config_set(..., exit_config_mode=False) and commit()
// (NGS's save_configuration), then leaving configuration mode as netmiko's
// disconnect does; then "show vlans" with send_command, as
// _get_vlan_name_by_id reads it. NGS connects once per operation; one
// connection here keeps the test short (netmiko's session setup takes
// seconds).
const junosNetmikoScript = `
import json, sys
from netmiko import ConnectHandler
req = json.load(open(sys.argv[1]))
conn = ConnectHandler(device_type="juniper_junos", host="127.0.0.1", port=req["port"],
                      username=req["username"], password=req["password"],
                      allow_agent=False, use_keys=False, timeout=30)
out = {"config": [], "commit": [], "prompt": conn.find_prompt()}
for op in req["ops"]:
    conn.config_mode(config_command="configure private")
    out["config"].append(conn.send_config_set(config_commands=op, exit_config_mode=False))
    out["commit"].append(conn.commit())
    conn.exit_config_mode()
out["show"] = conn.send_command("show vlans")
conn.disconnect()
print(json.dumps(out))
`

// TestJunosNetmiko runs netmiko, the client NGS is built on, against the
// Junos simulator the way NGS's Juniper class uses it: netmiko's session
// preparation, private configuration sessions, commit, and show vlans.
func TestJunosNetmiko(t *testing.T) {
	if testing.Short() {
		t.Skip("netmiko sessions take seconds; skipped under -short")
	}
	py := netmikoPython(t)
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "juniper-junos", Users: []User{{Name: "ngs", Password: "pw"}}})
	req := map[string]any{"port": d.Port(), "username": "ngs", "password": "pw", "ops": [][]string{
		{"set vlans " + net0 + " vlan-id 100", // ADD_NETWORK and PLUG_PORT_TO_NETWORK, in one session to keep the test short
			"delete interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members",
			"set interfaces ge-0/0/1 unit 0 family ethernet-switching vlan members 100"},
		{"set vlans " + net0 + " vxlan vni 5100", "set vlans " + net0 + " vxlan multicast-group 239.1.1.100",
			"set vlans " + net0 + " vrf-target target:65000:5100"},
	}}
	var res struct {
		Config, Commit []string
		Prompt, Show   string
	}
	runNetmiko(t, py, junosNetmikoScript, req, &res)
	if res.Prompt != "ngs@tor-1>" {
		t.Errorf("netmiko found prompt %q", res.Prompt)
	}
	for i, c := range res.Commit {
		if !strings.Contains(c, "commit complete") {
			t.Errorf("commit %d: %q", i+1, c)
		}
	}
	if want := "default-switch          " + net0 + " 100\n" + strings.Repeat(" ", 59) + "ge-0/0/1.0*"; !strings.Contains(res.Show, want) {
		t.Errorf("show vlans through netmiko: %q; want it to contain %q", res.Show, want)
	}
	snap := d.State()
	if snap.Startup.Ports["ge-0/0/1"].AccessVLAN != 100 || snap.Startup.VNIs[100] != 5100 || snap.Startup.Flood.PerVLAN[100] != "239.1.1.100" ||
		snap.Startup.VRFTargets[100] != "target:65000:5100" || snap.Commits != 2 {
		t.Errorf("after netmiko: saved ge-0/0/1 VLAN %d, VNIs %v, flooding %v, targets %v, %d commits", snap.Startup.Ports["ge-0/0/1"].AccessVLAN,
			snap.Startup.VNIs, snap.Startup.Flood.PerVLAN, snap.Startup.VRFTargets, snap.Commits)
	}
	for _, c := range d.Commands() {
		if c.Error != "" {
			t.Errorf("netmiko's %q (in %s) was refused: %s", c.Line, c.Mode, c.Error)
		}
	}
}

// junosExitQuestion is what Junos asks on leaving configuration mode with
// changes not committed.
var junosExitQuestion = regexp.MustCompile(`Exit with uncommitted changes\? \[yes,no\] \(yes\) \z`)

// leaveJunosConfig leaves configuration mode, answering yes if Junos asks
// about uncommitted changes.
func leaveJunosConfig(tm *term) {
	tm.t.Helper()
	tm.send("exit configuration-mode\n")
	out := tm.expect(regexp.MustCompile(tm.promptRE().String() + "|" + junosExitQuestion.String()))
	if junosExitQuestion.MatchString(out) {
		tm.cmd("yes")
	}
}
