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
// vxlan vlan N vni V" and its "no" form; ENSURE_VLAN "vlan N / exit";
// PLUG_EVPN_VLAN "router bgp ASN / vlan N / rd auto / redistribute
// learned", then PLUG_EVPN_ROUTE_TARGET_AUTO "route-target export|import
// auto ASN" or PLUG_EVPN_ROUTE_TARGET_EXPLICIT "route-target both ASN:NN"
// (a MAC-VRF per VLAN under router bgp); PLUG_MCAST_FLOOD_VTEP "vxlan vlan
// N flood vtep A.B.C.D" and UNPLUG_MCAST_FLOOD_VTEP "no vxlan vlan N flood
// vtep" (a head-end flood list per VLAN; "add"/"remove" forms too);
// UNPLUG_EVPN_VLAN "router bgp ASN / no vlan N"; SHOW_VLAN_PORTS "show
// vlan id N configured-ports"; SHOW_VLAN_VNI "show interfaces Vxlan1".
// Every Appendix A entry is accepted; ERROR_MSG_PATTERNS is not a command
// (simulator tests match its regexes against this platform's output).
// Templates never send "exit": a line that does not parse in a sub-mode
// is tried in its parent modes up to global configuration (the engine's
// parent fall-back), as on the device.
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
// already mapped to VNI \d+"). "% VLAN N is already mapped to VNI M" is
// printed when VLAN N, mapped to VNI M, is mapped to another VNI, and when
// VNI M, which VLAN N has, is given to another VLAN (NGS's regex is the
// evidence for the text; the second case is modelled on it). "% BGP is
// already running with AS number N" refuses a second router bgp. The
// lock, save-failure and default-VLAN texts are approximations.
func eosSpec() cli.Spec {
	const user, exec, conf, ifm, vlm, vxm = "user", "exec", "config", "config-if", "config-vlan", "config-if-vx"
	const bgp, macvrf = "config-router-bgp", "config-macvrf"
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
	anyConf := []string{conf, ifm, vlm, vxm, bgp, macvrf}
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
			{Name: bgp, Prompt: "{host}(config-router-bgp)#", Parent: conf, Config: true},
			{Name: macvrf, Prompt: "{host}(config-macvrf-{label})#", Parent: bgp, Config: true},
		},
		Params:   map[string]cli.ParamFunc{"ipv4s": ipv4sParam, "rt": rtParam},
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
			{Modes: []string{vxm}, Syntax: "vxlan vlan <vlan> flood vtep [add|remove] <list:ipv4s>", Kind: cli.Config, Run: eosFlood},
			{Modes: []string{vxm}, Syntax: "no vxlan vlan <vlan> flood vtep [<list:ipv4s>]", Kind: cli.Config, Run: eosFlood},
			// BGP EVPN: "router bgp N", its VLAN-based MAC-VRFs.
			{Modes: []string{conf}, Syntax: "router bgp <asn:1-4294967295>", Kind: cli.Config, Run: eosRouterBGP},
			{Modes: []string{conf}, Syntax: "no router bgp [<asn:1-4294967295>]", Kind: cli.Config, Run: eosNoRouterBGP},
			{Modes: []string{bgp}, Syntax: "vlan <id:vlan>", Kind: cli.Config, Run: eosEVPNVLAN},
			{Modes: []string{bgp}, Syntax: "no vlan <id:vlan>", Kind: cli.Config, Run: eosEVPNVLAN},
			{Modes: []string{macvrf}, Syntax: "rd auto|<rd:rt>", Kind: cli.Config, Run: eosMACVRF},
			{Modes: []string{macvrf}, Syntax: "no rd", Kind: cli.Config, Run: eosMACVRF},
			{Modes: []string{macvrf}, Syntax: "[no] redistribute learned", Kind: cli.Config, Run: eosMACVRF},
			{Modes: []string{macvrf}, Syntax: "[no] route-target both|import|export <rt:rt>", Kind: cli.Config, Run: eosMACVRF},
			{Modes: []string{macvrf}, Syntax: "[no] route-target import|export auto <asn:1-4294967295>", Kind: cli.Config, Run: eosMACVRF},
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
		if vx := eosVxlanLines(cfg); len(vx) > 0 {
			b.WriteString("interface Vxlan1\n   " + strings.Join(vx, "\n   ") + "\n!\n")
		}
		if r := eosBGPLines(cfg); len(r) > 0 {
			b.WriteString(strings.Join(r, "\n") + "\n!\n")
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
			for _, l := range eosVxlanLines(cfg) {
				c.Println("   " + l)
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
			if fl := cfg.Overlay.FloodVTEPs; len(fl) > 0 {
				c.Printf("  Headend replication flood vtep list is:\n")
				for _, v := range slices.Sorted(maps.Keys(fl)) {
					c.Printf("    %-4d %s\n", v, strings.Join(fl[v], " "))
				}
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

// eosVxlanLines renders the body of interface Vxlan1: the VLAN-to-VNI
// maps, then the flood lists.
func eosVxlanLines(cfg *state.Config) []string {
	var out []string
	for _, v := range sortedVNIs(cfg) {
		out = append(out, fmt.Sprintf("vxlan vlan %d vni %d", v, cfg.VNIs[v]))
	}
	for _, v := range slices.Sorted(maps.Keys(cfg.Overlay.FloodVTEPs)) {
		out = append(out, fmt.Sprintf("vxlan vlan %d flood vtep %s", v, strings.Join(cfg.Overlay.FloodVTEPs[v], " ")))
	}
	return out
}

// eosBGPLines renders "router bgp" and its MAC-VRFs, or nothing.
func eosBGPLines(cfg *state.Config) []string {
	o := cfg.Overlay
	if o.BGPAS == "" {
		return nil
	}
	out := []string{"router bgp " + o.BGPAS}
	for _, v := range slices.Sorted(maps.Keys(o.EVPNByVLAN)) {
		e := o.EVPNByVLAN[v]
		out = append(out, "   !", fmt.Sprintf("   vlan %d", v))
		if e.RD != "" {
			out = append(out, "      rd "+e.RD)
		}
		for _, rt := range e.RouteTargets {
			out = append(out, "      route-target "+rt.Dir+" "+rt.Value)
		}
		if e.Redistribute {
			out = append(out, "      redistribute learned")
		}
	}
	return out
}

func eosRouterBGP(c *cli.Call) error {
	asn := strconv.Itoa(c.Int("asn"))
	if err := c.Update(func(cfg *state.Config) error {
		if cur := cfg.Overlay.BGPAS; cur != "" && cur != asn {
			return cli.Fail("%% BGP is already running with AS number %s", cur)
		}
		cfg.Overlay.BGPAS = asn
		return nil
	}); err != nil {
		return err
	}
	c.Enter("config-router-bgp", asn, "")
	return nil
}

func eosNoRouterBGP(c *cli.Call) error {
	return c.Update(func(cfg *state.Config) error {
		cur := cfg.Overlay.BGPAS
		if c.Given("asn") && cur != "" && cur != strconv.Itoa(c.Int("asn")) {
			return cli.Fail("%% BGP is already running with AS number %s", cur)
		}
		cfg.Overlay.BGPAS, cfg.Overlay.EVPNByVLAN = "", nil
		return nil
	})
}

// eosEVPNVLAN handles "vlan N" (entering the MAC-VRF, made if missing)
// and "no vlan N" under "router bgp".
func eosEVPNVLAN(c *cli.Call) error {
	id := c.Int("id")
	no := c.Has("no")
	if err := c.Update(func(cfg *state.Config) error {
		if no {
			delete(cfg.Overlay.EVPNByVLAN, id)
			return nil
		}
		if _, ok := cfg.Overlay.EVPNByVLAN[id]; !ok {
			state.SetEVPN(&cfg.Overlay.EVPNByVLAN, id, state.EVPN{})
		}
		return nil
	}); err != nil || no {
		return err
	}
	c.Enter("config-macvrf", strconv.Itoa(id), strconv.Itoa(id))
	return nil
}

// eosMACVRF handles the lines of a VLAN's MAC-VRF: rd, route-target and
// redistribute learned, and their "no" forms.
func eosMACVRF(c *cli.Call) error {
	_, target := c.Mode()
	id, _ := strconv.Atoi(target)
	return c.Update(func(cfg *state.Config) error {
		e, ok := cfg.Overlay.EVPNByVLAN[id]
		if !ok {
			return cli.Fail("%% VLAN %d is not configured under router bgp", id)
		}
		editEVPN(c, &e, func(asn int) string { return fmt.Sprintf("auto %d", asn) })
		state.SetEVPN(&cfg.Overlay.EVPNByVLAN, id, e)
		return nil
	})
}

// editEVPN applies an rd, route-target or redistribute line (or its "no"
// form) to e; auto renders the value of "route-target DIR auto [ASN]".
func editEVPN(c *cli.Call, e *state.EVPN, auto func(asn int) string) {
	no := c.Has("no")
	switch {
	case c.Has("rd"):
		e.RD = ""
		if !no && c.Has("auto") {
			e.RD = "auto"
		} else if !no {
			e.RD = c.Str("rd")
		}
	case c.Has("redistribute"):
		e.Redistribute = !no
	case c.Has("route-target"):
		rt := state.RouteTarget{Dir: "both", Value: c.Str("rt")}
		for _, d := range []string{"import", "export"} {
			if c.Has(d) {
				rt.Dir = d
			}
		}
		if c.Has("auto") {
			rt.Value = auto(c.Int("asn"))
		}
		if no {
			e.RemoveRouteTarget(rt)
		} else {
			e.SetRouteTarget(rt)
		}
	}
}

// eosFlood handles "vxlan vlan N flood vtep [add|remove] A ..." and
// "no vxlan vlan N flood vtep [A ...]".
func eosFlood(c *cli.Call) error {
	vlan := c.Int("vlan")
	var list []string
	if c.Given("list") {
		list = c.Arg("list").([]string)
	}
	return c.Update(func(cfg *state.Config) error {
		cur := cfg.Overlay.FloodVTEPs[vlan]
		next := list
		switch {
		case c.Has("no") && len(list) == 0:
			next = nil
		case c.Has("no") || c.Has("remove"):
			next = slices.DeleteFunc(slices.Clone(cur), func(a string) bool { return slices.Contains(list, a) })
		case c.Has("add"):
			next = slices.Clone(cur)
			for _, a := range list {
				if !slices.Contains(next, a) {
					next = append(next, a)
				}
			}
		}
		cfg.Overlay.SetFlood(vlan, next)
		return nil
	})
}

// ipv4sParam matches one or more IPv4 addresses.
func ipv4sParam(in cli.ParamInput) (any, int, cli.FailKind) {
	var out []string
	for _, t := range in.Tokens {
		a, err := netip.ParseAddr(t)
		if err != nil || !a.Is4() {
			break
		}
		out = append(out, a.String())
	}
	if len(out) == 0 {
		return nil, 1, cli.FailInvalid
	}
	return out, len(out), cli.FailNone
}

// rtParam matches a route target or distinguisher, ASN:NN or A.B.C.D:NN.
func rtParam(in cli.ParamInput) (any, int, cli.FailKind) {
	t := in.Tokens[0]
	admin, num, ok := strings.Cut(t, ":")
	n, err := strconv.ParseUint(num, 10, 32)
	if !ok || err != nil || strings.HasPrefix(num, "+") || n > 4294967295 {
		return nil, 1, cli.FailInvalid
	}
	if a, err := netip.ParseAddr(admin); err == nil && a.Is4() && n <= 65535 {
		return t, 1, cli.FailNone
	}
	if asn, err := strconv.ParseUint(admin, 10, 32); err == nil && asn > 0 && !strings.HasPrefix(admin, "+") {
		return t, 1, cli.FailNone
	}
	return nil, 1, cli.FailInvalid
}
