package platform

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Cisco IOS / IOS-XE (Catalyst).
//
// Oracle: NGS netmiko_cisco_ios (Appendix A). ADD_NETWORK "vlan N / name X";
// DELETE_NETWORK "no vlan N"; PLUG_PORT_TO_NETWORK "interface P /
// switchport mode access / switchport access vlan N"; DELETE_PORT
// "interface P / no switchport access vlan N / no switchport mode trunk /
// switchport trunk allowed vlan none"; ADD_NETWORK_TO_TRUNK "switchport mode
// trunk / switchport trunk allowed vlan add N"; REMOVE_NETWORK_FROM_TRUNK
// "switchport trunk allowed vlan remove N"; SET_NATIVE_VLAN "switchport mode
// trunk / switchport trunk native vlan N / switchport trunk allowed vlan add
// N"; DELETE_NATIVE_VLAN "no switchport mode trunk / no switchport trunk
// native vlan N / switchport trunk allowed vlan remove N". Save is netmiko's
// "write mem"; "copy running-config startup-config" asks for the
// destination file name first, as IOS does.
//
// Quirks modelled: a user without privilege 15 lands in user exec ("Switch>")
// and "enable" asks for the secret, re-asking up to three times before
// "% Bad secrets"; configuration commands need "do" to run show commands; a
// missing access VLAN is created with "% Access VLAN does not exist.
// Creating vlan N" (documented IOS behaviour); "channel-group N" creates
// Port-channelN; only one session channel per SSH connection (a second is
// refused, as on IOS); 16 vty lines. Mode is modelled access by default
// (Catalyst's "dynamic auto" is not), and trunk encapsulation is dot1q only
// (a 3560-class "trunk encapsulation" step is not modelled).
//
// Error texts: "% Invalid input detected at '^' marker." with the caret
// line, "% Incomplete command.", and "% Ambiguous command:  \"...\"" are
// documented IOS output. Lock, save-failure and default-VLAN texts follow
// IOS wording but are approximations.
func iosSpec() cli.Spec {
	const user, exec, conf, ifm, vlm = "user", "exec", "config", "config-if", "config-vlan"
	d := &dialect{
		ifMode: ifm, vlanMode: vlm,
		vlanName:      vlanName4,
		label:         func(ifc cli.Iface) string { return "" },
		nameMax:       32,
		nameLong:      "%% VLAN name may be at most %d characters",
		lagName:       func(n int) string { return fmt.Sprintf("Port-channel%d", n) },
		lagNew:        "Creating a port-channel interface Port-channel %d",
		enable:        enabler{priv: exec, prompt: "Password: ", tries: 3, fail: "% Bad secrets"},
		save:          saved("Building configuration...\n[OK]\n"),
		accessCreates: "%% Access VLAN does not exist. Creating vlan %d",
		noDefaultVLAN: "%Default VLAN 1 may not be deleted.",
		notPort:       "% Invalid input detected at '^' marker.",
		gone:          "%% Interface %s does not exist",
	}
	execs := []string{user, exec}
	anyConf := []string{conf, ifm, vlm}
	copySave := func(c *cli.Call) error {
		if _, err := c.ReadLine("Destination filename [startup-config]? "); err != nil {
			return err
		}
		return d.saveCmd(c)
	}
	return cli.Spec{
		Name:        CiscoIOS,
		SSHVersion:  "SSH-2.0-Cisco-1.25",
		Banner:      "\nCisco IOS (simulated by Mercury) on {host}\n\n",
		MaxChannels: 1,
		MaxSessions: 16,
		Modes: []cli.ModeDef{
			{Name: user, Prompt: "{host}>"},
			{Name: exec, Prompt: "{host}#"},
			{Name: conf, Prompt: "{host}(config)#", Config: true},
			{Name: ifm, Prompt: "{host}(config-if)#", Parent: conf, Config: true},
			{Name: vlm, Prompt: "{host}(config-vlan)#", Parent: conf, Config: true},
		},
		UserMode: user, PrivMode: exec, EnablePrompt: "Password: ",
		Errors: cli.Errors{
			Invalid:    "% Invalid input detected at '^' marker.",
			Incomplete: "% Incomplete command.",
			Ambiguous:  `% Ambiguous command:  "{line}"`,
			Caret:      true,
			Locked:     "Configuration mode locked exclusively by user 'netops' process '412' from terminal '3'. Please try later.",
			SaveFailed: "%Error opening nvram:/startup-config (Device or resource busy)",
		},
		Pager:   cli.Pager{Prompt: " --More-- "},
		Filters: ciscoFilters(),
		IfTypes: []cli.IfType{
			{Name: "GigabitEthernet", Short: "Gi", Kind: cli.IfPort, Number: `\d+/\d+(/\d+)?`},
			{Name: "TenGigabitEthernet", Short: "Te", Kind: cli.IfPort, Number: `\d+/\d+(/\d+)?`},
			{Name: "FastEthernet", Short: "Fa", Kind: cli.IfPort, Number: `\d+/\d+(/\d+)?`},
			{Name: "Port-channel", Short: "Po", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 128},
		},
		DefaultPorts:    numbered("GigabitEthernet1/0/%d", 48),
		DefaultVLANName: "default",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1, Allowed: state.AllVLANs()},
		Commands: []cli.Command{
			// Exec.
			{Modes: execs, Syntax: "enable", Kind: cli.Nav, Run: d.enableCmd},
			{Modes: []string{exec}, Syntax: "disable", Kind: cli.Nav, Run: disable(user)},
			{Modes: execs, Syntax: "exit|logout|quit", Kind: cli.Nav, Run: logout},
			{Modes: execs, Syntax: "terminal length <n:0-512>", Kind: cli.Terminal, Run: terminalLength("")},
			{Modes: execs, Syntax: "terminal width <n:0-512>", Kind: cli.Terminal, Run: accept},
			{Modes: []string{exec}, Syntax: "configure [terminal]", Kind: cli.Configure, Run: iosConfigure},
			{Modes: []string{exec}, Syntax: "copy running-config startup-config", Kind: cli.Save, Run: copySave},
			{Modes: []string{exec}, Syntax: "write [memory]", Kind: cli.Save, Run: d.saveCmd},
			{Modes: execs, Syntax: "show version", Kind: cli.Show, Run: iosVersion},
			{Modes: []string{exec}, Syntax: "show running-config", Kind: cli.Show, Run: iosRunning},
			{Modes: []string{exec}, Syntax: "show running-config interface <name:if>", Kind: cli.Show, Run: iosRunningIf},
			{Modes: execs, Syntax: "show interfaces [<name:if>] switchport", Kind: cli.Show, Run: ciscoSwitchport(false)},
			{Modes: execs, Syntax: "show vlan [brief]", Kind: cli.Show, Run: ciscoVLANs(false, 4)},
			{Modes: execs, Syntax: "show vlan id <id:vlans>", Kind: cli.Show, Run: ciscoVLANs(false, 4)},
			// Configuration.
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "vlan <id:vlans>", Kind: cli.Config, Run: d.vlan},
			{Modes: []string{conf}, Syntax: "no vlan <id:vlans>", Kind: cli.Config, Run: d.noVLAN},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: d.iface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: d.noIface},
			{Modes: []string{vlm}, Syntax: "name <name:word>", Kind: cli.Config, Run: d.vlanNameCmd},
			{Modes: []string{vlm}, Syntax: "no name", Kind: cli.Config, Run: d.noVLANName},
			{Modes: []string{ifm}, Syntax: "description <text:line>", Kind: cli.Config, Run: d.description},
			{Modes: []string{ifm}, Syntax: "no description", Kind: cli.Config, Run: d.noDescription},
			{Modes: []string{ifm}, Syntax: "shutdown", Kind: cli.Config, Run: d.shutdown},
			{Modes: []string{ifm}, Syntax: "no shutdown", Kind: cli.Config, Run: d.noShutdown},
			{Modes: []string{ifm}, Syntax: "switchport mode access|trunk", Kind: cli.Config, Run: d.mode},
			{Modes: []string{ifm}, Syntax: "no switchport mode [access|trunk]", Kind: cli.Config, Run: d.noMode},
			{Modes: []string{ifm}, Syntax: "switchport access vlan <vlan>", Kind: cli.Config, Run: d.accessVLAN},
			{Modes: []string{ifm}, Syntax: "no switchport access vlan [<vlan>]", Kind: cli.Config, Run: d.noAccessVLAN},
			{Modes: []string{ifm}, Syntax: "switchport trunk native vlan <vlan>", Kind: cli.Config, Run: d.nativeVLAN},
			{Modes: []string{ifm}, Syntax: "no switchport trunk native vlan [<vlan>]", Kind: cli.Config, Run: d.noNativeVLAN},
			{Modes: []string{ifm}, Syntax: "switchport trunk allowed vlan [add|remove|except] <list:vlans>", Kind: cli.Config, Run: d.allowed},
			{Modes: []string{ifm}, Syntax: "switchport trunk allowed vlan all|none", Kind: cli.Config, Run: d.allowed},
			{Modes: []string{ifm}, Syntax: "no switchport trunk allowed vlan", Kind: cli.Config, Run: d.noAllowed},
			{Modes: []string{ifm}, Syntax: "channel-group <n:1-128> mode active|passive|on", Kind: cli.Config, Run: d.channelGroup},
			{Modes: []string{ifm}, Syntax: "no channel-group", Kind: cli.Config, Run: d.noChannelGroup},
		},
	}
}

