package cli

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// Members is a driver, as data, for an OS without port modes, where a
// port is an untagged member of at most one VLAN and a tagged member of any
// number (SONiC; Dell OS9, which adds ports from the VLAN's side). Access
// is untagged membership alone; trunk and hybrid are tagged memberships
// plus an optional untagged one (the native VLAN). A port-channel's
// members carry no VLAN of their own: read_port of a member reports its
// port-channel (lag) and that port-channel's VLANs. Driver turns it into
// set_port, reset_port, add/delete_network, read_port and save (and, with
// port-channel lines, lag_set and lag_delete), reading the memberships
// first and changing only those that differ.
type Members struct {
	Info     sdk.Description // Session and Shell are filled in
	Platform Platform
	Show     string                                 // prints all Parse needs
	Parse    func(text string) (MemberState, error) // reads it
	// Lines, with {vlan} and {port}: join or leave a VLAN untagged or
	// tagged, create or delete a VLAN, bring a port up or down.
	AddUntagged, DelUntagged, AddTagged, DelTagged []string
	CreateVLAN, DeleteVLAN, Enable, Disable        []string

	// Port-channels: lag_set and lag_delete exist when LAGCreate is set.
	// A port-channel joins VLANs like a port, through the lines above with
	// its interface name as {port}. These lines take {lag} (its interface
	// name), {n} (its number), {port} (a member) and {text} (the LAG's
	// name, passed through Quote).
	LAGName     string              // fmt format of a new port-channel's name from its number
	LAGCreate   map[string][]string // by sdk.LAGStatic / sdk.LAGLACP
	LAGJoin     map[string][]string // a member joins, by mode
	LAGLeave    map[string][]string // a member leaves, by mode
	LAGDelete   []string
	LAGDescribe []string // writes {text} as the port-channel's description
	// LAGStartsDown: a new port-channel is shut down until enabled.
	LAGStartsDown bool
	// Quote makes the LAG's name one argument ({text}); nil leaves it as is.
	Quote func(string) string

	// MapVNI and UnmapVNI map and unmap VLAN {vlan} to VXLAN {vni} on the
	// device's tunnel {vtep} (MemberState.VTEP, which the operator makes);
	// without MapVNI the driver supports VLAN networks only.
	MapVNI, UnmapVNI []string
}

// MemberState is what a Members driver reads from the device.
type MemberState struct {
	VLANs map[int]bool
	// Ports are the ports and port-channels by the name commands use.
	Ports map[string]*Membership
	LAGs  map[int]*MemberLAG // port-channels by number
	VNIs  map[int]int        // VLAN → the VXLAN VNI it is mapped to
	VTEP  string             // the VXLAN tunnel VNIs are mapped on; "" when there is none
}

// MemberLAG is one port-channel; its VLANs are in MemberState.Ports under
// Name.
type MemberLAG struct {
	Name        string
	Description string
	Mode        string   // sdk.LAGStatic, sdk.LAGLACP, or "" when the device does not say (no members)
	Members     []string // sorted
}

// Membership is one port's VLANs and admin state.
type Membership struct {
	Up       bool
	Untagged int // 0: none
	Tagged   []int
}

type memberDriver struct {
	m   *Members
	cli *CLI
}

// Driver returns the sdk.Driver the table describes. It panics on a bad
// table: call it from init.
func (m *Members) Driver() *sdk.Driver {
	c, err := New(m.Platform)
	if err != nil {
		panic(fmt.Sprintf("driver %s: %v", m.Info.Name, err))
	}
	d := &memberDriver{m: m, cli: c}
	info := m.Info
	info.Session, info.Shell = "interactive", m.Platform.Shell()
	drv := &sdk.Driver{Info: info, SetPort: d.setPort, ResetPort: d.resetPort, AddNetwork: d.addNetwork,
		DeleteNetwork: d.deleteNetwork, ReadPort: d.readPort, ReadNetworks: d.readNetworks}
	if len(m.LAGCreate) > 0 {
		drv.LAGSet, drv.LAGDelete = d.lagSet, d.lagDelete
	}
	if len(m.MapVNI) > 0 {
		drv.Info.NetworkTypes = []string{sdk.NetworkVLAN, sdk.NetworkVXLAN}
	}
	if len(m.Platform.Save) > 0 {
		drv.Save = func(h sdk.Host, _ sdk.SaveRequest) (sdk.Result, error) {
			s, err := c.Open(h)
			if err != nil {
				return sdk.Result{}, err
			}
			defer s.Close()
			return sdk.Result{Changed: true, Saved: true, Commands: m.Platform.Save}, s.Save()
		}
	}
	return drv
}

