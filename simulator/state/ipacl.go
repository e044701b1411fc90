package state

import (
	"maps"
	"slices"
)

// IPACL is a named IPv4 access list of the IOS-like Dell OS10 CLI ("ip
// access-list NAME" and its "seq N permit ..." rules).
type IPACL struct {
	Name  string
	Rules []IPACLRule // in sequence order
}

// IPACLRule is one rule of an IPACL: its sequence number and its text as
// the device prints it after "seq N " ("permit tcp 10.0.0.0/24 any eq 22").
type IPACLRule struct {
	Seq  int
	Text string
}

// IPACLGroups are the access lists bound to one interface ("ip
// access-group NAME in|out"); "" where none is.
type IPACLGroups struct {
	In  string
	Out string
}

// cloneIPACLs deep-copies an access-list map (nil stays nil).
func cloneIPACLs(m map[string]IPACL) map[string]IPACL {
	if m == nil {
		return nil
	}
	out := make(map[string]IPACL, len(m))
	for k, v := range m {
		v.Rules = slices.Clone(v.Rules)
		out[k] = v
	}
	return out
}

// IPACLNames returns the access-list names in lexical order.
func (c Config) IPACLNames() []string {
	return slices.Sorted(maps.Keys(c.IPACLs))
}

// IPACLBound returns the interfaces access list name is bound to, in
// lexical order, with the direction ("in" or "out") of each binding.
func (c Config) IPACLBound(name string) (ifaces []string, dirs []string) {
	for _, ifc := range slices.Sorted(maps.Keys(c.IPACLGroups)) {
		g := c.IPACLGroups[ifc]
		if g.In == name {
			ifaces, dirs = append(ifaces, ifc), append(dirs, "in")
		}
		if g.Out == name {
			ifaces, dirs = append(ifaces, ifc), append(dirs, "out")
		}
	}
	return ifaces, dirs
}
