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
// plus an optional untagged one (the native VLAN). Driver turns it into
// set_port, reset_port, add/delete_network, read_port and save, reading
// the memberships first and changing only those that differ.
type Members struct {
	Info     sdk.Description // Session and Shell are filled in
	Platform Platform
	Show     string                                 // prints all Parse needs
	Parse    func(text string) (MemberState, error) // reads it
	// Lines, with {vlan} and {port}: join or leave a VLAN untagged or
	// tagged, create or delete a VLAN, bring a port up or down.
	AddUntagged, DelUntagged, AddTagged, DelTagged []string
	CreateVLAN, DeleteVLAN, Enable, Disable        []string
}

// MemberState is what a Members driver reads from the device.
type MemberState struct {
	VLANs map[int]bool
	Ports map[string]*Membership
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

// readNetworks reads the device's VLANs (these OSes map no VNIs).
func (d *memberDriver) readNetworks(h sdk.Host, _ sdk.ReadNetworksRequest) (sdk.NetworkList, error) {
	s, st, err := d.open(h)
	if err != nil {
		return sdk.NetworkList{}, err
	}
	defer s.Close()
	list := sdk.NetworkList{Networks: []sdk.Network{}}
	for _, v := range slices.Sorted(maps.Keys(st.VLANs)) {
		if st.VLANs[v] {
			list.Networks = append(list.Networks, sdk.Network{VLAN: v})
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
	var lines []string
	for _, n := range create {
		if !st.VLANs[n.VLAN] {
			lines = append(lines, d.lines(d.m.CreateVLAN, n.VLAN, port)...)
		}
	}
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
	return d.apply(s, lines, dry)
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
	c := r.Config
	tagged := slices.DeleteFunc(slices.Clone(c.AllowedVLANs), func(v int) bool { return v == c.NativeVLAN })
	if c.Mode == sdk.ModeAccess {
		tagged = nil
	}
	untagged := c.NativeVLAN
	if untagged == 1 {
		untagged = 0 // Mercury's default VLAN is "no VLAN" here
	}
	slices.Sort(tagged)
	return d.converge(h, r.Port, untagged, tagged, true, r.CreateVLANs, r.DryRun)
}

func (d *memberDriver) resetPort(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) {
	if r.IdleVLAN == 0 {
		return d.converge(h, r.Port, 0, nil, false, nil, r.DryRun)
	}
	return d.converge(h, r.Port, r.IdleVLAN, nil, true, nil, r.DryRun)
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
	ps := sdk.PortState{Port: r.Port, Exists: true, Enabled: m.Up, Mode: sdk.ModeAccess, NativeVLAN: m.Untagged}
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
	if r.Network.VNI != 0 {
		return sdk.Result{}, sdk.Unsupported("driver %s does not map VXLAN VNIs", d.m.Info.Name)
	}
	s, st, err := d.open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	v := r.Network.VLAN
	if add == st.VLANs[v] {
		return sdk.Result{}, nil
	}
	if add {
		return d.apply(s, d.lines(d.m.CreateVLAN, v, ""), r.DryRun)
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
	return d.apply(s, append(lines, d.lines(d.m.DeleteVLAN, v, "")...), r.DryRun)
}
