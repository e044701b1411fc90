// Command eager-eos is a broken EOS driver for the kit's own tests: it
// ignores dry_run, so a dry run configures the switch. Everything else is
// a correct EOS driver. The conformance kit must catch it.
package main

import (
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var eos = &cli.Switch{
	Info: sdk.Description{Name: "eager-eos", Version: "0.0.1", PortPattern: `Ethernet\d+`},
	Platform: cli.Platform{
		Prompt: `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`, Unprivileged: `>\s*`, ConfigPrompt: `\(config[\w./-]*\)# ?`,
		Enable: "enable", SecretPrompt: `[Pp]assword: ?`, Paging: []string{"terminal length 0"},
		ConfigEnter: "configure terminal", ConfigLeave: "end", Errors: []string{`^% `},
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

func init() {
	d := eos.Driver()
	set, reset, add, del := d.SetPort, d.ResetPort, d.AddNetwork, d.DeleteNetwork
	// The bug: every changing operation forgets dry_run.
	d.SetPort = func(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) { r.DryRun = false; return set(h, r) }
	d.ResetPort = func(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) { r.DryRun = false; return reset(h, r) }
	d.AddNetwork = func(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) { r.DryRun = false; return add(h, r) }
	d.DeleteNetwork = func(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) { r.DryRun = false; return del(h, r) }
	sdk.Handle(d)
}

func main() {}
