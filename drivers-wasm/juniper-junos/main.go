// Command juniper-junos is Mercury's driver for Juniper EX and QFX switches
// on Junos (ELS syntax), driven through the Junos CLI on a pooled
// interactive SSH shell.
//
// Changes go into a private candidate ("configure private") and take
// effect with one "commit", which also makes them persistent: results say
// saved, and the driver needs no save step. Another session can hold the
// configuration two ways: a "configure exclusive" lock ("error:
// configuration database locked by: ...", refusing the commit) or
// uncommitted changes in the shared candidate ("error: shared
// configuration database modified", refusing "configure private" and the
// commit). Both are waited out: "configure private" and "commit" are each
// retried three times, two seconds apart, and then the operation fails
// with kind busy. Any failure, a failed commit included, leaves
// configuration mode, which discards the private candidate: nothing of a
// failed operation stays behind.
//
// The configuration is read as set commands ("show configuration ... |
// display set"); VLANs are named ("vlan100" when the request gives no
// name) and ports join them by ID.
//
// LAGs are aggregated Ethernet interfaces aeN, numbered from the device's
// lag_range (default 1-128). Junos itself numbers from ae0, but Mercury's
// port-channel numbers start at 1 everywhere, so ae0 stays the operator's.
// The aeN interfaces exist only below the chassis device-count, which the
// operator sets to cover lag_range. An ae carries the LAG's name as its
// description, "aggregated-ether-options lacp active" for LACP (nothing for
// static) and the L2 configuration under unit 0; a member loses its own
// unit 0 and gets "ether-options 802.3ad aeN".
//
// Device options: none. Junos logs users in to operational mode: no enable.
package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

const es = "unit 0 family ethernet-switching"

var junos = &cli.Switch{
	Info: sdk.Description{
		Name:        "juniper-junos",
		Version:     "1.0.0",
		PortPattern: `(?:ge|xe|et|mge)-\d+/\d+/\d+`,
		Models:      []string{"Juniper EX2300/EX3400/EX4300 and QFX5100/5120 on Junos 18.4+ (ELS)"},
		Notes: []string{
			"changes are committed from a private candidate; a commit is persistent, so results say saved",
			"configure private and commit refused as 'configuration database locked' or 'shared configuration database modified' are each retried 3 times, 2 s apart, then fail as busy; a failed operation leaves configuration mode, discarding its private candidate",
			"hybrid is a trunk with native-vlan-id; the native VLAN is also a VLAN member",
			"reset_port with no idle VLAN returns the port to the default VLAN and disables it",
			"LAGs are aggregated Ethernet aeN (N from lag_range, default 1-128; ae0 is never picked): lacp active, or no lacp statement for static; members join with ether-options 802.3ad after their unit 0 is deleted",
			"chassis aggregated-devices ethernet device-count must exceed the highest number in lag_range (the operator's setting: the driver does not change it)",
			"descriptions and LAG names may not contain a double quote",
		},
	},
	Platform: cli.Platform{
		Prompt:       `(?m)^[\w.*-]+@[\w.-]+[>#] ?`, // the user may show masked, when it equals the password
		ConfigPrompt: `(?m)^[\w.*-]+@[\w.-]+# ?`,
		Paging:       []string{"set cli screen-length 0"},
		More:         `---\(more[^)]*\)---`,
		ConfigEnter:  "configure private",
		ConfigLeave:  "exit configuration-mode",
		// Leaving with changes not committed (after a refused commit) asks first.
		Confirm:       []cli.Answer{{Prompt: `Exit with uncommitted changes\? \[yes,no\] \(yes\) ?`, Reply: "yes"}},
		Commit:        []string{"commit"},
		CommitRetries: 3,
		CommitBackoff: 2 * time.Second,
		RetryEnter:    true,
		CommitSaves:   true,
		Errors:        []string{`^syntax error`, `^error:`, `^unknown command`},
		Busy:          []string{`^error: configuration database locked`, `^error: shared configuration database modified`},
		Ignore:        []string{`^warning:`},
	},
	ShowPort: "show configuration interfaces {port} | display set",
	ShowAll:  "show configuration | display set",
	Parse:    parse,
	Templates: cli.Templates{
		Access: []string{
			"set interfaces {port} " + es + " interface-mode access",
			"delete interfaces {port} " + es + " vlan members",
			"set interfaces {port} " + es + " vlan members {vlan}",
		},
		Trunk:           []string{"set interfaces {port} " + es + " interface-mode trunk"},
		Native:          "set interfaces {port} native-vlan-id {vlan}",
		NoNative:        "delete interfaces {port} native-vlan-id",
		AllowedAdd:      "set interfaces {port} " + es + " vlan members {vlan}",
		AllowedRemove:   "delete interfaces {port} " + es + " vlan members {vlan}",
		NativeInAllowed: true,
		Description:     `set interfaces {port} description "{text}"`,
		Enable:          "delete interfaces {port} disable",
		Disable:         "set interfaces {port} disable",
		CreateVLAN:      []string{"set vlans {name} vlan-id {vlan}"},
		VLANName:        "vlan%d",
		DeleteVLAN:      []string{"delete vlans {name}"},
		MapVNI:          []string{"set vlans {name} vxlan vni {vni}"},
		UnmapVNI:        []string{"delete vlans {name} vxlan vni"},
		// A static ae has no lacp statement: StaticMode "" leaves the line out.
		LAGInterface: []string{"set interfaces ae{n} aggregated-ether-options lacp {mode}"},
		LACPMode:     "active",
		// A member carries no switching of its own: its unit 0 goes first.
		LAGJoin:    []string{"delete interfaces {port} unit 0", "set interfaces {port} ether-options 802.3ad ae{n}"},
		LAGLeave:   []string{"delete interfaces {port} ether-options 802.3ad", "set interfaces {port} " + es + " interface-mode access"},
		LAGRemove:  []string{"delete interfaces ae{n}"},
		LACPOff:    []string{"delete interfaces ae{n} aggregated-ether-options lacp"},
		TextUnsafe: `"`,
	},
	LAGName: "ae%s",
}

