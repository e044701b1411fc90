package platform

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Cisco NX-OS (Nexus).
//
// Oracle: NGS netmiko_cisco_nxos (Appendix A); every block ends with
// "exit". ADD_NETWORK "vlan N / name X / exit"; DELETE_NETWORK "no vlan N";
// PLUG_PORT_TO_NETWORK "interface P / switchport mode access / switchport
// access vlan N / exit"; DELETE_PORT "interface P / no switchport access
// vlan / exit" (no VLAN id); ADD_NETWORK_TO_TRUNK "switchport mode trunk /
// switchport trunk allowed vlan add N"; REMOVE_NETWORK_FROM_TRUNK
// "switchport trunk allowed vlan remove N"; ENABLE/DISABLE_PORT
// "no shutdown"/"shutdown"; PLUG_VLAN_VNI_SEGMENT "vlan N / vn-segment V /
// exit" and "no vn-segment"; SHOW_VLAN_PORTS "show vlan id N"; save
// "copy running-config startup-config".
//
// Quirks modelled: login lands in "switch#" (no user exec; "enable" is
// accepted and does nothing); prompts end with "# "; show and copy run from
// configuration modes; the copy prints the progress bar and "Copy
// complete."; a missing access VLAN is not created (the port waits for it);
// "show vlan" lists trunk ports; the allowed list defaults to 1-4094; the
// running configuration lists "no shutdown" for enabled ports (the Nexus
// default is shut) and the VLAN list as "vlan 1,10,20"; deleting a VLAN
// drops its vn-segment. EVPN, NVE and "feature" commands are not modelled.
//
// Error texts: "% Invalid command at '^' marker.", "% Incomplete command at
// '^' marker." and "% Ambiguous command at '^' marker." with a caret line
// are documented NX-OS output. "% Invalid range at '^' marker." for numbers
// and ports out of range, and the lock, save-failure and default-VLAN
// texts, are approximations.
func nxosSpec() cli.Spec {
	const exec, conf, ifm, vlm = "exec", "config", "config-if", "config-vlan"
	d := &dialect{
		ifMode: ifm, vlanMode: vlm,
		vlanName: vlanName4,
		label:    func(cli.Iface) string { return "" },
		nameMax:  32, nameLong: "ERROR: VLAN name must be at most %d characters",
		lagName:       func(n int) string { return fmt.Sprintf("port-channel%d", n) },
		vniOnVLN:      true,
		save:          saved("[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n"),
		noDefaultVLAN: "ERROR: VLAN 1 is the default VLAN and cannot be deleted",
		notPort:       "ERROR: channel-group is not allowed on a port-channel",
		gone:          "ERROR: Interface %s does not exist",
	}
	execs := []string{exec}
	anyConf := []string{conf, ifm, vlm}
	return cli.Spec{
		Name:        CiscoNXOS,
		SSHVersion:  "SSH-2.0-OpenSSH_8.3",
		Banner:      "\nCisco Nexus Operating System (NX-OS) Software (simulated by Mercury) on {host}\nTAC support: http://www.cisco.com/tac\n",
		MaxSessions: 32,
		Modes: []cli.ModeDef{
			{Name: exec, Prompt: "{host}# "},
			{Name: conf, Prompt: "{host}(config)# ", Config: true},
			{Name: ifm, Prompt: "{host}(config-if)# ", Parent: conf, Config: true},
			{Name: vlm, Prompt: "{host}(config-vlan)# ", Parent: conf, Config: true},
		},
		PrivMode: exec,
		Errors: cli.Errors{
			Invalid:    "% Invalid command at '^' marker.",
			Incomplete: "% Incomplete command at '^' marker.",
			Ambiguous:  "% Ambiguous command at '^' marker.",
			Range:      "% Invalid range at '^' marker.",
			Caret:      true,
			Locked:     "ERROR: Configuration is locked by another session, please try again later",
			SaveFailed: "Configuration update aborted: request was aborted",
		},
		Pager:        cli.Pager{Prompt: "--More--"},
		ExecInConfig: true,
		Filters:      ciscoFilters(),
		IfTypes: []cli.IfType{
			{Name: "Ethernet", Short: "Eth", Kind: cli.IfPort, Number: `\d+/\d+(/\d+)?`},
			{Name: "port-channel", Short: "Po", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 4096},
		},
		DefaultPorts:    numbered("Ethernet1/%d", 48),
		DefaultVLANName: "default",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1, Allowed: state.AllVLANs()},
		Commands: []cli.Command{
			// Exec.
			{Modes: execs, Syntax: "enable", Kind: cli.Nav, Run: accept},
			{Modes: execs, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
			{Modes: execs, Syntax: "terminal length <n:0-511>", Kind: cli.Terminal, Run: terminalLength("")},
			{Modes: execs, Syntax: "terminal width <n:24-511>", Kind: cli.Terminal, Run: accept},
			{Modes: execs, Syntax: "configure [terminal]", Kind: cli.Configure, Run: configure("Enter configuration commands, one per line. End with CNTL/Z.")},
			{Modes: execs, Syntax: "copy running-config startup-config", Kind: cli.Save, Run: d.saveCmd},
			{Modes: execs, Syntax: "show version", Kind: cli.Show, Run: nxosVersion},
			{Modes: execs, Syntax: "show running-config", Kind: cli.Show, Run: nxosRunning},
			{Modes: execs, Syntax: "show running-config interface <name:if>", Kind: cli.Show, Run: nxosRunningIf},
			{Modes: execs, Syntax: "show interface [<name:if>] switchport", Kind: cli.Show, Run: ciscoSwitchport(true)},
			{Modes: execs, Syntax: "show vlan [brief]", Kind: cli.Show, Run: ciscoVLANs(true, 4)},
			{Modes: execs, Syntax: "show vlan id <id:vlans>", Kind: cli.Show, Run: nxosVLANID},
			// Configuration.
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "vlan <id:vlans>", Kind: cli.Config, Run: d.vlan},
			{Modes: []string{conf}, Syntax: "no vlan <id:vlans>", Kind: cli.Config, Run: d.noVLAN},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: d.iface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: d.noIface},
			{Modes: []string{vlm}, Syntax: "name <name:word>", Kind: cli.Config, Run: d.vlanNameCmd},
			{Modes: []string{vlm}, Syntax: "no name", Kind: cli.Config, Run: d.noVLANName},
			{Modes: []string{vlm}, Syntax: "vn-segment <vni:1-16777214>", Kind: cli.Config, Run: d.vnSegment},
			{Modes: []string{vlm}, Syntax: "no vn-segment [<vni:1-16777214>]", Kind: cli.Config, Run: d.noVNSegment},
			{Modes: []string{ifm}, Syntax: "description <text:line>", Kind: cli.Config, Run: d.description},
			{Modes: []string{ifm}, Syntax: "no description", Kind: cli.Config, Run: d.noDescription},
			{Modes: []string{ifm}, Syntax: "shutdown", Kind: cli.Config, Run: d.shutdown},
			{Modes: []string{ifm}, Syntax: "no shutdown", Kind: cli.Config, Run: d.noShutdown},
			{Modes: []string{ifm}, Syntax: "switchport", Kind: cli.Config, Run: accept},
			{Modes: []string{ifm}, Syntax: "switchport mode access|trunk", Kind: cli.Config, Run: d.mode},
			{Modes: []string{ifm}, Syntax: "no switchport mode [access|trunk]", Kind: cli.Config, Run: d.noMode},
			{Modes: []string{ifm}, Syntax: "switchport access vlan <vlan>", Kind: cli.Config, Run: d.accessVLAN},
			{Modes: []string{ifm}, Syntax: "no switchport access vlan [<vlan>]", Kind: cli.Config, Run: d.noAccessVLAN},
			{Modes: []string{ifm}, Syntax: "switchport trunk native vlan <vlan>", Kind: cli.Config, Run: d.nativeVLAN},
			{Modes: []string{ifm}, Syntax: "no switchport trunk native vlan [<vlan>]", Kind: cli.Config, Run: d.noNativeVLAN},
			{Modes: []string{ifm}, Syntax: "switchport trunk allowed vlan [add|remove|except] <list:vlans>", Kind: cli.Config, Run: d.allowed},
			{Modes: []string{ifm}, Syntax: "switchport trunk allowed vlan all|none", Kind: cli.Config, Run: d.allowed},
			{Modes: []string{ifm}, Syntax: "no switchport trunk allowed vlan", Kind: cli.Config, Run: d.noAllowed},
			{Modes: []string{ifm}, Syntax: "channel-group <n:1-4096> [force] mode active|passive|on", Kind: cli.Config, Run: d.channelGroup},
			{Modes: []string{ifm}, Syntax: "channel-group <n:1-4096> [force]", Kind: cli.Config, Run: d.channelGroup},
			{Modes: []string{ifm}, Syntax: "no channel-group [<n:1-4096>]", Kind: cli.Config, Run: d.noChannelGroup},
			{Modes: []string{ifm}, Syntax: "vpc <id:1-4096>", Kind: cli.Config, Run: d.lagPeer},
			{Modes: []string{ifm}, Syntax: "no vpc [<id:1-4096>]", Kind: cli.Config, Run: d.lagPeer},
		},
	}
}

