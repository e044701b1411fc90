package platform

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
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
// "copy running-config startup-config". L2VNI (NGS builds
// PLUG/UNPLUG_SWITCH_TO_NETWORK in code from these): PLUG_EVPN_VNI "evpn /
// vni V l2 / rd auto / route-target both auto / exit" and UNPLUG_EVPN_VNI
// "evpn / no vni V / exit"; PLUG_NVE_MEMBER "interface nve1 / member vni
// V", then PLUG_NVE_INGRESS_REPLICATION "ingress-replication protocol bgp /
// suppress-arp / exit" or PLUG_NVE_MCAST_GROUP "mcast-group G / exit"
// (one of the two per member); UNPLUG_NVE_MEMBER "interface nve1 / no
// member vni V / exit"; SHOW_VLAN_VNI "show running-config interface nve1
// | include "member vni V"". Security groups: ADD_SECURITY_GROUP "ip
// access-list NAME", ADD_SECURITY_GROUP_RULE_EGRESS "permit PROTO any
// PREFIX [eq P | range A B | TYPE [CODE]]" (entries numbered 10, 20, ...),
// ADD_SECURITY_GROUP_COMPLETE "exit", REMOVE_SECURITY_GROUP "no ip
// access-list NAME", BIND/UNBIND_SECURITY_GROUP "interface P / [no] ip port
// access-group NAME in / exit"; "show ip access-lists [NAME]". Every
// Appendix A entry is accepted; PLUG/UNPLUG_SWITCH_TO_NETWORK are "True"
// there (built in code from the entries above), not command lines.
//
// Quirks modelled: login lands in "switch#" (no user exec; "enable" is
// accepted and does nothing); prompts end with "# "; show and copy run from
// configuration modes; the copy prints the progress bar and "Copy
// complete."; a missing access VLAN is not created (the port waits for it);
// "show vlan" lists trunk ports; the allowed list defaults to 1-4094; the
// running configuration lists "no shutdown" for enabled ports (the Nexus
// default is shut) and the VLAN list as "vlan 1,10,20"; deleting a VLAN
// drops its vn-segment; "route-target both X" is kept, and shown, as an
// import and an export line; the NVE interface nve1 always exists (its
// "feature nv overlay", source interface and host reachability are the
// operator's and not modelled, nor is any other "feature" command); a
// port's access-group may name an access list that does not exist (it
// filters nothing), and "no ip access-list" leaves bindings in place.
//
// Error texts: "% Invalid command at '^' marker.", "% Incomplete command at
// '^' marker." and "% Ambiguous command at '^' marker." with a caret line
// are documented NX-OS output. "% Invalid range at '^' marker." for numbers
// and ports out of range, and the lock, save-failure and default-VLAN
// texts, are approximations, as are "ERROR: VNI V is already mapped to
// VLAN N" (a vn-segment another VLAN has) and the "ERROR: ..." texts of the EVPN,
// NVE and access-list commands (a replication mode while the other is
// set, an unbound access-group removed, an entry in a deleted list).
func nxosSpec() cli.Spec {
	const exec, conf, ifm, vlm = "exec", "config", "config-if", "config-vlan"
	const evpn, evi, nve, nvevni, acl = "config-evpn", "config-evpn-evi", "config-if-nve", "config-if-nve-vni", "config-acl"
	d := &dialect{
		ifMode: ifm, vlanMode: vlm, otherModes: map[string]string{"nve": nve},
		vlanName: vlanName4,
		label:    func(cli.Iface) string { return "" },
		nameMax:  32, nameLong: "ERROR: VLAN name must be at most %d characters",
		lagName:       func(n int) string { return fmt.Sprintf("port-channel%d", n) },
		vniOnVLN:      true,
		save:          saved("[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n"),
		noDefaultVLAN: "ERROR: VLAN 1 is the default VLAN and cannot be deleted",
		vniTaken:      "ERROR: VNI %[2]d is already mapped to VLAN %[1]d",
		notPort:       "ERROR: channel-group is not allowed on a port-channel",
		gone:          "ERROR: Interface %s does not exist",
	}
	execs := []string{exec}
	anyConf := []string{conf, ifm, vlm, evpn, evi, nve, nvevni, acl}
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
			{Name: evpn, Prompt: "{host}(config-evpn)# ", Parent: conf, Config: true},
			{Name: evi, Prompt: "{host}(config-evpn-evi)# ", Parent: evpn, Config: true},
			{Name: nve, Prompt: "{host}(config-if-nve)# ", Parent: conf, Config: true},
			{Name: nvevni, Prompt: "{host}(config-if-nve-vni)# ", Parent: nve, Config: true},
			{Name: acl, Prompt: "{host}(config-acl)# ", Parent: conf, Config: true},
		},
		Params:   map[string]cli.ParamFunc{"rt": rtParam, "mcast": mcastParam, "prefix": prefixParam, "acl": aclNameParam},
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
			{Name: "nve", Short: "nve", Kind: cli.IfOther, Number: `\d+`, Min: 1, Max: 1},
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
			{Modes: execs, Syntax: "show ip access-lists [<name:acl>]", Kind: cli.Show, Run: nxosShowACLs},
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
			{Modes: []string{ifm}, Syntax: "[no] ip port access-group <name:acl> in", Kind: cli.Config, Run: nxosPortACL},
			// EVPN: "evpn", its L2 VNIs.
			{Modes: []string{conf}, Syntax: "evpn", Kind: cli.Config, Run: nxosEVPN},
			{Modes: []string{conf}, Syntax: "no evpn", Kind: cli.Config, Run: nxosEVPN},
			{Modes: []string{evpn}, Syntax: "vni <vni:1-16777214> l2", Kind: cli.Config, Run: nxosEVI},
			{Modes: []string{evpn}, Syntax: "no vni <vni:1-16777214> [l2]", Kind: cli.Config, Run: nxosEVI},
			{Modes: []string{evi}, Syntax: "rd auto|<rd:rt>", Kind: cli.Config, Run: nxosEVIConf},
			{Modes: []string{evi}, Syntax: "no rd", Kind: cli.Config, Run: nxosEVIConf},
			{Modes: []string{evi}, Syntax: "[no] route-target both|import|export auto|<rt:rt>", Kind: cli.Config, Run: nxosEVIConf},
			// The NVE interface's members.
			{Modes: []string{nve}, Syntax: "[no] member vni <vni:1-16777214>", Kind: cli.Config, Run: nxosMember},
			{Modes: []string{nvevni}, Syntax: "mcast-group <group:mcast>", Kind: cli.Config, Run: nxosMemberConf},
			{Modes: []string{nvevni}, Syntax: "no mcast-group [<group:mcast>]", Kind: cli.Config, Run: nxosMemberConf},
			{Modes: []string{nvevni}, Syntax: "[no] ingress-replication protocol bgp", Kind: cli.Config, Run: nxosMemberConf},
			{Modes: []string{nvevni}, Syntax: "[no] suppress-arp", Kind: cli.Config, Run: nxosMemberConf},
			// IP access lists.
			{Modes: []string{conf}, Syntax: "[no] ip access-list <name:acl>", Kind: cli.Config, Run: nxosACL},
			{Modes: []string{acl}, Syntax: "[<seq:1-4294967295>] permit|deny tcp|udp any|<src:prefix> any|<dst:prefix> [eq <port:0-65535>]", Kind: cli.Config, Run: nxosACE},
			{Modes: []string{acl}, Syntax: "[<seq:1-4294967295>] permit|deny tcp|udp any|<src:prefix> any|<dst:prefix> range <lo:0-65535> <hi:0-65535>", Kind: cli.Config, Run: nxosACE},
			{Modes: []string{acl}, Syntax: "[<seq:1-4294967295>] permit|deny icmp any|<src:prefix> any|<dst:prefix> [<type:0-255> [<code:0-255>]]", Kind: cli.Config, Run: nxosACE},
			{Modes: []string{acl}, Syntax: "[<seq:1-4294967295>] permit|deny ip any|<src:prefix> any|<dst:prefix>", Kind: cli.Config, Run: nxosACE},
			{Modes: []string{acl}, Syntax: "no <seq:1-4294967295>", Kind: cli.Config, Run: nxosNoACE},
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
	if acl := cfg.IPACLGroups[name].In; acl != "" {
		add("ip port access-group " + acl + " in")
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
		if acls := nxosACLLines(cfg); len(acls) > 0 {
			b.WriteString(strings.Join(acls, "\n") + "\n")
		}
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
		if len(cfg.Overlay.NVE) > 0 {
			b.WriteString("\n" + strings.Join(nxosNVELines(cfg, "nve1"), "\n") + "\n")
		}
		for _, n := range interfaceNames(cfg, c.Platform()) {
			b.WriteString("\n" + strings.Join(nxosIfLines(cfg, n), "\n") + "\n")
		}
		if evpn := nxosEVPNLines(cfg); len(evpn) > 0 {
			b.WriteString("\n" + strings.Join(evpn, "\n") + "\n")
		}
	})
	c.Printf("%s\n", b.String())
	return nil
}

