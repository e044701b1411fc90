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
