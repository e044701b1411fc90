package platform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Juniper Junos (EX/QFX, ELS syntax).
//
// Oracle: NGS netmiko_juniper (Appendix A). ADD_NETWORK "set vlans NAME
// vlan-id N"; DELETE_NETWORK "delete vlans NAME"; PLUG_PORT_TO_NETWORK
// "delete interfaces P unit 0 family ethernet-switching vlan members / set
// interfaces P unit 0 family ethernet-switching vlan members N";
// DELETE_PORT the delete alone; ADD/REMOVE_NETWORK_TO/FROM_TRUNK "set|delete
// interfaces P unit 0 family ethernet-switching vlan members N";
// ENABLE/DISABLE_PORT "delete|set interfaces P disable"; PLUG_SWITCH_TO_NETWORK
// "set vlans NAME vxlan vni V" and its delete.
//
// Quirks modelled: operational mode "user@host> ", configuration mode with
// "[edit]" above "user@host# "; "configure private" edits a private
// candidate that only "commit" applies (and, in this model, also saves: a
// Junos commit is persistent); leaving private mode discards what was not
// committed; "vlan members" takes a VLAN id or a VLAN name; deleting a
// statement that is not there prints a warning, not an error; the
// configuration lock fault makes "commit" fail with "configuration
// database locked", which NGS retries; "set cli screen-length 0" turns
// paging off. Approximations: "show configuration" always prints set
// commands (the driver asks for "| display set", which real Junos needs);
// "exit configuration-mode" in operational mode is a no-op.
//
// Error texts: "syntax error." and "unknown command." with a caret line,
// and "error: configuration database locked by:" are documented Junos
// output. The failing-commit text for the save fault is an approximation.
func junosSpec() cli.Spec {
	const oper, edit = "oper", "edit"
	return cli.Spec{
		Name:        JuniperJunos,
		SSHVersion:  "SSH-2.0-OpenSSH_7.5",
		Banner:      "--- JUNOS 21.4R3 (simulated by Mercury) on {host}\n",
		MaxSessions: 16,
		Modes: []cli.ModeDef{
			{Name: oper, Prompt: "{user}@{host}> "},
			{Name: edit, Prompt: "\n[edit]\n{user}@{host}# ", Config: true},
		},
		PrivMode: oper,
		Errors: cli.Errors{
			Invalid:    "syntax error.",
			Incomplete: "syntax error, expecting <command>.",
			Ambiguous:  "syntax error, ambiguous.",
			Locked:     "error: configuration database locked by:\n  netops terminal p0 (pid 412) on since 2026-12-04 03:00:00 UTC\n      exclusive [edit]",
			SaveFailed: "error: commit failed: (statements constraint check failed)",
		},
		Pager: cli.Pager{Prompt: "---(more)---"},
		// "| display set" is accepted and changes nothing: this model always
		// shows the configuration as set commands.
		Filters:         map[string]string{"display": "no-more", "match": "include", "except": "exclude", "no-more": "no-more"},
		ExecErrorStatus: 0,
		IfTypes: []cli.IfType{
			{Name: "ge-", Short: "ge-", Kind: cli.IfPort, Number: `\d+/\d+/\d+`},
			{Name: "xe-", Short: "xe-", Kind: cli.IfPort, Number: `\d+/\d+/\d+`},
		},
		DefaultPorts:    numbered("ge-0/0/%d", 48),
		DefaultVLANName: "default",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands: []cli.Command{
			{Modes: []string{oper}, Syntax: "configure [private|exclusive]", Kind: cli.Configure, Run: junosConfigure},
			{Modes: []string{oper}, Syntax: "exit configuration-mode", Kind: cli.Nav, Run: accept},
			{Modes: []string{oper}, Syntax: "exit|quit", Kind: cli.Nav, Run: logout},
			{Modes: []string{oper}, Syntax: "set cli screen-length <n:0-100000>", Kind: cli.Terminal, Run: terminalLength("Screen length set to 0")},
			{Modes: []string{oper}, Syntax: "show configuration interfaces <name:if>", Kind: cli.Show, Run: junosShowIf},
			{Modes: []string{oper}, Syntax: "show configuration", Kind: cli.Show, Run: junosShowAll},
			{Modes: []string{oper}, Syntax: "show version", Kind: cli.Show, Run: func(c *cli.Call) error {
				c.Printf("Hostname: %s\nModel: ex4300-48t\nJunos: 21.4R3 (simulated)\n", c.Host())
				return nil
			}},
			{Modes: []string{edit}, Syntax: "exit configuration-mode", Kind: cli.Nav, Run: junosLeave},
			{Modes: []string{edit}, Syntax: "exit|quit", Kind: cli.Nav, Run: junosLeave},
			{Modes: []string{edit}, Syntax: "commit [and-quit]", Kind: cli.Config, Run: junosCommit},
			{Modes: []string{edit}, Syntax: "rollback [<n:0-49>]", Kind: cli.Config, Run: func(c *cli.Call) error { c.Discard(); c.Println("load complete"); return nil }},
			{Modes: []string{edit}, Syntax: "set vlans <name:word> vlan-id <vlan>", Kind: cli.Config, Run: junosSetVLAN},
			{Modes: []string{edit}, Syntax: "delete vlans <name:word>", Kind: cli.Config, Run: junosDeleteVLAN},
			{Modes: []string{edit}, Syntax: "set vlans <name:word> vxlan vni <vni:1-16777214>", Kind: cli.Config, Run: junosSetVNI},
			{Modes: []string{edit}, Syntax: "delete vlans <name:word> vxlan vni", Kind: cli.Config, Run: junosDeleteVNI},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> unit <u:0-0> family ethernet-switching interface-mode access|trunk", Kind: cli.Config, Run: junosMode},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> unit <u:0-0> family ethernet-switching vlan members <m:word>", Kind: cli.Config, Run: junosMember(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> unit <u:0-0> family ethernet-switching vlan members [<m:word>]", Kind: cli.Config, Run: junosMember(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> native-vlan-id <vlan>", Kind: cli.Config, Run: junosNative(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> native-vlan-id", Kind: cli.Config, Run: junosNative(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> description <text:line>", Kind: cli.Config, Run: junosDescription(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> description", Kind: cli.Config, Run: junosDescription(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> disable", Kind: cli.Config, Run: junosDisable(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> disable", Kind: cli.Config, Run: junosDisable(false)},
		},
	}
}

func junosConfigure(c *cli.Call) error {
	if c.Has("private") {
		c.Println("warning: uncommitted changes will be discarded on exit")
		c.SetTarget(cli.Private)
	} else {
		c.SetTarget(cli.Candidate)
	}
	c.Printf("Entering configuration mode\n")
	c.Enter("edit", "", "")
	return nil
}

func junosLeave(c *cli.Call) error {
	if c.Target() == cli.Private {
		c.Discard()
	}
	c.SetTarget(cli.Running)
	c.Println("Exiting configuration mode")
	c.Exit()
	return nil
}

func junosCommit(c *cli.Call) error {
	c.Commit()
	if err := c.Save(); err != nil {
		return err
	}
	c.Println("commit complete")
	if c.Has("and-quit") {
		return junosLeave(c)
	}
	return nil
}

// junosVLAN resolves a VLAN given by id or name.
func junosVLAN(cfg *state.Config, word string) (int, bool) {
	if id, err := strconv.Atoi(word); err == nil {
		_, ok := cfg.VLANs[id]
		return id, ok
	}
	for id, v := range cfg.VLANs {
		if v.Name == word {
			return id, true
		}
	}
	return 0, false
}

func junosSetVLAN(c *cli.Call) error {
	name, id := c.Str("name"), c.Int("vlan")
	return c.Update(func(cfg *state.Config) error {
		for other, v := range cfg.VLANs {
			if v.Name == name && other != id {
				return cli.Fail("error: vlan %s already has vlan-id %d", name, other)
			}
		}
		cfg.SetVLAN(id, name)
		return nil
	})
}

func junosDeleteVLAN(c *cli.Call) error {
	name := c.Str("name")
	return c.Update(func(cfg *state.Config) error {
		id, ok := junosVLAN(cfg, name)
		if !ok {
			c.Println("warning: statement not found")
			return nil
		}
		if id == 1 {
			return cli.Fail("error: the default VLAN cannot be deleted")
		}
		delete(cfg.VLANs, id)
		delete(cfg.VNIs, id)
		return nil
	})
}

func junosSetVNI(c *cli.Call) error {
	name, vni := c.Str("name"), c.Int("vni")
	return c.Update(func(cfg *state.Config) error {
		id, ok := junosVLAN(cfg, name)
		if !ok {
			return cli.Fail("error: vlan %s has no vlan-id", name)
		}
		for other, v := range cfg.VNIs {
			if v == vni && other != id {
				return cli.Fail("error: vni %d is already used by vlan %s", vni, cfg.VLANs[other].Name)
			}
		}
		cfg.VNIs[id] = vni
		return nil
	})
}

func junosDeleteVNI(c *cli.Call) error {
	return c.Update(func(cfg *state.Config) error {
		if id, ok := junosVLAN(cfg, c.Str("name")); ok {
			delete(cfg.VNIs, id)
		}
		return nil
	})
}

// junosPort applies fn to the port named by the call.
func junosPort(c *cli.Call, fn func(cfg *state.Config, p *state.Port) error) error {
	name := c.Iface("name").Name
	return c.Update(func(cfg *state.Config) error {
		p, ok := cfg.Ports[name]
		if !ok {
			return cli.Fail("error: interface %s does not exist", name)
		}
		if err := fn(cfg, &p); err != nil {
			return err
		}
		cfg.Ports[name] = p
		return nil
	})
}

func junosMode(c *cli.Call) error {
	return junosPort(c, func(_ *state.Config, p *state.Port) error {
		if c.Has("trunk") && p.Mode != state.Trunk {
			p.Mode, p.Allowed = state.Trunk, state.VLANSet{}
		} else if c.Has("access") && p.Mode != state.Access {
			p.Mode, p.AccessVLAN = state.Access, 1
		}
		return nil
	})
}

func junosMember(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		return junosPort(c, func(cfg *state.Config, p *state.Port) error {
			if !add && !c.Given("m") {
				if p.Mode == state.Trunk {
					p.Allowed = state.VLANSet{}
				} else {
					p.AccessVLAN = 1
				}
				return nil
			}
			id, ok := junosVLAN(cfg, c.Str("m"))
			if !ok {
				if !add {
					c.Println("warning: statement not found")
					return nil
				}
				return cli.Fail("error: vlan %s does not exist (configure it under [edit vlans])", c.Str("m"))
			}
			switch {
			case p.Mode == state.Trunk && add:
				p.Allowed.Add(id)
			case p.Mode == state.Trunk:
				p.Allowed.Remove(id)
			case add:
				if p.AccessVLAN != 1 && p.AccessVLAN != id {
					return cli.Fail("error: an access interface can be a member of one VLAN only (delete the other member first)")
				}
				p.AccessVLAN = id
			case p.AccessVLAN == id:
				p.AccessVLAN = 1
			}
			return nil
		})
	}
}

func junosNative(set bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		return junosPort(c, func(cfg *state.Config, p *state.Port) error {
			if !set {
				p.NativeVLAN = 1
				return nil
			}
			if _, ok := cfg.VLANs[c.Int("vlan")]; !ok {
				return cli.Fail("error: native-vlan-id %d is not a configured vlan-id", c.Int("vlan"))
			}
			p.NativeVLAN = c.Int("vlan")
			return nil
		})
	}
}

func junosDescription(set bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		return junosPort(c, func(_ *state.Config, p *state.Port) error {
			p.Description = ""
			if set {
				p.Description = strings.Trim(c.Str("text"), `"`)
			}
			return nil
		})
	}
}

func junosDisable(set bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		return junosPort(c, func(_ *state.Config, p *state.Port) error {
			p.Shutdown = set
			return nil
		})
	}
}

