package platform

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Juniper Junos (EX/QFX, ELS syntax).
//
// Oracle: NGS netmiko_juniper (Appendix A), every entry of which is
// accepted as NGS sends it (TestNGSSessions sends each one, and
// TestNGSAppendixA checks them verbatim against the appendix): ADD_NETWORK
// "set vlans NAME vlan-id N"; DELETE_NETWORK "delete vlans NAME";
// PLUG_PORT_TO_NETWORK "delete interfaces P unit 0 family
// ethernet-switching vlan members / set interfaces P unit 0 family
// ethernet-switching vlan members N"; DELETE_PORT the delete alone;
// ADD/REMOVE_NETWORK_TO/FROM_TRUNK "set|delete interfaces P unit 0 family
// ethernet-switching vlan members N"; ENABLE/DISABLE_PORT "delete|set
// interfaces P disable"; PLUG/UNPLUG_SWITCH_TO/FROM_NETWORK "set vlans NAME
// vxlan vni V" and "delete vlans NAME vxlan vni"; PLUG/UNPLUG_MCAST_GROUP
// "set vlans NAME vxlan multicast-group G" and its delete (the VLAN's
// flooding, state.VXLANFlood.PerVLAN); PLUG/UNPLUG_EVPN_VRF_TARGET "set
// vlans NAME vrf-target target:ASN:VNI" and "delete vlans NAME vrf-target"
// (state.Config.VRFTargets); SHOW_VLANS "show vlans". No entry is left out.
// NGS also needs netmiko's session setup ("set cli screen-length 0", "set
// cli screen-width 511"), "configure private", "commit" (its save) and
// "exit configuration-mode".
//
// "show vlans" is laid out as ELS Junos prints it (captured output): a
// header, per VLAN a line of routing instance, name and tag, and under it
// one line per logical interface in the VLAN (unit 0, "*" when up), in name
// order. The model's routing instance is always default-switch; an
// interface is up unless disabled (links are not modelled); a trunk is in
// its members and its native-vlan-id only; a LAG member is not listed, its
// aeN is; a name of 22 characters or more is followed by one space. NGS
// reads the output three ways: _parse_vlan_name (the second and third
// fields of a line: the name of a tag) works on it; _parse_vlan_ports
// wants an interface on the VLAN's own line and _parse_vlan_vni a "VNI: N"
// line under it, neither of which ELS prints, so against this model (as
// against the captured output) NGS finds no ports and no VNI.
//
// Quirks modelled: operational mode "user@host> ", configuration mode with
// "[edit]" above "user@host# "; "configure private" edits a private
// candidate that only "commit" applies (and, in this model, also saves: a
// Junos commit is persistent); leaving private mode discards what was not
// committed; "vlan members" takes a VLAN id or a VLAN name; deleting a
// statement that is not there prints a warning, not an error; "set cli
// screen-length 0" turns paging off. Locks: "configure private", and a
// private commit, are refused with "error: shared configuration database
// modified" while a session in plain "configure" mode holds uncommitted
// changes in the shared candidate (what Junos does: the global
// configuration must be unmodified); the configuration-lock fault refuses
// "configure private" (and every configuration line) with "error:
// configuration database locked by:", as if another user held
// "configure exclusive"; the commit-lock fault refuses the next N commits
// with that text, applying nothing. The save-error fault is a failed
// commit ("error: commit failed: ..."), since a Junos commit is the save:
// it applies nothing either. Approximations: "show configuration" always
// prints set commands (the driver asks for "| display set", which real
// Junos needs); "exit configuration-mode" in operational mode is a no-op.
//
// LAGs: aggregated Ethernet aeN. A "set interfaces aeN ..." statement
// creates aeN; "aggregated-ether-options lacp active|passive" makes it
// LACP, without it the bundle is static; a port joins with "ether-options
// 802.3ad aeN" and leaves with its delete; "delete interfaces P unit 0"
// drops a port's switching; "delete interfaces aeN" removes the bundle.
// Approximations: Junos checks these rules at commit, this model when the
// statement is entered: a port with switching configured (unit 0) cannot
// join, a member cannot be given switching, and aeN cannot be deleted while
// a port names it. The chassis device-count is not modelled (any ae1-ae127
// exists), nor is ae0 (the state numbers port-channels from 1); whether
// LACP is passive is kept on the members, so a memberless passive bundle
// shows as active. The error texts for these rules are approximations.
//
// VXLAN statements: like "vxlan vni", "vxlan multicast-group" and
// "vrf-target" are refused on a VLAN name with no vlan-id (Junos takes the
// statement and fails the commit); deleting the VLAN deletes them with it;
// deleting one that is not there warns. The group must be an IPv4
// multicast address: a token that is not an IPv4 address is a syntax
// error, a unicast one an error. The target must be "target:" then an AS
// (1-4294967295, "L" allowed) or an IPv4 address, ":" and a 32-bit number.
// Neither the vrf-target import/export/auto forms nor the other vxlan
// options are modelled. The texts of these errors are approximations.
//
// Error texts: "unknown command." for a first word that starts no command
// and "syntax error." for a later bad word, each under a caret line
// pointing at the word, "error: configuration database locked by:" and
// "error: shared configuration database modified" are documented Junos
// output (the user lines under them are invented). Real Junos lets "configure private" in
// while another user holds "configure exclusive" with no changes and
// refuses only the commit; the configuration-lock fault refuses the entry
// too. The failing-commit text for the save fault is an approximation.
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
			Unknown:    "unknown command.",
			CaretAbove: true,
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
			{Name: "ae", Short: "ae", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 127},
		},
		DefaultPorts:    numbered("ge-0/0/%d", 48),
		DefaultVLANName: "default",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Params:          map[string]cli.ParamFunc{"mcast": junosIPv4Param},
		Commands: []cli.Command{
			{Modes: []string{oper}, Syntax: "configure [private|exclusive]", Kind: cli.Configure, Run: junosConfigure},
			{Modes: []string{oper}, Syntax: "exit configuration-mode", Kind: cli.Nav, Run: accept},
			{Modes: []string{oper}, Syntax: "exit|quit", Kind: cli.Nav, Run: logout},
			{Modes: []string{oper}, Syntax: "set cli screen-length <n:0-100000>", Kind: cli.Terminal, Run: terminalLength("Screen length set to 0")},
			{Modes: []string{oper}, Syntax: "set cli screen-width <n:0-1024>", Kind: cli.Terminal, Run: junosScreenWidth},
			{Modes: []string{oper}, Syntax: "show vlans", Kind: cli.Show, Run: junosShowVLANs},
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
			{Modes: []string{edit}, Syntax: "set vlans <name:word> vxlan multicast-group <group:mcast>", Kind: cli.Config, Run: junosSetMcast},
			{Modes: []string{edit}, Syntax: "delete vlans <name:word> vxlan multicast-group", Kind: cli.Config, Run: junosDeleteMcast},
			{Modes: []string{edit}, Syntax: "set vlans <name:word> vrf-target <target:word>", Kind: cli.Config, Run: junosSetTarget},
			{Modes: []string{edit}, Syntax: "delete vlans <name:word> vrf-target", Kind: cli.Config, Run: junosDeleteTarget},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> unit <u:0-0> family ethernet-switching interface-mode access|trunk", Kind: cli.Config, Run: junosMode},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> unit <u:0-0> family ethernet-switching vlan members <m:word>", Kind: cli.Config, Run: junosMember(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> unit <u:0-0> family ethernet-switching vlan members [<m:word>]", Kind: cli.Config, Run: junosMember(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> native-vlan-id <vlan>", Kind: cli.Config, Run: junosNative(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> native-vlan-id", Kind: cli.Config, Run: junosNative(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> description <text:line>", Kind: cli.Config, Run: junosDescription(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> description", Kind: cli.Config, Run: junosDescription(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> disable", Kind: cli.Config, Run: junosDisable(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> disable", Kind: cli.Config, Run: junosDisable(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> aggregated-ether-options lacp active|passive", Kind: cli.Config, Run: junosLACP(true)},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> aggregated-ether-options [lacp]", Kind: cli.Config, Run: junosLACP(false)},
			{Modes: []string{edit}, Syntax: "set interfaces <name:if> ether-options 802.3ad <ae:if>", Kind: cli.Config, Run: junosJoin},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> ether-options [802.3ad]", Kind: cli.Config, Run: junosLeaveAE},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if> unit <u:0-0>", Kind: cli.Config, Run: junosDeleteUnit},
			{Modes: []string{edit}, Syntax: "delete interfaces <name:if>", Kind: cli.Config, Run: junosDeleteIf},
		},
	}
}

