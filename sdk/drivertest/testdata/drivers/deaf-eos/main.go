// Command deaf-eos is a broken EOS driver for the kit's own tests: its
// error pattern matches none of the switch's errors, so a rejected command
// or a locked configuration reads as success. Everything else is a correct
// EOS driver. The conformance kit must catch it.
package main

import (
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var eos = &cli.Switch{
	Info: sdk.Description{Name: "deaf-eos", Version: "0.0.1", PortPattern: `Ethernet\d+`},
	Platform: cli.Platform{
		Prompt: `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`, Unprivileged: `>\s*`, ConfigPrompt: `\(config[\w./-]*\)# ?`,
		Enable: "enable", SecretPrompt: `[Pp]assword: ?`, Paging: []string{"terminal length 0"},
		ConfigEnter: "configure terminal", ConfigLeave: "end", Errors: []string{`^Error: never printed`}, /* the bug */
	},
	ShowPort:  "show running-config interfaces {port}",
	ShowAll:   "show running-config",
	Syntax:    eosSyntax(),
	Templates: cli.IOSTemplates("Port-Channel%s"),
}

func eosSyntax() *cli.Syntax {
	sx := cli.IOSSyntax("Port-Channel%s", "Ethernet")
	sx.ImplicitVLAN1 = true
	return sx
}

func init() { sdk.Handle(eos.Driver()) }

func main() {}
