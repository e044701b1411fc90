package state

import (
	"maps"
	"slices"
)

// Overlay is a device's VXLAN control- and data-plane configuration beyond
// the VLAN-to-VNI map (Config.VNIs): BGP EVPN instances, the members of an
// NVE interface and head-end flood lists. The zero value is empty; a map
// is created by the first write, and Clone turns empty maps back into nil
// so two copies of the same configuration compare equal.
type Overlay struct {
	// BGPAS is the local AS of "router bgp N" (EOS); "" when BGP is not
	// configured.
	BGPAS string
	// EVPNByVLAN are the VLAN-based EVPN instances under "router bgp"
	// (EOS "vlan N"), by VLAN id.
	EVPNByVLAN map[int]EVPN
	// EVPNByVNI are the L2 VNIs under "evpn" (NX-OS "vni N l2"), by VNI.
	EVPNByVNI map[int]EVPN
	// NVE holds the members of the NVE interface (NX-OS "interface nve1"
	// / "member vni N"), by VNI.
	NVE map[int]NVEMember
	// FloodVTEPs are the head-end flood lists of VLANs on the VXLAN
	// interface (EOS "vxlan vlan N flood vtep A ..."), by VLAN id, in the
	// order given.
	FloodVTEPs map[int][]string
}

// EVPN is one EVPN instance: its route distinguisher, its route targets
// and whether it advertises the MAC addresses it learns.
type EVPN struct {
	RD           string // "auto" or an explicit RD; "" when not set
	RouteTargets []RouteTarget
	Redistribute bool // EOS "redistribute learned"
}

// RouteTarget is one "route-target DIR VALUE" line: Dir is "import",
// "export" or "both"; Value is "auto", "auto ASN" or "ASN:NN".
type RouteTarget struct {
	Dir   string
	Value string
}

// SetRouteTarget adds rt unless the instance has it already.
func (e *EVPN) SetRouteTarget(rt RouteTarget) {
	if !slices.Contains(e.RouteTargets, rt) {
		e.RouteTargets = append(slices.Clone(e.RouteTargets), rt)
	}
}

// RemoveRouteTarget removes rt; it reports whether the instance had it.
func (e *EVPN) RemoveRouteTarget(rt RouteTarget) bool {
	i := slices.Index(e.RouteTargets, rt)
	if i < 0 {
		return false
	}
	e.RouteTargets = slices.Delete(slices.Clone(e.RouteTargets), i, i+1)
	return true
}

// Replication is how an NVE member floods broadcast, unknown-unicast and
// multicast traffic.
type Replication string

// Replication modes of an NVE member.
const (
	ReplicationNone      Replication = ""          // not configured: the VNI floods nowhere
	ReplicationBGP       Replication = "bgp"       // "ingress-replication protocol bgp"
	ReplicationMulticast Replication = "multicast" // "mcast-group A.B.C.D"
)

// NVEMember is one VNI on an NVE interface.
type NVEMember struct {
	VNI         int
	Replication Replication
	McastGroup  string // with ReplicationMulticast
	SuppressARP bool
}

// Clone returns a deep copy, with empty maps as nil.
func (o Overlay) Clone() Overlay {
	out := Overlay{BGPAS: o.BGPAS, EVPNByVLAN: cloneEVPN(o.EVPNByVLAN), EVPNByVNI: cloneEVPN(o.EVPNByVNI)}
	if len(o.NVE) > 0 {
		out.NVE = maps.Clone(o.NVE)
	}
	if len(o.FloodVTEPs) > 0 {
		out.FloodVTEPs = make(map[int][]string, len(o.FloodVTEPs))
		for v, l := range o.FloodVTEPs {
			out.FloodVTEPs[v] = slices.Clone(l)
		}
	}
	return out
}

func cloneEVPN(m map[int]EVPN) map[int]EVPN {
	if len(m) == 0 {
		return nil
	}
	out := make(map[int]EVPN, len(m))
	for k, e := range m {
		e.RouteTargets = slices.Clone(e.RouteTargets)
		out[k] = e
	}
	return out
}