// junosSharedModified is what Junos prints when "configure private", or a
// private commit, meets a shared candidate that another session changed and
// did not commit. The user line is an approximation: the model does not
// track who made the shared change.
const junosSharedModified = "error: shared configuration database modified\nUsers currently editing the configuration:\n  netops terminal p1 (pid 977) on since 2026-12-04 03:00:00 UTC\n      [edit]"

// junosSharedDirty reports whether the shared candidate holds uncommitted
// changes (a session in plain "configure" mode changed something).
func junosSharedDirty(c *cli.Call) bool { return c.Store().Snapshot().Candidate != nil }

func junosConfigure(c *cli.Call) error {
	if c.Has("private") {
		if junosSharedDirty(c) {
			return cli.Fail("%s", junosSharedModified)
		}
		c.Println("warning: uncommitted changes will be discarded on exit")
		c.SetTarget(cli.Private)
	} else {
		c.SetTarget(cli.Candidate)
	}
	c.Printf("Entering configuration mode\n")
	c.Enter("edit", "", "")
	return nil
}

// junosLeave leaves configuration mode. With changes not committed, Junos
// first asks whether to exit anyway (netmiko answers the same question);
// "no" stays, anything else discards a private candidate's changes.
func junosLeave(c *cli.Call) error {
	if c.Uncommitted() {
		ans, err := c.ReadLine("Exit with uncommitted changes? [yes,no] (yes) ")
		if err != nil {
			return err
		}
		if a := strings.ToLower(strings.TrimSpace(ans)); a == "no" || a == "n" {
			return nil
		}
	}
	if c.Target() == cli.Private {
		c.Discard()
	}
	c.SetTarget(cli.Running)
	c.Println("Exiting configuration mode")
	c.Exit()
	return nil
}

