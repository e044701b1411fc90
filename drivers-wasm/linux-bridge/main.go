// Command linux-bridge is Mercury's driver for a VLAN-aware Linux bridge
// (vlan_filtering 1), driven over SSH exec sessions with iproute2's bridge
// and ip: Cumulus-style and switchdev whitebox switches, and Linux-based
// DPUs.
//
// An operation costs two execs at most, since fork and exec are slow on
// small switch CPUs: one unprivileged read (ip -j link, bridge -j vlan and
// the bridge's vlan_filtering flag, read with a shell builtin), and, only
// when the port differs, one write: every VLAN change in one
// `bridge -batch`, deletions first, and at most one `ip link set` for the
// port's state and alias. (A change too long for one exec, such as
// thousands of scattered VLANs, is split into several.) Device options:
//
//	options.sudo      prefix of the write commands (default "sudo -n"; "" when the login user is root)
//	options.bin_dir   directory holding ip and bridge (default /usr/sbin, as the sudoers rule names them)
package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/sdk"
)

const (
	// portPattern is a Linux interface name: at most 15 characters, none
	// of them '/', ':', white space or shell text.
	portPattern = `[A-Za-z0-9][A-Za-z0-9_.-]{0,14}`
	dirPattern  = `^/[A-Za-z0-9_./-]*$`
	sudoPattern = `^[A-Za-z0-9_./= -]*$`
	maxAlias    = 255 // the kernel's IFALIASZ less its NUL
)

var (
	portRE = regexp.MustCompile("^(?:" + portPattern + ")$")
	dirRE  = regexp.MustCompile(dirPattern)
	sudoRE = regexp.MustCompile(sudoPattern)
)

func init() {
	sdk.Handle(&sdk.Driver{
		Info: sdk.Description{
			Name:         "linux-bridge",
			Version:      "1.0.0",
			Session:      "exec",
			PortPattern:  portPattern,
			NetworkTypes: []string{"vlan"},
			Models: []string{
				"Linux bridge with vlan_filtering 1, iproute2 5.x or newer (tested: Linux 6.1, iproute2 6.1)",
				"Cumulus Linux in ifupdown2 mode, not NVUE (untested)",
				"Linux-based DPUs and switchdev switches whose ports are in a VLAN-aware bridge (untested)",
			},
			Notes: []string{
				"add_network and delete_network change nothing, and create_vlans is ignored: a VLAN-aware bridge carries a VLAN on a port without creating it first; " +
					"the bridge device itself joins a VLAN (bridge vlan add ... self) only when the host must talk on it, which Mercury never needs",
				"changes are refused on a port whose bridge has vlan_filtering 0, since such a port carries every VLAN",
				"a port reset with no idle VLAN leaves every VLAN and is shut down (ip link set down); set_port and a reset to an idle VLAN bring it up",
				"the description is the port's alias (ip link set alias)",
				"changes are made with iproute2 and are not persistent: saved is always false. " +
					"They last until reboot or an ifreload/networking restart; the operator persists them in the device's network configuration (ifupdown2, systemd-networkd)",
				"reads need no privilege; writes run options.sudo (default sudo -n) with options.bin_dir/bridge and options.bin_dir/ip (default /usr/sbin): " +
					"the login user needs passwordless sudo for those two",
			},
		},
		SetPort:       setPort,
		ResetPort:     resetPort,
		ReadPort:      readPort,
		AddNetwork:    noNetworkChange,
		DeleteNetwork: noNetworkChange,
		Save:          func(sdk.Host, sdk.SaveRequest) (sdk.Result, error) { return sdk.Result{}, nil },
	})
}

func main() {}

// tools are the commands for this device: the ip and bridge paths, and the
// prefix that makes a write privileged.
type tools struct {
	ip, bridge string
	sudo       string // "" or ends in a space
}

func toolsFor(h sdk.Host) (tools, error) {
	dir := "/usr/sbin"
	if v, ok := h.Setting("options.bin_dir"); ok && v != "" {
		if !dirRE.MatchString(v) {
			return tools{}, sdk.Invalid("options.bin_dir %q is not an absolute directory path", v)
		}
		dir = strings.TrimRight(v, "/")
	}
	t := tools{ip: dir + "/ip", bridge: dir + "/bridge", sudo: "sudo -n "}
	if v, ok := h.Setting("options.sudo"); ok {
		if !sudoRE.MatchString(v) {
			return tools{}, sdk.Invalid("options.sudo %q may hold only a command and plain options", v)
		}
		t.sudo = ""
		if v = strings.TrimSpace(v); v != "" {
			t.sudo = v + " "
		}
	}
	return t, nil
}

