package vswitch

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

const dbPattern = `^/[A-Za-z0-9_./-]+$`

// Config is what differs between the drivers built on this package.
type Config struct {
	// Info is the driver's description: name, version, port pattern,
	// VNIC types, models and notes. Session and network types are set
	// by New.
	Info sdk.Description
	// Listed reports whether list_ports reports a port (a DPU reports its
	// representors only); nil reports every port.
	Listed func(port string) bool
	// VXLAN makes add_network and delete_network of a network with a VNI
	// make and remove a VXLAN tunnel port, and adds read_networks.
	VXLAN bool
}

// New returns an Open vSwitch driver described by c.
func New(c Config) *sdk.Driver {
	info := c.Info
	info.Session = "exec"
	info.NetworkTypes = []string{sdk.NetworkVLAN}
	info.LAGPattern = lagName.String()[1 : len(lagName.String())-1]
	info.Notes = append(info.Notes,
		"add_network and delete_network change nothing: OVS needs no VLAN created before a port uses it",
		"a port with no idle VLAN is parked on options.isolation_vlan (default 4095), since ovs-vsctl cannot shut a port down",
		"changes are in ovsdb, which persists across restarts: saved is always true",
	)
	d := &sdk.Driver{
		Info:          info,
		SetPort:       setPort,
		ResetPort:     resetPort,
		ReadPort:      readPort,
		LAGSet:        lagSet,
		LAGDelete:     lagDelete,
		ListPorts:     func(h sdk.Host, _ sdk.ListPortsRequest) (sdk.PortList, error) { return listPorts(h, c.Listed) },
		AddNetwork:    noNetworkChange,
		DeleteNetwork: noNetworkChange,
		Save:          func(sdk.Host, sdk.SaveRequest) (sdk.Result, error) { return sdk.Result{Saved: true}, nil },
	}
	if c.VXLAN {
		d.Info.NetworkTypes = append(d.Info.NetworkTypes, sdk.NetworkVXLAN)
		d.AddNetwork = func(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) { return addTunnel(h, r, c.Listed) }
		d.DeleteNetwork = func(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) { return deleteTunnel(h, r, c.Listed) }
		d.ReadNetworks = func(h sdk.Host, _ sdk.ReadNetworksRequest) (sdk.NetworkList, error) { return readTunnels(h) }
		d.Info.Notes = append(d.Info.Notes, "a VXLAN network is a tunnel port vx<VNI> (options:key=VNI, remote options.vxlan_remote_ip) on the network's local VLAN")
	}
	return d
}

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

// commit runs cmds as one transaction, or with dryRun only reports it; the
// result says changed (and saved: ovsdb persists).
func (c *conn) commit(cmds []string, dryRun bool) (sdk.Result, error) {
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
	return c.commit(cmds, dryRun)
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
	if err != nil {
		return st, err
	}
	if !st.Exists { // a bond member has no port of its own: it reads as its bond
		v, err := c.view()
		if err != nil {
			return st, err
		}
		bond := v.portOf(r.Port)
		if bond == "" {
			return st, nil
		}
		st = v.ports[bond].state
		st.Port, st.LAG = r.Port, bond
	}
	return mercuryState(h, st), nil
}

// mercuryState converts a port's state from OVS's vlan_mode names to
// Mercury's modes; a native VLAN is not "allowed" (tagged) in Mercury's
// model, though OVS lists it in trunks.
func mercuryState(h sdk.Host, st sdk.PortState) sdk.PortState {
	switch st.Mode {
	case "native-untagged", "native-tagged":
		st.Mode = sdk.ModeTrunk
		st.AllowedVLANs = slices.DeleteFunc(st.AllowedVLANs, func(v int) bool { return v == st.NativeVLAN })
	case "trunk":
		st.Mode = sdk.ModeTrunk
	}
	st.Enabled = !(st.Mode == sdk.ModeAccess && st.NativeVLAN == isolationVLAN(h))
	return st
}

// listPorts reads every port of the switch in one ovs-vsctl call, keeping
// those listed reports (all when it is nil).
func listPorts(h sdk.Host, listed func(string) bool) (sdk.PortList, error) {
	c, err := open(h)
	if err != nil {
		return sdk.PortList{}, err
	}
	defer c.s.Close()
	return listPortsOn(c, h, listed)
}

// listPortsOn is listPorts on an open session.
func listPortsOn(c *conn, h sdk.Host, listed func(string) bool) (sdk.PortList, error) {
	out, status, err := c.s.Exec(c.prefix + " --format=json -- --columns=name,vlan_mode,tag,trunks,external_ids list port")
	if err != nil {
		return sdk.PortList{}, err
	}
	if status != 0 {
		return sdk.PortList{}, sdk.DeviceError("ovs-vsctl exited %d: %s", status, strings.TrimSpace(out))
	}
	var table struct {
		Data [][]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &table); err != nil {
		return sdk.PortList{}, sdk.DeviceError("unexpected ovs-vsctl output: %v", err)
	}
	list := sdk.PortList{Ports: []sdk.PortState{}}
	for _, row := range table.Data {
		st, err := rowState(row)
		if err != nil {
			return sdk.PortList{}, err
		}
		if listed == nil || listed(st.Port) {
			list.Ports = append(list.Ports, mercuryState(h, st))
		}
	}
	slices.SortFunc(list.Ports, func(a, b sdk.PortState) int { return strings.Compare(a.Port, b.Port) })
	return list, nil
}

// rowState decodes one row of `list port` in OVSDB's JSON notation: name,
// vlan_mode, tag, trunks, external_ids. An empty column is ["set",[]]; a
// set of one element is the element itself.
func rowState(row []json.RawMessage) (sdk.PortState, error) {
	st := sdk.PortState{Exists: true, Enabled: true}
	if len(row) != 5 {
		return st, sdk.DeviceError("unexpected ovs-vsctl row of %d columns", len(row))
	}
	bad := func(col string, raw json.RawMessage) error {
		return sdk.DeviceError("unexpected ovs-vsctl %s column %s", col, raw)
	}
	if json.Unmarshal(row[0], &st.Port) != nil {
		return st, bad("name", row[0])
	}
	var mode string
	if json.Unmarshal(row[1], &mode) == nil {
		st.Mode = sdk.Mode(mode)
	}
	ints := func(raw json.RawMessage) ([]int, bool) {
		var one int
		if json.Unmarshal(raw, &one) == nil {
			return []int{one}, true
		}
		var set []json.RawMessage
		if json.Unmarshal(raw, &set) != nil || len(set) != 2 {
			return nil, false
		}
		var vs []int
		return vs, json.Unmarshal(set[1], &vs) == nil
	}
	tag, ok := ints(row[2])
	if !ok {
		return st, bad("tag", row[2])
	}
	if len(tag) == 1 {
		st.NativeVLAN = tag[0]
	}
	if st.AllowedVLANs, ok = ints(row[3]); !ok {
		return st, bad("trunks", row[3])
	}
	slices.Sort(st.AllowedVLANs)
	var m []json.RawMessage
	var pairs [][2]string
	if json.Unmarshal(row[4], &m) != nil || len(m) != 2 || json.Unmarshal(m[1], &pairs) != nil {
		return st, bad("external_ids", row[4])
	}
	for _, kv := range pairs {
		if kv[0] == "description" {
			st.Description = kv[1]
		}
	}
	if st.Mode == "" && st.NativeVLAN != 0 {
		st.Mode = sdk.ModeAccess
	}
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
