package state

import (
	"maps"
	"slices"

	"github.com/openmercury/mercury/fault"
)

// Mode is a switchport's mode.
type Mode string

// Switchport modes.
const (
	Access Mode = "access"
	Trunk  Mode = "trunk"
)

// ChannelMode is how a port joined its port-channel.
type ChannelMode string

// Channel-group modes (the keyword after "channel-group N mode").
const (
	ChannelActive  ChannelMode = "active"
	ChannelPassive ChannelMode = "passive"
	ChannelOn      ChannelMode = "on"
)

// LAGMode is a port-channel's aggregation protocol.
type LAGMode string

// Port-channel modes.
const (
	LACP   LAGMode = "lacp"
	Static LAGMode = "static"
)

// LAGModeOf returns the aggregation protocol a channel-group mode implies.
func LAGModeOf(m ChannelMode) LAGMode {
	if m == ChannelOn {
		return Static
	}
	return LACP
}

// VLAN is one VLAN in the VLAN database.
type VLAN struct {
	ID   int
	Name string // the name (or, on Dell OS10, the description) as configured
}

// L2 is the layer-2 configuration shared by ports and port-channels, in the
// vendor-neutral vocabulary every platform maps its commands onto.
type L2 struct {
	Mode        Mode
	AccessVLAN  int     // the VLAN of an access port
	NativeVLAN  int     // the untagged VLAN of a trunk port
	Allowed     VLANSet // the VLANs a trunk port carries
	Shutdown    bool
	Description string
}

// Untagged returns the VLAN the port carries untagged: the access VLAN of
// an access port, the native VLAN of a trunk.
func (l L2) Untagged() int {
	if l.Mode == Trunk {
		return l.NativeVLAN
	}
	return l.AccessVLAN
}

// Tagged returns the VLANs the port carries tagged: none on an access port,
// the allowed VLANs except the native one on a trunk.
func (l L2) Tagged() VLANSet {
	if l.Mode != Trunk {
		return VLANSet{}
	}
	t := l.Allowed
	t.Remove(l.NativeVLAN)
	return t
}

// Carries reports whether the port carries VLAN v, tagged or not.
func (l L2) Carries(v int) bool {
	if l.Mode == Trunk {
		return l.Allowed.Has(v) || l.NativeVLAN == v
	}
	return l.AccessVLAN == v
}

// Port is one physical port.
type Port struct {
	Name string
	L2
	LAG         int         // port-channel number, 0 when the port is in none
	ChannelMode ChannelMode // how it joined LAG
}

// LAG is one port-channel.
type LAG struct {
	Number  int
	Name    string // the platform's interface name, e.g. "Port-Channel10"
	Mode    LAGMode
	Members []string // member port names, sorted
	// Peer is the id that makes the port-channel one half of a
	// multi-chassis LAG across a switch pair (EOS "mlag N", NX-OS
	// "vpc N"); 0 when it is not.
	Peer int
	L2
}

// Config is one copy of a device's configuration. Its maps are keyed by
// VLAN id, port name and port-channel number. Change it only through a
// Store (or on a Clone).
type Config struct {
	VLANs map[int]VLAN
	VNIs  map[int]int // VLAN id -> VXLAN VNI
	Ports map[string]Port
	LAGs  map[int]LAG

	// FRR is the BGP EVPN configuration vtysh sets (SONiC, Cumulus).
	FRR FRR
	// Flood is the VXLAN flooding configuration (Cumulus NVUE; Junos
	// "vxlan multicast-group").
	Flood VXLANFlood
	// IPACLs are the IPv4 access lists (Dell OS10, NX-OS) by name, and
	// IPACLGroups the lists bound to each interface, by interface name.
	IPACLs      map[string]IPACL
	IPACLGroups map[string]IPACLGroups
	// SonicACL is SONiC's ACL tables, rules and ACL files.
	SonicACL SonicACL
	// VRFTargets are the EVPN route targets of VLANs, keyed by VLAN id, as
	// Junos sets them ("set vlans NAME vrf-target target:ASN:N"); the
	// value is the community, "target:65000:5100".
	VRFTargets map[int]string
	// Overlay is the EVPN, NVE and flood-list configuration of the
	// IOS-like CLIs (EOS, NX-OS): see evpn.go.
	Overlay Overlay
}