// conn is one operation's exec session and commands.
type conn struct {
	s sdk.Session
	tools
}

func open(h sdk.Host) (*conn, error) {
	t, err := toolsFor(h)
	if err != nil {
		return nil, err
	}
	s, err := h.Open(sdk.SessionExec)
	if err != nil {
		return nil, err
	}
	return &conn{s: s, tools: t}, nil
}

// member is how a port carries one VLAN.
type member struct {
	pvid     bool // untagged frames in are put on this VLAN
	untagged bool // frames out leave untagged
}

var native = member{pvid: true, untagged: true}

// port is a port as the device reports it.
type port struct {
	exists    bool
	up        bool
	alias     string
	master    string
	filtering string // the bridge's vlan_filtering, "1" or "0"; "" when the port is in no bridge
	vlans     map[int]member
}

// read runs the one read exec: the link, its VLANs, then its bridge's
// vlan_filtering, read by the shell itself so it costs no process. The
// link read comes first so that a missing port stops the chain there.
func (c *conn) read(name string) (port, error) {
	line := fmt.Sprintf("%s -j link show dev %s && %s -j vlan show dev %s && "+
		`{ read -r f </sys/class/net/%s/brport/bridge/bridge/vlan_filtering; echo "$f"; } 2>/dev/null`,
		c.ip, name, c.bridge, name, name)
	out, status, err := c.s.Exec(line)
	if err != nil {
		return port{}, err
	}
	if status != 0 {
		if strings.Contains(out, "does not exist") {
			return port{}, nil
		}
		return port{}, c.failed("reading port "+name, status, out)
	}
	return parse(name, out)
}

// parse reads the output of the read exec: `ip -j link show`, then
// `bridge -j vlan show`, then the vlan_filtering line.
func parse(name, out string) (port, error) {
	dec := json.NewDecoder(strings.NewReader(out))
	var links []struct {
		IfName string   `json:"ifname"`
		Flags  []string `json:"flags"`
		Master string   `json:"master"`
		Alias  string   `json:"ifalias"`
	}
	var bridged []struct {
		IfName string `json:"ifname"`
		VLANs  []struct {
			VLAN  int      `json:"vlan"`
			End   int      `json:"vlanEnd"` // a range, when VLANs are shown compressed
			Flags []string `json:"flags"`
		} `json:"vlans"`
	}
	if err := dec.Decode(&links); err != nil {
		return port{}, sdk.DeviceError("unexpected ip -j link output for %s: %v: %q", name, err, out)
	}
	if err := dec.Decode(&bridged); err != nil {
		return port{}, sdk.DeviceError("unexpected bridge -j vlan output for %s: %v: %q", name, err, out)
	}
	if len(links) != 1 || links[0].IfName != name {
		return port{}, sdk.DeviceError("ip -j link show dev %s reported %d links, not the port: %q", name, len(links), out)
	}
	l := links[0]
	p := port{
		exists:    true,
		up:        slices.Contains(l.Flags, "UP"),
		alias:     l.Alias,
		master:    l.Master,
		filtering: strings.TrimSpace(out[dec.InputOffset():]),
		vlans:     map[int]member{},
	}
	for _, b := range bridged {
		if b.IfName != name {
			continue
		}
		for _, v := range b.VLANs {
			m := member{pvid: slices.Contains(v.Flags, "PVID"), untagged: slices.Contains(v.Flags, "Egress Untagged")}
			for vid := v.VLAN; vid <= max(v.VLAN, v.End); vid++ {
				p.vlans[vid] = m
			}
		}
	}
	return p, nil
}

// state is p in Mercury's model. A single VLAN that is PVID and untagged
// is an access port; otherwise the PVID-and-untagged VLAN is a trunk's
// native VLAN and every other VLAN is allowed. Irregular members (a PVID
// that egresses tagged, an untagged VLAN that is not the PVID) read as
// allowed; set_port rewrites them.
func (p port) state(name string) sdk.PortState {
	st := sdk.PortState{Port: name, Exists: p.exists, Enabled: p.up, Description: p.alias}
	for _, vid := range sortedVIDs(p.vlans) {
		if p.vlans[vid] == native && st.NativeVLAN == 0 {
			st.NativeVLAN = vid
		} else {
			st.AllowedVLANs = append(st.AllowedVLANs, vid)
		}
	}
	switch {
	case st.NativeVLAN != 0 && len(st.AllowedVLANs) == 0:
		st.Mode = sdk.ModeAccess
	case len(p.vlans) > 0:
		st.Mode = sdk.ModeTrunk
	}
	return st
}

