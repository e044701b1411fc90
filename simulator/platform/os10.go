package platform

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Dell EMC SmartFabric OS10.
//
// Oracle: NGS netmiko_dell_os10 (Appendix A). ADD_NETWORK "interface vlan N
// / description X / exit" (a VLAN is an interface; its description is its
// name); DELETE_NETWORK "no interface vlan N / exit"; PLUG_PORT_TO_NETWORK
// "interface P / switchport mode access / switchport access vlan N / exit";
// DELETE_PORT "no switchport access vlan"; ADD_NETWORK_TO_TRUNK "switchport
// mode trunk / switchport trunk allowed vlan N" — which ADDS N, the OS10
// quirk; REMOVE_NETWORK_FROM_TRUNK "no switchport trunk allowed vlan N";
// SET_NATIVE_VLAN "switchport mode trunk / switchport access vlan N" (a
// trunk's untagged VLAN is its access VLAN); DELETE_NATIVE_VLAN "no
// switchport access vlan"; the *_BOND variants on "interface
// port-channelN"; ENABLE/DISABLE_PORT; save "copy running-configuration
// startup-configuration" (netmiko's dell_os10 save) or "write memory".
// Security groups: ADD_SECURITY_GROUP "ip access-list NAME / exit" (twice);
// ADD_SECURITY_GROUP_RULE_INGRESS/EGRESS "ip access-list NAME / permit
// PROTO SRC DST FILTER / exit"; BIND_SECURITY_GROUP "interface P / ip
// access-group NAME in / ip access-group NAME out / exit / show ip
// access-lists in / show ip access-lists out"; UNBIND_SECURITY_GROUP its
// "no" forms; REMOVE_SECURITY_GROUP "no ip access-list NAME" (twice).
// ADD_SECURITY_GROUP_COMPLETE is None in NGS: nothing is sent.
//
// Access lists (state.IPACLs, IPACLGroups): "ip access-list NAME" creates
// the list (or reopens it) and enters "(config-ipv4-acl)"; "[seq N]
// permit|deny PROTO SRC DST [FILTER]" adds a rule, numbered 10 past the
// last unless N is given (PROTO ip, tcp, udp, icmp or 0-255; an address
// any, host A.B.C.D or A.B.C.D/N; FILTER for tcp and udp "eq PORT" or
// "range LOW HIGH", for icmp "TYPE [CODE]"); "no seq N" removes one; "no ip
// access-list NAME" deletes a list that exists and is bound nowhere; "ip
// access-group NAME in|out" binds an existing list to the interface
// (replacing the one bound that way), and its "no" form must name the list
// bound; deleting a port-channel drops its bindings. The running
// configuration prints the lists ("seq N ..." rules) before the interfaces
// and the bindings in each interface. Approximations: "show ip access-lists
// in|out" also works in configuration mode without "do", because NGS's
// BIND_SECURITY_GROUP sends it there (whether OS10 accepts that is not
// verified), and its layout ("Ingress IP access list NAME / Active on
// interfaces : ...") is in OS10's style, not copied from a device; the
// error texts for access lists are in OS10's "% Error: ..." style.
//
// Quirks modelled: login lands in "OS10#" (no user exec, no enable);
// prompts end with "# " and sub-mode prompts are "(conf-if-eth1/1/1)",
// "(conf-if-po-10)", "(conf-if-vl-10)"; a trunk carries no tagged VLANs
// until they are added; access and allowed VLANs must exist; allowed-VLAN
// changes need trunk mode; show commands need "do" in configuration modes;
// the pager prompt is "--more--" and the filters are "grep", "except",
// "find" and "no-more"; the running configuration spells "switchport access
// vlan" on every switched port, with one-space indentation.
//
// Error texts: "% Error: Unrecognized command." and "% Error: Incomplete
// command." are documented OS10 output (NGS matches "Error:"). The texts
// for ambiguous and out-of-range input, missing VLANs, non-trunk ports,
// lock and save failure are approximations in OS10's "% Error: ..." style.
func os10Spec() cli.Spec {
	const exec, conf, ifm, vlm, aclm = "exec", "config", "config-if", "config-if-vlan", "config-ipv4-acl"
	d := &dialect{
		ifMode: ifm, vlanIfMode: vlm,
		vlanName: func(int) string { return "" },
		label: func(ifc cli.Iface) string {
			switch ifc.Type.Kind {
			case cli.IfLAG:
				return "po-" + ifc.Num
			case cli.IfVLAN:
				return "vl-" + ifc.Num
			}
			return "eth" + ifc.Num
		},
		lagName:        func(n int) string { return fmt.Sprintf("port-channel%d", n) },
		save:           saved(""),
		vlanMissing:    "%% Error: VLAN %s does not exist.",
		accessIsNative: true,
		allowedAdds:    true,
		notTrunk:       "% Error: Interface is not in trunk mode.",
		noDefaultVLAN:  "% Error: Default VLAN 1 cannot be deleted.",
		notPort:        "% Error: Unrecognized command.",
		gone:           "%% Error: Interface %s does not exist.",
	}
	execs := []string{exec}
	anyConf := []string{conf, ifm, vlm, aclm}
	return cli.Spec{
		Name:        DellOS10,
		SSHVersion:  "SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2",
		Banner:      "Dell SmartFabric OS10 Enterprise (simulated by Mercury) on {host}\n\n",
		MaxSessions: 32,
		Modes: []cli.ModeDef{
			{Name: exec, Prompt: "{host}# "},
			{Name: conf, Prompt: "{host}(config)# ", Config: true},
			{Name: ifm, Prompt: "{host}(conf-if-{label})# ", Parent: conf, Config: true},
			{Name: vlm, Prompt: "{host}(conf-if-{label})# ", Parent: conf, Config: true},
			{Name: aclm, Prompt: "{host}(config-ipv4-acl)# ", Parent: conf, Config: true},
		},
		PrivMode: exec,
		Errors: cli.Errors{
			Invalid:    "% Error: Unrecognized command.",
			Incomplete: "% Error: Incomplete command.",
			Ambiguous:  "% Error: Ambiguous command.",
			Range:      "% Error: Illegal parameter.",
			Locked:     "% Error: Configuration is locked by another session.",
			SaveFailed: "% Error: Failed to save the configuration.",
		},
		Pager:   cli.Pager{Prompt: "--more--"},
		Filters: map[string]string{"grep": "include", "except": "exclude", "find": "begin", "no-more": "no-more"},
		IfTypes: []cli.IfType{
			{Name: "ethernet", Short: "eth", Kind: cli.IfPort, Number: `\d+/\d+/\d+(:\d+)?`},
			{Name: "port-channel", Short: "po", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 128},
			{Name: "vlan", Short: "vl", Kind: cli.IfVLAN, Number: `\d+`, Min: 1, Max: 4093},
		},
		DefaultPorts:    numbered("ethernet1/1/%d", 48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Params:          map[string]cli.ParamFunc{"acl": os10ACLName},
		Commands: []cli.Command{
			// Exec.
			{Modes: execs, Syntax: "exit", Kind: cli.Nav, Run: logout},
			{Modes: execs, Syntax: "terminal length <n:0-512>", Kind: cli.Terminal, Run: terminalLength("")},
			{Modes: execs, Syntax: "configure [terminal]", Kind: cli.Configure, Run: configure("")},
			{Modes: execs, Syntax: "copy running-configuration startup-configuration", Kind: cli.Save, Run: d.saveCmd},
			{Modes: execs, Syntax: "write memory", Kind: cli.Save, Run: d.saveCmd},
			{Modes: execs, Syntax: "show version", Kind: cli.Show, Run: os10Version},
			{Modes: execs, Syntax: "show running-configuration", Kind: cli.Show, Run: os10Running},
			{Modes: execs, Syntax: "show running-configuration interface <name:if>", Kind: cli.Show, Run: os10RunningIf},
			{Modes: execs, Syntax: "show vlan [<id:vlan>]", Kind: cli.Show, Run: os10VLANs},
			{Modes: execs, Syntax: "show interface switchport [<name:if>]", Kind: cli.Show, Run: os10Switchport},
			// NGS's BIND_SECURITY_GROUP sends these in configuration mode,
			// without "do".
			{Modes: []string{exec, conf}, Syntax: "show ip access-lists [in|out]", Kind: cli.Show, Run: os10ShowACLs},
			// Configuration.
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: d.iface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: func(c *cli.Call) error {
				if err := d.noIface(c); err != nil {
					return err
				}
				// A deleted port-channel takes its access-list bindings along.
				return c.Update(func(cfg *state.Config) error {
					if _, ok := cfg.Interface(c.Iface("name").Name); !ok {
						delete(cfg.IPACLGroups, c.Iface("name").Name)
					}
					return nil
				})
			}},
			// IPv4 access lists (NGS's security groups).
			{Modes: []string{conf}, Syntax: "ip access-list <name:acl>", Kind: cli.Config, Run: os10ACL},
			{Modes: []string{conf}, Syntax: "no ip access-list <name:acl>", Kind: cli.Config, Run: os10NoACL},
			{Modes: []string{aclm}, Syntax: "[seq <seq:1-65535>] permit|deny <rule:line>", Kind: cli.Config, Run: os10ACLRule},
			{Modes: []string{aclm}, Syntax: "no seq <seq:1-65535>", Kind: cli.Config, Run: os10ACLNoSeq},
			{Modes: []string{ifm}, Syntax: "ip access-group <name:acl> in|out", Kind: cli.Config, Run: os10AccessGroup(true)},
			{Modes: []string{ifm}, Syntax: "no ip access-group <name:acl> in|out", Kind: cli.Config, Run: os10AccessGroup(false)},
			// interface vlanN: the VLAN itself.
			{Modes: []string{vlm}, Syntax: "description <text:line>", Kind: cli.Config, Run: os10VLANDescription},
			{Modes: []string{vlm}, Syntax: "no description", Kind: cli.Config, Run: os10VLANDescription},
			// Ethernet and port-channel interfaces.
			{Modes: []string{ifm}, Syntax: "description <text:line>", Kind: cli.Config, Run: d.description},
			{Modes: []string{ifm}, Syntax: "no description", Kind: cli.Config, Run: d.noDescription},
			{Modes: []string{ifm}, Syntax: "shutdown", Kind: cli.Config, Run: d.shutdown},
			{Modes: []string{ifm}, Syntax: "no shutdown", Kind: cli.Config, Run: d.noShutdown},
			{Modes: []string{ifm}, Syntax: "switchport mode access|trunk", Kind: cli.Config, Run: d.mode},
			{Modes: []string{ifm}, Syntax: "no switchport mode", Kind: cli.Config, Run: d.noMode},
			{Modes: []string{ifm}, Syntax: "switchport access vlan <vlan>", Kind: cli.Config, Run: d.accessVLAN},
			{Modes: []string{ifm}, Syntax: "no switchport access vlan", Kind: cli.Config, Run: d.noAccessVLAN},
			{Modes: []string{ifm}, Syntax: "switchport trunk allowed vlan <list:vlans>", Kind: cli.Config, Run: d.allowed},
			{Modes: []string{ifm}, Syntax: "no switchport trunk allowed vlan <list:vlans>", Kind: cli.Config, Run: d.noAllowed},
			{Modes: []string{ifm}, Syntax: "channel-group <n:1-128> [mode active|passive|on]", Kind: cli.Config, Run: d.channelGroup},
			{Modes: []string{ifm}, Syntax: "no channel-group", Kind: cli.Config, Run: d.noChannelGroup},
		},
	}
}

