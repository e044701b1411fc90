package platform

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
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
// DELETE_NATIVE_VLAN unsets untagged N and vlan N; the *_BOND variants on
// "interface bondN"; ENABLE/DISABLE_PORT "nv set interface P link state
// up|down"; PLUG/UNPLUG_SWITCH_TO/FROM_NETWORK "nv set bridge domain
// br_default vlan N vni V" and "nv unset ... vlan N vni"; PLUG_HER_FLOOD "nv
// set nve vxlan flooding head-end-replication IP"; PLUG_MCAST_FLOOD and
// PLUG_INGRESS_REPLICATION "nv set ... vlan N vni V flooding
// multicast-group G" and "... flooding head-end-replication evpn";
// SHOW_VLAN_PORTS "nv show bridge domain br_default vlan N -o json";
// SHOW_VLAN_VNI "nv show bridge domain br_default vlan-vni-map -o json";
// PLUG/UNPLUG_EVPN_VNI "vtysh -c ..." (frr.go); NGS appends "nv config
// apply --assume-yes", and saves with "nv config save". Every entry is sent
// by simulator/ngs_test.go (TestNGSSessions); none is left out.
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
// VXLAN: a VLAN maps to one VNI; the per-VNI flooding (EVPN head-end
// replication or a multicast group, which must be in 224.0.0.0/4) goes with
// the mapping, and the tunnel's static head-end-replication peers (unicast
// IPv4) are a list of their own (state.VXLANFlood). "-o json" shows are
// indented by two blanks with keys sorted; the VLAN's shows its member
// ports and bonds under "port" and its VNI and flooding under "vni", and
// the VNI map is {"br_default": {"vlan-vni-map": {"N": {"vni": V}}}}, the
// shape NGS's parsers read (approximations of NVUE's output, not checked
// against a switch); a VLAN not in the bridge is "Error: The requested item
// does not exist." vtysh needs no sudo (the cumulus user is in group
// frrvty); its changes take effect at once and no "nv config apply"
// undoes them (a real switch may regenerate frr.conf from NVUE's model,
// which this model does not do).
//
// Bonds: "nv set interface bondN bond member swpX" creates bondN (LACP, the
// NVUE default) and adds the port; "bond mode lacp|static" switches it;
// bridge settings and descriptions apply to a bond as to a port; "nv unset
// interface bondN" removes it, releasing its members. A port with bridge
// settings must drop them ("nv unset interface swpX bridge domain
// br_default") before it joins, and a member takes none; a VLAN a bond
// carries cannot be deleted. Approximations: NVUE checks these rules when
// the revision is applied, this model when the line is entered; a port out
// of the bridge is modelled as an access port of VLAN 1; bond names other
// than bondN are not modelled.
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
		IfTypes: []cli.IfType{
			{Name: "swp", Short: "swp", Kind: cli.IfPort, Number: `\d+(s\d+)?`},
			{Name: "bond", Short: "bond", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 9999},
		},
		DefaultPorts:    numbered("swp%d", 48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands: []cli.Command{
			{Modes: []string{sh}, Syntax: "nv config show -o commands", Kind: cli.Show, Run: nvueShow},
			{Modes: []string{sh}, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
			set("nv set "+bd+" vlan <vlans>", nvueVLAN(true)),
			set("nv unset "+bd+" vlan <vlans>", nvueVLAN(false)),
			set("nv set interface <name:if> "+bd+" access <vlan>", nvuePort(func(p *state.L2, cfg *state.Config, c *cli.Call) error {
				if !p.Allowed.IsEmpty() {
					return cli.Fail("Error: swp: access and vlan are mutually exclusive; unset vlan first")
				}
				p.Mode, p.AccessVLAN = state.Access, c.Int("vlan")
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" access", nvuePort(func(p *state.L2, _ *state.Config, _ *cli.Call) error {
				p.AccessVLAN = 1
				return nil
			})),
			set("nv set interface <name:if> "+bd+" untagged <vlan>", nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
				p.NativeVLAN = c.Int("vlan")
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" untagged [<vlan>]", nvuePort(func(p *state.L2, _ *state.Config, _ *cli.Call) error {
				p.NativeVLAN = 1
				return nil
			})),
			set("nv set interface <name:if> "+bd+" vlan <list:vlans>", nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
				if p.Mode == state.Access && p.AccessVLAN != 1 {
					return cli.Fail("Error: access and vlan are mutually exclusive; unset access first")
				}
				p.Mode, p.Allowed = state.Trunk, p.Allowed.Union(c.VLANs("list"))
				return nil
			})),
			set("nv unset interface <name:if> "+bd+" vlan [<list:vlans>]", nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
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
			set("nv set interface <name:if> link state up|down", nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
				p.Shutdown = c.Has("down")
				return nil
			})),
			set("nv set interface <name:if> description <text:word>", nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
				p.Description = c.Str("text")
				return nil
			})),
			set("nv unset interface <name:if> description", nvuePort(func(p *state.L2, _ *state.Config, _ *cli.Call) error {
				p.Description = ""
				return nil
			})),
			set("nv set interface <name:if> "+bd, nvuePort(func(*state.L2, *state.Config, *cli.Call) error { return nil })),
			set("nv unset interface <name:if> "+bd, nvuePort(func(p *state.L2, _ *state.Config, c *cli.Call) error {
				shut, desc := p.Shutdown, p.Description
				*p = c.Platform().Spec().DefaultL2
				p.Shutdown, p.Description = shut, desc
				return nil
			})),
			set("nv set "+bd+" vlan <vlan> vni <vni:1-16777214>", nvueVNI(true)),
			set("nv set "+bd+" vlan <vlan> vni <vni:1-16777214> flooding head-end-replication evpn", nvueVNI(true)),
			set("nv set "+bd+" vlan <vlan> vni <vni:1-16777214> flooding multicast-group <group:word>", nvueVNI(true)),
			set("nv set nve vxlan flooding head-end-replication <ip:word>", nvueHER),
			{Modes: []string{sh}, Syntax: "nv show " + bd + " vlan <vlan> -o json", Kind: cli.Show, Run: nvueShowVLAN},
			{Modes: []string{sh}, Syntax: "nv show " + bd + " vlan-vni-map -o json", Kind: cli.Show, Run: nvueShowVNIMap},
			// FRR: the cumulus user is in group frrvty, so vtysh needs no
			// sudo; its changes take effect at once, outside NVUE's
			// revisions.
			{Modes: []string{sh}, Syntax: "vtysh <script:line>", Kind: cli.Config, Run: func(c *cli.Call) error {
				return vtysh(c, true)
			}},
			set("nv unset "+bd+" vlan <vlan> vni [<vni:1-16777214>]", nvueVNI(false)),
			set("nv set interface <name:if> bond mlag id <id:1-65535>", nvueMLAG(true)),
			set("nv unset interface <name:if> bond mlag id [<id:1-65535>]", nvueMLAG(false)),
			set("nv set interface <name:if> bond member <m:if>", nvueBondMember(true)),
			set("nv unset interface <name:if> bond member <m:if>", nvueBondMember(false)),
			set("nv set interface <name:if> bond mode lacp|static", nvueBondMode),
			set("nv unset interface <name:if>", nvueUnsetIf),
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
				for _, n := range cfg.LAGNumbers() {
					if l := cfg.LAGs[n]; l.Untagged() == id || l.Tagged().Has(id) {
						return cli.Fail("Error: vlan %d is in use by %s", id, l.Name)
					}
				}
				delete(cfg.VLANs, id)
				delete(cfg.VNIs, id)
				delete(cfg.Flood.PerVLAN, id)
			}
			return nil
		})
	}
}