// iosConfigure enters configuration mode; a bare "configure" first asks
// where from, as IOS does, and accepts only the terminal.
func iosConfigure(c *cli.Call) error {
	if !c.Has("terminal") {
		ans, err := c.ReadLine("Configuring from terminal, memory, or network [terminal]? ")
		if err != nil {
			return err
		}
		if ans = strings.ToLower(strings.TrimSpace(ans)); ans != "" && !strings.HasPrefix("terminal", ans) {
			return cli.Fail("?Must be \"terminal\", \"memory\" or \"network\"")
		}
	}
	return configure("Enter configuration commands, one per line.  End with CNTL/Z.")(c)
}

func iosVersion(c *cli.Call) error {
	c.Printf("Cisco IOS XE Software, Version 17.09.04a (simulated)\nCisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE)\n\n%s uptime is 1 day, 0 minutes\n", c.Host())
	return nil
}

// iosIfLines renders one interface (one-space indentation).
func iosIfLines(cfg *state.Config, name string) []string {
	l, ok := cfg.Interface(name)
	if !ok {
		return nil
	}
	out := []string{"interface " + name}
	add := func(s string) { out = append(out, " "+s) }
	if l.Description != "" {
		add("description " + l.Description)
	}
	if l.AccessVLAN != 1 {
		add(fmt.Sprintf("switchport access vlan %d", l.AccessVLAN))
	}
	if l.NativeVLAN != 1 {
		add(fmt.Sprintf("switchport trunk native vlan %d", l.NativeVLAN))
	}
	if !l.Allowed.IsAll() {
		add("switchport trunk allowed vlan " + l.Allowed.String())
	}
	add("switchport mode " + string(l.Mode))
	if l.Shutdown {
		add("shutdown")
	}
	if n, m, ok := lagOfPort(cfg, name); ok {
		add(fmt.Sprintf("channel-group %d mode %s", n, m))
	}
	return out
}

