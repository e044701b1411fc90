package simulator

import (
	"reflect"
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
		"sudo config portchannel add PortChannel0001":                "No such command",
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

// TestSonicRootShell checks the shell NGS works in: "sudo -s" asks for the
// password and refuses a wrong one; root's shell takes bare config
// commands and sudo without a password; "exit" returns to the user, whose
// bare config commands and vtysh are refused without a change; the show
// commands work in both shells.
func TestSonicRootShell(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", EnableSecret: "sudo-pw", Users: []User{{Name: "admin", Password: "pw"}}})
	tm := shell(t, d, "admin", "pw", 0)
	user, root := regexp.MustCompile(`admin@tor-1:~\$ \z`), regexp.MustCompile(`root@tor-1:/home/admin# \z`)
	pw := regexp.MustCompile(`\[sudo\] password for admin: \z`)
	tm.expect(user)
	tm.send("sudo -s\n")
	tm.expect(pw)
	tm.send("wrong\n")
	if out := tm.expect(user); !strings.Contains(out, "incorrect password") {
		t.Errorf("sudo -s with a wrong password: %q", out)
	}
	tm.send("sudo -s\n")
	tm.expect(pw)
	tm.send("sudo-pw\n")
	tm.expect(root)
	for _, l := range []string{"config vlan add 100", "sudo config vlan add 200", "config vlan member add -u 100 Ethernet0"} {
		if out := tm.cmdUntil(l, root); out != "" {
			t.Errorf("%q as root: %q", l, out)
		}
	}
	if got := summary(d.State().Running, "vlans"); got != "1: 100:Vlan100 200:Vlan200" {
		t.Errorf("VLANs after root's commands: %q", got)
	}
	// Refusals in the words NGS's ERROR_MSG_PATTERNS look for.
	rootBefore := d.State()
	for line, want := range map[string]string{
		"config vlan add 4095":                 "Invalid Vlan Id , Valid Range : 1 to 4094",
		"config vlan member add 100 Ethernet2": "Interface name is invalid!!",
		"config vlan adds 300":                 `No such command "adds"`,
		"config vxlan map add vtep 100 0":      "Invalid VNI 0",
	} {
		if out := tm.cmdUntil(line, root); !strings.Contains(out, want) {
			t.Errorf("%q as root: %q, want %q", line, out, want)
		}
	}
	if !reflect.DeepEqual(rootBefore, d.State()) {
		t.Error("a refused line changed the state")
	}
	if out := tm.cmdUntil("logout", root); !strings.Contains(out, "not login shell") {
		t.Errorf("logout in root's shell: %q", out)
	}
	if out := tm.cmdUntil("show vlan 100", root); !strings.Contains(out, "| Ethernet0 | untagged") {
		t.Errorf("show vlan 100 as root: %q", out)
	}
	tm.cmdUntil("exit", user)
	before := d.State()
	for line, want := range map[string]string{
		"config vlan add 300":           "Root privileges are required",
		"config save -y":                "Root privileges are required",
		`vtysh -c "configure terminal"`: "failed to connect to any daemons",
		"rm -f /etc/sonic/acl-x.json":   "Permission denied",
		`echo -n "eA==" | base64 -d | gunzip > /etc/sonic/acl-x.json`:      "Permission denied",
		`sudo echo -n "eA==" | base64 -d | gunzip > /etc/sonic/acl-x.json`: "Permission denied",
		"show vlan 4095":            "Invalid Vlan Id , Valid Range : 1 to 4094",
		"show vlan brf":             "No such command",
		"show vxlan vlanvnimap all": "No such command",
		"config vlan ad 300":        "Error",
	} {
		if out := tm.cmdUntil(line, user); !strings.Contains(out, want) {
			t.Errorf("%q in the user's shell: %q, want %q", line, out, want)
		}
	}
	if after := d.State(); !reflect.DeepEqual(before, after) {
		t.Error("a refused line changed the state")
	}
	if out := tm.cmdUntil("show vlan 100", user); !strings.Contains(out, "|     100 |            | Ethernet0 | untagged") {
		t.Errorf("show vlan 100 as the user: %q", out)
	}
}

// TestSonicVtysh checks FRR's EVPN through vtysh: the node each command
// needs, one BGP instance, VNIs added and removed, and refusals that leave
// FRR as it was.
func TestSonicVtysh(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", Users: []User{{Name: "admin", Password: "pw"}}})
	tm := shell(t, d, "admin", "pw", 0)
	user, root := regexp.MustCompile(`admin@tor-1:~\$ \z`), regexp.MustCompile(`root@tor-1:/home/admin# \z`)
	tm.expect(user)
	tm.send("sudo -s\n")
	tm.expect(root)
	const evpn = `vtysh -c "configure terminal" -c "router bgp 65000" -c "address-family l2vpn evpn" `
	if out := tm.cmdUntil(evpn+`-c "vni 5100" -c "rd auto" -c "route-target import auto" -c "route-target export auto"`, root); out != "" {
		t.Fatalf("PLUG_EVPN_VNI: %q", out)
	}
	tm.cmdUntil(evpn+`-c "vni 5200"`, root)
	if got := summary(d.State().Running, "frr"); got != "asn=65000 vni=5100/rd/import/export vni=5200" {
		t.Errorf("FRR = %q", got)
	}
	before := d.State()
	for line, want := range map[string]string{
		`vtysh -c "router bgp 65000"`:                                          "% Unknown command: router bgp 65000",
		`vtysh -c "configure terminal" -c "address-family l2vpn evpn"`:         "% Unknown command: address-family l2vpn evpn",
		`vtysh -c "configure terminal" -c "router bgp 65001"`:                  "AS is 65000",
		evpn + `-c "no vni 5300"`:                                              "Failed to delete VNI 5300",
		evpn + `-c "vni 0"`:                                                    "Invalid VNI",
		evpn + `-c "vni 5300" -c "rd 1:1"`:                                     "% Unknown command: rd 1:1",
		`vtysh -x "configure terminal"`:                                        "invalid option",
		`vtysh`:                                                                "Error: Missing argument.",
		`vtysh -c "configure terminal" -c "router bgp 65000" -c "vni 5300"`:    "% Unknown command: vni 5300",
		`vtysh -c "configure terminal" -c "router bgp 65000" -c "no vni 5100"`: "% Unknown command: no vni 5100",
	} {
		if out := tm.cmdUntil(line, root); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	if after := d.State(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused vtysh changed FRR: %q", summary(d.State().Running, "frr"))
	}
	tm.cmdUntil(evpn+`-c "no vni 5200"`, root)
	if got := summary(d.State().Running, "frr"); got != "asn=65000 vni=5100/rd/import/export" {
		t.Errorf("after no vni 5200: FRR = %q", got)
	}
	if out := tm.cmdUntil(`vtysh -c "show running-config"`, root); !strings.Contains(out, "router bgp 65000\n !\n address-family l2vpn evpn\n  vni 5100\n   rd auto\n") {
		t.Errorf("vtysh show running-config:\n%s", out)
	}
}

// TestSonicSecurityGroupNearMisses: lines close to NGS's security-group
// commands are refused without a change, among them Dell Enterprise
// SONiC's table commands, which community SONiC does not have.
func TestSonicSecurityGroupNearMisses(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", Users: []User{{Name: "admin", Password: "pw"}}})
	tm := shell(t, d, "admin", "pw", 0)
	root := regexp.MustCompile(`root@tor-1:/home/admin# \z`)
	tm.expect(regexp.MustCompile(`admin@tor-1:~\$ \z`))
	tm.send("sudo -s\n")
	tm.expect(root)
	acl := sonicACLDoc()
	for _, l := range []string{
		"config acl add table NGS_IN_SG1 L3V4V6 -p Ethernet0 -s ingress",
		`echo -n "` + acl + `" | base64 -d | gunzip > /etc/sonic/acl-ngs-sg1.json`,
	} {
		if out := tm.cmdUntil(l, root); out != "" {
			t.Fatalf("%q: %q", l, out)
		}
	}
	before := d.State()
	for line, want := range map[string]string{
		"config acl table add NGS_IN_SG1 L3V4V6 -p Ethernet0 -s ingress":      `No such command "table"`,
		"config acl table delete NGS_IN_SG1":                                  `No such command "table"`,
		"config acl add table NGS_X L3V4V6 -p Ethernet99 -s ingress":          "Cannot bind ACL to specified port Ethernet99",
		"config acl add table NGS_X MIRROR -p Ethernet0 -s ingress":           "Invalid value for \"TABLE_TYPE\"",
		"config acl add table NGS_X L3V4V6 -p Ethernet0 -s both":              `No such command "both"`,
		"config acl add table NGS_X L3V4V6 -p Ethernet0":                      "Missing argument",
		`echo -n "%%%" | base64 -d | gunzip > /etc/sonic/acl-y.json`:          "base64: invalid input",
		`echo -n "eA==" | base64 -d | gunzip > /etc/sonic/acl-y.json`:         "not in gzip format",
		`echo -n "` + acl + `" | base64 -d | gunzip > /tmp/acl-y.json`:        "only files in /etc/sonic",
		`echo -n "` + acl + `" | base64 -d > /etc/sonic/acl-y.json`:           "is simulated",
		"acl-loader update full --table_name NGS_IN_SG1 /etc/sonic/nope.json": "Could not open file",
		"acl-loader update incremental /etc/sonic/acl-ngs-sg1.json":           "No such command",
		"rm -rf /etc/sonic": `No such command "-rf"`,
	} {
		if out := tm.cmdUntil(line, root); !strings.Contains(out, want) {
			t.Errorf("%q: %q, want %q", line, out, want)
		}
	}
	if after := d.State(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused line changed the ACL state: %q", summary(d.State().Running, "sonic-acl"))
	}
	// acl-loader loads only the set named as the table, once it exists.
	tm.cmdUntil("acl-loader update full --table_name NGS_IN_SG1 /etc/sonic/acl-ngs-sg1.json", root)
	if got := summary(d.State().Running, "sonic-acl"); !strings.Contains(got, "rules:NGS_IN_SG1=RULE_1(") || strings.Contains(got, "NGS_OUT_SG1") {
		t.Errorf("after loading NGS_IN_SG1: %q", got)
	}
	tm.cmdUntil("acl-loader delete NGS_IN_SG1", root)
	tm.cmdUntil("config acl remove table NGS_IN_SG1", root)
	tm.cmdUntil("config acl remove table NGS_IN_SG1", root) // absent: no error, as config_db does not care
	tm.cmdUntil("rm -f /etc/sonic/acl-ngs-sg1.json", root)
	if got := summary(d.State().Running, "sonic-acl"); got != "" {
		t.Errorf("after removing everything: %q", got)
	}
	for _, c := range d.Commands() {
		if strings.HasPrefix(c.Line, "config acl remove") && c.Error != "" {
			t.Errorf("%q was refused: %s", c.Line, c.Error)
		}
	}
}

// sonicNetmikoScript does what NGS's netmiko_sonic does with netmiko's
// "linux" driver: enable() ("sudo -s" and the secret), then each operation
// through send_config_set without leaving root's shell, the save through
// send_command after save_config() is not implemented, and its queries on
// a second connection that never becomes root.
const sonicNetmikoScript = `
import json, sys
from netmiko import ConnectHandler
req = json.load(open(sys.argv[1]))
def connect():
    return ConnectHandler(device_type="linux", host="127.0.0.1", port=req["port"], username="admin",
                          password="pw", secret="sudo-pw", allow_agent=False, use_keys=False, timeout=30)
conn = connect()
out = {"config": []}
for op in req["ops"]:
    conn.enable()
    kw = {"exit_config_mode": False}
    if "cmd_verify" in conn.send_config_set.__code__.co_varnames:
        kw["cmd_verify"] = False
    out["config"].append(conn.send_config_set(op, **kw))
try:
    out["save"] = conn.save_config()
except NotImplementedError:
    out["save"] = conn.send_command("config save -y")
out["prompt"] = conn.find_prompt()
conn.disconnect()
q = connect()
out["queries"] = [q.send_command(c) for c in req["queries"]]
out["query_prompt"] = q.find_prompt()
q.disconnect()
print(json.dumps(out))
`

// TestSonicNetmiko runs netmiko, the client NGS is built on, against the
// SONiC simulator the way NGS drives it: an independent check that the
// root shell's prompt, sudo's password prompt and the bare commands work
// for a real automation client.
func TestSonicNetmiko(t *testing.T) {
	if testing.Short() {
		t.Skip("netmiko sessions take seconds; skipped under -short")
	}
	py := netmikoPython(t)
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "sonic", EnableSecret: "sudo-pw", Users: []User{{Name: "admin", Password: "pw"}}})
	req := map[string]any{"port": d.Port(), "ops": [][]string{
		{"config vlan add 100"},
		{"config vlan member add -u 100 Ethernet0"},
		{`vtysh -c "configure terminal" -c "router bgp 65000" -c "address-family l2vpn evpn" -c "vni 5100" -c "rd auto" -c "route-target import auto" -c "route-target export auto"`,
			"config vxlan map add vtep 100 5100"},
	}, "queries": []string{"show vlan 100", "show vxlan vlanvnimap"}}
	var res struct {
		Prompt      string
		QueryPrompt string `json:"query_prompt"`
		Queries     []string
	}
	runNetmiko(t, py, sonicNetmikoScript, req, &res)
	if res.Prompt != "root@tor-1:/home/admin#" || res.QueryPrompt != "admin@tor-1:~$" {
		t.Errorf("netmiko found the prompts %q (after enable) and %q (queries)", res.Prompt, res.QueryPrompt)
	}
	if len(res.Queries) != 2 || !strings.Contains(res.Queries[0], "| Ethernet0 | untagged") || !strings.Contains(res.Queries[1], "| Vlan100 | 5100 |") {
		t.Errorf("queries through netmiko: %q", res.Queries)
	}
	snap := d.State()
	if got := summary(snap.Startup, "Ethernet0") + " " + summary(snap.Startup, "vlans") + " " + summary(snap.Startup, "frr"); got != "access vlan=100 native=1 allowed=none 1: 100:Vlan100 vni:100=5100 asn=65000 vni=5100/rd/import/export" || snap.Saves != 1 {
		t.Errorf("saved after netmiko: %q, saves %d", got, snap.Saves)
	}
	for _, c := range d.Commands() {
		if c.Error != "" {
			t.Errorf("netmiko's %q (in %s) was refused: %s", c.Line, c.Mode, c.Error)
		}
	}
}