// NewConfig returns a factory-default configuration: VLAN 1 named
// defaultVLANName and every port in ports with the L2 settings def.
func NewConfig(ports []string, defaultVLANName string, def L2) Config {
	c := Config{
		VLANs: map[int]VLAN{1: {ID: 1, Name: defaultVLANName}},
		VNIs:  map[int]int{},
		Ports: make(map[string]Port, len(ports)),
		LAGs:  map[int]LAG{},
	}
	for _, p := range ports {
		c.Ports[p] = Port{Name: p, L2: def}
	}
	return c
}

// Clone returns a deep copy.
func (c Config) Clone() Config {
	out := Config{
		VLANs: maps.Clone(c.VLANs),
		VNIs:  maps.Clone(c.VNIs),
		Ports: maps.Clone(c.Ports),
		LAGs:  make(map[int]LAG, len(c.LAGs)),

		FRR:         c.FRR.clone(),
		Flood:       c.Flood.clone(),
		IPACLs:      cloneIPACLs(c.IPACLs),
		IPACLGroups: maps.Clone(c.IPACLGroups),
		SonicACL:    c.SonicACL.clone(),
		VRFTargets:  maps.Clone(c.VRFTargets),
		Overlay:     c.Overlay.Clone(),
	}
	for n, l := range c.LAGs {
		l.Members = slices.Clone(l.Members)
		out.LAGs[n] = l
	}
	if out.VLANs == nil {
		out.VLANs = map[int]VLAN{}
	}
	if out.VNIs == nil {
		out.VNIs = map[int]int{}
	}
	if out.Ports == nil {
		out.Ports = map[string]Port{}
	}
	return out
}

// VLANIDs returns the configured VLAN ids in ascending order.
func (c Config) VLANIDs() []int {
	return slices.Sorted(maps.Keys(c.VLANs))
}

// PortNames returns the port names sorted by sort (nil: lexical order).
func (c Config) PortNames(less func(a, b string) int) []string {
	names := slices.Collect(maps.Keys(c.Ports))
	if less == nil {
		slices.Sort(names)
	} else {
		slices.SortFunc(names, less)
	}
	return names
}

// LAGNumbers returns the port-channel numbers in ascending order.
func (c Config) LAGNumbers() []int {
	return slices.Sorted(maps.Keys(c.LAGs))
}

// LAGByName returns the port-channel whose interface name is name.
func (c Config) LAGByName(name string) (LAG, bool) {
	for _, l := range c.LAGs {
		if l.Name == name {
			return l, true
		}
	}
	return LAG{}, false
}

// Interface returns the L2 settings of the port or port-channel named name.
func (c Config) Interface(name string) (L2, bool) {
	if p, ok := c.Ports[name]; ok {
		return p.L2, true
	}
	if l, ok := c.LAGByName(name); ok {
		return l.L2, true
	}
	return L2{}, false
}

// EditInterface applies fn to the L2 settings of the port or port-channel
// named name. It returns a NotFound error when there is none; when fn fails
// nothing is stored.
func (c *Config) EditInterface(name string, fn func(*L2) error) error {
	if p, ok := c.Ports[name]; ok {
		l := p.L2
		if err := fn(&l); err != nil {
			return err
		}
		p.L2 = l
		c.Ports[name] = p
		return nil
	}
	if lag, ok := c.LAGByName(name); ok {
		l := lag.L2
		if err := fn(&l); err != nil {
			return err
		}
		lag.L2 = l
		c.LAGs[lag.Number] = lag
		return nil
	}
	return fault.New(fault.NotFound, "no interface %s", name)
}

