package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// Block is one top-level stanza of a running configuration: an unindented
// header line ("interface Ethernet1") and the indented lines under it,
// trimmed.
type Block struct {
	Header string
	Lines  []string
}

// Blocks splits running-configuration text into its top-level stanzas.
// Comment lines ("!") and blank lines end nothing and are dropped.
func Blocks(text string) []Block {
	var out []Block
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "!") {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			out = append(out, Block{Header: t})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].Lines = append(out[len(out)-1].Lines, t)
		}
	}
	return out
}

// Running is what a driver's parser reads from running configuration text
// (all of it, or one interface's part).
type Running struct {
	VLANs map[int]string           // VLAN ID → name ("" when the OS shows none)
	Ports map[string]sdk.PortState // by port name, as the device spells it
	LAGs  map[int]sdk.PortState    // port-channels by number; Port is the interface name
	VNIs  map[int]int              // VLAN ID → VXLAN VNI it is mapped to
	// Peers are port-channels' pair ids (EOS mlag, NX-OS vpc), by number.
	Peers map[int]int
	// LAGModes holds a port-channel's aggregation, sdk.LAGLACP or
	// sdk.LAGStatic, when the OS keeps it on the port-channel and the
	// parser reads it (Junos, NVUE); lag_set converges the mode of the
	// port-channels it names. Nil for the IOS family, whose mode is on the
	// members' channel-group lines.
	LAGModes map[int]string
}

// Syntax is how an IOS-family running configuration spells VLANs and
// switch ports, for a Switch that needs no parser of its own. Fields that
// are line prefixes include their trailing space.
type Syntax struct {
	// VLAN starts a VLAN stanza, followed by an ID or a list ("vlan ",
	// or "interface vlan" on OS10); VLANName names it inside ("name ").
	VLAN     string
	VLANName string
	// ImplicitVLAN1: VLAN 1 exists though the configuration never shows it.
	ImplicitVLAN1 bool
	// DefaultVLANName is the name a VLAN has when none is configured, a
	// fmt format of its ID such as "VLAN%04d"; "" for none.
	DefaultVLANName string
	// Ports are the interface-name prefixes of switch ports ("Ethernet").
	Ports []string
	// A port's lines. Native "" means a trunk's untagged VLAN is its access
	// VLAN (OS10).
	Trunk, Access, Native, Allowed string
	Description, ChannelGroup      string
	// Shutdown and NoShutdown are the lines that set the admin state;
	// DefaultShut: a port that shows neither is down (NX-OS prints
	// "no shutdown" explicitly, so its absence means shut).
	Shutdown, NoShutdown string
	DefaultShut          bool
	// DefaultAllowed is a trunk's allowed list when none is shown: "all"
	// (Cisco-style) or "none" (OS10).
	DefaultAllowed string
	// LAGName formats a channel-group number as the port-channel's
	// interface name ("Port-Channel%s"); interfaces named that way are
	// parsed into Running.LAGs.
	LAGName string
	// VNIInVLAN is the line inside a VLAN stanza that maps it to a VNI
	// ("vn-segment ", NX-OS); VNIMap matches a line anywhere that maps
	// VLAN (group 1) to VNI (group 2) ("vxlan vlan (\d+) vni (\d+)", EOS).
	VNIInVLAN string
	VNIMap    string
	// LAGPeer is the line in a port-channel stanza that gives its pair id
	// ("mlag ", EOS; "vpc ", NX-OS).
	LAGPeer string
}