// os10VLANDescription sets (or, for "no description", clears) the name of
// the VLAN whose interface is being configured.
func os10VLANDescription(c *cli.Call) error {
	_, target := c.Mode()
	id, _ := strconv.Atoi(target)
	text := c.Str("text")
	return c.Update(func(cfg *state.Config) error {
		cfg.SetVLAN(id, text)
		return nil
	})
}

func os10Version(c *cli.Call) error {
	c.Printf("Dell SmartFabric OS10 Enterprise (simulated)\nCopyright (c) 1999-2024 by Dell Inc. All Rights Reserved.\nOS Version: 10.6.0.2\nBuild Version: 10.6.0.2.74\nSystem Type: S5248F-ON\n")
	return nil
}

// os10IfLines renders one interface (one-space indentation).
func os10IfLines(cfg *state.Config, name string) []string {
	l, ok := cfg.Interface(name)
	if !ok {
		return nil
	}
	out := []string{"interface " + name}
	add := func(s string) { out = append(out, " "+s) }
	if l.Description != "" {
		add("description " + l.Description)
	}
	if l.Shutdown {
		add("shutdown")
	} else {
		add("no shutdown")
	}
	if n, m, ok := lagOfPort(cfg, name); ok {
		add(fmt.Sprintf("channel-group %d mode %s", n, m))
		add("no switchport")
	} else {
		if l.Mode == state.Trunk {
			add("switchport mode trunk")
		}
		add(fmt.Sprintf("switchport access vlan %d", l.AccessVLAN))
		if l.Mode == state.Trunk && !l.Allowed.IsEmpty() {
			add("switchport trunk allowed vlan " + l.Allowed.Ranges(","))
		}
	}
	if g := cfg.IPACLGroups[name]; g.In != "" {
		add("ip access-group " + g.In + " in")
	}
	if g := cfg.IPACLGroups[name]; g.Out != "" {
		add("ip access-group " + g.Out + " out")
	}
	return out
}