// nvueVNI maps (or unmaps) a VLAN of the bridge to a VXLAN VNI; the VLAN
// must exist, and a VNI maps one VLAN.
func nvueVNI(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		vlan, vni := c.Int("vlan"), c.Int("vni")
		flood := ""
		switch {
		case c.Has("evpn"):
			flood = "evpn"
		case c.Given("group"):
			ip := net.ParseIP(c.Str("group")).To4()
			if ip == nil || !ip.IsMulticast() {
				return cli.Fail("Error: Invalid parameter: multicast-group %s is not an IPv4 multicast address (224.0.0.0/4)", c.Str("group"))
			}
			flood = ip.String()
		}
		return c.Update(func(cfg *state.Config) error {
			if !add {
				delete(cfg.VNIs, vlan)
				delete(cfg.Flood.PerVLAN, vlan)
				return nil
			}
			if _, ok := cfg.VLANs[vlan]; !ok {
				return cli.Fail("Error: vlan %d does not exist in bridge domain br_default", vlan)
			}
			for v, n := range cfg.VNIs {
				if n == vni && v != vlan {
					return cli.Fail("Error: vni %d is already mapped to vlan %d", vni, v)
				}
			}
			if old, ok := cfg.VNIs[vlan]; ok && old != vni {
				// NVUE keeps one VNI per VLAN: a new one replaces the old,
				// and the old one's flooding goes with it.
				delete(cfg.Flood.PerVLAN, vlan)
			}
			cfg.VNIs[vlan] = vni
			if flood != "" {
				if cfg.Flood.PerVLAN == nil {
					cfg.Flood.PerVLAN = map[int]string{}
				}
				cfg.Flood.PerVLAN[vlan] = flood
			}
			return nil
		})
	}
}