// iosRunningBody renders the running configuration after its header.
func iosRunningBody(c *cli.Call, cfg *state.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "!\nversion 17.9\n!\nhostname %s\n!\n", c.Host())
	for _, id := range cfg.VLANIDs() {
		if id == 1 {
			continue
		}
		fmt.Fprintf(&b, "vlan %d\n", id)
		if n := cfg.VLANs[id].Name; n != vlanName4(id) {
			fmt.Fprintf(&b, " name %s\n", n)
		}
		b.WriteString("!\n")
	}
	for _, n := range interfaceNames(cfg, c.Platform()) {
		b.WriteString(strings.Join(iosIfLines(cfg, n), "\n") + "\n!\n")
	}
	b.WriteString("end\n")
	return b.String()
}

func iosRunning(c *cli.Call) error {
	c.View(func(cfg *state.Config) {
		body := iosRunningBody(c, cfg)
		c.Printf("Building configuration...\n\nCurrent configuration : %d bytes\n%s\n", len(body), body)
	})
	return nil
}

func iosRunningIf(c *cli.Call) error {
	name := c.Iface("name").Name
	var err error
	c.View(func(cfg *state.Config) {
		lines := iosIfLines(cfg, name)
		if lines == nil {
			err = c.ArgError("name", cli.FailInvalid)
			return
		}
		body := "!\n" + strings.Join(lines, "\n") + "\nend\n"
		c.Printf("Building configuration...\n\nCurrent configuration : %d bytes\n%s\n", len(body), body)
	})
	return err
}

