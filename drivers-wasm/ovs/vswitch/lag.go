package vswitch

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// A LAG is an OVS bond: one port named for the LAG whose interfaces are the
// members. LACP LAGs run lacp=active with bond_mode=balance-tcp; static
// ones bond_mode=balance-slb without LACP. Making a bond replaces the
// members' own ports in the same transaction, and deleting it gives each
// member its own port again, parked like a reset port.

// lagName is what a LAG name must be to name an OVS port.
var lagName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`)

// bridgeView is the part of the database LAG changes need: every port with
// its interfaces, and which bridge holds it.
type bridgeView struct {
	ports  map[string]viewPort // by port name
	bridge map[string]string   // port name -> bridge name
}

type viewPort struct {
	state    sdk.PortState // OVS's vlan_mode names, as read returns them
	ifaces   []string      // sorted
	lacp     string        // "active", "passive", "off" or ""
	bondMode string
}

// portOf returns the port holding interface iface ("" if none).
func (v bridgeView) portOf(iface string) string {
	for name, p := range v.ports {
		if slices.Contains(p.ifaces, iface) {
			return name
		}
	}
	return ""
}

// view reads interfaces, ports and bridges in one ovs-vsctl call.
func (c *conn) view() (bridgeView, error) {
	out, status, err := c.s.Exec(c.prefix + " --format=json -- --columns=_uuid,name list interface" +
		" -- --columns=_uuid,name,interfaces,lacp,bond_mode,vlan_mode,tag,trunks,external_ids list port" +
		" -- --columns=name,ports list bridge")
	if err != nil {
		return bridgeView{}, err
	}
	if status != 0 {
		return bridgeView{}, sdk.DeviceError("ovs-vsctl exited %d: %s", status, strings.TrimSpace(out))
	}
	var tables [3]struct {
		Data [][]json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for i := range tables {
		if err := dec.Decode(&tables[i]); err != nil {
			return bridgeView{}, sdk.DeviceError("unexpected ovs-vsctl output: %v", err)
		}
	}
	ifaces := map[string]string{} // uuid -> name
	for _, row := range tables[0].Data {
		var name string
		if len(row) != 2 || json.Unmarshal(row[1], &name) != nil {
			return bridgeView{}, sdk.DeviceError("unexpected ovs-vsctl interface row")
		}
		for _, u := range uuids(row[0]) {
			ifaces[u] = name
		}
	}
	v := bridgeView{ports: map[string]viewPort{}, bridge: map[string]string{}}
	portNames := map[string]string{} // uuid -> name
	for _, row := range tables[1].Data {
		if len(row) != 9 {
			return bridgeView{}, sdk.DeviceError("unexpected ovs-vsctl port row of %d columns", len(row))
		}
		st, err := rowState([]json.RawMessage{row[1], row[5], row[6], row[7], row[8]})
		if err != nil {
			return bridgeView{}, err
		}
		p := viewPort{state: st}
		for _, u := range uuids(row[2]) {
			p.ifaces = append(p.ifaces, ifaces[u])
		}
		slices.Sort(p.ifaces)
		_ = json.Unmarshal(row[3], &p.lacp) // an empty set leaves ""
		_ = json.Unmarshal(row[4], &p.bondMode)
		v.ports[st.Port] = p
		for _, u := range uuids(row[0]) {
			portNames[u] = st.Port
		}
	}
	for _, row := range tables[2].Data {
		var name string
		if len(row) != 2 || json.Unmarshal(row[0], &name) != nil {
			return bridgeView{}, sdk.DeviceError("unexpected ovs-vsctl bridge row")
		}
		for _, u := range uuids(row[1]) {
			v.bridge[portNames[u]] = name
		}
	}
	return v, nil
}

// uuids decodes an OVSDB reference or set of references:
// ["uuid","..."] or ["set",[["uuid","..."],...]].
func uuids(raw json.RawMessage) []string {
	var pair []json.RawMessage
	if json.Unmarshal(raw, &pair) != nil || len(pair) != 2 {
		return nil
	}
	var tag string
	json.Unmarshal(pair[0], &tag)
	switch tag {
	case "uuid":
		var u string
		json.Unmarshal(pair[1], &u)
		return []string{u}
	case "set":
		var refs []json.RawMessage
		json.Unmarshal(pair[1], &refs)
		var out []string
		for _, r := range refs {
			out = append(out, uuids(r)...)
		}
		return out
	}
	return nil
}

func lagSet(h sdk.Host, r sdk.LAGSetRequest) (sdk.Result, error) {
	name := r.LAG.Name
	if !lagName.MatchString(name) {
		return sdk.Result{}, sdk.Invalid("LAG name %q cannot name an OVS bond port (letters, digits, _ . : -, at most 64)", name)
	}
	members := slices.Clone(r.LAG.Members)
	slices.Sort(members)
	members = slices.Compact(members)
	if len(members) < 2 {
		return sdk.Result{}, sdk.Invalid("an OVS bond needs at least two members, got %v", r.LAG.Members)
	}
	w, err := desired(r.Config)
	if err != nil {
		return sdk.Result{}, err
	}
	lacp, bondMode := "off", "balance-slb"
	if r.LAG.Mode != sdk.LAGStatic {
		lacp, bondMode = "active", "balance-tcp"
	}
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	v, err := c.view()
	if err != nil {
		return sdk.Result{}, err
	}
	cur, exists := v.ports[name]
	var cmds []string
	if exists && slices.Equal(cur.ifaces, members) && cur.lacp == lacp && cur.bondMode == bondMode {
		cmds = changes(name, cur.state, w)
	} else {
		br := ""
		var drop []string
		for _, m := range members {
			p := v.portOf(m)
			switch {
			case p == "":
				return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this switch", m)
			case p != m && p != name:
				return sdk.Result{}, sdk.Errorf("conflict", "port %s is a member of bond %s: delete that LAG first", m, p)
			case br == "":
				br = v.bridge[p]
			case v.bridge[p] != br:
				return sdk.Result{}, sdk.Invalid("members %v are on different bridges", members)
			}
			if p == m {
				drop = append(drop, "del-port "+m)
			}
		}
		if exists {
			drop = append(drop, "del-port "+name)
		}
		add := fmt.Sprintf("add-bond %s %s %s lacp=%s bond_mode=%s", br, name, strings.Join(members, " "), lacp, bondMode)
		if lacp == "active" {
			add += " other_config:lacp-time=fast"
		}
		cmds = append(append(drop, add), changes(name, sdk.PortState{}, w)...)
	}
	if len(cmds) == 0 {
		return sdk.Result{Saved: true}, nil
	}
	res, err := c.commit(cmds, r.DryRun)
	res.Created = !exists
	return res, err
}

func lagDelete(h sdk.Host, r sdk.LAGDeleteRequest) (sdk.Result, error) {
	name := r.LAG.Name
	if !lagName.MatchString(name) {
		return sdk.Result{}, sdk.Invalid("LAG name %q cannot name an OVS bond port", name)
	}
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	v, err := c.view()
	if err != nil {
		return sdk.Result{}, err
	}
	cur, exists := v.ports[name]
	if !exists {
		return sdk.Result{Saved: true}, nil
	}
	if len(cur.ifaces) < 2 && cur.bondMode == "" {
		return sdk.Result{}, sdk.Errorf("conflict", "%s is a port, not a bond: Mercury deletes only LAGs", name)
	}
	idle := r.IdleVLAN
	if idle == 0 {
		idle = isolationVLAN(h)
	}
	cmds := []string{"del-port " + name}
	for _, m := range cur.ifaces {
		cmds = append(cmds, fmt.Sprintf("add-port %s %s tag=%d", v.bridge[name], m, idle))
	}
	return c.commit(cmds, r.DryRun)
}
