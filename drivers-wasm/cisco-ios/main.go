// Command cisco-ios is Mercury's driver for Cisco IOS and IOS-XE Catalyst
// switches, driven through the IOS command line on a pooled interactive
// SSH shell.
//
// The driver is a table for sdk/cli: prompts, error texts, command
// templates (the command set networking-generic-switch sends to IOS) and
// how "show running-config" spells VLANs and ports. Every operation reads
// the port or the VLAN list first and sends nothing when the switch
// already matches.
//
// Device options: none. A login user below privilege 15 lands in user
// exec: the device's enable_secret_file answers "enable".
package main

import (
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var ios = &cli.Switch{
	Info: sdk.Description{
		Name:        "cisco-ios",
		Version:     "1.0.0",
		PortPattern: `(?:GigabitEthernet|TenGigabitEthernet|FastEthernet)\d+/\d+(?:/\d+)?`,
		Models:      []string{"Cisco Catalyst 2960/3560/3750/9300 on IOS 15 and IOS-XE 16-17"},
		Notes: []string{
			"hybrid is rendered as a trunk with a native VLAN",
			"a trunk's native VLAN is also written to its allowed list, as IOS forwards only allowed VLANs",
			"the default native VLAN 1 reads as no native VLAN: VLAN 1 cannot be a trunk's untagged VLAN",
			"trunk encapsulation is not set: 3560-class switches that need 'switchport trunk encapsulation dot1q' must have it configured",
			"reset_port with no idle VLAN returns the port to VLAN 1 and shuts it down",
			"save runs write memory",
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
		Save:         []string{"write memory"},
		SaveOK:       `\[OK\]`,
		Confirm:      []cli.Answer{{Prompt: `Destination filename \[startup-config\]\? ?`, Reply: ""}},
		Errors:       []string{`^% `, `^%\w`},
		Busy:         []string{`^Configuration mode locked`},
		Ignore:       []string{`^% Access VLAN does not exist`},
	},
	ShowPort:  "show running-config interface {port}",
	ShowAll:   "show running-config",
	Syntax:    iosSyntax(),
	Templates: cli.IOSTemplates("Port-channel%s"),
}

// iosSyntax: IOS shows VLAN 1 nowhere.
func iosSyntax() *cli.Syntax {
	sx := cli.IOSSyntax("Port-channel%s", "GigabitEthernet", "TenGigabitEthernet", "FastEthernet")
	sx.ImplicitVLAN1 = true
	return sx
}

func init() { sdk.Handle(ios.Driver()) }

func main() {}