// SetVLAN creates VLAN id or renames it.
func (c *Config) SetVLAN(id int, name string) {
	c.VLANs[id] = VLAN{ID: id, Name: name}
}

// DeleteVLAN removes VLAN id (and, with dropVNI, its VNI mapping). Ports
// that use it keep referring to it, as on a real switch.
func (c *Config) DeleteVLAN(id int, dropVNI bool) {
	delete(c.VLANs, id)
	if dropVNI {
		delete(c.VNIs, id)
	}
}

// EnsureLAG creates port-channel n named name with the L2 settings def,
// unless it exists, and returns it.
func (c *Config) EnsureLAG(n int, name string, def L2) LAG {
	if l, ok := c.LAGs[n]; ok {
		return l
	}
	l := LAG{Number: n, Name: name, Mode: Static, L2: def}
	c.LAGs[n] = l
	return l
}

// JoinLAG makes port a member of port-channel n, which must exist, joined
// with mode m; a port in another port-channel leaves it first.
func (c *Config) JoinLAG(port string, n int, m ChannelMode) error {
	p, ok := c.Ports[port]
	if !ok {
		return fault.New(fault.NotFound, "no port %s", port)
	}
	lag, ok := c.LAGs[n]
	if !ok {
		return fault.New(fault.NotFound, "no port-channel %d", n)
	}
	if p.LAG != 0 && p.LAG != n {
		c.LeaveLAG(port)
		lag = c.LAGs[n]
	}
	p.LAG, p.ChannelMode = n, m
	c.Ports[port] = p
	if !slices.Contains(lag.Members, port) {
		lag.Members = append(slices.Clone(lag.Members), port)
		slices.Sort(lag.Members)
	}
	lag.Mode = LAGModeOf(m)
	c.LAGs[n] = lag
	return nil
}

// LeaveLAG takes port out of its port-channel, if it is in one.
func (c *Config) LeaveLAG(port string) {
	p, ok := c.Ports[port]
	if !ok || p.LAG == 0 {
		return
	}
	if lag, ok := c.LAGs[p.LAG]; ok {
		lag.Members = slices.DeleteFunc(slices.Clone(lag.Members), func(m string) bool { return m == port })
		c.LAGs[p.LAG] = lag
	}
	p.LAG, p.ChannelMode = 0, ""
	c.Ports[port] = p
}

// SetLAGMode sets the mode of port-channel n, which must exist, and of its
// members' channels.
func (c *Config) SetLAGMode(n int, m ChannelMode) {
	lag := c.LAGs[n]
	lag.Mode = LAGModeOf(m)
	c.LAGs[n] = lag
	for _, name := range lag.Members {
		p := c.Ports[name]
		p.ChannelMode = m
		c.Ports[name] = p
	}
}

// SetLAGPeer sets port-channel n's pair id (0 removes it); an id another
// port-channel has is refused.
func (c *Config) SetLAGPeer(n, id int) error {
	lag, ok := c.LAGs[n]
	if !ok {
		return fault.New(fault.NotFound, "no port-channel %d", n)
	}
	for _, o := range c.LAGs {
		if id != 0 && o.Number != n && o.Peer == id {
			return fault.New(fault.Conflict, "id %d is in use by %s", id, o.Name)
		}
	}
	lag.Peer = id
	c.LAGs[n] = lag
	return nil
}

// DeleteLAG removes port-channel n; its members leave it.
func (c *Config) DeleteLAG(n int) {
	lag, ok := c.LAGs[n]
	if !ok {
		return
	}
	for _, m := range lag.Members {
		if p, ok := c.Ports[m]; ok {
			p.LAG, p.ChannelMode = 0, ""
			c.Ports[m] = p
		}
	}
	delete(c.LAGs, n)
}
