// Command forgetful-eos is a broken EOS driver for the kit's own tests: it
// makes a port an access port but never sets its VLAN, and still reports
// success. The conformance kit must catch it.
package main

import (
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var eos = &cli.Switch{
	Info: sdk.Description{Name: "forgetful-eos", Version: "0.0.1", PortPattern: `Ethernet\d+`},
	Platform: cli.Platform{
		Prompt: `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`, Unprivileged: `>\s*`, ConfigPrompt: `\(config[\w./-]*\)# ?`,
		Enable: "enable", SecretPrompt: `[Pp]assword: ?`, Paging: []string{"terminal length 0"},
		ConfigEnter: "configure terminal", ConfigLeave: "end", Errors: []string{`^% `},
	},
	ShowPort: "show running-config interfaces {port}",
	ShowAll:  "show running-config",
	Syntax: &cli.Syntax{
		VLAN: "vlan ", VLANName: "name ", ImplicitVLAN1: true, Ports: []string{"Ethernet"},
		Trunk: "switchport mode trunk", Access: "switchport access vlan ", Native: "switchport trunk native vlan ",
		Allowed: "switchport trunk allowed vlan ", Shutdown: "shutdown", NoShutdown: "no shutdown", DefaultAllowed: "all",
	},
	Templates: cli.Templates{
		Interface:  []string{"interface {port}"},
		Access:     []string{"switchport mode access"}, // the bug: no "switchport access vlan {vlan}"
		Enable:     "no shutdown",
		Disable:    "shutdown",
		CreateVLAN: []string{"vlan {vlan}", "exit"},
		DeleteVLAN: []string{"no vlan {vlan}"},
	},
}

func init() { sdk.Handle(eos.Driver()) }

func main() {}