func (d *memberDriver) open(h sdk.Host) (*Session, MemberState, error) {
	s, err := d.cli.Open(h)
	if err != nil {
		return nil, MemberState{}, err
	}
	out, err := s.Command(d.m.Show)
	if err == nil {
		var st MemberState
		if st, err = d.m.Parse(out); err == nil {
			return s, st, nil
		}
		err = sdk.DeviceError("parse %q output: %v", d.m.Show, err)
	}
	s.Close()
	return nil, MemberState{}, err
}

// readNetworks reads the device's VLANs and their VNI maps.
func (d *memberDriver) readNetworks(h sdk.Host, _ sdk.ReadNetworksRequest) (sdk.NetworkList, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.NetworkList{}, err
	}
	defer s.Close()
	list := sdk.NetworkList{Networks: []sdk.Network{}}
	for _, v := range slices.Sorted(maps.Keys(st.VLANs)) {
		if st.VLANs[v] {
			list.Networks = append(list.Networks, sdk.Network{VLAN: v, VNI: st.VNIs[v]})
		}
	}
	return list, nil
}

func (d *memberDriver) lines(tmpl []string, vlan int, port string) []string {
	var out []string
	for _, l := range tmpl {
		l = strings.ReplaceAll(l, "{vlan}", strconv.Itoa(vlan))
		out = append(out, strings.ReplaceAll(l, "{port}", port))
	}
	return out
}

// converge takes port's memberships to untagged (0: none) and tagged, and
// its admin state to up, creating the VLANs of create that are missing.
func (d *memberDriver) converge(h sdk.Host, port string, untagged int, tagged []int, up bool, create []sdk.Network, dry bool) (sdk.Result, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	cur, ok := st.Ports[port]
	if !ok {
		return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this device", port)
	}
	lines := d.createLines(st, create)
	own := d.portLines(port, cur, untagged, tagged, up)
	if lag := lagOf(st, port); lag != nil && len(own) > 0 {
		return sdk.Result{}, sdk.Conflict("port %s is a member of port-channel %s (LAG %q): change the LAG with lag_set, or delete it with lag_delete first", port, lag.Name, lag.Description)
	}
	return d.apply(s, append(lines, own...), dry)
}

// createLines creates the VLANs of create the device lacks.
func (d *memberDriver) createLines(st MemberState, create []sdk.Network) []string {
	var lines []string
	for _, n := range create {
		if !st.VLANs[n.VLAN] {
			lines = append(lines, d.lines(d.m.CreateVLAN, n.VLAN, "")...)
		}
	}
	return lines
}

// portLines take port (or port-channel) from its memberships cur to
// untagged (0: none) and tagged, and its admin state to up.
func (d *memberDriver) portLines(port string, cur *Membership, untagged int, tagged []int, up bool) []string {
	var lines []string
	// Leave first: a port is untagged in one VLAN only.
	if cur.Untagged != 0 && cur.Untagged != untagged {
		lines = append(lines, d.lines(d.m.DelUntagged, cur.Untagged, port)...)
	}
	for _, v := range cur.Tagged {
		if !slices.Contains(tagged, v) {
			lines = append(lines, d.lines(d.m.DelTagged, v, port)...)
		}
	}
	for _, v := range tagged {
		if !slices.Contains(cur.Tagged, v) {
			lines = append(lines, d.lines(d.m.AddTagged, v, port)...)
		}
	}
	if untagged != 0 && cur.Untagged != untagged {
		lines = append(lines, d.lines(d.m.AddUntagged, untagged, port)...)
	}
	switch {
	case up && !cur.Up:
		lines = append(lines, d.lines(d.m.Enable, 0, port)...)
	case !up && cur.Up:
		lines = append(lines, d.lines(d.m.Disable, 0, port)...)
	}
	return lines
}