// want is the state the driver converges a port to.
type want struct {
	vlans map[int]member
	up    bool
	desc  string // "" leaves the alias
}

func desired(c sdk.PortConfig) (want, error) {
	w := want{vlans: map[int]member{}, up: true, desc: c.Description}
	if len(w.desc) > maxAlias {
		return w, sdk.Invalid("description is %d bytes; a Linux interface alias holds at most %d", len(w.desc), maxAlias)
	}
	if strings.ContainsFunc(w.desc, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return w, sdk.Invalid("description %q holds control characters", w.desc)
	}
	for _, v := range append([]int{c.NativeVLAN}, c.AllowedVLANs...) {
		if v < 0 || v > 4094 {
			return w, sdk.Invalid("VLAN %d is out of range 1-4094", v)
		}
	}
	switch c.Mode {
	case sdk.ModeAccess:
		if c.NativeVLAN == 0 {
			return w, sdk.Invalid("access mode needs a VLAN")
		}
	case sdk.ModeTrunk, sdk.ModeHybrid:
		for _, v := range c.AllowedVLANs {
			if v == 0 {
				return w, sdk.Invalid("VLAN 0 is out of range 1-4094")
			}
			w.vlans[v] = member{}
		}
		if c.NativeVLAN == 0 && len(w.vlans) == 0 {
			return w, sdk.Invalid("a trunk needs at least one VLAN")
		}
	default:
		return w, sdk.Invalid("unknown mode %q", c.Mode)
	}
	if c.NativeVLAN != 0 {
		// A VLAN is either untagged or tagged on a port: the native wins.
		w.vlans[c.NativeVLAN] = native
	}
	return w, nil
}

// plan is the change that takes a port to a want, in the order it is
// sent: ip link arguments before the VLAN changes (shutting down), the
// `bridge -batch` lines, and ip link arguments after (up, alias).
type plan struct {
	before, after string
	batch         []string
}

func (p plan) empty() bool { return p.before == "" && p.after == "" && len(p.batch) == 0 }

// changes returns the plan that takes cur to w: deletions first, then the
// native VLAN (so the PVID moves before its old VLAN turns tagged), then
// tagged VLANs, consecutive VIDs joined in ranges.
func changes(name string, cur port, w want) plan {
	var p plan
	var del, tagged []int
	for _, vid := range sortedVIDs(cur.vlans) {
		if _, ok := w.vlans[vid]; !ok {
			del = append(del, vid)
		}
	}
	for _, r := range ranges(del) {
		p.batch = append(p.batch, "vlan del dev "+name+" vid "+r)
	}
	for _, vid := range sortedVIDs(w.vlans) {
		m := w.vlans[vid]
		if old, ok := cur.vlans[vid]; ok && old == m {
			continue
		}
		if m == native {
			p.batch = append(p.batch, fmt.Sprintf("vlan add dev %s vid %d pvid untagged", name, vid))
		} else {
			tagged = append(tagged, vid)
		}
	}
	for _, r := range ranges(tagged) {
		p.batch = append(p.batch, "vlan add dev "+name+" vid "+r)
	}
	var after []string
	switch {
	case w.up && !cur.up:
		after = append(after, "up")
	case !w.up && cur.up:
		p.before = "down"
	}
	if w.desc != "" && w.desc != cur.alias {
		after = append(after, "alias "+quote(w.desc))
	}
	p.after = strings.Join(after, " ")
	return p
}

// execs renders p as exec command lines: one, unless the VLAN lines would
// make it longer than the host carries in one exec.
func (c *conn) execs(name string, p plan) []string {
	ipSet := func(args string) string { return c.sudo + c.ip + " link set dev " + name + " " + args }
	bridgeBatch := func(lines []string) string {
		q := make([]string, len(lines))
		for i, l := range lines {
			q[i] = quote(l)
		}
		return `printf '%s\n' ` + strings.Join(q, " ") + " | " + c.sudo + c.bridge + " -batch -"
	}
	var parts []string
	if p.before != "" {
		parts = append(parts, ipSet(p.before))
	}
	var out []string
	budget := abi.MaxCommand - 1024 // room for the ip commands and the pipe
	for batch := p.batch; len(batch) > 0; {
		n, size := 0, 0
		for n < len(batch) && size+len(batch[n])+3 <= budget {
			size += len(batch[n]) + 3
			n++
		}
		n = max(n, 1)
		parts = append(parts, bridgeBatch(batch[:n]))
		batch = batch[n:]
		if len(batch) > 0 {
			out = append(out, strings.Join(parts, " && "))
			parts = nil
		}
	}
	if p.after != "" {
		parts = append(parts, ipSet(p.after))
	}
	return append(out, strings.Join(parts, " && "))
}