// junosCommit applies the session's candidate. A Junos commit is also the
// save, so the save-error fault is a failed commit (a commit check
// failure), and like the commit-lock fault and a modified shared
// candidate under "configure private" it applies nothing: the candidate
// keeps the changes until a later commit or leaving private mode.
func junosCommit(c *cli.Call) error {
	if c.Target() == cli.Private && junosSharedDirty(c) {
		return cli.Fail("%s", junosSharedModified)
	}
	if err := c.CheckCommit(true); err != nil {
		return err
	}
	c.Commit()
	c.Store().Save()
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
		// The whole stanza goes: its VXLAN and EVPN statements with it.
		delete(cfg.VLANs, id)
		delete(cfg.VNIs, id)
		delete(cfg.Flood.PerVLAN, id)
		delete(cfg.VRFTargets, id)
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
		id, ok := junosVLAN(cfg, c.Str("name"))
		if _, has := cfg.VNIs[id]; !ok || !has {
			c.Println("warning: statement not found")
			return nil
		}
		delete(cfg.VNIs, id)
		return nil
	})
}

// junosIPv4Param is the "mcast" parameter type: an IPv4 address (that it
// is a multicast one is checked when the statement is entered, so the
// error can say so).
func junosIPv4Param(in cli.ParamInput) (any, int, cli.FailKind) {
	a, err := netip.ParseAddr(in.Tokens[0])
	if err != nil || !a.Is4() {
		return nil, 1, cli.FailInvalid
	}
	return a, 1, cli.FailNone
}

// junosVLANStanza runs fn on the VLAN the call names, refusing a name with
// no vlan-id (as "set vlans NAME vxlan vni" does).
func junosVLANStanza(c *cli.Call, fn func(cfg *state.Config, id int) error) error {
	name := c.Str("name")
	return c.Update(func(cfg *state.Config) error {
		id, ok := junosVLAN(cfg, name)
		if !ok {
			return cli.Fail("error: vlan %s has no vlan-id", name)
		}
		return fn(cfg, id)
	})
}

// junosSetMcast is NGS's PLUG_MCAST_GROUP: the VLAN's VXLAN floods
// broadcast, unknown unicast and multicast traffic to an IPv4 multicast
// group (kept as the VLAN's flooding, as NVUE's is).
func junosSetMcast(c *cli.Call) error {
	group := c.Arg("group").(netip.Addr)
	if !group.IsMulticast() {
		return cli.Fail("error: vxlan multicast-group %s: not a multicast address (224.0.0.0/4)", group)
	}
	return junosVLANStanza(c, func(cfg *state.Config, id int) error {
		if cfg.Flood.PerVLAN == nil {
			cfg.Flood.PerVLAN = map[int]string{}
		}
		cfg.Flood.PerVLAN[id] = group.String()
		return nil
	})
}