// nvueHER adds a static head-end-replication peer to the tunnel endpoint's
// flood list.
func nvueHER(c *cli.Call) error {
	c.SetTarget(cli.Candidate)
	ip := net.ParseIP(c.Str("ip")).To4()
	if ip == nil || ip.IsMulticast() || ip.IsUnspecified() {
		return cli.Fail("Error: Invalid parameter: head-end-replication %s is not a unicast IPv4 address", c.Str("ip"))
	}
	return c.Update(func(cfg *state.Config) error {
		if !slices.Contains(cfg.Flood.HER, ip.String()) {
			cfg.Flood.HER = append(cfg.Flood.HER, ip.String())
		}
		return nil
	})
}

// nvueShowVLAN renders "nv show bridge domain br_default vlan N -o json"
// (NGS's SHOW_VLAN_PORTS): the applied VLAN's member ports and bonds, and
// its VNI with the VNI's flooding.
func nvueShowVLAN(c *cli.Call) error {
	c.SetTarget(cli.Running)
	id := c.Int("vlan")
	var out map[string]any
	c.View(func(cfg *state.Config) {
		if _, ok := cfg.VLANs[id]; !ok || id == 1 {
			return
		}
		ports := map[string]any{}
		for _, m := range vlanMembers(cfg, c.Platform(), true)[id] {
			ports[m.name] = map[string]any{}
		}
		vnis := map[string]any{}
		if n, ok := cfg.VNIs[id]; ok {
			flood := map[string]any{"enable": "auto"}
			switch f := cfg.Flood.PerVLAN[id]; {
			case f == "evpn":
				flood = map[string]any{"enable": "on", "head-end-replication": map[string]any{"evpn": map[string]any{}}}
			case f != "":
				flood = map[string]any{"enable": "on", "multicast-group": f}
			}
			vnis[fmt.Sprint(n)] = map[string]any{"flooding": flood, "mac-learning": "auto"}
		}
		out = map[string]any{"multicast": map[string]any{"snooping": map[string]any{"querier": map[string]any{"source-ip": "0.0.0.0"}}},
			"port": ports, "ptp": map[string]any{"enable": "off"}, "vni": vnis}
	})
	if out == nil {
		return cli.Fail("Error: The requested item does not exist.")
	}
	return nvueJSON(c, out)
}

// nvueShowVNIMap renders "nv show bridge domain br_default vlan-vni-map -o
// json" (NGS's SHOW_VLAN_VNI), in the shape NGS's parser reads.
func nvueShowVNIMap(c *cli.Call) error {
	c.SetTarget(cli.Running)
	m := map[string]any{}
	c.View(func(cfg *state.Config) {
		for v, n := range cfg.VNIs {
			m[fmt.Sprint(v)] = map[string]any{"vni": n}
		}
	})
	return nvueJSON(c, map[string]any{"br_default": map[string]any{"vlan-vni-map": m}})
}

