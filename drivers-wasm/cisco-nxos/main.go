// Command cisco-nxos is Mercury's driver for Cisco Nexus switches on
// NX-OS, driven through the NX-OS command line on a pooled interactive SSH
// shell.
//
// The driver is a table for sdk/cli: prompts, error texts, command
// templates (the command set networking-generic-switch sends to NX-OS) and
// how "show running-config" spells VLANs and ports. Every operation reads
// the port or the VLAN list first and sends nothing when the switch
// already matches.
//
// A VXLAN network maps its VLAN to the VNI ("vn-segment") and makes the
// VNI a member of the NVE interface, without which a Nexus carries no
// traffic for it, flooding as options.nve_replication says: "bgp" (the
// default) is ingress replication over BGP EVPN, so the VNI also gets its
// EVPN instance ("evpn / vni V l2 / rd auto / route-target both auto", as
// networking-generic-switch sends); "mcast:GROUP" floods to a multicast
// group, without EVPN. The NVE interface itself (source interface, host
// reachability, "feature nv overlay") is the operator's. A VLAN whose VNI
// is not an NVE member reads as unmapped, so add_network completes it.
//
// Device options: nve_replication (bgp | mcast:GROUP) and nve_interface
// (default nve1). NX-OS logs users in privileged: no enable secret.
package main

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var nxos = &cli.Switch{
	Info: sdk.Description{
		Name:        "cisco-nxos",
		Version:     "1.0.0",
		PortPattern: `Ethernet\d+/\d+(?:/\d+)?`,
		Models:      []string{"Cisco Nexus 3000/5000/7000/9000 on NX-OS 7-10"},
		Notes: []string{
			"hybrid is rendered as a trunk with a native VLAN",
			"a trunk's native VLAN is also written to its allowed list, as NX-OS forwards only allowed VLANs",
			"the default native VLAN 1 reads as no native VLAN: VLAN 1 cannot be a trunk's untagged VLAN",
			"reset_port with no idle VLAN returns the port to VLAN 1 and shuts it down",
			"save runs copy running-config startup-config",
			"a VXLAN network's VNI joins the NVE interface (options.nve_interface, default nve1) flooding per options.nve_replication: bgp (default, with its EVPN instance) or mcast:GROUP; changing the option does not change members already made",
		},
	},
	Platform: cli.Platform{
		Prompt:       `(?m)^[\w.-]+(?:\([\w./-]+\))?# ?`,
		ConfigPrompt: `\(config[\w./-]*\)# ?`,
		Paging:       []string{"terminal length 0"},
		More:         ` ?--More-- ?`,
		ConfigEnter:  "configure terminal",
		ConfigLeave:  "end",
		Save:         []string{"copy running-config startup-config"},
		SaveOK:       `Copy complete`,
		Errors:       []string{`^% `, `^ERROR:`, `^Configuration update aborted`},
		Busy:         []string{`^ERROR: Configuration is locked`},
	},
	ShowPort:     "show running-config interface {port}",
	ShowAll:      "show running-config",
	Syntax:       syntax,
	Parse:        parse,
	Templates:    nxosTemplates(),
	VNITemplates: vniTemplates,
}

var syntax = nxosSyntax()

// parse reads the running configuration; a VLAN counts as mapped to its
// VNI only when the VNI is also a member of an NVE interface.
func parse(text string) (cli.Running, error) {
	run, err := syntax.Parse(text)
	members := map[int]bool{}
	for _, b := range cli.Blocks(text) {
		for _, l := range b.Lines {
			v, ok := strings.CutPrefix(l, "member vni ")
			if n, err := strconv.Atoi(v); ok && err == nil && strings.HasPrefix(b.Header, "interface nve") {
				members[n] = true
			}
		}
	}
	for vlan, vni := range run.VNIs {
		if !members[vni] {
			delete(run.VNIs, vlan)
		}
	}
	return run, err
}

// vniTemplates are the lines that map and unmap a VNI on this device,
// per its nve_interface and nve_replication options.
func vniTemplates(h sdk.Host) (mapVNI, unmapVNI []string, err error) {
	name, _ := h.Setting("name")
	nve := "nve1"
	if v, ok := h.Setting("options.nve_interface"); ok && v != "" {
		nve = v
	}
	if !regexp.MustCompile(`^nve\d+$`).MatchString(nve) {
		return nil, nil, sdk.Invalid("device %s: options.nve_interface %q is not an NVE interface name: use nve1", name, nve)
	}
	segment := []string{"vlan {vlan}", "vn-segment {vni}", "exit", "interface " + nve, "member vni {vni}"}
	unmap := []string{"interface " + nve, "no member vni {vni}", "exit", "vlan {vlan}", "no vn-segment", "exit"}
	mode, _ := h.Setting("options.nve_replication")
	if mode == "" || mode == "bgp" {
		evpn := []string{"evpn", "vni {vni} l2", "rd auto", "route-target both auto", "exit"}
		return append(append(evpn, segment...), "ingress-replication protocol bgp", "exit"), append(unmap, "evpn", "no vni {vni}", "exit"), nil
	}
	g, err := netip.ParseAddr(strings.TrimPrefix(mode, "mcast:"))
	if !strings.HasPrefix(mode, "mcast:") || err != nil || !g.Is4() || !g.IsMulticast() {
		return nil, nil, sdk.Invalid("device %s: options.nve_replication %q is neither bgp nor mcast:GROUP with an IPv4 multicast GROUP: fix the option", name, mode)
	}
	return append(segment, "mcast-group "+g.String(), "exit"), unmap, nil
}

// nxosSyntax: NX-OS prints "no shutdown" on every enabled port, and a
// VLAN's VNI inside its stanza.
func nxosSyntax() *cli.Syntax {
	sx := cli.IOSSyntax("port-channel%s", "Ethernet")
	sx.DefaultShut, sx.VNIInVLAN = true, "vn-segment "
	sx.LAGPeer = "vpc "
	return sx
}

func nxosTemplates() cli.Templates {
	t := cli.IOSTemplates("port-channel%s")
	t.MapVNI = []string{"vlan {vlan}", "vn-segment {vni}", "exit"}
	t.UnmapVNI = []string{"vlan {vlan}", "no vn-segment", "exit"}
	t.LAGPeer = []string{"vpc {mlag}"}
	return t
}

func init() { sdk.Handle(nxos.Driver()) }

func main() {}