// junosDeleteMcast is NGS's UNPLUG_MCAST_GROUP.
func junosDeleteMcast(c *cli.Call) error {
	return c.Update(func(cfg *state.Config) error {
		id, ok := junosVLAN(cfg, c.Str("name"))
		if _, has := cfg.Flood.PerVLAN[id]; !ok || !has {
			c.Println("warning: statement not found")
			return nil
		}
		delete(cfg.Flood.PerVLAN, id)
		return nil
	})
}

// junosTarget reports whether s is a route-target community as Junos
// writes one: "target:" then an AS number (up to 4294967295, "L" marking
// a 4-byte one) or an IPv4 address, ":" and a number.
func junosTarget(s string) bool {
	rest, ok := strings.CutPrefix(s, "target:")
	admin, num, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return false
	}
	if _, err := strconv.ParseUint(num, 10, 32); err != nil {
		return false
	}
	if a, err := netip.ParseAddr(admin); err == nil {
		return a.Is4()
	}
	as, err := strconv.ParseUint(strings.TrimSuffix(admin, "L"), 10, 32)
	return err == nil && as > 0 && admin[0] != '+'
}

// junosSetTarget is NGS's PLUG_EVPN_VRF_TARGET: the VLAN's EVPN route
// target.
func junosSetTarget(c *cli.Call) error {
	target := c.Str("target")
	if !junosTarget(target) {
		return cli.Fail("error: vrf-target %s: invalid community, expected target:AS:number or target:IPv4-address:number", target)
	}
	return junosVLANStanza(c, func(cfg *state.Config, id int) error {
		if cfg.VRFTargets == nil {
			cfg.VRFTargets = map[int]string{}
		}
		cfg.VRFTargets[id] = target
		return nil
	})
}

// junosDeleteTarget is NGS's UNPLUG_EVPN_VRF_TARGET.
func junosDeleteTarget(c *cli.Call) error {
	return c.Update(func(cfg *state.Config) error {
		id, ok := junosVLAN(cfg, c.Str("name"))
		if _, has := cfg.VRFTargets[id]; !ok || !has {
			c.Println("warning: statement not found")
			return nil
		}
		delete(cfg.VRFTargets, id)
		return nil
	})
}

func junosScreenWidth(c *cli.Call) error {
	c.Printf("Screen width set to %d\n", c.Int("n"))
	return nil
}

// junosPort applies fn to the L2 settings of the port or aeN the call
// names. A set statement (set) creates an aeN that is not there; a delete
// on one that is not there warns. A set on a LAG member's switching (l2)
// is refused: a member carries none of its own.
func junosPort(c *cli.Call, set, l2 bool, fn func(cfg *state.Config, p *state.L2) error) error {
	ifc := c.Iface("name")
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		if ifc.Type.Kind == cli.IfLAG {
			if _, ok := cfg.LAGs[ifc.Number]; !ok {
				if !set {
					c.Println("warning: statement not found")
					return nil
				}
				cfg.EnsureLAG(ifc.Number, ifc.Name, def)
			}
		} else if p, ok := cfg.Ports[ifc.Name]; !ok {
			return cli.Fail("error: interface %s does not exist", ifc.Name)
		} else if set && l2 && p.LAG != 0 {
			return cli.Fail("error: interface %s is a member of %s (ether-options 802.3ad): configure switching on %s", ifc.Name, cfg.LAGs[p.LAG].Name, cfg.LAGs[p.LAG].Name)
		}
		return cfg.EditInterface(ifc.Name, func(l *state.L2) error { return fn(cfg, l) })
	})
}

