// Command arista-eos is Mercury's driver for Arista EOS switches, driven
// through the EOS command line on a pooled interactive SSH shell.
//
// The driver is a table for sdk/cli: prompts, error texts, command
// templates (the same command set networking-generic-switch sends to EOS),
// and a parser for "show running-config". Every operation reads the port or
// the VLAN list first and sends nothing when the switch already matches.
//
// Device options: none. The device's enable_secret_file answers "enable"
// when the login user is unprivileged.
package main

import (
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var eos = &cli.Switch{
	Info: sdk.Description{
		Name:        "arista-eos",
		Version:     "1.0.0",
		PortPattern: `Ethernet\d+(?:/\d+){0,2}`,
		Models:      []string{"Arista EOS 4.2x (7050X, 7280R, vEOS-lab, cEOS-lab)"},
		Notes: []string{
			"hybrid is rendered as a trunk with a native VLAN",
			"a trunk's native VLAN is also written to its allowed list, as EOS forwards only allowed VLANs",
			"EOS's default native VLAN 1 reads as no native VLAN: VLAN 1 cannot be a trunk's untagged VLAN",
			"reset_port with no idle VLAN shuts the port down",
			"save runs copy running-config startup-config",
		},
	},
	Platform: cli.Platform{
		Prompt:       `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`,
		Unprivileged: `>\s*`,
		ConfigPrompt: `\(config[\w./-]*\)# ?`,
		Enable:       "enable",
		SecretPrompt: `[Pp]assword: ?`,
		Paging:       []string{"terminal length 0"},
		More:         ` ?--More-- ?`,
		ConfigEnter:  "configure terminal",
		ConfigLeave:  "end",
		Save:         []string{"copy running-config startup-config"},
		SaveOK:       `Copy completed successfully`,
		Errors:       []string{`^% `, `^%Error`},
		Busy:         []string{`^% Configuration is locked`},
	},
	ShowPort: "show running-config interfaces {port}",
	ShowAll:  "show running-config",
	Parse:    parse,
	Templates: cli.Templates{
		Interface:       []string{"interface {port}"},
		Access:          []string{"switchport mode access", "switchport access vlan {vlan}"},
		Trunk:           []string{"switchport mode trunk"},
		Native:          "switchport trunk native vlan {vlan}",
		NoNative:        "no switchport trunk native vlan",
		Allowed:         "switchport trunk allowed vlan {vlans}",
		AllowedNone:     "switchport trunk allowed vlan none",
		NativeInAllowed: true,
		Description:     "description {text}",
		Enable:          "no shutdown",
		Disable:         "shutdown",
		CreateVLAN:      []string{"vlan {vlan}", "name {name}", "exit"},
		DeleteVLAN:      []string{"no vlan {vlan}"},
	},
}

func init() { sdk.Handle(eos.Driver()) }

func main() {}

// parse reads EOS running configuration: "vlan N" stanzas (VLAN 1 is
// implicit) and "interface EthernetN" stanzas, where only what differs
// from the defaults (access VLAN 1, trunk native 1, all VLANs allowed, no
// shutdown) is printed.
func parse(text string) (cli.Running, error) {
	r := cli.Running{VLANs: map[int]string{1: "default"}, Ports: map[string]sdk.PortState{}}
	for _, b := range cli.Blocks(text) {
		kw, arg, _ := strings.Cut(b.Header, " ")
		switch {
		case kw == "vlan":
			ids, err := cli.ParseVLANs(arg)
			if err != nil {
				return r, err
			}
			for _, id := range ids {
				r.VLANs[id] = "VLAN" + pad4(id)
			}
			for _, l := range b.Lines {
				if name, ok := strings.CutPrefix(l, "name "); ok && len(ids) == 1 {
					r.VLANs[ids[0]] = name
				}
			}
		case kw == "interface" && strings.HasPrefix(arg, "Ethernet"):
			p, err := parsePort(arg, b.Lines)
			if err != nil {
				return r, err
			}
			r.Ports[arg] = p
		}
	}
	return r, nil
}

func parsePort(name string, lines []string) (sdk.PortState, error) {
	p := sdk.PortState{Port: name, Exists: true, Enabled: true, Mode: sdk.ModeAccess}
	access, native, allowed := 1, 1, "all"
	var err error
	for _, l := range lines {
		switch {
		case l == "shutdown":
			p.Enabled = false
		case l == "switchport mode trunk":
			p.Mode = sdk.ModeTrunk
		case strings.HasPrefix(l, "description "):
			p.Description = strings.TrimPrefix(l, "description ")
		case strings.HasPrefix(l, "channel-group "):
			p.LAG = "Port-Channel" + strings.Fields(l)[1]
		case strings.HasPrefix(l, "switchport access vlan "):
			access, err = strconv.Atoi(strings.TrimPrefix(l, "switchport access vlan "))
		case strings.HasPrefix(l, "switchport trunk native vlan "):
			native, err = strconv.Atoi(strings.TrimPrefix(l, "switchport trunk native vlan "))
		case strings.HasPrefix(l, "switchport trunk allowed vlan "):
			allowed = strings.TrimPrefix(l, "switchport trunk allowed vlan ")
		}
		if err != nil {
			return p, err
		}
	}
	if p.Mode == sdk.ModeAccess {
		p.NativeVLAN = access
		return p, nil
	}
	if native != 1 {
		p.NativeVLAN = native
	}
	p.AllowedVLANs, err = cli.ParseVLANs(allowed)
	return p, err
}

// pad4 renders id as EOS's default VLAN name does: VLAN0010.
func pad4(id int) string {
	s := strconv.Itoa(id)
	return strings.Repeat("0", max(0, 4-len(s))) + s
}
