// Command arista-eos is Mercury's driver for Arista EOS switches, driven
// through the EOS command line on a pooled interactive SSH shell.
//
// The driver is a table for sdk/cli: prompts, error texts, command
// templates (the same command set networking-generic-switch sends to EOS),
// and how "show running-config" spells VLANs and ports. Every operation reads the port or
// the VLAN list first and sends nothing when the switch already matches.
//
// Device options: none. The device's enable_secret_file answers "enable"
// when the login user is unprivileged.
package main

import (
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
	ShowPort:  "show running-config interfaces {port}",
	ShowAll:   "show running-config",
	Syntax:    eosSyntax(),
	Templates: eosTemplates(),
}

// eosSyntax: EOS shows VLAN 1 nowhere, and a Vxlan1 interface maps VNIs.
func eosSyntax() *cli.Syntax {
	sx := cli.IOSSyntax("Port-Channel%s", "Ethernet")
	sx.ImplicitVLAN1, sx.VNIMap = true, `vxlan vlan (\d+) vni (\d+)`
	sx.LAGPeer = "mlag "
	return sx
}

func eosTemplates() cli.Templates {
	t := cli.IOSTemplates("Port-Channel%s")
	t.MapVNI = []string{"interface Vxlan1", "vxlan vlan {vlan} vni {vni}"}
	t.UnmapVNI = []string{"interface Vxlan1", "no vxlan vlan {vlan} vni {vni}"}
	t.LAGPeer = []string{"mlag {mlag}"}
	return t
}

func init() { sdk.Handle(eos.Driver()) }

func main() {}