func junosMode(c *cli.Call) error {
	return junosPort(c, true, true, func(_ *state.Config, p *state.L2) error {
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
		return junosPort(c, add, true, func(cfg *state.Config, p *state.L2) error {
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
		return junosPort(c, set, true, func(cfg *state.Config, p *state.L2) error {
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
		return junosPort(c, set, false, func(_ *state.Config, p *state.L2) error {
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
		return junosPort(c, set, false, func(_ *state.Config, p *state.L2) error {
			p.Shutdown = set
			return nil
		})
	}
}

// junosLACP sets or deletes an aeN's LACP statement; its members follow.
func junosLACP(set bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		ifc := c.Iface("name")
		if ifc.Type.Kind != cli.IfLAG {
			return cli.Fail("error: aggregated-ether-options is valid only on an aggregated Ethernet interface (aeN), not %s", ifc.Name)
		}
		m := state.ChannelOn
		switch {
		case set && c.Has("passive"):
			m = state.ChannelPassive
		case set:
			m = state.ChannelActive
		}
		def := c.Platform().Spec().DefaultL2
		return c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.LAGs[ifc.Number]; !ok {
				if !set {
					c.Println("warning: statement not found")
					return nil
				}
				cfg.EnsureLAG(ifc.Number, ifc.Name, def)
			}
			cfg.SetLAGMode(ifc.Number, m)
			return nil
		})
	}
}

// junosJoin makes a port a member of aeN: "ether-options 802.3ad aeN".
func junosJoin(c *cli.Call) error {
	ifc, ae := c.Iface("name"), c.Iface("ae")
	if ifc.Type.Kind != cli.IfPort {
		return cli.Fail("error: ether-options 802.3ad is valid only on a physical port, not %s", ifc.Name)
	}
	if ae.Type.Kind != cli.IfLAG {
		return cli.Fail("error: 802.3ad %s: not an aggregated Ethernet interface (aeN)", ae.Name)
	}
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		p, ok := cfg.Ports[ifc.Name]
		if !ok {
			return cli.Fail("error: interface %s does not exist", ifc.Name)
		}
		if p.LAG != ae.Number && !junosNoSwitching(p.L2, def) {
			return cli.Fail("error: interface %s has family ethernet-switching under unit 0 and cannot be a member of %s: delete interfaces %s unit 0 first", ifc.Name, ae.Name, ifc.Name)
		}
		lag := cfg.EnsureLAG(ae.Number, ae.Name, def)
		m := state.ChannelOn
		switch {
		case lag.Mode == state.LACP && len(lag.Members) > 0:
			m = cfg.Ports[lag.Members[0]].ChannelMode // active or passive, as the bundle is
		case lag.Mode == state.LACP:
			m = state.ChannelActive
		}
		return cfg.JoinLAG(ifc.Name, ae.Number, m)
	})
}

// junosNoSwitching reports whether l carries no switching beyond the
// factory default (its admin state and description aside).
func junosNoSwitching(l, def state.L2) bool {
	l.Shutdown, l.Description = def.Shutdown, def.Description
	return l.Mode == def.Mode && l.AccessVLAN == def.AccessVLAN && l.NativeVLAN == def.NativeVLAN && l.Allowed.String() == def.Allowed.String()
}

// junosLeaveAE deletes a port's 802.3ad statement.
func junosLeaveAE(c *cli.Call) error {
	name := c.Iface("name").Name
	return c.Update(func(cfg *state.Config) error {
		if p, ok := cfg.Ports[name]; !ok || p.LAG == 0 {
			c.Println("warning: statement not found")
			return nil
		}
		cfg.LeaveLAG(name)
		return nil
	})
}

// junosDeleteUnit drops an interface's switching (its unit 0).
func junosDeleteUnit(c *cli.Call) error {
	def := c.Platform().Spec().DefaultL2
	return junosPort(c, false, false, func(_ *state.Config, l *state.L2) error {
		shut, desc := l.Shutdown, l.Description
		*l = def
		l.Shutdown, l.Description = shut, desc
		return nil
	})
}

// junosDeleteIf deletes an interface's whole configuration: an aeN goes
// (refused while a port still names it), a port returns to the default.
func junosDeleteIf(c *cli.Call) error {
	ifc := c.Iface("name")
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		if ifc.Type.Kind == cli.IfLAG {
			lag, ok := cfg.LAGs[ifc.Number]
			if !ok {
				c.Println("warning: statement not found")
				return nil
			}
			if len(lag.Members) > 0 {
				return cli.Fail("error: %s is still named by ether-options 802.3ad on %s: delete those statements first", ifc.Name, strings.Join(lag.Members, ", "))
			}
			cfg.DeleteLAG(ifc.Number)
			return nil
		}
		p, ok := cfg.Ports[ifc.Name]
		if !ok {
			return cli.Fail("error: interface %s does not exist", ifc.Name)
		}
		cfg.LeaveLAG(ifc.Name)
		p = cfg.Ports[ifc.Name]
		p.L2 = def
		cfg.Ports[ifc.Name] = p
		return nil
	})
}