// nvueJSON prints v as NVUE's "-o json" does: indented by two blanks,
// keys sorted.
func nvueJSON(c *cli.Call, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	c.Printf("%s\n", b)
	return nil
}

// nvueMLAG sets (or removes) a bond's MLAG id.
func nvueMLAG(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		ifc := c.Iface("name")
		if ifc.Type.Kind != cli.IfLAG {
			return cli.Fail("Error: %s is not a bond", ifc.Name)
		}
		id := 0
		if add {
			id = c.Int("id")
		}
		return c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.LAGs[ifc.Number]; !ok {
				nvueNewBond(cfg, c, ifc)
			}
			if err := cfg.SetLAGPeer(ifc.Number, id); err != nil {
				return cli.Fail("Error: %v", err)
			}
			return nil
		})
	}
}

// nvuePort applies fn to the L2 settings of the call's port or bond in the
// pending revision; the VLANs it names must exist there. A set on a bond
// that is not there creates it (as LACP, NVUE's default bond mode); a bond
// member takes no bridge settings of its own.
func nvuePort(fn func(p *state.L2, cfg *state.Config, c *cli.Call) error) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		ifc := c.Iface("name")
		unset := strings.HasPrefix(c.Line(), "nv unset")
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
			if ifc.Type.Kind == cli.IfLAG {
				if _, ok := cfg.LAGs[ifc.Number]; !ok {
					if unset {
						return nil
					}
					nvueNewBond(cfg, c, ifc)
				}
			} else if p, ok := cfg.Ports[ifc.Name]; !ok {
				return cli.Fail("Error: interface %s does not exist", ifc.Name)
			} else if p.LAG != 0 && !unset && strings.Contains(c.Line(), " bridge ") {
				return cli.Fail("Error: %s is a member of %s: configure the bridge on %s", ifc.Name, cfg.LAGs[p.LAG].Name, cfg.LAGs[p.LAG].Name)
			}
			return cfg.EditInterface(ifc.Name, func(l *state.L2) error { return fn(l, cfg, c) })
		})
	}
}

// nvueNewBond creates a bond: LACP unless told otherwise.
func nvueNewBond(cfg *state.Config, c *cli.Call, ifc cli.Iface) state.LAG {
	lag := cfg.EnsureLAG(ifc.Number, ifc.Name, c.Platform().Spec().DefaultL2)
	lag.Mode = state.LACP
	cfg.LAGs[ifc.Number] = lag
	return lag
}

// nvueBondMember adds a port to a bond, or takes it out; a port still
// configured as a bridge port cannot join.
func nvueBondMember(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		c.SetTarget(cli.Candidate)
		ifc, m := c.Iface("name"), c.Iface("m")
		if ifc.Type.Kind != cli.IfLAG {
			return cli.Fail("Error: %s is not a bond: bond members belong on a bondN interface", ifc.Name)
		}
		if m.Type.Kind != cli.IfPort {
			return cli.Fail("Error: %s cannot be a bond member: only swp ports can", m.Name)
		}
		def := c.Platform().Spec().DefaultL2
		return c.Update(func(cfg *state.Config) error {
			p, ok := cfg.Ports[m.Name]
			if !ok {
				return cli.Fail("Error: interface %s does not exist", m.Name)
			}
			if !add {
				if p.LAG == ifc.Number {
					cfg.LeaveLAG(m.Name)
				}
				return nil
			}
			if p.LAG != 0 && p.LAG != ifc.Number {
				return cli.Fail("Error: %s is already a member of %s", m.Name, cfg.LAGs[p.LAG].Name)
			}
			l := p.L2
			l.Shutdown, l.Description = def.Shutdown, def.Description
			if l.Mode != def.Mode || l.AccessVLAN != def.AccessVLAN || l.NativeVLAN != def.NativeVLAN || !l.Allowed.IsEmpty() {
				return cli.Fail("Error: %s has bridge domain settings and cannot be a bond member: unset interface %s bridge domain br_default first", m.Name, m.Name)
			}
			lag, ok := cfg.LAGs[ifc.Number]
			if !ok {
				lag = nvueNewBond(cfg, c, ifc)
			}
			mode := state.ChannelOn
			if lag.Mode == state.LACP {
				mode = state.ChannelActive
			}
			return cfg.JoinLAG(m.Name, ifc.Number, mode)
		})
	}
}

