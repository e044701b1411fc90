package vswitch

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// A VXLAN network on a DPU is a tunnel port "vx<VNI>" of type vxlan on the
// representors' bridge, with options:key=<VNI>, an access port on the
// network's local VLAN: the representors on that VLAN reach the VNI
// through it. Device options:
//
//	options.vxlan_remote_ip  the remote VTEP (required for a VXLAN network)
//	options.vxlan_local_ip   the local VTEP address (default: OVS picks it from its routes)
//	options.bridge           the bridge for tunnel ports (default: the one holding the representors)

// tunnel is one VXLAN tunnel port as the device has it.
type tunnel struct {
	port   string
	vlan   int
	vni    int
	remote string
	local  string
}

func tunnelName(vni int) string { return "vx" + strconv.Itoa(vni) }

// tunnels reads the VXLAN tunnel ports, by VNI, in one ovs-vsctl call.
func (c *conn) tunnels() (map[int]tunnel, error) {
	out, status, err := c.s.Exec(c.prefix + " --format=json -- --columns=name,type,options list interface -- --columns=name,tag list port")
	if err != nil {
		return nil, err
	}
	if status != 0 {
		return nil, sdk.DeviceError("ovs-vsctl exited %d: %s", status, strings.TrimSpace(out))
	}
	var tables [2]struct {
		Data [][]json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for i := range tables {
		if err := dec.Decode(&tables[i]); err != nil {
			return nil, sdk.DeviceError("unexpected ovs-vsctl output: %v", err)
		}
	}
	tags := map[string]int{}
	for _, row := range tables[1].Data {
		var name string
		var tag int
		if len(row) == 2 && json.Unmarshal(row[0], &name) == nil && json.Unmarshal(row[1], &tag) == nil {
			tags[name] = tag
		}
	}
	out2 := map[int]tunnel{}
	for _, row := range tables[0].Data {
		var name, typ string
		if len(row) != 3 || json.Unmarshal(row[0], &name) != nil || json.Unmarshal(row[1], &typ) != nil || typ != "vxlan" {
			continue
		}
		opts := mapColumn(row[2])
		vni, err := strconv.Atoi(opts["key"])
		if err != nil || name != tunnelName(vni) {
			continue // not a tunnel this driver made
		}
		out2[vni] = tunnel{port: name, vlan: tags[name], vni: vni, remote: opts["remote_ip"], local: opts["local_ip"]}
	}
	return out2, nil
}

// mapColumn decodes an OVSDB map column: ["map",[["k","v"],...]].
func mapColumn(raw json.RawMessage) map[string]string {
	m := map[string]string{}
	var pair []json.RawMessage
	var kvs [][2]string
	if json.Unmarshal(raw, &pair) == nil && len(pair) == 2 && json.Unmarshal(pair[1], &kvs) == nil {
		for _, kv := range kvs {
			m[kv[0]] = kv[1]
		}
	}
	return m
}

// vtep returns the tunnel endpoints from the device options.
func vtep(h sdk.Host) (remote, local string, err error) {
	remote, _ = h.Setting("options.vxlan_remote_ip")
	if _, perr := netip.ParseAddr(remote); perr != nil {
		return "", "", sdk.Invalid("options.vxlan_remote_ip %q is not an IP address: set it to the remote VTEP's address for VXLAN networks", remote)
	}
	if local, _ = h.Setting("options.vxlan_local_ip"); local != "" {
		if _, perr := netip.ParseAddr(local); perr != nil {
			return "", "", sdk.Invalid("options.vxlan_local_ip %q is not an IP address", local)
		}
	}
	return remote, local, nil
}

// tunnelBridge is options.bridge, else the bridge holding a listed port.
func tunnelBridge(h sdk.Host, v bridgeView, listed func(string) bool) (string, error) {
	if b, ok := h.Setting("options.bridge"); ok && b != "" {
		if !lagName.MatchString(b) {
			return "", sdk.Invalid("options.bridge %q is not a bridge name", b)
		}
		return b, nil
	}
	var names []string
	for name := range v.ports {
		if listed == nil || listed(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		if br := v.bridge[n]; br != "" && br != n {
			return br, nil
		}
	}
	return "", sdk.Invalid("no bridge holds a representor: set options.bridge to the bridge for VXLAN tunnel ports")
}

// addTunnel makes (or converges) the tunnel port of a VXLAN network.
func addTunnel(h sdk.Host, r sdk.NetworkRequest, listed func(string) bool) (sdk.Result, error) {
	n := r.Network
	if n.VNI == 0 {
		return sdk.Result{Saved: true}, nil // a VLAN needs nothing created in OVS
	}
	remote, local, err := vtep(h)
	if err != nil {
		return sdk.Result{}, err
	}
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	tuns, err := c.tunnels()
	if err != nil {
		return sdk.Result{}, err
	}
	for _, t := range tuns {
		if t.vlan == n.VLAN && t.vni != n.VNI {
			return sdk.Result{}, sdk.Conflict("VLAN %d already carries VNI %d (port %s): delete that network first", n.VLAN, t.vni, t.port)
		}
	}
	name := tunnelName(n.VNI)
	opts := fmt.Sprintf("options:key=%d options:remote_ip=%s", n.VNI, remote)
	if local != "" {
		opts += " options:local_ip=" + local
	}
	var cmds []string
	if t, ok := tuns[n.VNI]; ok {
		if t.vlan != n.VLAN {
			return sdk.Result{}, sdk.Conflict("VNI %d is already mapped to VLAN %d (port %s): delete that network first", n.VNI, t.vlan, t.port)
		}
		if t.remote != remote || t.local != local {
			cmds = append(cmds, "set interface "+name+" "+opts)
		}
	} else {
		v, err := c.view()
		if err != nil {
			return sdk.Result{}, err
		}
		br, err := tunnelBridge(h, v, listed)
		if err != nil {
			return sdk.Result{}, err
		}
		cmds = append(cmds, fmt.Sprintf("add-port %s %s tag=%d -- set interface %s type=vxlan %s", br, name, n.VLAN, name, opts))
	}
	if len(cmds) == 0 {
		return sdk.Result{Saved: true}, nil
	}
	return c.commit(cmds, r.DryRun)
}

// deleteTunnel removes the tunnel port of a VXLAN network; without Force
// it refuses while a listed port still carries the network's VLAN.
func deleteTunnel(h sdk.Host, r sdk.NetworkRequest, listed func(string) bool) (sdk.Result, error) {
	n := r.Network
	if n.VNI == 0 {
		return sdk.Result{Saved: true}, nil
	}
	c, err := open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer c.s.Close()
	tuns, err := c.tunnels()
	if err != nil {
		return sdk.Result{}, err
	}
	t, ok := tuns[n.VNI]
	if !ok {
		return sdk.Result{Saved: true}, nil
	}
	if !r.Force {
		list, err := listPortsOn(c, h, listed)
		if err != nil {
			return sdk.Result{}, err
		}
		for _, p := range list.Ports {
			if p.Enabled && (p.NativeVLAN == t.vlan || slices.Contains(p.AllowedVLANs, t.vlan)) {
				return sdk.Result{}, sdk.Conflict("port %s still carries VLAN %d of VNI %d: detach it first, or force", p.Port, t.vlan, n.VNI)
			}
		}
	}
	cmds := []string{"del-port " + t.port}
	return c.commit(cmds, r.DryRun)
}

// readTunnels answers read_networks: one network per tunnel port.
func readTunnels(h sdk.Host) (sdk.NetworkList, error) {
	c, err := open(h)
	if err != nil {
		return sdk.NetworkList{}, err
	}
	defer c.s.Close()
	tuns, err := c.tunnels()
	if err != nil {
		return sdk.NetworkList{}, err
	}
	list := sdk.NetworkList{Networks: []sdk.Network{}}
	for _, t := range tuns {
		list.Networks = append(list.Networks, sdk.Network{VLAN: t.vlan, VNI: t.vni})
	}
	slices.SortFunc(list.Networks, func(a, b sdk.Network) int { return a.VLAN - b.VLAN })
	return list, nil
}