func nxosVersion(c *cli.Call) error {
	c.Printf("Cisco Nexus Operating System (NX-OS) Software (simulated)\n\nSoftware\n  NXOS: version 10.3(7)\n\nHardware\n  cisco Nexus9000 C9300v Chassis\n\n  Device name: %s\n", c.Host())
	return nil
}

// nxosIfLines renders one interface (two-space indentation).
func nxosIfLines(cfg *state.Config, name string) []string {
	l, ok := cfg.Interface(name)
	if !ok {
		return nil
	}
	out := []string{"interface " + name}
	add := func(s string) { out = append(out, "  "+s) }
	if l.Description != "" {
		add("description " + l.Description)
	}
	if l.Mode == state.Trunk {
		add("switchport mode trunk")
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
	if n, m, ok := lagOfPort(cfg, name); ok {
		add(fmt.Sprintf("channel-group %d mode %s", n, m))
	}
	if lag, ok := cfg.LAGByName(name); ok && lag.Peer != 0 {
		add(fmt.Sprintf("vpc %d", lag.Peer))
	}
	if !l.Shutdown {
		add("no shutdown")
	}
	return out
}

func nxosRunning(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		fmt.Fprintf(&b, "\n!Command: show running-config\n\nversion 10.3(7) Bios:version\nhostname %s\n\n", c.Host())
		var ids state.VLANSet
		for _, id := range cfg.VLANIDs() {
			ids.Add(id)
		}
		fmt.Fprintf(&b, "vlan %s\n", ids.Ranges(","))
		for _, id := range cfg.VLANIDs() {
			name, vni := cfg.VLANs[id].Name, cfg.VNIs[id]
			if id == 1 || (name == vlanName4(id) && vni == 0) {
				continue
			}
			fmt.Fprintf(&b, "vlan %d\n", id)
			if name != vlanName4(id) {
				fmt.Fprintf(&b, "  name %s\n", name)
			}
			if vni != 0 {
				fmt.Fprintf(&b, "  vn-segment %d\n", vni)
			}
		}
		for _, n := range interfaceNames(cfg, c.Platform()) {
			b.WriteString("\n" + strings.Join(nxosIfLines(cfg, n), "\n") + "\n")
		}
	})
	c.Printf("%s\n", b.String())
	return nil
}

func nxosRunningIf(c *cli.Call) error {
	name := c.Iface("name").Name
	var err error
	c.View(func(cfg *state.Config) {
		lines := nxosIfLines(cfg, name)
		if lines == nil {
			err = c.ArgError("name", cli.FailInvalid)
			return
		}
		c.Printf("\n!Command: show running-config interface %s\n\nversion 10.3(7) Bios:version\n\n%s\n\n", name, strings.Join(lines, "\n"))
	})
	return err
}

func nxosVLANID(c *cli.Call) error {
	if err := ciscoVLANs(true, 4)(c); err != nil {
		return err
	}
	c.Printf("\nVLAN Type         Vlan-mode\n---- -----        ----------\n")
	c.View(func(cfg *state.Config) {
		for _, id := range c.VLANs("id").IDs() {
			if _, ok := cfg.VLANs[id]; ok {
				c.Printf("%-4d enet         CE\n", id)
			}
		}
	})
	return nil
}