func os10Running(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		fmt.Fprintf(&b, "! Version 10.6.0.2\n!\nhostname %s\n!\n", c.Host())
		for _, name := range cfg.IPACLNames() {
			b.WriteString(strings.Join(os10ACLLines(cfg.IPACLs[name]), "\n") + "\n!\n")
		}
		for _, id := range cfg.VLANIDs() {
			fmt.Fprintf(&b, "interface vlan%d\n", id)
			if n := cfg.VLANs[id].Name; n != "" {
				fmt.Fprintf(&b, " description %s\n", n)
			}
			b.WriteString(" no shutdown\n!\n")
		}
		for _, n := range cfg.LAGNumbers() {
			b.WriteString(strings.Join(os10IfLines(cfg, cfg.LAGs[n].Name), "\n") + "\n!\n")
		}
		for _, n := range cfg.PortNames(c.Platform().Compare) {
			b.WriteString(strings.Join(os10IfLines(cfg, n), "\n") + "\n!\n")
		}
	})
	c.Printf("%s", b.String())
	return nil
}

func os10RunningIf(c *cli.Call) error {
	ifc := c.Iface("name")
	var err error
	c.View(func(cfg *state.Config) {
		if ifc.Type.Kind == cli.IfVLAN {
			v, ok := cfg.VLANs[ifc.Number]
			if !ok {
				err = cli.Fail("%% Error: Interface %s does not exist.", ifc.Name)
				return
			}
			c.Printf("!\ninterface %s\n", ifc.Name)
			if v.Name != "" {
				c.Printf(" description %s\n", v.Name)
			}
			c.Println(" no shutdown")
			return
		}
		lines := os10IfLines(cfg, ifc.Name)
		if lines == nil {
			err = cli.Fail("%% Error: Interface %s does not exist.", ifc.Name)
			return
		}
		c.Printf("!\n%s\n", strings.Join(lines, "\n"))
	})
	return err
}