// nvueBondMode sets a bond's mode; its members follow.
func nvueBondMode(c *cli.Call) error {
	c.SetTarget(cli.Candidate)
	ifc := c.Iface("name")
	if ifc.Type.Kind != cli.IfLAG {
		return cli.Fail("Error: %s is not a bond", ifc.Name)
	}
	m := state.ChannelActive
	if c.Has("static") {
		m = state.ChannelOn
	}
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.LAGs[ifc.Number]; !ok {
			nvueNewBond(cfg, c, ifc)
		}
		cfg.SetLAGMode(ifc.Number, m)
		return nil
	})
}

// nvueUnsetIf removes a bond (its members leave it) or returns a port to
// the default.
func nvueUnsetIf(c *cli.Call) error {
	c.SetTarget(cli.Candidate)
	ifc := c.Iface("name")
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		if ifc.Type.Kind == cli.IfLAG {
			cfg.DeleteLAG(ifc.Number)
			return nil
		}
		p, ok := cfg.Ports[ifc.Name]
		if !ok {
			return cli.Fail("Error: interface %s does not exist", ifc.Name)
		}
		cfg.LeaveLAG(ifc.Name)
		p = cfg.Ports[ifc.Name]
		p.L2 = def
		cfg.Ports[ifc.Name] = p
		return nil
	})
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
			nvueIfLines(&b, name, "swp", cfg.Ports[name].L2)
		}
		for _, n := range cfg.LAGNumbers() {
			l := cfg.LAGs[n]
			nvueIfLines(&b, l.Name, "bond", l.L2)
			for _, m := range l.Members {
				fmt.Fprintf(&b, "nv set interface %s bond member %s\n", l.Name, m)
			}
			fmt.Fprintf(&b, "nv set interface %s bond mode %s\n", l.Name, l.Mode)
			if l.Peer != 0 {
				fmt.Fprintf(&b, "nv set interface %s bond mlag id %d\n", l.Name, l.Peer)
			}
		}
		for _, v := range sortedVNIs(cfg) {
			fmt.Fprintf(&b, "nv set bridge domain br_default vlan %d vni %d\n", v, cfg.VNIs[v])
			switch f := cfg.Flood.PerVLAN[v]; {
			case f == "evpn":
				fmt.Fprintf(&b, "nv set bridge domain br_default vlan %d vni %d flooding head-end-replication evpn\n", v, cfg.VNIs[v])
			case f != "":
				fmt.Fprintf(&b, "nv set bridge domain br_default vlan %d vni %d flooding multicast-group %s\n", v, cfg.VNIs[v], f)
			}
		}
		for _, ip := range cfg.Flood.HER {
			fmt.Fprintf(&b, "nv set nve vxlan flooding head-end-replication %s\n", ip)
		}
	})
	c.Printf("%s", b.String())
	return nil
}

// nvueIfLines prints one interface's settings as nv set commands.
func nvueIfLines(b *strings.Builder, name, kind string, p state.L2) {
	pre := "nv set interface " + name
	b.WriteString(pre + " type " + kind + "\n")
	if p.Shutdown {
		b.WriteString(pre + " link state down\n")
	}
	if p.Description != "" {
		d := p.Description
		if strings.Contains(d, " ") {
			d = `"` + d + `"`
		}
		fmt.Fprintf(b, "%s description %s\n", pre, d)
	}
	switch {
	case p.Mode == state.Trunk:
		fmt.Fprintf(b, "%s bridge domain br_default vlan %s\n", pre, p.Allowed.Ranges(","))
		if p.NativeVLAN != 1 {
			fmt.Fprintf(b, "%s bridge domain br_default untagged %d\n", pre, p.NativeVLAN)
		}
	case p.AccessVLAN != 1:
		fmt.Fprintf(b, "%s bridge domain br_default access %d\n", pre, p.AccessVLAN)
	}
}