// junosIfLines renders one interface as "display set" lines.
func junosIfLines(cfg *state.Config, name string) []string {
	p, ok := cfg.Ports[name]
	if !ok {
		return nil
	}
	pre := "set interfaces " + name
	es := pre + " unit 0 family ethernet-switching"
	var out []string
	if p.Description != "" {
		out = append(out, fmt.Sprintf("%s description %q", pre, p.Description))
	}
	if p.Shutdown {
		out = append(out, pre+" disable")
	}
	if p.NativeVLAN != 1 {
		out = append(out, fmt.Sprintf("%s native-vlan-id %d", pre, p.NativeVLAN))
	}
	if p.Mode == state.Trunk {
		out = append(out, es+" interface-mode trunk")
		for _, id := range p.Allowed.IDs() {
			out = append(out, fmt.Sprintf("%s vlan members %d", es, id))
		}
		return out
	}
	out = append(out, es+" interface-mode access")
	if p.AccessVLAN != 1 {
		out = append(out, fmt.Sprintf("%s vlan members %d", es, p.AccessVLAN))
	}
	return out
}

func junosShowIf(c *cli.Call) error {
	var err error
	c.View(func(cfg *state.Config) {
		lines := junosIfLines(cfg, c.Iface("name").Name)
		if lines == nil {
			err = cli.Fail("error: interface %s does not exist", c.Iface("name").Name)
			return
		}
		c.Println(strings.Join(lines, "\n"))
	})
	return err
}

func junosShowAll(c *cli.Call) error {
	c.View(func(cfg *state.Config) {
		c.Printf("set version 21.4R3\nset system host-name %s\n", c.Host())
		for _, n := range cfg.PortNames(c.Platform().Compare) {
			c.Println(strings.Join(junosIfLines(cfg, n), "\n"))
		}
		for _, id := range cfg.VLANIDs() {
			v := cfg.VLANs[id]
			c.Printf("set vlans %s vlan-id %d\n", v.Name, id)
			if vni := cfg.VNIs[id]; vni != 0 {
				c.Printf("set vlans %s vxlan vni %d\n", v.Name, vni)
			}
		}
	})
	return nil
}
