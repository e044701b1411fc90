package platform

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Arista EOS.
//
// Oracle: NGS netmiko_arista_eos (Appendix A). ADD_NETWORK "vlan N / name X";
// DELETE_NETWORK "no vlan N"; PLUG_PORT_TO_NETWORK "interface P /
// switchport mode access / switchport access vlan N"; DELETE_PORT "interface
// P / no switchport access vlan N / no switchport mode trunk / switchport
// trunk allowed vlan none"; ADD/REMOVE_NETWORK_TO/FROM_TRUNK "switchport
// trunk allowed vlan add|remove N" (no "switchport mode trunk": the mode is
// left as it was); SET_NATIVE_VLAN "switchport mode trunk / switchport trunk
// native vlan N / switchport trunk allowed vlan add N"; DELETE_NATIVE_VLAN
// "no switchport trunk native vlan N / switchport trunk allowed vlan remove
// N"; the *_BOND variants on "interface Port-ChannelN"; ENABLE/DISABLE_PORT
// "no shutdown"/"shutdown"; PLUG_SWITCH_TO_NETWORK "interface Vxlan1 /
// vxlan vlan N vni V" and its "no" form. Templates never send "exit": a
// line that does not parse in a sub-mode is tried in global configuration
// (the engine's parent fall-back), as on the device.
//
// Quirks modelled: netmiko runs "enable" (a secret is asked only when one
// is configured) and "terminal length 0", which prints "Pagination
// disabled."; show and copy commands work inside configuration modes; the
// trunk allowed list defaults to ALL, so "allowed vlan add" on a fresh port
// changes nothing visible; VLANs default to the name VLAN0010; "no
// interface EthernetN" returns a port to defaults; ports and port-channels
// are rendered with three-space indentation, port-channels first.
//
// Error texts: "% Invalid input (at token N: 'x')" (0-based token) and
// "% Incomplete command", "% Ambiguous command" are documented EOS output
// (NGS matches "% Invalid input", "% Incomplete command" and "% VLAN \d+ is
// already mapped to VNI \d+"). The lock, save-failure and default-VLAN texts
// are approximations.
func eosSpec() cli.Spec {
	const user, exec, conf, ifm, vlm, vxm = "user", "exec", "config", "config-if", "config-vlan", "config-if-vx"
	d := &dialect{
		ifMode: ifm, vlanMode: vlm, otherModes: map[string]string{"Vxlan": vxm},
		vlanName: vlanName4,
		label:    func(ifc cli.Iface) string { return ifc.Type.Short + ifc.Num },
		nameMax:  32, nameLong: "%% Name must be at most %d characters",
		lagName:       func(n int) string { return fmt.Sprintf("Port-Channel%d", n) },
		enable:        enabler{priv: exec, prompt: "Password: ", tries: 1, fail: "% Access denied"},
		save:          saved("Copy completed successfully.\n"),
		noDefaultVLAN: "% Default VLAN 1 may not be deleted",
		notPort:       "% Invalid input (at token 0: 'channel-group')",
		vniTaken:      "%% VLAN %d is already mapped to VNI %d",
		gone:          "%% Interface %s does not exist",
	}
	execs := []string{user, exec}
	anyConf := []string{conf, ifm, vlm, vxm}
	return cli.Spec{
		Name:        AristaEOS,
		SSHVersion:  "SSH-2.0-OpenSSH_8.7",
		Banner:      "Arista EOS (simulated by Mercury) on {host}\n",
		MaxSessions: 32,
		Modes: []cli.ModeDef{
			{Name: user, Prompt: "{host}>"},
			{Name: exec, Prompt: "{host}#"},
			{Name: conf, Prompt: "{host}(config)#", Config: true},
			{Name: ifm, Prompt: "{host}(config-if-{label})#", Parent: conf, Config: true},
			{Name: vxm, Prompt: "{host}(config-if-{label})#", Parent: conf, Config: true},
			{Name: vlm, Prompt: "{host}(config-vlan-{label})#", Parent: conf, Config: true},
		},
		UserMode: user, PrivMode: exec, EnablePrompt: "Password: ",
		Errors: cli.Errors{
			Invalid:    "% Invalid input (at token {index}: '{token}')",
			Incomplete: "% Incomplete command",
			Ambiguous:  "% Ambiguous command",
			Locked:     "% Configuration is locked by another session",
			SaveFailed: "% Error copying system:/running-config to flash:/startup-config (Input/output error)",
		},
		Pager:        cli.Pager{Prompt: " --More-- "},
		ExecInConfig: true,
		Filters:      ciscoFilters(),
		IfTypes: []cli.IfType{
			{Name: "Ethernet", Short: "Et", Kind: cli.IfPort, Number: `\d+(/\d+){0,2}`},
			{Name: "Port-Channel", Short: "Po", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 2000},
			{Name: "Vxlan", Short: "Vx", Kind: cli.IfOther, Number: `\d+`, Min: 1, Max: 1},
		},
		DefaultPorts:    numbered("Ethernet%d", 48),
		DefaultVLANName: "default",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1, Allowed: state.AllVLANs()},
		Commands: []cli.Command{
			// Exec.
			{Modes: execs, Syntax: "enable", Kind: cli.Nav, Run: d.enableCmd},
			{Modes: []string{exec}, Syntax: "disable", Kind: cli.Nav, Run: disable(user)},
			{Modes: execs, Syntax: "exit|logout|quit", Kind: cli.Nav, Run: logout},
			{Modes: execs, Syntax: "terminal length <n:0-32767>", Kind: cli.Terminal, Run: terminalLength("Pagination disabled.")},
			{Modes: execs, Syntax: "terminal width <n:10-32767>", Kind: cli.Terminal, Run: accept},
			{Modes: []string{exec}, Syntax: "configure [terminal]", Kind: cli.Configure, Run: configure("")},
			{Modes: []string{exec}, Syntax: "copy running-config startup-config", Kind: cli.Save, Run: d.saveCmd},
			{Modes: []string{exec}, Syntax: "write [memory]", Kind: cli.Save, Run: d.saveCmd},
			{Modes: execs, Syntax: "show version", Kind: cli.Show, Run: eosVersion},
			{Modes: []string{exec}, Syntax: "show running-config", Kind: cli.Show, Run: eosRunning},
			{Modes: []string{exec}, Syntax: "show running-config interfaces <name:if>", Kind: cli.Show, Run: eosRunningIf},
			{Modes: execs, Syntax: "show interfaces [<name:if>] switchport", Kind: cli.Show, Run: eosSwitchport},
			{Modes: execs, Syntax: "show interfaces <name:if>", Kind: cli.Show, Run: eosInterface},
			{Modes: execs, Syntax: "show vlan [id <id:vlans>] [configured-ports|brief]", Kind: cli.Show, Run: eosVLANs},
			// Global configuration.
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "vlan <id:vlans>", Kind: cli.Config, Run: d.vlan},
			{Modes: []string{conf}, Syntax: "no vlan <id:vlans>", Kind: cli.Config, Run: d.noVLAN},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: d.iface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: d.noIface},
			// VLAN.
			{Modes: []string{vlm}, Syntax: "name <name:word>", Kind: cli.Config, Run: d.vlanNameCmd},
			{Modes: []string{vlm}, Syntax: "no name", Kind: cli.Config, Run: d.noVLANName},
			// Ethernet and Port-Channel interfaces.
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
			{Modes: []string{ifm}, Syntax: "channel-group <n:1-2000> mode active|passive|on", Kind: cli.Config, Run: d.channelGroup},
			{Modes: []string{ifm}, Syntax: "no channel-group [<n:1-2000>]", Kind: cli.Config, Run: d.noChannelGroup},
			{Modes: []string{ifm}, Syntax: "mlag <id:1-2000>", Kind: cli.Config, Run: d.lagPeer},
			{Modes: []string{ifm}, Syntax: "no mlag [<id:1-2000>]", Kind: cli.Config, Run: d.lagPeer},
			// Vxlan1.
			{Modes: []string{vxm}, Syntax: "vxlan vlan <vlan> vni <vni:1-16777214>", Kind: cli.Config, Run: d.vxlanVLAN},
			{Modes: []string{vxm}, Syntax: "no vxlan vlan <vlan> vni [<vni:1-16777214>]", Kind: cli.Config, Run: d.noVxlanVLAN},
		},
	}
}

