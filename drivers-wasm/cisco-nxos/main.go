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
	ShowPort: "show running-config interface {port}",
	ShowAll:  "show running-config",
	Syntax: &cli.Syntax{
		VLAN: "vlan ", VLANName: "name ", DefaultVLANName: "VLAN%04d",
		Ports: []string{"Ethernet"},
		Trunk: "switchport mode trunk", Access: "switchport access vlan ",
		Native: "switchport trunk native vlan ", Allowed: "switchport trunk allowed vlan ",
		Description: "description ", ChannelGroup: "channel-group ", LAGName: "port-channel%s",
		Shutdown: "shutdown", NoShutdown: "no shutdown", DefaultShut: true, DefaultAllowed: "all",
		VNIInVLAN: "vn-segment ",
	},
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
		LAGInterface:    []string{"interface port-channel{n}"},
		LAGJoin:         []string{"channel-group {n} mode {mode}"},
		LAGLeave:        []string{"no channel-group"},
		LAGRemove:       []string{"no interface port-channel{n}"},
		LACPMode:        "active", StaticMode: "on",
		MapVNI:     []string{"vlan {vlan}", "vn-segment {vni}", "exit"},
		UnmapVNI:   []string{"vlan {vlan}", "no vn-segment", "exit"},
		DeleteVLAN: []string{"no vlan {vlan}"},
	},
}

func init() { sdk.Handle(nxos.Driver()) }

func main() {}
