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
// Device options: none. NX-OS logs users in privileged: no enable secret.
package main

import (
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
	ShowPort:  "show running-config interface {port}",
	ShowAll:   "show running-config",
	Syntax:    nxosSyntax(),
	Templates: nxosTemplates(),
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