func eosVersion(c *cli.Call) error {
	c.Printf("Arista vEOS-lab (simulated)\nHardware version:\nSerial number: SIM-%s\nSystem MAC address: 0000.0000.0000\n\nSoftware image version: 4.30.0F\nArchitecture: x86_64\n", c.Host())
	return nil
}

// eosIfLines renders one interface's running configuration.
func eosIfLines(cfg *state.Config, name string) []string {
	l, ok := cfg.Interface(name)
	if !ok {
		return nil
	}
	out := []string{"interface " + name}
	add := func(s string) { out = append(out, "   "+s) }
	if l.Description != "" {
		add("description " + l.Description)
	}
	if l.Shutdown {
		add("shutdown")
	}
	if n, m, ok := lagOfPort(cfg, name); ok {
		add(fmt.Sprintf("channel-group %d mode %s", n, m))
	}
	if lag, ok := cfg.LAGByName(name); ok && lag.Peer != 0 {
		add(fmt.Sprintf("mlag %d", lag.Peer))
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
	if l.Mode == state.Trunk {
		add("switchport mode trunk")
	}
	return out
}

func eosRunning(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		fmt.Fprintf(&b, "! Command: show running-config\n! device: %s (vEOS-lab, EOS-4.30.0F)\n!\nhostname %s\n!\n", c.Host(), c.Host())
		for _, id := range cfg.VLANIDs() {
			if id == 1 {
				continue
			}
			fmt.Fprintf(&b, "vlan %d\n", id)
			if n := cfg.VLANs[id].Name; n != vlanName4(id) {
				fmt.Fprintf(&b, "   name %s\n", n)
			}
			b.WriteString("!\n")
		}
		var ifs []string
		for _, n := range cfg.LAGNumbers() {
			ifs = append(ifs, cfg.LAGs[n].Name)
		}
		ifs = append(ifs, cfg.PortNames(c.Platform().Compare)...)
		for _, n := range ifs {
			b.WriteString(strings.Join(eosIfLines(cfg, n), "\n") + "\n!\n")
		}
		if len(cfg.VNIs) > 0 {
			b.WriteString("interface Vxlan1\n")
			for _, v := range sortedVNIs(cfg) {
				fmt.Fprintf(&b, "   vxlan vlan %d vni %d\n", v, cfg.VNIs[v])
			}
			b.WriteString("!\n")
		}
		b.WriteString("end\n")
	})
	c.Printf("%s", b.String())
	return nil
}