func init() { sdk.Handle(junos.Driver()) }

func main() {}

// parse reads "display set" output: VLANs with their IDs and VNIs, and
// each interface's switching lines. A port joins VLANs by ID or by name.
func parse(text string) (cli.Running, error) {
	r := cli.Running{VLANs: map[int]string{}, Ports: map[string]sdk.PortState{}, LAGs: map[int]sdk.PortState{}, VNIs: map[int]int{}, LAGModes: map[int]string{}}
	byName := map[string]int{}
	lacp := map[string]bool{}
	members := map[string][]string{}
	native := map[string]int{}
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(strings.TrimSpace(l))
		switch {
		case len(f) == 5 && f[0] == "set" && f[1] == "vlans" && f[3] == "vlan-id":
			id, err := strconv.Atoi(f[4])
			if err != nil {
				return r, fmt.Errorf("vlan %s: vlan-id %q", f[2], f[4])
			}
			r.VLANs[id], byName[f[2]] = f[2], id
		case len(f) == 6 && f[0] == "set" && f[1] == "vlans" && f[3] == "vxlan" && f[4] == "vni":
			if vni, err := strconv.Atoi(f[5]); err == nil {
				r.VNIs[byName[f[2]]] = vni
			}
		case len(f) >= 4 && f[0] == "set" && f[1] == "interfaces":
			name := f[2]
			p, ok := r.Ports[name]
			if !ok {
				p = sdk.PortState{Port: name, Exists: true, Enabled: true, Mode: sdk.ModeAccess}
			}
			rest := strings.Join(f[3:], " ")
			switch {
			case rest == "disable":
				p.Enabled = false
			case strings.HasPrefix(rest, "description "):
				p.Description = strings.Trim(strings.TrimPrefix(rest, "description "), `"`)
			case strings.HasPrefix(rest, "native-vlan-id "):
				native[name], _ = strconv.Atoi(strings.TrimPrefix(rest, "native-vlan-id "))
			case rest == es+" interface-mode trunk":
				p.Mode = sdk.ModeTrunk
			case strings.HasPrefix(rest, es+" vlan members "):
				members[name] = append(members[name], strings.TrimPrefix(rest, es+" vlan members "))
			case strings.HasPrefix(rest, "ether-options 802.3ad "):
				p.LAG = strings.TrimPrefix(rest, "ether-options 802.3ad ")
			case strings.HasPrefix(rest, "aggregated-ether-options lacp "):
				lacp[name] = true
			}
			r.Ports[name] = p
		}
	}
	for name, p := range r.Ports {
		if n, ok := aeNumber(name); ok {
			delete(r.Ports, name)
			p.NativeVLAN, p.AllowedVLANs = switching(p, members[name], native[name], byName)
			r.LAGs[n], r.LAGModes[n] = p, sdk.LAGStatic
			if lacp[name] {
				r.LAGModes[n] = sdk.LAGLACP
			}
			continue
		}
		p.NativeVLAN, p.AllowedVLANs = switching(p, members[name], native[name], byName)
		r.Ports[name] = p
	}
	return r, nil
}

// switching returns an interface's untagged VLAN and, on a trunk, its
// tagged ones, from its "vlan members" (IDs or names) and native-vlan-id.
func switching(p sdk.PortState, members []string, native int, byName map[string]int) (int, []int) {
	var ids []int
	for _, m := range members {
		id, err := strconv.Atoi(m)
		if err != nil {
			id = byName[m]
		}
		ids = append(ids, id)
	}
	if p.Mode == sdk.ModeAccess {
		if len(ids) > 0 {
			return ids[0], nil
		}
		return 1, nil
	}
	return native, ids
}

// aeNumber returns N for an aggregated Ethernet interface aeN.
func aeNumber(name string) (int, bool) {
	num, ok := strings.CutPrefix(name, "ae")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n >= 0
}