// os10Switchport renders "show interface switchport [X]": each switched
// interface's untagged (U) and tagged (T) VLANs.
func os10Switchport(c *cli.Call) error {
	p := c.Platform()
	c.View(func(cfg *state.Config) {
		targets := interfaceNames(cfg, p)
		if c.Given("name") {
			targets = []string{c.Iface("name").Name}
		}
		first := true
		for _, name := range targets {
			l, ok := cfg.Interface(name)
			if _, _, member := lagOfPort(cfg, name); !ok || member {
				continue
			}
			if !first {
				c.Println("")
			}
			first = false
			tagged := "False"
			if l.Mode == state.Trunk {
				tagged = "True"
			}
			c.Printf("Name: %s\n802.1QTagged: %s\nVlan membership:\nQ       Vlans\nU       %d\n", name, tagged, l.AccessVLAN)
			if t := l.Tagged(); !t.IsEmpty() {
				c.Printf("T       %s\n", t.Ranges(","))
			}
		}
	})
	return nil
}

func os10VLANs(c *cli.Call) error {
	p := c.Platform()
	var b strings.Builder
	var err error
	c.View(func(cfg *state.Config) {
		ids := cfg.VLANIDs()
		if c.Given("id") {
			id := c.Int("id")
			if _, ok := cfg.VLANs[id]; !ok {
				err = cli.Fail("%% Error: VLAN %d does not exist.", id)
				return
			}
			ids = []int{id}
		}
		members := vlanMembers(cfg, p, true)
		b.WriteString("Codes: * - Default VLAN, M - Management VLAN, R - Remote Port Mirroring VLANs,\n")
		b.WriteString("       @ - Attached to Virtual Network, P - Primary, C - Community, I - Isolated\n")
		b.WriteString("Q: A - Access (Untagged), T - Tagged\n")
		fmt.Fprintf(&b, "    %-6s %-9s %-31s %s\n", "NUM", "Status", "Description", "Q Ports")
		for _, id := range ids {
			var untagged, tagged []string
			for _, m := range members[id] {
				if m.tagged {
					tagged = append(tagged, m.name)
				} else {
					untagged = append(untagged, m.name)
				}
			}
			mark := " "
			if id == 1 {
				mark = "*"
			}
			rows := [][2]string{}
			if len(tagged) > 0 {
				rows = append(rows, [2]string{"T", os10PortList(tagged)})
			}
			if len(untagged) > 0 {
				rows = append(rows, [2]string{"A", os10PortList(untagged)})
			}
			if len(rows) == 0 {
				rows = append(rows, [2]string{"", ""})
			}
			fmt.Fprintf(&b, "%s   %-6d %-9s %-31s %s %s\n", mark, id, "Active", cfg.VLANs[id].Name, rows[0][0], rows[0][1])
			for _, r := range rows[1:] {
				fmt.Fprintf(&b, "%s%s %s\n", strings.Repeat(" ", 53), r[0], r[1])
			}
		}
	})
	if err != nil {
		return err
	}
	c.Printf("%s", trimRight(b.String()))
	return nil
}

