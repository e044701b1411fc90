package platform

import (
	"fmt"
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
	const exec, conf, ifm, vlm = "exec", "config", "config-if", "config-if-vlan"
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
	anyConf := []string{conf, ifm, vlm}
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
			// Configuration.
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: d.iface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: d.noIface},
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
		return out
	}
	if l.Mode == state.Trunk {
		add("switchport mode trunk")
	}
	add(fmt.Sprintf("switchport access vlan %d", l.AccessVLAN))
	if l.Mode == state.Trunk && !l.Allowed.IsEmpty() {
		add("switchport trunk allowed vlan " + l.Allowed.Ranges(","))
	}
	return out
}

func os10Running(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		fmt.Fprintf(&b, "! Version 10.6.0.2\n!\nhostname %s\n!\n", c.Host())
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