// Parse reads running-configuration text with the syntax. A trunk's
// native VLAN equal to the default VLAN (1) reads as no native VLAN: the
// IOS family cannot remove a trunk's native VLAN, only return it to 1.
func (sx *Syntax) Parse(text string) (Running, error) {
	r := Running{VLANs: map[int]string{}, Ports: map[string]sdk.PortState{}, LAGs: map[int]sdk.PortState{}, VNIs: map[int]int{}, Peers: map[int]int{}}
	if sx.ImplicitVLAN1 {
		r.VLANs[1] = "default"
	}
	var vniMap *regexp.Regexp
	if sx.VNIMap != "" {
		var err error
		if vniMap, err = regexp.Compile("^(?:" + sx.VNIMap + ")$"); err != nil {
			return r, fmt.Errorf("syntax VNIMap: %w", err)
		}
	}
	lagPrefix, _, _ := strings.Cut(sx.LAGName, "%")
	for _, b := range Blocks(text) {
		for _, l := range b.Lines {
			if m := vniMapMatch(vniMap, l); m != nil {
				r.VNIs[m[0]] = m[1]
			}
		}
		if rest, ok := strings.CutPrefix(b.Header, sx.VLAN); ok {
			ids, err := ParseVLANs(rest)
			if err != nil {
				continue // "vlan internal order ..." and the like: not a VLAN list
			}
			for _, id := range ids {
				if _, seen := r.VLANs[id]; !seen && sx.DefaultVLANName != "" {
					r.VLANs[id] = fmt.Sprintf(sx.DefaultVLANName, id)
				} else if !seen {
					r.VLANs[id] = ""
				}
			}
			for _, l := range b.Lines {
				if name, ok := strings.CutPrefix(l, sx.VLANName); ok && len(ids) == 1 {
					r.VLANs[ids[0]] = name
				}
				if vni, ok := strings.CutPrefix(l, sx.VNIInVLAN); ok && sx.VNIInVLAN != "" && len(ids) == 1 {
					if n, err := strconv.Atoi(vni); err == nil {
						r.VNIs[ids[0]] = n
					}
				}
			}
			continue
		}
		name, ok := strings.CutPrefix(b.Header, "interface ")
		if num, isLAG := strings.CutPrefix(name, lagPrefix); ok && isLAG && lagPrefix != "" {
			n, err := strconv.Atoi(num)
			if err != nil {
				continue
			}
			p, err := sx.port(name, b.Lines)
			if err != nil {
				return r, fmt.Errorf("interface %s: %w", name, err)
			}
			r.LAGs[n] = p
			for _, l := range b.Lines {
				if id, ok := strings.CutPrefix(l, sx.LAGPeer); ok && sx.LAGPeer != "" {
					if v, err := strconv.Atoi(id); err == nil {
						r.Peers[n] = v
					}
				}
			}
			continue
		}
		if !ok || !slices.ContainsFunc(sx.Ports, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		p, err := sx.port(name, b.Lines)
		if err != nil {
			return r, fmt.Errorf("interface %s: %w", name, err)
		}
		r.Ports[name] = p
	}
	return r, nil
}

// vniMapMatch returns the VLAN and VNI a line maps, or nil.
func vniMapMatch(re *regexp.Regexp, l string) []int {
	if re == nil {
		return nil
	}
	m := re.FindStringSubmatch(l)
	if len(m) != 3 {
		return nil
	}
	vlan, err1 := strconv.Atoi(m[1])
	vni, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return nil
	}
	return []int{vlan, vni}
}

func (sx *Syntax) port(name string, lines []string) (sdk.PortState, error) {
	p := sdk.PortState{Port: name, Exists: true, Enabled: !sx.DefaultShut, Mode: sdk.ModeAccess}
	access, native, allowed := 1, 1, sx.DefaultAllowed
	var err error
	num := func(l, prefix string) (int, error) { return strconv.Atoi(strings.TrimPrefix(l, prefix)) }
	for _, l := range lines {
		switch {
		case l == sx.Shutdown:
			p.Enabled = false
		case l == sx.NoShutdown:
			p.Enabled = true
		case l == sx.Trunk:
			p.Mode = sdk.ModeTrunk
		case sx.Description != "" && strings.HasPrefix(l, sx.Description):
			p.Description = strings.TrimPrefix(l, sx.Description)
		case sx.ChannelGroup != "" && strings.HasPrefix(l, sx.ChannelGroup):
			p.LAG = fmt.Sprintf(sx.LAGName, strings.Fields(strings.TrimPrefix(l, sx.ChannelGroup))[0])
		case strings.HasPrefix(l, sx.Access):
			access, err = num(l, sx.Access)
		case sx.Native != "" && strings.HasPrefix(l, sx.Native):
			native, err = num(l, sx.Native)
		case strings.HasPrefix(l, sx.Allowed):
			allowed = strings.TrimPrefix(l, sx.Allowed)
		}
		if err != nil {
			return p, err
		}
	}
	if p.Mode == sdk.ModeAccess {
		p.NativeVLAN = access
		return p, nil
	}
	if sx.Native == "" {
		native = access
	}
	if native != 1 {
		p.NativeVLAN = native
	}
	p.AllowedVLANs, err = ParseVLANs(allowed)
	return p, err
}
