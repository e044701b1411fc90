// Command dell-os10 is Mercury's driver for Dell SmartFabric OS10
// switches, driven through the OS10 command line on a pooled interactive
// SSH shell.
//
// The driver is a table for sdk/cli: prompts, error texts, command
// templates (the command set networking-generic-switch sends to OS10) and
// how "show running-configuration" spells VLANs and ports. OS10 differs
// from the IOS family in three ways the table captures: a VLAN is an
// interface ("interface vlan10", named by its description), a trunk's
// untagged VLAN is its access VLAN, and "switchport trunk allowed vlan"
// adds to the list rather than replacing it.
//
// Device options: none. OS10 logs users in privileged: no enable secret.
package main

import (
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var os10 = &cli.Switch{
	Info: sdk.Description{
		Name:        "dell-os10",
		Version:     "1.0.0",
		PortPattern: `ethernet\d+/\d+/\d+(?::\d+)?`,
		Models:      []string{"Dell S/Z-series on SmartFabric OS10 10.5+"},
		Notes: []string{
			"hybrid is rendered as a trunk with a native (access) VLAN",
			"the default VLAN 1 as a trunk's access VLAN reads as no native VLAN",
			"VLANs must exist before a port uses them: set manage_vlans or create them with add_network",
			"reset_port with no idle VLAN returns the port to VLAN 1 and shuts it down",
			"save runs write memory",
		},
	},
	Platform: cli.Platform{
		Prompt:       `(?m)^[\w.-]+(?:\([\w./:-]+\))?# ?`,
		ConfigPrompt: `\(conf[\w./:-]*\)# ?`,
		Paging:       []string{"terminal length 0"},
		More:         ` ?--more-- ?`,
		ConfigEnter:  "configure terminal",
		ConfigLeave:  "end",
		Save:         []string{"write memory"},
		Errors:       []string{`^% Error`},
		Busy:         []string{`^% Error: Configuration is locked`},
	},
	ShowPort: "show running-configuration interface {port}",
	ShowAll:  "show running-configuration",
	Syntax: &cli.Syntax{
		VLAN: "interface vlan", VLANName: "description ",
		Ports: []string{"ethernet"},
		Trunk: "switchport mode trunk", Access: "switchport access vlan ",
		Allowed:     "switchport trunk allowed vlan ",
		Description: "description ", ChannelGroup: "channel-group ", LAGName: "port-channel%s",
		Shutdown: "shutdown", NoShutdown: "no shutdown", DefaultAllowed: "none",
	},
	Templates: cli.Templates{
		Interface:     []string{"interface {port}"},
		Access:        []string{"switchport mode access", "switchport access vlan {vlan}"},
		Trunk:         []string{"switchport mode trunk"},
		Native:        "switchport access vlan {vlan}",
		NoNative:      "no switchport access vlan",
		AllowedAdd:    "switchport trunk allowed vlan {vlans}",
		AllowedRemove: "no switchport trunk allowed vlan {vlans}",
		Description:   "description {text}",
		Enable:        "no shutdown",
		Disable:       "shutdown",
		CreateVLAN:    []string{"interface vlan {vlan}", "description {name}", "exit"},
		LAGInterface:  []string{"interface port-channel{n}"},
		LAGJoin:       []string{"channel-group {n} mode {mode}"},
		LAGLeave:      []string{"no channel-group"},
		LAGRemove:     []string{"no interface port-channel{n}"},
		LACPMode:      "active", StaticMode: "on",
		DeleteVLAN: []string{"no interface vlan {vlan}"},
	},
}

func init() { sdk.Handle(os10.Driver()) }

func main() {}
