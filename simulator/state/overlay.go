package state

import (
	"maps"
	"slices"
)

// FRR is the BGP EVPN configuration of an FRR routing daemon, as the
// Linux-based platforms (SONiC, Cumulus Linux) set it through vtysh:
// "router bgp ASN" / "address-family l2vpn evpn" / "vni N" with its route
// distinguisher and route-targets.
type FRR struct {
	// ASN is the AS of the one BGP instance; 0 until "router bgp" makes it.
	ASN int
	// VNIs are the EVPN VNIs configured under the l2vpn evpn address
	// family, keyed by VNI.
	VNIs map[int]FRRVNI
}

// FRRVNI is one "vni N" block under "address-family l2vpn evpn".
type FRRVNI struct {
	RDAuto     bool // "rd auto"
	ImportAuto bool // "route-target import auto"
	ExportAuto bool // "route-target export auto"
}

func (f FRR) clone() FRR {
	f.VNIs = maps.Clone(f.VNIs)
	return f
}

// VXLANFlood is how a VXLAN tunnel endpoint floods broadcast, unknown
// unicast and multicast traffic (Cumulus NVUE "flooding").
type VXLANFlood struct {
	// HER lists the static head-end-replication peers of the tunnel
	// endpoint ("nv set nve vxlan flooding head-end-replication IP"), in
	// the order added.
	HER []string
	// PerVLAN is the flooding of one VLAN's VNI, keyed by VLAN: "evpn"
	// (ingress replication learned through EVPN) or a multicast group
	// address.
	PerVLAN map[int]string
}

func (f VXLANFlood) clone() VXLANFlood {
	f.HER = slices.Clone(f.HER)
	f.PerVLAN = maps.Clone(f.PerVLAN)
	return f
}