// SetEVPN stores the EVPN instance of key in *m, creating the map.
func SetEVPN(m *map[int]EVPN, key int, e EVPN) {
	if *m == nil {
		*m = map[int]EVPN{}
	}
	(*m)[key] = e
}

// SetNVEMember stores member m.
func (o *Overlay) SetNVEMember(m NVEMember) {
	if o.NVE == nil {
		o.NVE = map[int]NVEMember{}
	}
	o.NVE[m.VNI] = m
}

// SetFlood replaces VLAN v's flood list; an empty list removes it.
func (o *Overlay) SetFlood(v int, vteps []string) {
	if len(vteps) == 0 {
		delete(o.FloodVTEPs, v)
		return
	}
	if o.FloodVTEPs == nil {
		o.FloodVTEPs = map[int][]string{}
	}
	o.FloodVTEPs[v] = slices.Clone(vteps)
}

// ACLTable holds IP access lists and the ports that filter their inbound
// traffic with one (NX-OS "ip port access-group NAME in"). The zero value
// is empty; Clone turns empty maps back into nil.
type ACLTable struct {
	Lists map[string]IPACL
	// In is the access list filtering each interface's inbound traffic,
	// by interface name.
	In map[string]string
}

// IPACL is one IP access list: its entries by sequence number.
type IPACL struct {
	Name    string
	Entries []ACLEntry // ascending by Seq
}

// ACLEntry is one access-list entry: "SEQ ACTION RULE", where Rule is the
// rest of the line as the device renders it ("tcp any 10.0.0.0/24 eq 22").
type ACLEntry struct {
	Seq    int
	Action string // "permit" or "deny"
	Rule   string
}

// Clone returns a deep copy, with empty maps as nil.
func (t ACLTable) Clone() ACLTable {
	var out ACLTable
	if len(t.Lists) > 0 {
		out.Lists = make(map[string]IPACL, len(t.Lists))
		for n, l := range t.Lists {
			l.Entries = slices.Clone(l.Entries)
			out.Lists[n] = l
		}
	}
	if len(t.In) > 0 {
		out.In = maps.Clone(t.In)
	}
	return out
}

// Names returns the access-list names, sorted.
func (t ACLTable) Names() []string { return slices.Sorted(maps.Keys(t.Lists)) }

// Ensure creates access list name unless it exists.
func (t *ACLTable) Ensure(name string) {
	if t.Lists == nil {
		t.Lists = map[string]IPACL{}
	}
	if _, ok := t.Lists[name]; !ok {
		t.Lists[name] = IPACL{Name: name}
	}
}

// Add appends an entry to access list name, which must exist: seq 0 takes
// the next multiple of 10 after the last entry; an entry with the same
// sequence number is replaced, and an entry without a number that the
// list already has is not added again. It reports false when the list does
// not exist.
func (t *ACLTable) Add(name string, e ACLEntry) bool {
	l, ok := t.Lists[name]
	if !ok {
		return false
	}
	if e.Seq == 0 && slices.ContainsFunc(l.Entries, func(x ACLEntry) bool { return x.Action == e.Action && x.Rule == e.Rule }) {
		return true
	}
	if e.Seq == 0 {
		e.Seq = 10
		if n := len(l.Entries); n > 0 {
			e.Seq = (l.Entries[n-1].Seq/10 + 1) * 10
		}
	}
	entries := slices.DeleteFunc(slices.Clone(l.Entries), func(x ACLEntry) bool { return x.Seq == e.Seq })
	entries = append(entries, e)
	slices.SortFunc(entries, func(a, b ACLEntry) int { return a.Seq - b.Seq })
	l.Entries = entries
	t.Lists[name] = l
	return true
}

// Delete removes access list name; ports keep naming it, as on the device.
func (t *ACLTable) Delete(name string) { delete(t.Lists, name) }

// Bind makes name the inbound filter of interface ifc ("" unbinds).
func (t *ACLTable) Bind(ifc, name string) {
	if name == "" {
		delete(t.In, ifc)
		return
	}
	if t.In == nil {
		t.In = map[string]string{}
	}
	t.In[ifc] = name
}
