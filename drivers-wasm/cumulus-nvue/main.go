// Command cumulus-nvue is Mercury's driver for NVIDIA Cumulus Linux 5
// switches, driven through NVUE ("nv set", "nv config apply") in a pooled
// bash shell.
//
// NVUE stages changes in a pending revision: the driver discards any stale
// pending change, sends its "nv set"/"nv unset" lines, and applies them
// with one "nv config apply -y". Applying is not saving: a device's
// save_config decides when "nv config save" runs, and results say saved
// only then. The configuration is read back as "nv config show -o
// commands".
//
// LAGs are bonds named bondN, N the lowest free number of the device's
// lag_range (default 1-128); a bond carries the LAG's name as its
// description, "bond mode lacp" or "static", and the bridge settings of a
// port. A port leaves the bridge before it joins a bond (NVUE refuses a
// bond member with bridge settings) and returns to it when it leaves.
// Descriptions are written double-quoted, so a description or LAG name
// holding a double quote, "$" or a backquote is refused before any I/O.
//
// A VXLAN network maps the VLAN to its VNI on the bridge ("nv set bridge
// domain br_default vlan V vni N", an EVPN L2VNI); the NVE interface and
// its source address are the operator's. A LAG across an MLAG pair sets
// "bond mlag id" on both halves.
//
// Device options: none. NVUE runs as the login user: no sudo.
package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

const bd = " bridge domain br_default "

var nvue = &cli.Switch{
	Info: sdk.Description{
		Name:        "cumulus-nvue",
		Version:     "1.0.0",
		PortPattern: `swp\d+(?:s\d+)?`,
		Models:      []string{"NVIDIA Spectrum switches on Cumulus Linux 5.x with NVUE"},
		Notes: []string{
			"changes are applied with nv config apply; saving (nv config save) is a separate step, run per save_config",
			"a pending revision left by an interrupted operation is discarded (nv config detach) before the next one",
			"hybrid is a VLAN list with an untagged VLAN",
			"LAGs are bonds bondN (N from lag_range, default 1-128), bond mode lacp or static; a member leaves the bridge while in the bond",
			"descriptions and LAG names may not contain a double quote, $ or a backquote (they are double-quoted for bash)",
			"reset_port with no idle VLAN removes the port's VLANs and sets its link down",
			"VXLAN maps VLAN to VNI on br_default; nve vxlan and its source address are configured by the operator",
		},
	},
	Platform: cli.Platform{
		Prompt:  `(?m)^[\w.*-]+@[\w.-]+:mgmt:~\$ ?`,
		Discard: []string{"nv config detach"},
		Commit:  []string{"nv config apply -y"},
		Save:    []string{"nv config save"},
		SaveOK:  `saved`,
		Errors:  []string{`^Error:`},
		Busy:    []string{`^Error: Unable to apply: another configuration operation`},
	},
	ShowPort: "nv config show -o commands",
	ShowAll:  "nv config show -o commands",
	Parse:    parse,
	Templates: cli.Templates{
		Access: []string{
			"nv unset interface {port}" + bd + "vlan",
			"nv unset interface {port}" + bd + "untagged",
			"nv set interface {port}" + bd + "access {vlan}",
		},
		Trunk:            []string{"nv unset interface {port}" + bd + "access"},
		Native:           "nv set interface {port}" + bd + "untagged {vlan}",
		NoNative:         "nv unset interface {port}" + bd + "untagged",
		AllowedAdd:       "nv set interface {port}" + bd + "vlan {vlans}",
		AllowedRemove:    "nv unset interface {port}" + bd + "vlan {vlans}",
		NativeInAllowed:  true,
		Enable:           "nv set interface {port} link state up",
		Disable:          "nv set interface {port} link state down",
		CreateVLAN:       []string{"nv set bridge domain br_default vlan {vlan}"},
		DeleteVLAN:       []string{"nv unset bridge domain br_default vlan {vlan}"},
		FreeBeforeDelete: true,
		Description:      `nv set interface {port} description "{text}"`,
		TextUnsafe:       "\"$`",
		LAGInterface:     []string{"nv set interface bond{n} bond mode {mode}", "nv set interface bond{n}" + strings.TrimSuffix(bd, " ")},
		LACPMode:         "lacp",
		StaticMode:       "static",
		LAGJoin:          []string{"nv unset interface {port}" + strings.TrimSuffix(bd, " "), "nv set interface bond{n} bond member {port}"},
		LAGLeave:         []string{"nv unset interface bond{n} bond member {port}", "nv set interface {port}" + strings.TrimSuffix(bd, " ")},
		LAGRemove:        []string{"nv unset interface bond{n}"},
		LAGPeer:          []string{"nv set interface bond{n} bond mlag id {mlag}"},
		MapVNI:           []string{"nv set bridge domain br_default vlan {vlan} vni {vni}"},
		UnmapVNI:         []string{"nv unset bridge domain br_default vlan {vlan} vni"},
	},
	LAGName: "bond%s",
}