// os10PortList renders interface names as OS10's "show vlan" does: one
// type prefix, then numbers with consecutive ports folded into ranges, e.g.
// "Eth1/1/1-1/1/3,1/1/7" or "po10,12".
func os10PortList(names []string) string {
	type group struct {
		prefix string
		items  []string
	}
	var groups []group
	var runBase string
	runStart, runEnd := -1, -1
	flush := func() {
		if runStart < 0 {
			return
		}
		g := &groups[len(groups)-1]
		item := runBase + strconv.Itoa(runStart)
		if runEnd > runStart {
			item += "-" + runBase + strconv.Itoa(runEnd)
		}
		g.items = append(g.items, item)
		runStart = -1
	}
	for _, n := range names {
		prefix, num := "Eth", strings.TrimPrefix(n, "ethernet")
		if strings.HasPrefix(n, "port-channel") {
			prefix, num = "po", strings.TrimPrefix(n, "port-channel")
		}
		if len(groups) == 0 || groups[len(groups)-1].prefix != prefix {
			flush()
			groups = append(groups, group{prefix: prefix})
		}
		base, last := "", num
		if i := strings.LastIndexByte(num, '/'); i >= 0 {
			base, last = num[:i+1], num[i+1:]
		}
		k, err := strconv.Atoi(last)
		if err != nil {
			flush()
			groups[len(groups)-1].items = append(groups[len(groups)-1].items, num)
			continue
		}
		if runStart >= 0 && base == runBase && k == runEnd+1 {
			runEnd = k
			continue
		}
		flush()
		runBase, runStart, runEnd = base, k, k
	}
	flush()
	var out []string
	for _, g := range groups {
		out = append(out, g.prefix+strings.Join(g.items, ","))
	}
	return strings.Join(out, ",")
}

