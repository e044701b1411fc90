package platform

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Cumulus Linux 5 with NVUE.
//
// Oracle: NGS netmiko_cumulus_nvue (Appendix A). ADD_NETWORK "nv set bridge
// domain br_default vlan N"; DELETE_NETWORK its unset; PLUG_PORT_TO_NETWORK
// "nv unset interface P bridge domain br_default untagged / nv set interface
// P bridge domain br_default access N"; DELETE_PORT unsets access, untagged
// and vlan; ADD_NETWORK_TO_TRUNK "nv unset ... access / nv set ... vlan N";
// REMOVE_NETWORK_FROM_TRUNK "nv unset ... vlan N"; SET_NATIVE_VLAN "nv
// unset ... access / nv set ... untagged N / nv set ... vlan N";
// DELETE_NATIVE_VLAN unsets untagged N and vlan N; ENABLE/DISABLE_PORT "nv
// set interface P link state up|down"; NGS appends "nv config apply
// --assume-yes", and saves with "nv config save".
//
// Quirks modelled: the bash prompt "user@host:mgmt:~$ "; "nv set" and "nv
// unset" change a pending revision only; "nv config apply" (-y or
// --assume-yes) makes it the running configuration; "nv config save"
// writes it to the startup configuration — apply and save are separate
// steps (the trap in ngs.md §1.4: an applied change not saved is lost on
// reboot); a port carries either an access VLAN or a VLAN list with an
// optional untagged one; a VLAN must exist in br_default before a port
// uses it; "nv config show -o commands" prints the applied configuration as
// nv set commands. No sudo: NVUE runs as the user.
//
// Error texts: "Error: ..." in the style of NVUE; the wording is an
// approximation.
func nvueSpec() cli.Spec {
	const sh = "shell"
	const bd = "bridge domain br_default"
	set := func(syntax string, run func(*cli.Call) error) cli.Command {
		return cli.Command{Modes: []string{sh}, Syntax: syntax, Kind: cli.Config, Run: run}
	}
	return cli.Spec{
		Name:            CumulusNVUE,
		SSHVersion:      "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1",
		Banner:          "Welcome to NVIDIA Cumulus (R) Linux (R) (simulated by Mercury) on {host}\n",
		MaxSessions:     32,
		Modes:           []cli.ModeDef{{Name: sh, Prompt: "{user}@{host}:mgmt:~$ ", Config: true}},
		PrivMode:        sh,
		ExecInConfig:    true,
		ExecErrorStatus: 1,
		Errors: cli.Errors{
			Invalid:    "Error: Invalid command: {line}",
			Incomplete: "Error: Incomplete command",
			Ambiguous:  "Error: Ambiguous command",
			Locked:     "Error: Unable to apply: another configuration operation is in progress",
			SaveFailed: "Error: Unable to save the configuration to /etc/nvue.d/startup.yaml",
		},
		IfTypes:         []cli.IfType{{Name: "swp", Short: "swp", Kind: cli.IfPort, Number: `\d+(s\d+)?`}},
		DefaultPorts:    numbered("swp%d", 48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands: []cli.Command{
			{Modes: []string{sh}, Syntax: "nv config show -o commands", Kind: cli.Show, Run: nvueShow},
			{Modes: []string{sh}, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
			set("nv set "+bd+" vlan <vlans>", nvueVLAN(true)),
			set("nv unset "+bd+" vlan <vlans>", nvueVLAN(false)),
			set("nv set interface <name:if> "+bd+" access <vlan>", nvuePort(func(p *state.Port, cfg *state.Config, c *cli.Call) error {
				if !p.Allowed.IsEmpty() {
					return cli.Fail("Error: swp: access and vlan are mutually exclusive; unset vlan first")
				}
				p.Mode, p.AccessVLAN = state.Access, c.Int("vlan")
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" access", nvuePort(func(p *state.Port, _ *state.Config, _ *cli.Call) error {
				p.AccessVLAN = 1
				return nil
			})),
			set("nv set interface <name:if> "+bd+" untagged <vlan>", nvuePort(func(p *state.Port, _ *state.Config, c *cli.Call) error {
				p.NativeVLAN = c.Int("vlan")
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" untagged [<vlan>]", nvuePort(func(p *state.Port, _ *state.Config, _ *cli.Call) error {
				p.NativeVLAN = 1
				return nil
			})),
			set("nv set interface <name:if> "+bd+" vlan <list:vlans>", nvuePort(func(p *state.Port, _ *state.Config, c *cli.Call) error {
				if p.Mode == state.Access && p.AccessVLAN != 1 {
					return cli.Fail("Error: access and vlan are mutually exclusive; unset access first")
				}
				p.Mode, p.Allowed = state.Trunk, p.Allowed.Union(c.VLANs("list"))
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" vlan [<list:vlans>]", nvuePort(func(p *state.Port, _ *state.Config, c *cli.Call) error {
				if c.Given("list") {
					p.Allowed = p.Allowed.Minus(c.VLANs("list"))
				} else {
					p.Allowed = state.VLANSet{}
				}
				if p.Allowed.IsEmpty() {
					p.Mode = state.Access
				}
				return nil
			})),
			set("nv set interface <name:if> link state up|down", nvuePort(func(p *state.Port, _ *state.Config, c *cli.Call) error {
				p.Shutdown = c.Has("down")
				return nil
			})),
			set("nv set interface <name:if> description <text:word>", nvuePort(func(p *state.Port, _ *state.Config, c *cli.Call) error {
				p.Description = c.Str("text")
				return nil
			})),
			{Modes: []string{sh}, Syntax: "nv config apply [-y|--assume-yes]", Kind: cli.Config, Run: func(c *cli.Call) error {
				c.SetTarget(cli.Candidate)
				if !c.Commit() {
					c.Println("Warning: The revision is unchanged")
					return nil
				}
				c.Println("applied [rev_id: 3]")
				return nil
			}},
			{Modes: []string{sh}, Syntax: "nv config detach", Kind: cli.Config, Run: func(c *cli.Call) error {
				c.SetTarget(cli.Candidate)
				c.Discard()
				return nil
			}},
			{Modes: []string{sh}, Syntax: "nv config save", Kind: cli.Save, Run: func(c *cli.Call) error {
				if err := c.Save(); err != nil {
					return err
				}
				c.Println("saved [rev_id: 3]")
				return nil
			}},
		},
	}
}

func nvueVLAN(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		ids := c.VLANs("vlans")
		return c.Update(func(cfg *state.Config) error {
			for _, id := range ids.IDs() {
				if add {
					cfg.SetVLAN(id, "")
					continue
				}
				for _, name := range cfg.PortNames(nil) {
					if p := cfg.Ports[name]; p.Untagged() == id || p.Tagged().Has(id) {
						return cli.Fail("Error: vlan %d is in use by %s", id, name)
					}
				}
				delete(cfg.VLANs, id)
				delete(cfg.VNIs, id)
			}
			return nil
		})
	}
}

// nvuePort applies fn to the call's port in the pending revision; the
// VLANs it names must exist there.
func nvuePort(fn func(p *state.Port, cfg *state.Config, c *cli.Call) error) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		name := c.Iface("name").Name
		return c.Update(func(cfg *state.Config) error {
			for _, k := range []string{"vlan", "list"} {
				if c.Given(k) {
					for _, id := range c.VLANs(k).IDs() {
						if _, ok := cfg.VLANs[id]; !ok {
							return cli.Fail("Error: vlan %d is not in bridge domain br_default", id)
						}
					}
				}
			}
			p := cfg.Ports[name]
			if err := fn(&p, cfg, c); err != nil {
				return err
			}
			cfg.Ports[name] = p
			return nil
		})
	}
}

// nvueShow prints the applied configuration as nv set commands.
func nvueShow(c *cli.Call) error {
	c.SetTarget(cli.Running)
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		var ids state.VLANSet
		for _, id := range cfg.VLANIDs() {
			if id != 1 {
				ids.Add(id)
			}
		}
		if !ids.IsEmpty() {
			fmt.Fprintf(&b, "nv set bridge domain br_default vlan %s\n", ids.Ranges(","))
		}
		for _, name := range cfg.PortNames(c.Platform().Compare) {
			p := cfg.Ports[name]
			pre := "nv set interface " + name
			b.WriteString(pre + " type swp\n")
			if p.Shutdown {
				b.WriteString(pre + " link state down\n")
			}
			if p.Description != "" {
				fmt.Fprintf(&b, "%s description %s\n", pre, p.Description)
			}
			switch {
			case p.Mode == state.Trunk:
				fmt.Fprintf(&b, "%s bridge domain br_default vlan %s\n", pre, p.Allowed.Ranges(","))
				if p.NativeVLAN != 1 {
					fmt.Fprintf(&b, "%s bridge domain br_default untagged %d\n", pre, p.NativeVLAN)
				}
			case p.AccessVLAN != 1:
				fmt.Fprintf(&b, "%s bridge domain br_default access %d\n", pre, p.AccessVLAN)
			}
		}
	})
	c.Printf("%s", b.String())
	return nil
}