// ciscoSwitchport renders "show interface(s) [X] switchport" as IOS does,
// or as NX-OS does with nxos set.
func ciscoSwitchport(nxos bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		p := c.Platform()
		c.View(func(cfg *state.Config) {
			targets := interfaceNames(cfg, p)
			if c.Given("name") {
				targets = []string{c.Iface("name").Name}
			}
			for i, name := range targets {
				l, ok := cfg.Interface(name)
				if !ok {
					continue
				}
				if i > 0 {
					c.Println("")
				}
				allowed := "ALL"
				switch {
				case l.Allowed.IsEmpty():
					allowed = "NONE"
				case l.Allowed.IsAll() && nxos:
					allowed = "1-4094"
				case !l.Allowed.IsAll():
					allowed = l.Allowed.String()
				}
				if nxos {
					c.Printf("Name: %s\n  Switchport: Enabled\n  Switchport Monitor: Not enabled\n  Operational Mode: %s\n", name, l.Mode)
					c.Printf("  Access Mode VLAN: %s\n  Trunking Native Mode VLAN: %s\n  Trunking VLANs Allowed: %s\n", vlanLabel(cfg, l.AccessVLAN), vlanLabel(cfg, l.NativeVLAN), allowed)
					continue
				}
				mode := "static access"
				if l.Mode == state.Trunk {
					mode = "trunk"
				}
				c.Printf("Name: %s\nSwitchport: Enabled\nAdministrative Mode: %s\nOperational Mode: %s\n", p.ShortName(name), mode, mode)
				c.Printf("Administrative Trunking Encapsulation: dot1q\nNegotiation of Trunking: Off\n")
				c.Printf("Access Mode VLAN: %s\nTrunking Native Mode VLAN: %s\nAdministrative Native VLAN tagging: enabled\nVoice VLAN: none\n", vlanLabel(cfg, l.AccessVLAN), vlanLabel(cfg, l.NativeVLAN))
				c.Printf("Trunking VLANs Enabled: %s\nPruning VLANs Enabled: 2-1001\n", allowed)
			}
		})
		return nil
	}
}

// ciscoVLANs renders "show vlan [brief|id L]": IOS lists access ports only,
// NX-OS (trunks set) trunk ports too.
func ciscoVLANs(trunks bool, idW int) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		p := c.Platform()
		var b strings.Builder
		var err error
		c.View(func(cfg *state.Config) {
			ids := cfg.VLANIDs()
			if c.Given("id") {
				ids = nil
				for _, id := range c.VLANs("id").IDs() {
					if _, ok := cfg.VLANs[id]; ok {
						ids = append(ids, id)
					}
				}
				if len(ids) == 0 {
					err = cli.Fail("VLAN id %s not found in current VLAN database", c.VLANs("id").Ranges(","))
					return
				}
			}
			members := vlanMembers(cfg, p, trunks)
			ports := map[int][]string{}
			for id, ms := range members {
				ports[id] = names(ms, p.ShortName)
			}
			b.WriteString("\n")
			vlanTable(&b, cfg, ids, idW, ports)
		})
		if err != nil {
			return err
		}
		c.Printf("%s", trimRight(b.String()))
		return nil
	}
}
