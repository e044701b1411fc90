// Command ovs is Mercury's driver for Open vSwitch, driven over SSH with
// ovs-vsctl on exec sessions: the datapath of OVS-based hosts and of
// BlueField-style DPUs.
//
// Every change is one ovs-vsctl transaction (commands joined with "--"), so
// a port is never left half-configured, and a port that already matches is
// not touched. Device options:
//
//	options.ovs_vsctl        command to run (default "sudo -n ovs-vsctl")
//	options.db               ovsdb socket path, for a private OVS instance
//	options.isolation_vlan   VLAN that parks a port carrying nothing (default 4095)
package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

const (
	portPattern = `[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}`
	dbPattern   = `^/[A-Za-z0-9_./-]+$`
)

func init() {
	sdk.Handle(&sdk.Driver{
		Info: sdk.Description{
			Name:         "ovs",
			Version:      "1.0.0",
			Session:      "exec",
			PortPattern:  portPattern,
			NetworkTypes: []string{"vlan"},
			Models:       []string{"Open vSwitch 2.17+ (system or netdev datapath)"},
			Notes: []string{
				"add_network and delete_network change nothing: OVS needs no VLAN created before a port uses it",
				"a port with no idle VLAN is parked on options.isolation_vlan (default 4095), since ovs-vsctl cannot shut a port down",
				"changes are in ovsdb, which persists across restarts: saved is always true",
			},
		},
		SetPort:       setPort,
		ResetPort:     resetPort,
		ReadPort:      readPort,
		AddNetwork:    noNetworkChange,
		DeleteNetwork: noNetworkChange,
		Save:          func(sdk.Host, sdk.SaveRequest) (sdk.Result, error) { return sdk.Result{Saved: true}, nil },
	})
}

func main() {}

// vsctl returns the command prefix for this device.
func vsctl(h sdk.Host) (string, error) {
	cmd := "sudo -n ovs-vsctl"
	if v, ok := h.Setting("options.ovs_vsctl"); ok && v != "" {
		cmd = v
	}
	cmd += " --timeout=10"
	if db, ok := h.Setting("options.db"); ok && db != "" {
		if !regexp.MustCompile(dbPattern).MatchString(db) {
			return "", sdk.Invalid("options.db %q is not an absolute socket path", db)
		}
		cmd += " --db=unix:" + db
	}
	return cmd, nil
}

func isolationVLAN(h sdk.Host) int {
	if v, ok := h.Setting("options.isolation_vlan"); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 4095 {
			return n
		}
	}
	return 4095
}

// conn is one operation's exec session and command prefix.
type conn struct {
	s      sdk.Session
	prefix string
}

func open(h sdk.Host) (*conn, error) {
	prefix, err := vsctl(h)
	if err != nil {
		return nil, err
	}
	s, err := h.Open(sdk.SessionExec)
	if err != nil {
		return nil, err
	}
	return &conn{s: s, prefix: prefix}, nil
}

// run executes one ovs-vsctl invocation of the given commands, joined as
// one transaction.
func (c *conn) run(cmds ...string) (string, error) {
	line := c.prefix + " -- " + strings.Join(cmds, " -- ")
	out, status, err := c.s.Exec(line)
	if err != nil {
		return "", err
	}
	if status != 0 {
		return "", sdk.DeviceError("ovs-vsctl exited %d: %s", status, strings.TrimSpace(out))
	}
	return out, nil
}

// want is a port's OVS configuration: the columns the driver manages.
type want struct {
	mode   string // "", access, trunk, native-untagged
	tag    int
	trunks []int
	desc   string
}

func desired(c sdk.PortConfig) (want, error) {
	w := want{desc: c.Description}
	switch c.Mode {
	case sdk.ModeAccess:
		if c.NativeVLAN == 0 {
			return w, sdk.Invalid("access mode needs a VLAN")
		}
		w.mode, w.tag = "access", c.NativeVLAN
	case sdk.ModeTrunk, sdk.ModeHybrid:
		w.trunks = slices.Clone(c.AllowedVLANs)
		if c.NativeVLAN != 0 {
			w.mode, w.tag = "native-untagged", c.NativeVLAN
			if !slices.Contains(w.trunks, c.NativeVLAN) {
				w.trunks = append(w.trunks, c.NativeVLAN)
			}
		} else {
			w.mode = "trunk"
		}
		if len(w.trunks) == 0 {
			// OVS reads an empty trunks column as "every VLAN".
			return w, sdk.Invalid("a trunk needs at least one VLAN (OVS would carry every VLAN)")
		}
		slices.Sort(w.trunks)
	default:
		return w, sdk.Invalid("unknown mode %q", c.Mode)
	}
	return w, nil
}