func init() { sdk.Handle(nvue.Driver()) }

func main() {}

// parse reads "nv config show -o commands": the bridge's VLANs, and each
// interface's link state, access VLAN, VLAN list and untagged VLAN.
func parse(text string) (cli.Running, error) {
	r := cli.Running{VLANs: map[int]string{1: ""}, Ports: map[string]sdk.PortState{}, LAGs: map[int]sdk.PortState{}, VNIs: map[int]int{}, LAGModes: map[int]string{}, Peers: map[int]int{}}
	static := map[string]bool{}
	untagged := map[string]int{}
	peers := map[string]int{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(l, "nv set bridge domain br_default vlan "); ok {
			if vlan, vni, ok := strings.Cut(rest, " vni "); ok { // an L2VNI map, perhaps with its flooding
				vni, _, _ = strings.Cut(vni, " ")
				v, err1 := strconv.Atoi(vlan)
				n, err2 := strconv.Atoi(vni)
				if err1 != nil || err2 != nil {
					return r, fmt.Errorf("bad VNI map %q", l)
				}
				r.VNIs[v] = n
				continue
			}
			ids, err := cli.ParseVLANs(rest)
			if err != nil {
				return r, err
			}
			for _, id := range ids {
				r.VLANs[id] = ""
			}
			continue
		}
		rest, ok := strings.CutPrefix(l, "nv set interface ")
		if !ok {
			continue
		}
		name, what, _ := strings.Cut(rest, " ")
		if what == "" {
			continue
		}
		if m, ok := strings.CutPrefix(what, "bond member "); ok {
			for _, member := range strings.Split(m, ",") {
				mp, seen := r.Ports[member]
				if !seen {
					mp = sdk.PortState{Port: member, Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 1}
				}
				mp.LAG = name
				r.Ports[member] = mp
			}
		}
		p, seen := r.Ports[name]
		if !seen {
			p = sdk.PortState{Port: name, Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 1}
		}
		var err error
		switch {
		case what == "link state down":
			p.Enabled = false
		case what == "bond mode static":
			static[name] = true
		case strings.HasPrefix(what, "bond mlag id "):
			peers[name], err = strconv.Atoi(strings.TrimPrefix(what, "bond mlag id "))
		case strings.HasPrefix(what, "description "):
			p.Description = strings.Trim(strings.TrimPrefix(what, "description "), `"'`)
		case strings.HasPrefix(what, "bridge domain br_default access "):
			p.NativeVLAN, err = strconv.Atoi(strings.TrimPrefix(what, "bridge domain br_default access "))
		case strings.HasPrefix(what, "bridge domain br_default vlan "):
			p.Mode = sdk.ModeTrunk
			p.AllowedVLANs, err = cli.ParseVLANs(strings.TrimPrefix(what, "bridge domain br_default vlan "))
		case strings.HasPrefix(what, "bridge domain br_default untagged "):
			untagged[name], err = strconv.Atoi(strings.TrimPrefix(what, "bridge domain br_default untagged "))
		}
		if err != nil {
			return r, err
		}
		r.Ports[name] = p
	}
	for name, p := range r.Ports {
		if p.Mode == sdk.ModeTrunk {
			p.NativeVLAN = untagged[name]
		}
		if n, ok := bondNumber(name); ok {
			delete(r.Ports, name)
			r.LAGs[n], r.LAGModes[n] = p, sdk.LAGLACP // NVUE's default bond mode
			if id := peers[name]; id != 0 {
				r.Peers[n] = id
			}
			if static[name] {
				r.LAGModes[n] = sdk.LAGStatic
			}
			continue
		}
		r.Ports[name] = p
	}
	return r, nil
}

// bondNumber returns N for a bond bondN.
func bondNumber(name string) (int, bool) {
	num, ok := strings.CutPrefix(name, "bond")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n > 0
}