// write sends one command line and checks its exit status.
func (c *conn) write(name, line string) error {
	out, status, err := c.s.Exec(line)
	if err != nil {
		return err
	}
	if status != 0 {
		return c.failed("changing port "+name, status, out)
	}
	return nil
}

// failed turns a failed command into an error of the right kind, with the
// device's output and the fix where there is one.
func (c *conn) failed(what string, status int, out string) error {
	out = strings.TrimSpace(out)
	switch {
	case strings.Contains(out, "sudo:") && (strings.Contains(out, "password is required") || strings.Contains(out, "not allowed")),
		strings.Contains(out, "is not allowed to execute"):
		return sdk.Errorf("denied", "%s: the login user may not run %s%s and %s: %s (give it passwordless sudo for both, or set options.sudo)",
			what, c.sudo, c.bridge, c.ip, out)
	case status == 127:
		return sdk.DeviceError("%s: command not found (exit 127): %s (set options.bin_dir to the directory holding ip and bridge)", what, out)
	}
	return sdk.DeviceError("%s: exit status %d: %s", what, status, out)
}

// apply reads the port, checks it can be changed and converges it to w.
func apply(h sdk.Host, name string, w want, dryRun bool) (sdk.Result, error) {
	if !portRE.MatchString(name) {
		return sdk.Result{}, sdk.Invalid("%q is not a Linux interface name (pattern %s)", name, portPattern)
	}
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	cur, err := c.read(name)
	if err != nil {
		return sdk.Result{}, err
	}
	switch {
	case !cur.exists:
		return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this device", name)
	case cur.filtering == "" && cur.master != "":
		return sdk.Result{}, sdk.Conflict("port %s is not a bridge port: its master %s is not a bridge", name, cur.master)
	case cur.filtering == "":
		return sdk.Result{}, sdk.Conflict("port %s is in no bridge: add it to the VLAN-aware bridge first (ip link set dev %s master BRIDGE)", name, name)
	case cur.filtering != "1":
		return sdk.Result{}, sdk.Conflict("bridge %s of port %s has vlan_filtering %s, so its ports carry every VLAN: set it (ip link set dev %s type bridge vlan_filtering 1)",
			cur.master, name, cur.filtering, cur.master)
	}
	p := changes(name, cur, w)
	if p.empty() {
		return sdk.Result{}, nil
	}
	res := sdk.Result{Changed: true, Commands: c.execs(name, p)}
	if dryRun {
		return res, nil
	}
	for _, line := range res.Commands {
		if err := c.write(name, line); err != nil {
			return sdk.Result{}, err
		}
	}
	return res, nil
}

func setPort(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) {
	w, err := desired(r.Config)
	if err != nil {
		return sdk.Result{}, err
	}
	return apply(h, r.Port, w, r.DryRun)
}

func resetPort(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) {
	if r.IdleVLAN == 0 {
		return apply(h, r.Port, want{vlans: map[int]member{}, up: false}, r.DryRun)
	}
	w, err := desired(sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: r.IdleVLAN})
	if err != nil {
		return sdk.Result{}, err
	}
	return apply(h, r.Port, w, r.DryRun)
}

func noNetworkChange(sdk.Host, sdk.NetworkRequest) (sdk.Result, error) {
	return sdk.Result{}, nil
}

func readPort(h sdk.Host, r sdk.ReadPortRequest) (sdk.PortState, error) {
	if !portRE.MatchString(r.Port) {
		return sdk.PortState{}, sdk.Invalid("%q is not a Linux interface name (pattern %s)", r.Port, portPattern)
	}
	c, err := open(h)
	if err != nil {
		return sdk.PortState{}, err
	}
	defer c.s.Close()
	p, err := c.read(r.Port)
	if err != nil {
		return sdk.PortState{}, err
	}
	return p.state(r.Port), nil
}

func sortedVIDs(m map[int]member) []int {
	vids := make([]int, 0, len(m))
	for v := range m {
		vids = append(vids, v)
	}
	slices.Sort(vids)
	return vids
}

// ranges joins sorted VIDs into bridge's VID arguments: "100", "300-302".
func ranges(vids []int) []string {
	var out []string
	for i := 0; i < len(vids); {
		j := i
		for j+1 < len(vids) && vids[j+1] == vids[j]+1 {
			j++
		}
		r := strconv.Itoa(vids[i])
		if j > i {
			r += "-" + strconv.Itoa(vids[j])
		}
		out = append(out, r)
		i = j + 1
	}
	return out
}

// quote makes s one word for a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