// changes returns the ovs-vsctl commands that take cur to w.
func changes(port string, cur sdk.PortState, w want) []string {
	var cmds []string
	if string(cur.Mode) != w.mode || cur.NativeVLAN != w.tag || !slices.Equal(cur.AllowedVLANs, w.trunks) {
		set := fmt.Sprintf("set port %s vlan_mode=%s", port, w.mode)
		var clear []string
		if w.tag > 0 {
			set += " tag=" + strconv.Itoa(w.tag)
		} else {
			clear = append(clear, "clear port "+port+" tag")
		}
		if len(w.trunks) > 0 {
			set += " trunks=" + join(w.trunks)
		} else {
			clear = append(clear, "clear port "+port+" trunks")
		}
		cmds = append(append(cmds, set), clear...)
	}
	if w.desc != "" && w.desc != cur.Description {
		cmds = append(cmds, fmt.Sprintf(`set port %s 'external_ids:description="%s"'`, port, w.desc))
	}
	return cmds
}

func apply(h sdk.Host, port string, w want, dryRun bool) (sdk.Result, error) {
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	cur, err := c.read(port)
	if err != nil {
		return sdk.Result{}, err
	}
	if !cur.Exists {
		return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this switch", port)
	}
	cmds := changes(port, cur, w)
	if len(cmds) == 0 {
		return sdk.Result{Saved: true}, nil
	}
	res := sdk.Result{Changed: true, Commands: []string{c.prefix + " -- " + strings.Join(cmds, " -- ")}}
	if dryRun {
		return res, nil
	}
	if _, err := c.run(cmds...); err != nil {
		return sdk.Result{}, err
	}
	res.Saved = true
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
	vlan := r.IdleVLAN
	if vlan == 0 {
		vlan = isolationVLAN(h)
	}
	return apply(h, r.Port, want{mode: "access", tag: vlan}, r.DryRun)
}

func noNetworkChange(sdk.Host, sdk.NetworkRequest) (sdk.Result, error) {
	return sdk.Result{Saved: true}, nil
}

func readPort(h sdk.Host, r sdk.ReadPortRequest) (sdk.PortState, error) {
	c, err := open(h)
	if err != nil {
		return sdk.PortState{}, err
	}
	defer c.s.Close()
	st, err := c.read(r.Port)
	if err != nil || !st.Exists {
		return st, err
	}
	// OVS's vlan_mode to Mercury's modes; a native VLAN is not "allowed"
	// (tagged) in Mercury's model, though OVS lists it in trunks.
	switch st.Mode {
	case "native-untagged", "native-tagged":
		st.Mode = sdk.ModeTrunk
		st.AllowedVLANs = slices.DeleteFunc(st.AllowedVLANs, func(v int) bool { return v == st.NativeVLAN })
	case "trunk":
		st.Mode = sdk.ModeTrunk
	}
	st.Enabled = !(st.Mode == sdk.ModeAccess && st.NativeVLAN == isolationVLAN(h))
	return st, nil
}

// read returns the port's state as OVS stores it, with OVS's vlan_mode
// names ("access", "trunk", "native-untagged"), as changes compares them.
func (c *conn) read(port string) (sdk.PortState, error) {
	line := c.prefix + " get port " + port + " vlan_mode tag trunks external_ids"
	out, status, err := c.s.Exec(line)
	if err != nil {
		return sdk.PortState{}, err
	}
	st := sdk.PortState{Port: port}
	if status != 0 {
		if strings.Contains(out, "no row") {
			return st, nil
		}
		return st, sdk.DeviceError("ovs-vsctl exited %d: %s", status, strings.TrimSpace(out))
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		return st, sdk.DeviceError("unexpected ovs-vsctl output: %q", out)
	}
	st.Exists, st.Enabled = true, true
	if lines[0] != "[]" {
		st.Mode = sdk.Mode(lines[0])
	}
	if lines[1] != "[]" {
		if st.NativeVLAN, err = strconv.Atoi(lines[1]); err != nil {
			return st, sdk.DeviceError("bad tag %q", lines[1])
		}
	}
	if st.AllowedVLANs, err = parseList(lines[2]); err != nil {
		return st, err
	}
	st.Description = parseMap(lines[3])["description"]
	if st.Mode == "" && st.NativeVLAN != 0 {
		st.Mode = "access"
	}
	return st, nil
}

func parseList(s string) ([]int, error) {
	s = strings.Trim(s, "[]")
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, sdk.DeviceError("bad VLAN list %q", s)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// parseMap parses an OVS map like {description="a b", x=y}.
var mapEntry = regexp.MustCompile(`([A-Za-z0-9_:.-]+)=("(?:[^"\\]|\\.)*"|[^,}]*)`)

func parseMap(s string) map[string]string {
	m := map[string]string{}
	for _, e := range mapEntry.FindAllStringSubmatch(s, -1) {
		v := e[2]
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		m[e[1]] = v
	}
	return m
}

func join(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}