// junosIfLines renders one port or aeN as "display set" lines: a LAG
// member shows its 802.3ad statement and no switching.
func junosIfLines(cfg *state.Config, name string) []string {
	p, ok := cfg.Interface(name)
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
	if lag, ok := cfg.LAGByName(name); ok && lag.Mode == state.LACP {
		mode := state.ChannelActive
		if len(lag.Members) > 0 && cfg.Ports[lag.Members[0]].ChannelMode == state.ChannelPassive {
			mode = state.ChannelPassive
		}
		out = append(out, fmt.Sprintf("%s aggregated-ether-options lacp %s", pre, mode))
	}
	if n, _, ok := lagOfPort(cfg, name); ok {
		return append(out, fmt.Sprintf("%s ether-options 802.3ad %s", pre, cfg.LAGs[n].Name))
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
		for _, n := range cfg.LAGNumbers() {
			c.Println(strings.Join(junosIfLines(cfg, cfg.LAGs[n].Name), "\n"))
		}
		for _, id := range cfg.VLANIDs() {
			v := cfg.VLANs[id]
			c.Printf("set vlans %s vlan-id %d\n", v.Name, id)
			if t, ok := cfg.VRFTargets[id]; ok {
				c.Printf("set vlans %s vrf-target %s\n", v.Name, t)
			}
			if vni := cfg.VNIs[id]; vni != 0 {
				c.Printf("set vlans %s vxlan vni %d\n", v.Name, vni)
			}
			if g, ok := cfg.Flood.PerVLAN[id]; ok {
				c.Printf("set vlans %s vxlan multicast-group %s\n", v.Name, g)
			}
		}
	})
	return nil
}

// junosShowVLANs renders "show vlans" as ELS Junos lays it out: a header,
// then per VLAN a line of routing instance (always default-switch here),
// name and tag, and under it one line per interface that carries the VLAN
// (logical unit 0, "*" when it is up: here, when it is not disabled), in
// name order. LAG members are not listed; their aeN is.
func junosShowVLANs(c *cli.Call) error {
	c.View(func(cfg *state.Config) {
		c.Printf("%-24s%-22s%-13s%s\n", "Routing instance", "VLAN name", "Tag", "Interfaces")
		for _, id := range cfg.VLANIDs() {
			name, tag := cfg.VLANs[id].Name, fmt.Sprintf("%4d", id)
			if len(name) >= 22 && tag[0] != ' ' {
				tag = " " + tag // a long name still has a space before the tag
			}
			c.Printf("%-24s%-22s%s\n", "default-switch", name, tag)
			for _, ifc := range junosVLANInterfaces(cfg, id) {
				c.Printf("%59s%s\n", "", ifc)
			}
		}
	})
	return nil
}

// junosCarries reports whether an interface's unit 0 is in VLAN id: an
// access port in its VLAN (the default one when it names none), a trunk
// in its members and its native-vlan-id (a trunk has no native VLAN
// unless one is set: the model's native VLAN 1 is "none").
func junosCarries(l state.L2, id int) bool {
	if l.Mode == state.Trunk {
		return l.Allowed.Has(id) || (l.NativeVLAN != 1 && l.NativeVLAN == id)
	}
	return l.AccessVLAN == id
}

// junosVLANInterfaces lists, sorted, the logical interfaces that carry
// VLAN id, each as "NAME.0" with "*" when it is up.
func junosVLANInterfaces(cfg *state.Config, id int) []string {
	var out []string
	for name, p := range cfg.Ports {
		if p.LAG == 0 && junosCarries(p.L2, id) {
			out = append(out, junosUnit(name, !p.Shutdown))
		}
	}
	for _, lag := range cfg.LAGs {
		if !junosCarries(lag.L2, id) {
			continue
		}
		up := false
		for _, m := range lag.Members {
			up = up || !cfg.Ports[m].Shutdown
		}
		out = append(out, junosUnit(lag.Name, up && !lag.Shutdown))
	}
	sort.Strings(out)
	return out
}

func junosUnit(name string, up bool) string {
	if up {
		return name + ".0*"
	}
	return name + ".0"
}