func nxosRunningIf(c *cli.Call) error {
	ifc := c.Iface("name")
	name := ifc.Name
	var err error
	c.View(func(cfg *state.Config) {
		lines := nxosIfLines(cfg, name)
		if ifc.Type.Kind == cli.IfOther {
			lines = nxosNVELines(cfg, name)
		}
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

// nxosNVELines renders interface nve1 and its members.
func nxosNVELines(cfg *state.Config, name string) []string {
	out := []string{"interface " + name}
	for _, vni := range slices.Sorted(maps.Keys(cfg.Overlay.NVE)) {
		m := cfg.Overlay.NVE[vni]
		out = append(out, fmt.Sprintf("  member vni %d", vni))
		if m.SuppressARP {
			out = append(out, "    suppress-arp")
		}
		switch m.Replication {
		case state.ReplicationBGP:
			out = append(out, "    ingress-replication protocol bgp")
		case state.ReplicationMulticast:
			out = append(out, "    mcast-group "+m.McastGroup)
		}
	}
	return out
}

// nxosEVPNLines renders "evpn" and its L2 VNIs, or nothing.
func nxosEVPNLines(cfg *state.Config) []string {
	evis := cfg.Overlay.EVPNByVNI
	if len(evis) == 0 {
		return nil
	}
	out := []string{"evpn"}
	for _, vni := range slices.Sorted(maps.Keys(evis)) {
		e := evis[vni]
		out = append(out, fmt.Sprintf("  vni %d l2", vni))
		if e.RD != "" {
			out = append(out, "    rd "+e.RD)
		}
		for _, rt := range e.RouteTargets {
			out = append(out, "    route-target "+rt.Dir+" "+rt.Value)
		}
	}
	return out
}

// nxosACLLines renders every access list as "show running-config" does.
func nxosACLLines(cfg *state.Config) []string {
	var out []string
	for _, n := range cfg.IPACLNames() {
		out = append(out, "ip access-list "+n)
		for _, r := range cfg.IPACLs[n].Rules {
			out = append(out, fmt.Sprintf("  %d %s", r.Seq, r.Text))
		}
	}
	return out
}

func nxosShowACLs(c *cli.Call) error {
	c.View(func(cfg *state.Config) {
		for _, n := range cfg.IPACLNames() {
			if c.Given("name") && c.Str("name") != n {
				continue
			}
			c.Printf("\nIP access list %s\n", n)
			for _, r := range cfg.IPACLs[n].Rules {
				c.Printf("        %d %s \n", r.Seq, r.Text)
			}
		}
	})
	return nil
}

// nxosEVPN enters "evpn"; "no evpn" removes every L2 VNI under it.
func nxosEVPN(c *cli.Call) error {
	if c.Has("no") {
		return c.Update(func(cfg *state.Config) error { cfg.Overlay.EVPNByVNI = nil; return nil })
	}
	c.Enter("config-evpn", "", "")
	return nil
}

// nxosEVI handles "vni N l2" (entering it, made if missing) and "no vni N".
func nxosEVI(c *cli.Call) error {
	vni := c.Int("vni")
	no := c.Has("no")
	if err := c.Update(func(cfg *state.Config) error {
		if no {
			delete(cfg.Overlay.EVPNByVNI, vni)
		} else if _, ok := cfg.Overlay.EVPNByVNI[vni]; !ok {
			state.SetEVPN(&cfg.Overlay.EVPNByVNI, vni, state.EVPN{})
		}
		return nil
	}); err != nil || no {
		return err
	}
	c.Enter("config-evpn-evi", strconv.Itoa(vni), "")
	return nil
}

// nxosEVIConf handles rd and route-target in an L2 VNI; NX-OS keeps
// "both" as an import and an export line.
func nxosEVIConf(c *cli.Call) error {
	_, target := c.Mode()
	vni, _ := strconv.Atoi(target)
	return c.Update(func(cfg *state.Config) error {
		e, ok := cfg.Overlay.EVPNByVNI[vni]
		if !ok {
			return cli.Fail("ERROR: VNI %d is not configured under evpn", vni)
		}
		if c.Has("rd") {
			editEVPN(c, &e, nil)
		} else {
			val := "auto"
			if !c.Has("auto") {
				val = c.Str("rt")
			}
			for _, dir := range []string{"import", "export"} {
				if !c.Has(dir) && !c.Has("both") {
					continue
				}
				rt := state.RouteTarget{Dir: dir, Value: val}
				if c.Has("no") {
					e.RemoveRouteTarget(rt)
				} else {
					e.SetRouteTarget(rt)
				}
			}
		}
		state.SetEVPN(&cfg.Overlay.EVPNByVNI, vni, e)
		return nil
	})
}

// nxosMember handles "member vni N" (entering it, made if missing) and
// "no member vni N" on the NVE interface.
func nxosMember(c *cli.Call) error {
	vni := c.Int("vni")
	no := c.Has("no")
	if err := c.Update(func(cfg *state.Config) error {
		_, ok := cfg.Overlay.NVE[vni]
		switch {
		case no:
			delete(cfg.Overlay.NVE, vni)
		case !ok:
			cfg.Overlay.SetNVEMember(state.NVEMember{VNI: vni})
		}
		return nil
	}); err != nil || no {
		return err
	}
	c.Enter("config-if-nve-vni", strconv.Itoa(vni), "")
	return nil
}

// nxosMemberConf sets an NVE member's replication (one of mcast-group and
// ingress-replication) and ARP suppression.
func nxosMemberConf(c *cli.Call) error {
	_, target := c.Mode()
	vni, _ := strconv.Atoi(target)
	no := c.Has("no")
	return c.Update(func(cfg *state.Config) error {
		m, ok := cfg.Overlay.NVE[vni]
		if !ok {
			return cli.Fail("ERROR: VNI %d is not a member of the NVE interface", vni)
		}
		switch {
		case c.Has("suppress-arp"):
			m.SuppressARP = !no
		case c.Has("mcast-group") && no:
			if m.Replication == state.ReplicationMulticast && (!c.Given("group") || c.Str("group") == m.McastGroup) {
				m.Replication, m.McastGroup = state.ReplicationNone, ""
			}
		case c.Has("mcast-group"):
			if m.Replication == state.ReplicationBGP {
				return cli.Fail("ERROR: Please remove ingress-replication before configuring mcast-group")
			}
			m.Replication, m.McastGroup = state.ReplicationMulticast, c.Str("group")
		case no:
			if m.Replication == state.ReplicationBGP {
				m.Replication = state.ReplicationNone
			}
		default:
			if m.Replication == state.ReplicationMulticast {
				return cli.Fail("ERROR: Please remove mcast-group before configuring ingress-replication")
			}
			m.Replication = state.ReplicationBGP
		}
		cfg.Overlay.SetNVEMember(m)
		return nil
	})
}

// nxosACL handles "ip access-list NAME" (entering it, made if missing) and
// "no ip access-list NAME".
func nxosACL(c *cli.Call) error {
	name := c.Str("name")
	no := c.Has("no")
	if err := c.Update(func(cfg *state.Config) error {
		if no {
			delete(cfg.IPACLs, name)
		} else {
			cfg.EnsureIPACL(name)
		}
		return nil
	}); err != nil || no {
		return err
	}
	c.Enter("config-acl", name, "")
	return nil
}

// nxosACE adds an access-list entry, rendered as the device shows it.
func nxosACE(c *cli.Call) error {
	_, target := c.Mode()
	proto := ""
	for _, p := range []string{"tcp", "udp", "icmp", "ip"} {
		if c.Has(p) {
			proto = p
		}
	}
	addr := func(name string) string {
		if c.Given(name) {
			return c.Str(name)
		}
		return "any"
	}
	rule := []string{proto, addr("src"), addr("dst")}
	switch {
	case c.Given("port"):
		rule = append(rule, "eq", strconv.Itoa(c.Int("port")))
	case c.Given("lo"):
		if c.Int("lo") > c.Int("hi") {
			return c.ArgError("hi", cli.FailRange)
		}
		rule = append(rule, "range", strconv.Itoa(c.Int("lo")), strconv.Itoa(c.Int("hi")))
	case c.Given("type"):
		rule = append(rule, strconv.Itoa(c.Int("type")))
		if c.Given("code") {
			rule = append(rule, strconv.Itoa(c.Int("code")))
		}
	}
	action := "permit"
	if c.Has("deny") {
		action = "deny"
	}
	text, seq := action+" "+strings.Join(rule, " "), 0
	if c.Given("seq") {
		seq = c.Int("seq")
	}
	return c.Update(func(cfg *state.Config) error {
		if !cfg.AddIPACLRule(target, seq, text) {
			return cli.Fail("ERROR: access-list %s does not exist", target)
		}
		return nil
	})
}

func nxosNoACE(c *cli.Call) error {
	_, target := c.Mode()
	seq := c.Int("seq")
	return c.Update(func(cfg *state.Config) error {
		l, ok := cfg.IPACLs[target]
		if !ok {
			return cli.Fail("ERROR: access-list %s does not exist", target)
		}
		l.Rules = slices.DeleteFunc(slices.Clone(l.Rules), func(r state.IPACLRule) bool { return r.Seq == seq })
		cfg.IPACLs[target] = l
		return nil
	})
}

// nxosPortACL binds (or unbinds) an access list as a port's inbound filter.
func nxosPortACL(c *cli.Call) error {
	_, target := c.Mode()
	name := c.Str("name")
	no := c.Has("no")
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.Interface(target); !ok {
			return cli.Fail("ERROR: Interface %s does not exist", target)
		}
		if no {
			if cfg.IPACLGroups[target].In != name {
				return cli.Fail("ERROR: access-group %s is not applied to %s", name, target)
			}
			name = ""
		}
		cfg.SetIPACLIn(target, name)
		return nil
	})
}

// mcastParam matches an IPv4 multicast group address.
func mcastParam(in cli.ParamInput) (any, int, cli.FailKind) {
	a, err := netip.ParseAddr(in.Tokens[0])
	if err != nil || !a.Is4() {
		return nil, 1, cli.FailInvalid
	}
	if !a.IsMulticast() {
		return nil, 1, cli.FailRange
	}
	return a.String(), 1, cli.FailNone
}

// prefixParam matches an IPv4 prefix, A.B.C.D/N.
func prefixParam(in cli.ParamInput) (any, int, cli.FailKind) {
	p, err := netip.ParsePrefix(in.Tokens[0])
	if err != nil || !p.Addr().Is4() {
		return nil, 1, cli.FailInvalid
	}
	return p.String(), 1, cli.FailNone
}

// aclNameParam matches an access-list name: up to 64 letters, digits and
// "-_.:".
func aclNameParam(in cli.ParamInput) (any, int, cli.FailKind) {
	t := in.Tokens[0]
	if len(t) > 64 || strings.Trim(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != "" {
		return nil, 1, cli.FailInvalid
	}
	return t, 1, cli.FailNone
}