func (d *memberDriver) apply(s *Session, lines []string, dry bool) (sdk.Result, error) {
	if len(lines) == 0 {
		return sdk.Result{}, nil
	}
	if !dry {
		if err := s.Configure(lines); err != nil {
			return sdk.Result{}, err
		}
	}
	return sdk.Result{Changed: true, Commands: lines}, nil
}

func (d *memberDriver) setPort(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) {
	untagged, tagged := memberships(r.Config)
	return d.converge(h, r.Port, untagged, tagged, true, r.CreateVLANs, r.DryRun)
}

// memberships maps a port configuration onto an untagged VLAN (0: none)
// and sorted tagged VLANs.
func memberships(c sdk.PortConfig) (int, []int) {
	tagged := slices.DeleteFunc(slices.Clone(c.AllowedVLANs), func(v int) bool { return v == c.NativeVLAN })
	if c.Mode == sdk.ModeAccess {
		tagged = nil
	}
	untagged := c.NativeVLAN
	if untagged == 1 {
		untagged = 0 // Mercury's default VLAN is "no VLAN" here
	}
	slices.Sort(tagged)
	return untagged, tagged
}

func (d *memberDriver) resetPort(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) {
	return d.converge(h, r.Port, idleUntagged(r.IdleVLAN), nil, r.IdleVLAN != 0, nil, r.DryRun)
}

// idleUntagged is the untagged VLAN of a port returned to the idle VLAN:
// none for VLAN 1, Mercury's default VLAN (and for 0, no idle VLAN, when
// the port is shut instead).
func idleUntagged(idle int) int {
	if idle == 1 {
		return 0
	}
	return idle
}

func (d *memberDriver) readPort(h sdk.Host, r sdk.ReadPortRequest) (sdk.PortState, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.PortState{}, err
	}
	defer s.Close()
	m, ok := st.Ports[r.Port]
	if !ok {
		return sdk.PortState{Port: r.Port}, nil
	}
	ps := sdk.PortState{Port: r.Port, Exists: true, Enabled: m.Up}
	// A member carries its port-channel's VLANs: it reads as those.
	if lag := lagOf(st, r.Port); lag != nil {
		ps.LAG = lag.Name
		if pc := st.Ports[lag.Name]; pc != nil {
			m = pc
		} else {
			m = &Membership{}
		}
	}
	ps.Mode, ps.NativeVLAN = sdk.ModeAccess, m.Untagged
	if len(m.Tagged) > 0 {
		ps.Mode, ps.AllowedVLANs = sdk.ModeTrunk, slices.Sorted(slices.Values(m.Tagged))
	} else if ps.NativeVLAN == 0 {
		ps.NativeVLAN = 1 // in no VLAN: Mercury's default VLAN
	}
	return ps, nil
}

func (d *memberDriver) addNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	return d.network(h, r, true)
}

func (d *memberDriver) deleteNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	return d.network(h, r, false)
}