// os10ACLNameRE is what OS10 takes as an access-list name.
var os10ACLNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,139}$`)

// os10ACLName is the parameter type of an access-list name.
func os10ACLName(in cli.ParamInput) (any, int, cli.FailKind) {
	if !os10ACLNameRE.MatchString(in.Tokens[0]) {
		return nil, 1, cli.FailInvalid
	}
	return in.Tokens[0], 1, cli.FailNone
}

// os10ACL creates access list NAME, unless it exists, and enters it.
func os10ACL(c *cli.Call) error {
	name := c.Str("name")
	if err := c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.IPACLs[name]; !ok {
			if cfg.IPACLs == nil {
				cfg.IPACLs = map[string]state.IPACL{}
			}
			cfg.IPACLs[name] = state.IPACL{Name: name}
		}
		return nil
	}); err != nil {
		return err
	}
	c.Enter("config-ipv4-acl", name, name)
	return nil
}

// os10NoACL deletes access list NAME, which must exist and be bound to no
// interface.
func os10NoACL(c *cli.Call) error {
	name := c.Str("name")
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.IPACLs[name]; !ok {
			return cli.Fail("%% Error: Access-list %s does not exist.", name)
		}
		if ifs, dirs := cfg.IPACLBound(name); len(ifs) > 0 {
			return cli.Fail("%% Error: Access-list %s is applied on %s (%s): remove \"ip access-group %s %s\" there first.", name, ifs[0], dirs[0], name, dirs[0])
		}
		delete(cfg.IPACLs, name)
		return nil
	})
}

// os10ACLRule adds "[seq N] permit|deny RULE" to the access list being
// configured: N, or 10 past the last rule.
func os10ACLRule(c *cli.Call) error {
	_, name := c.Mode()
	action := "permit"
	if c.Has("deny") {
		action = "deny"
	}
	text, err := os10RuleText(strings.Fields(c.Str("rule")))
	if err != nil {
		return err
	}
	text = action + " " + text
	return c.Update(func(cfg *state.Config) error {
		acl, ok := cfg.IPACLs[name]
		if !ok {
			return cli.Fail("%% Error: Access-list %s does not exist.", name)
		}
		seq := 10
		if n := len(acl.Rules); n > 0 {
			seq = acl.Rules[n-1].Seq + 10
		}
		if c.Given("seq") {
			seq = c.Int("seq")
		}
		rules := slices.Clone(acl.Rules)
		for _, r := range rules {
			if r.Text == text {
				return cli.Fail("%% Error: Duplicate rule: seq %d is already \"%s\".", r.Seq, text)
			}
			if r.Seq == seq {
				return cli.Fail("%% Error: Sequence number %d is in use.", seq)
			}
		}
		if seq > 65535 {
			return cli.Fail("%% Error: Sequence number %d is out of range (1-65535).", seq)
		}
		rules = append(rules, state.IPACLRule{Seq: seq, Text: text})
		slices.SortFunc(rules, func(a, b state.IPACLRule) int { return a.Seq - b.Seq })
		acl.Rules = rules
		cfg.IPACLs[name] = acl
		return nil
	})
}

// os10ACLNoSeq removes rule N of the access list being configured.
func os10ACLNoSeq(c *cli.Call) error {
	_, name := c.Mode()
	seq := c.Int("seq")
	return c.Update(func(cfg *state.Config) error {
		acl := cfg.IPACLs[name]
		i := slices.IndexFunc(acl.Rules, func(r state.IPACLRule) bool { return r.Seq == seq })
		if i < 0 {
			return cli.Fail("%% Error: Sequence number %d does not exist.", seq)
		}
		acl.Rules = slices.Delete(slices.Clone(acl.Rules), i, i+1)
		cfg.IPACLs[name] = acl
		return nil
	})
}

// os10RuleText checks the words of a rule after permit or deny — PROTOCOL
// SOURCE DESTINATION [FILTER] — and returns them normalised. PROTOCOL is
// ip, tcp, udp, icmp or a number 0-255; an address is any, host A.B.C.D or
// A.B.C.D/N; the filter of tcp and udp is "eq PORT" or "range LOW HIGH",
// that of icmp "TYPE [CODE]".
func os10RuleText(w []string) (string, error) {
	bad := func(format string, args ...any) error {
		return cli.Fail("%% Error: Invalid rule: "+format, args...)
	}
	if len(w) < 3 {
		return "", cli.Fail("%% Error: Incomplete command.")
	}
	proto := w[0]
	switch proto {
	case "ip", "tcp", "udp", "icmp":
	default:
		if n, err := strconv.Atoi(proto); err != nil || n < 0 || n > 255 {
			return "", bad("protocol %q is not ip, tcp, udp, icmp or 0-255.", proto)
		}
	}
	out := []string{proto}
	rest := w[1:]
	for _, side := range []string{"source", "destination"} {
		if len(rest) == 0 {
			return "", cli.Fail("%% Error: Incomplete command.")
		}
		switch a := rest[0]; {
		case a == "any":
			out, rest = append(out, a), rest[1:]
		case a == "host" && len(rest) > 1 && net.ParseIP(rest[1]).To4() != nil:
			out, rest = append(out, a, rest[1]), rest[2:]
		default:
			ip, nw, err := net.ParseCIDR(a)
			if err != nil || ip.To4() == nil {
				return "", bad("%s %q is not any, host A.B.C.D or A.B.C.D/N.", side, a)
			}
			out, rest = append(out, nw.String()), rest[1:]
		}
	}
	num := func(s string, hi int) bool {
		n, err := strconv.Atoi(s)
		return err == nil && n >= 0 && n <= hi && s[0] != '+' && s[0] != '-'
	}
	switch {
	case len(rest) == 0:
	case (proto == "tcp" || proto == "udp") && len(rest) == 2 && rest[0] == "eq" && num(rest[1], 65535):
	case (proto == "tcp" || proto == "udp") && len(rest) == 3 && rest[0] == "range" && num(rest[1], 65535) && num(rest[2], 65535):
		lo, _ := strconv.Atoi(rest[1])
		hi, _ := strconv.Atoi(rest[2])
		if lo > hi {
			return "", bad("range %s %s is empty.", rest[1], rest[2])
		}
	case proto == "icmp" && len(rest) <= 2 && num(rest[0], 255) && (len(rest) == 1 || num(rest[1], 255)):
	default:
		return "", bad("%q does not filter %s.", strings.Join(rest, " "), proto)
	}
	return strings.Join(append(out, rest...), " "), nil
}

// os10AccessGroup binds (or unbinds) an access list to the interface being
// configured, in one direction. The list must exist; an unbind must name
// the list bound.
func os10AccessGroup(bind bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		_, ifc := c.Mode()
		name := c.Str("name")
		dir := "in"
		if c.Has("out") {
			dir = "out"
		}
		return c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.Interface(ifc); !ok {
				return cli.Fail("%% Error: Interface %s does not exist.", ifc)
			}
			g := cfg.IPACLGroups[ifc]
			cur := &g.In
			if dir == "out" {
				cur = &g.Out
			}
			switch {
			case bind:
				if _, ok := cfg.IPACLs[name]; !ok {
					return cli.Fail("%% Error: Access-list %s does not exist.", name)
				}
				*cur = name
			case *cur != name:
				return cli.Fail("%% Error: Access-list %s is not applied %s on %s.", name, dir, ifc)
			default:
				*cur = ""
			}
			if cfg.IPACLGroups == nil {
				cfg.IPACLGroups = map[string]state.IPACLGroups{}
			}
			if g == (state.IPACLGroups{}) {
				delete(cfg.IPACLGroups, ifc)
			} else {
				cfg.IPACLGroups[ifc] = g
			}
			return nil
		})
	}
}

// os10ACLLines renders access list name as the running configuration does.
func os10ACLLines(acl state.IPACL) []string {
	out := []string{"ip access-list " + acl.Name}
	for _, r := range acl.Rules {
		out = append(out, fmt.Sprintf(" seq %d %s", r.Seq, r.Text))
	}
	return out
}

// os10ShowACLs renders "show ip access-lists [in|out]": the lists bound
// in that direction, with the interfaces they are active on, or every list.
func os10ShowACLs(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		for _, name := range cfg.IPACLNames() {
			ifs, dirs := cfg.IPACLBound(name)
			active := func(dir string) []string {
				var on []string
				for i, ifc := range ifs {
					if dirs[i] == dir {
						on = append(on, ifc)
					}
				}
				return on
			}
			switch {
			case c.Has("in") || c.Has("out"):
				dir, label := "in", "Ingress"
				if c.Has("out") {
					dir, label = "out", "Egress"
				}
				on := active(dir)
				if len(on) == 0 {
					continue
				}
				fmt.Fprintf(&b, "%s IP access list %s\n Active on interfaces :\n", label, name)
				for _, ifc := range on {
					fmt.Fprintf(&b, "  %s\n", ifc)
				}
			default:
				fmt.Fprintf(&b, "IP access list %s\n", name)
				for i, ifc := range ifs {
					fmt.Fprintf(&b, " Active on %s (%s)\n", ifc, dirs[i])
				}
			}
			for _, r := range cfg.IPACLs[name].Rules {
				fmt.Fprintf(&b, " seq %d %s\n", r.Seq, r.Text)
			}
		}
	})
	c.Printf("%s", b.String())
	return nil
}