func eosRunningIf(c *cli.Call) error {
	ifc := c.Iface("name")
	c.View(func(cfg *state.Config) {
		if ifc.Type.Kind == cli.IfOther {
			c.Println("interface " + ifc.Name)
			for _, v := range sortedVNIs(cfg) {
				c.Printf("   vxlan vlan %d vni %d\n", v, cfg.VNIs[v])
			}
			return
		}
		for _, l := range eosIfLines(cfg, ifc.Name) {
			c.Println(l)
		}
	})
	return nil
}

func eosSwitchport(c *cli.Call) error {
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
			mode := "static access"
			if l.Mode == state.Trunk {
				mode = "trunk"
			}
			allowed := "ALL"
			switch {
			case l.Allowed.IsEmpty():
				allowed = "NONE"
			case !l.Allowed.IsAll():
				allowed = l.Allowed.String()
			}
			c.Printf("Name: %s\nSwitchport: Enabled\nAdministrative Mode: %s\nOperational Mode: %s\n", p.ShortName(name), mode, mode)
			c.Printf("MAC Address Learning: enabled\nDot1q ethertype/TPID: 0x8100 (active)\nDot1q Vlan Tag Required (Administrative/Operational): No/No\n")
			c.Printf("Access Mode VLAN: %s\nTrunking Native Mode VLAN: %s\nAdministrative Native VLAN tagging: disabled\n", vlanLabel(cfg, l.AccessVLAN), vlanLabel(cfg, l.NativeVLAN))
			c.Printf("Trunking VLANs Enabled: %s\nStatic Trunk Groups:\nDynamic Trunk Groups:\nSource interface filtering: enabled\n", allowed)
		}
	})
	return nil
}

func eosInterface(c *cli.Call) error {
	ifc := c.Iface("name")
	c.View(func(cfg *state.Config) {
		if ifc.Type.Kind == cli.IfOther {
			c.Printf("%s is up, line protocol is up (connected)\n  Hardware is Vxlan\n  Static VLAN to VNI mapping is\n", ifc.Name)
			for _, v := range sortedVNIs(cfg) {
				c.Printf("    [%d, %d]\n", v, cfg.VNIs[v])
			}
			return
		}
		l, ok := cfg.Interface(ifc.Name)
		if !ok {
			c.Printf("%% Interface %s does not exist\n", ifc.Name)
			return
		}
		status := "up, line protocol is up (connected)"
		if l.Shutdown {
			status = "administratively down, line protocol is down (disabled)"
		}
		c.Printf("%s is %s\n", ifc.Name, status)
		if l.Description != "" {
			c.Printf("  Description: %s\n", l.Description)
		}
	})
	return nil
}

func eosVLANs(c *cli.Call) error {
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
				err = cli.Fail("%% VLAN %s not found in current VLAN database", c.VLANs("id").Ranges(","))
				return
			}
		}
		members := vlanMembers(cfg, p, true)
		ports := map[int][]string{}
		for id, ms := range members {
			ports[id] = names(ms, p.ShortName)
		}
		vlanTable(&b, cfg, ids, 5, ports)
	})
	if err != nil {
		return err
	}
	c.Printf("%s", trimRight(b.String()))
	return nil
}

// saved returns a save dialogue that saves and prints ok.
func saved(ok string) func(c *cli.Call) (string, error) {
	return func(c *cli.Call) (string, error) { return ok, c.Save() }
}

// numbered returns format applied to 1..n.
func numbered(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, i+1)
	}
	return out
}

// ciscoFilters are the output filters of the IOS-like CLIs.
func ciscoFilters() map[string]string {
	return map[string]string{"include": "include", "exclude": "exclude", "begin": "begin", "no-more": "no-more"}
}