func (d *memberDriver) network(h sdk.Host, r sdk.NetworkRequest, add bool) (sdk.Result, error) {
	vni := r.Network.VNI
	if vni != 0 && len(d.m.MapVNI) == 0 {
		return sdk.Result{}, sdk.Unsupported("driver %s does not map VXLAN VNIs", d.m.Info.Name)
	}
	s, st, err := d.open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	v := r.Network.VLAN
	vniLines := func(tmpl []string, n int) []string {
		out := d.lines(tmpl, v, "")
		for i, l := range out {
			out[i] = strings.ReplaceAll(strings.ReplaceAll(l, "{vni}", strconv.Itoa(n)), "{vtep}", st.VTEP)
		}
		return out
	}
	if add {
		var lines []string
		if !st.VLANs[v] {
			lines = d.lines(d.m.CreateVLAN, v, "")
		}
		if vni != 0 && st.VNIs[v] != vni {
			if old := st.VNIs[v]; old != 0 {
				return sdk.Result{}, sdk.Conflict("VLAN %d is already mapped to VNI %d: delete that network first", v, old)
			}
			for other, n := range st.VNIs {
				if n == vni {
					return sdk.Result{}, sdk.Conflict("VNI %d is already mapped to VLAN %d: delete that network first", vni, other)
				}
			}
			if st.VTEP == "" {
				return sdk.Result{}, sdk.Conflict("the device has no VXLAN tunnel (VTEP) to map VNI %d on: create one first (the operator's, once per switch)", vni)
			}
			lines = append(lines, vniLines(d.m.MapVNI, vni)...)
		}
		return d.apply(s, lines, r.DryRun)
	}
	var unmap []string
	if n := st.VNIs[v]; n != 0 && len(d.m.UnmapVNI) > 0 {
		unmap = vniLines(d.m.UnmapVNI, n)
	}
	if !st.VLANs[v] {
		return d.apply(s, unmap, r.DryRun)
	}
	var users, lines []string
	for port, m := range st.Ports {
		if m.Untagged == v || slices.Contains(m.Tagged, v) {
			users = append(users, port)
		}
	}
	slices.Sort(users)
	if len(users) > 0 && !r.Force {
		return sdk.Result{}, sdk.Conflict("VLAN %d is still carried by %s: detach those ports first, or delete with force", v, strings.Join(users, ", "))
	}
	for _, port := range users {
		if st.Ports[port].Untagged == v {
			lines = append(lines, d.lines(d.m.DelUntagged, v, port)...)
		} else {
			lines = append(lines, d.lines(d.m.DelTagged, v, port)...)
		}
	}
	return d.apply(s, append(append(unmap, lines...), d.lines(d.m.DeleteVLAN, v, "")...), r.DryRun)
}

// lagOf returns the port-channel port is a member of, or nil.
func lagOf(st MemberState, port string) *MemberLAG {
	for _, n := range slices.Sorted(maps.Keys(st.LAGs)) {
		if slices.Contains(st.LAGs[n].Members, port) {
			return st.LAGs[n]
		}
	}
	return nil
}

// findMemberLAG returns the port-channel a request names: its number when
// given, else the one whose description is the LAG's name.
func findMemberLAG(st MemberState, l sdk.LAG) (int, *MemberLAG) {
	if l.Number != 0 {
		return l.Number, st.LAGs[l.Number]
	}
	for _, n := range slices.Sorted(maps.Keys(st.LAGs)) {
		if st.LAGs[n].Description == l.Name {
			return n, st.LAGs[n]
		}
	}
	return 0, nil
}

// lagLines renders port-channel lines.
func (d *memberDriver) lagLines(tmpl []string, lag *MemberLAG, n int, port, text string) []string {
	if d.m.Quote != nil {
		text = d.m.Quote(text)
	}
	r := strings.NewReplacer("{lag}", lag.Name, "{n}", strconv.Itoa(n), "{port}", port, "{text}", text)
	out := make([]string, 0, len(tmpl))
	for _, l := range tmpl {
		out = append(out, r.Replace(l))
	}
	return out
}

// lagMode is the request's aggregation mode (LACP unless static).
func lagMode(l sdk.LAG) string {
	if l.Mode == sdk.LAGStatic {
		return sdk.LAGStatic
	}
	return sdk.LAGLACP
}

// lagSet creates or reuses the port-channel, converges its members (a new
// member first leaves its VLANs, which a member cannot have) and its own
// VLAN memberships, and writes the LAG's name into its description.
func (d *memberDriver) lagSet(h sdk.Host, r sdk.LAGSetRequest) (sdk.Result, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	mode := lagMode(r.LAG)
	n, lag := findMemberLAG(st, r.LAG)
	exists := lag != nil
	var lines []string
	if !exists {
		if n == 0 {
			var err error
			n, err = freeLAG(h, func(c int) bool { _, used := st.LAGs[c]; return used || st.Ports[fmt.Sprintf(d.m.LAGName, c)] != nil })
			if err != nil {
				return sdk.Result{}, err
			}
		}
		lag = &MemberLAG{Name: fmt.Sprintf(d.m.LAGName, n)}
	} else if lag.Mode != "" && lag.Mode != mode {
		return sdk.Result{}, sdk.Conflict("port-channel %s is %s on the device, the request asks for %s: lag_delete it first to change its mode", lag.Name, lag.Mode, mode)
	}
	for _, m := range r.LAG.Members {
		if _, ok := st.Ports[m]; !ok || slices.ContainsFunc(slices.Collect(maps.Values(st.LAGs)), func(l *MemberLAG) bool { return l.Name == m }) {
			return sdk.Result{}, sdk.Errorf("not_found", "LAG member %s does not exist on this device", m)
		}
		if other := lagOf(st, m); other != nil && other.Name != lag.Name {
			return sdk.Result{}, sdk.Conflict("LAG member %s already belongs to %s (LAG %q): delete that LAG or take the port out first", m, other.Name, other.Description)
		}
	}
	lines = append(lines, d.createLines(st, r.CreateVLANs)...)
	cur := st.Ports[lag.Name]
	if cur == nil {
		cur = &Membership{} // members named a port-channel the device does not show
	}
	if !exists {
		lines = append(lines, d.lagLines(d.m.LAGCreate[mode], lag, n, "", "")...)
		cur = &Membership{Up: !d.m.LAGStartsDown}
	}
	if lag.Description != r.LAG.Name && r.LAG.Name != "" {
		lines = append(lines, d.lagLines(d.m.LAGDescribe, lag, n, "", r.LAG.Name)...)
	}
	for _, m := range r.LAG.Members {
		if slices.Contains(lag.Members, m) {
			continue
		}
		// A member carries no VLAN of its own; it is enabled.
		lines = append(lines, d.portLines(m, &Membership{Up: true, Untagged: st.Ports[m].Untagged, Tagged: st.Ports[m].Tagged}, 0, nil, true)...)
		lines = append(lines, d.lagLines(d.m.LAGJoin[mode], lag, n, m, "")...)
		if !st.Ports[m].Up {
			lines = append(lines, d.lines(d.m.Enable, 0, m)...)
		}
	}
	if len(r.LAG.Members) > 0 {
		for _, m := range lag.Members {
			if !slices.Contains(r.LAG.Members, m) {
				lines = append(lines, d.lagLines(d.m.LAGLeave[mode], lag, n, m, "")...)
			}
		}
	}
	untagged, tagged := memberships(r.Config)
	lines = append(lines, d.portLines(lag.Name, cur, untagged, tagged, true)...)
	res, err := d.apply(s, lines, r.DryRun)
	res.Number, res.Created = n, !exists
	return res, err
}

// lagDelete takes the members out of the port-channel and returns them to
// the idle VLAN (none: shut down), then removes the port-channel after
// its own VLAN memberships.
func (d *memberDriver) lagDelete(h sdk.Host, r sdk.LAGDeleteRequest) (sdk.Result, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	n, lag := findMemberLAG(st, r.LAG)
	if lag == nil {
		return sdk.Result{}, nil
	}
	mode := lag.Mode
	if mode == "" {
		mode = sdk.LAGLACP
	}
	var lines []string
	for _, m := range lag.Members {
		lines = append(lines, d.lagLines(d.m.LAGLeave[mode], lag, n, m, "")...)
		cur := st.Ports[m]
		if cur == nil {
			cur = &Membership{}
		}
		lines = append(lines, d.portLines(m, cur, idleUntagged(r.IdleVLAN), nil, r.IdleVLAN != 0)...)
	}
	if cur := st.Ports[lag.Name]; cur != nil {
		lines = append(lines, d.portLines(lag.Name, &Membership{Up: true, Untagged: cur.Untagged, Tagged: cur.Tagged}, 0, nil, true)...)
	}
	lines = append(lines, d.lagLines(d.m.LAGDelete, lag, n, "", "")...)
	res, err := d.apply(s, lines, r.DryRun)
	res.Number = n
	return res, err
}
