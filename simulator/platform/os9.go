package platform

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// Dell Networking OS9 (FTOS), on S4048/S6010-class switches.
//
// Oracle: NGS netmiko_dell_force10 (Appendix A). ADD_NETWORK "interface
// vlan N / description X / exit"; DELETE_NETWORK "no interface vlan N /
// exit"; PLUG_PORT_TO_NETWORK "interface vlan N / untagged P / exit";
// DELETE_PORT "interface vlan N / no untagged P / exit";
// ADD_NETWORK_TO_TRUNK "interface vlan N / tagged P / exit";
// REMOVE_NETWORK_FROM_TRUNK "interface vlan N / no tagged P / exit"; errors
// match "Error:".
//
// Quirks modelled: ports join VLANs from the VLAN's side ("interface vlan
// N" then "untagged|tagged PORT"); a port is untagged in at most one VLAN
// and tagged in any; "enable" asks for the secret when the device has one;
// "configure" enters configuration mode; "write memory" saves; "show
// running-config interface vlan N" and "show running-config" print the
// membership lines. Approximation: interfaces are named without the space
// FTOS prints ("TenGigabitEthernet0/1"; "TenGigabitEthernet 0/1" is
// accepted too), and every port is already a switchport.
//
// Port-channels: "interface Port-channel N" creates one, shut down; a
// member leaves layer-2 mode first ("no switchport", refused while the
// port is in a VLAN);
// "channel-member PORT" in it adds a static member; "port-channel-protocol
// LACP" then "port-channel N mode active|passive" on a port makes it an
// LACP member (of an existing port-channel); "no channel-member PORT" and
// "no port-channel-protocol LACP" take a member out; "no interface
// Port-channel N" removes it. A port with VLAN memberships cannot become a
// member, and a member cannot join a VLAN. The port-channel joins VLANs
// from the VLAN's side like a port ("untagged Port-channel 5"), and takes
// a description. The running configuration lists static members inside
// the port-channel and LACP ones inside the port's stanza.
//
// Error texts: "% Error: ..." in FTOS's style; the exact wording is an
// approximation.
func os9Spec() cli.Spec {
	const user, exec, conf, vlm, ifm, lacp = "user", "exec", "config", "config-if-vl", "config-if", "config-if-lacp"
	anyConf := []string{conf, vlm, ifm, lacp}
	return cli.Spec{
		Name:        DellOS9,
		SSHVersion:  "SSH-2.0-OpenSSH_5.2 FIPS",
		Banner:      "Dell Networking OS (simulated by Mercury) on {host}\n",
		MaxSessions: 16,
		Modes: []cli.ModeDef{
			{Name: user, Prompt: "{host}>"},
			{Name: exec, Prompt: "{host}#"},
			{Name: conf, Prompt: "{host}(conf)#", Config: true},
			{Name: vlm, Prompt: "{host}(conf-if-vl-{label})#", Parent: conf, Config: true},
			{Name: ifm, Prompt: "{host}(conf-if-{label})#", Parent: conf, Config: true},
			{Name: lacp, Prompt: "{host}(conf-if-{label}-lacp)#", Parent: ifm, Config: true},
		},
		UserMode: user, PrivMode: exec, EnablePrompt: "Password: ",
		Errors: cli.Errors{
			Invalid:    "% Error: Invalid input at \"^\" marker.",
			Incomplete: "% Error: Incomplete command.",
			Ambiguous:  "% Error: Ambiguous command.",
			Locked:     "% Error: Configuration is locked by another session.",
			SaveFailed: "% Error: Failed to write the startup configuration.",
		},
		Pager:        cli.Pager{Prompt: " --More-- "},
		ExecInConfig: false,
		IfTypes: []cli.IfType{
			{Name: "TenGigabitEthernet", Short: "Te", Kind: cli.IfPort, Number: `\d+/\d+`},
			{Name: "vlan", Short: "vl", Kind: cli.IfVLAN, Number: `\d+`, Min: 1, Max: 4094},
			{Name: "Port-channel", Short: "Po", Kind: cli.IfLAG, Number: `\d+`, Min: 1, Max: 128},
		},
		DefaultPorts:    numbered("TenGigabitEthernet0/%d", 48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands: []cli.Command{
			{Modes: []string{user, exec}, Syntax: "enable", Kind: cli.Nav, Run: (&dialect{enable: enabler{priv: exec, prompt: "Password: ", tries: 3, fail: "% Error: Bad passwords"}}).enableCmd},
			{Modes: []string{user, exec}, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
			{Modes: []string{user, exec}, Syntax: "terminal length <n:0-512>", Kind: cli.Terminal, Run: terminalLength("")},
			{Modes: []string{exec}, Syntax: "configure [terminal]", Kind: cli.Configure, Run: configure("")},
			{Modes: []string{exec}, Syntax: "write [memory]", Kind: cli.Save, Run: func(c *cli.Call) error {
				if err := c.Save(); err != nil {
					return err
				}
				c.Println("!\n00:03:11: %STKUNIT0-M:CP %FILEMGR-5-FILESAVED: Copied running-config to startup-config in flash by default")
				return nil
			}},
			{Modes: []string{exec}, Syntax: "show running-config", Kind: cli.Show, Run: os9Running},
			{Modes: anyConf, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
			{Modes: anyConf, Syntax: "end", Kind: cli.Nav, Run: endCmd},
			{Modes: []string{conf}, Syntax: "interface <name:if>", Kind: cli.Config, Run: os9Interface},
			{Modes: []string{conf}, Syntax: "no interface <name:if>", Kind: cli.Config, Run: os9NoVLAN},
			{Modes: []string{vlm}, Syntax: "description <text:line>", Kind: cli.Config, Run: os9VLANDescription},
			{Modes: []string{vlm}, Syntax: "untagged|tagged <port:if>", Kind: cli.Config, Run: os9Member(true)},
			{Modes: []string{vlm}, Syntax: "no untagged|tagged <port:if>", Kind: cli.Config, Run: os9Member(false)},
			{Modes: []string{ifm}, Syntax: "shutdown", Kind: cli.Config, Run: os9Shut(true)},
			{Modes: []string{ifm}, Syntax: "no shutdown", Kind: cli.Config, Run: os9Shut(false)},
			{Modes: []string{ifm}, Syntax: "switchport", Kind: cli.Config, Run: accept},
			{Modes: []string{ifm}, Syntax: "no switchport", Kind: cli.Config, Run: os9NoSwitchport},
			{Modes: []string{ifm}, Syntax: "description <text:line>", Kind: cli.Config, Run: os9Description},
			{Modes: []string{ifm}, Syntax: "channel-member <port:if>", Kind: cli.Config, Run: os9ChannelMember(true)},
			{Modes: []string{ifm}, Syntax: "no channel-member <port:if>", Kind: cli.Config, Run: os9ChannelMember(false)},
			{Modes: []string{ifm}, Syntax: "port-channel-protocol lacp", Kind: cli.Config, Run: os9LACP},
			{Modes: []string{ifm}, Syntax: "no port-channel-protocol lacp", Kind: cli.Config, Run: os9NoLACP},
			{Modes: []string{lacp}, Syntax: "port-channel <n:1-128> mode active|passive", Kind: cli.Config, Run: os9LACPJoin},
		},
	}
}

func os9Interface(c *cli.Call) error {
	ifc := c.Iface("name")
	if ifc.Type.Kind == cli.IfVLAN {
		if err := c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.VLANs[ifc.Number]; !ok {
				cfg.SetVLAN(ifc.Number, "")
			}
			return nil
		}); err != nil {
			return err
		}
		c.Enter("config-if-vl", ifc.Name, fmt.Sprint(ifc.Number))
		return nil
	}
	if ifc.Type.Kind == cli.IfLAG {
		def := c.Platform().Spec().DefaultL2
		def.Shutdown = true // a new interface is shut down
		if err := c.Update(func(cfg *state.Config) error {
			cfg.EnsureLAG(ifc.Number, ifc.Name, def)
			return nil
		}); err != nil {
			return err
		}
	}
	c.Enter("config-if", ifc.Name, c.Platform().ShortName(ifc.Name))
	return nil
}

func os9NoVLAN(c *cli.Call) error {
	ifc := c.Iface("name")
	if ifc.Type.Kind == cli.IfLAG {
		return c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.LAGs[ifc.Number]; !ok {
				return cli.Fail("%% Error: Port-channel %d does not exist.", ifc.Number)
			}
			cfg.DeleteLAG(ifc.Number)
			return nil
		})
	}
	if ifc.Type.Kind != cli.IfVLAN {
		return cli.Fail("%% Error: %s cannot be removed.", ifc.Name)
	}
	id := ifc.Number
	return c.Update(func(cfg *state.Config) error {
		if id == 1 {
			return cli.Fail("%% Error: The default VLAN cannot be deleted.")
		}
		if vlanInUse(cfg, id) {
			return cli.Fail("%% Error: Vlan %d has members; remove them first.", id)
		}
		delete(cfg.VLANs, id)
		return nil
	})
}

func os9VLANDescription(c *cli.Call) error {
	_, target := c.Mode()
	var id int
	fmt.Sscanf(strings.TrimPrefix(target, "vlan"), "%d", &id)
	return c.Update(func(cfg *state.Config) error {
		cfg.SetVLAN(id, c.Str("text"))
		return nil
	})
}

// os9Member adds or removes the port as an untagged or tagged member of
// the VLAN whose mode the call is in, keeping the model's mapping: untagged
// only → access; any tagged → trunk with the untagged VLAN as native.
func os9Member(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		_, target := c.Mode()
		var id int
		fmt.Sscanf(strings.TrimPrefix(target, "vlan"), "%d", &id)
		port, untagged := c.Iface("port").Name, c.Has("untagged")
		return c.Update(func(cfg *state.Config) error {
			if p, ok := cfg.Ports[port]; ok && p.LAG != 0 && add {
				return cli.Fail("%% Error: %s is a member of %s.", port, cfg.LAGs[p.LAG].Name)
			}
			if _, ok := cfg.Interface(port); !ok {
				return cli.Fail("%% Error: %s does not exist.", port)
			}
			return cfg.EditInterface(port, func(p *state.L2) error {
				u, tagged := sonicMembers(p)
				switch {
				case add && untagged:
					if u != 1 && u != id {
						return cli.Fail("%% Error: %s is untagged in Vlan %d.", port, u)
					}
					u = id
				case add:
					tagged.Add(id)
				case untagged:
					if u != id {
						return cli.Fail("%% Error: %s is not an untagged member of Vlan %d.", port, id)
					}
					u = 1
				default:
					if !tagged.Has(id) {
						return cli.Fail("%% Error: %s is not a tagged member of Vlan %d.", port, id)
					}
					tagged.Remove(id)
				}
				sonicSet(p, u, tagged)
				return nil
			})
		})
	}
}

func os9Shut(shut bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		_, target := c.Mode()
		return c.Update(func(cfg *state.Config) error {
			return cfg.EditInterface(target, func(l *state.L2) error {
				l.Shutdown = shut
				return nil
			})
		})
	}
}

func os9Description(c *cli.Call) error {
	_, target := c.Mode()
	return c.Update(func(cfg *state.Config) error {
		return cfg.EditInterface(target, func(l *state.L2) error {
			l.Description = c.Str("text")
			return nil
		})
	})
}

// os9NoSwitchport takes an interface out of layer-2 mode, which FTOS
// refuses while it is a VLAN member. Approximation: the mode itself is not
// kept (every port counts as a switchport).
func os9NoSwitchport(c *cli.Call) error {
	_, target := c.Mode()
	var err error
	c.View(func(cfg *state.Config) {
		if l, ok := cfg.Interface(target); ok && (l.Untagged() != 1 || !l.Tagged().IsEmpty()) {
			err = cli.Fail("%% Error: %s is a member of a VLAN: remove it from its VLANs first.", target)
		}
	})
	return err
}

// os9Joinable refuses a port that cannot become a member: one in another
// port-channel or in a VLAN.
func os9Joinable(cfg *state.Config, port string, n int) error {
	p, ok := cfg.Ports[port]
	switch {
	case !ok:
		return cli.Fail("%% Error: %s is not a physical port.", port)
	case p.LAG != 0 && p.LAG != n:
		return cli.Fail("%% Error: %s is already a member of %s.", port, cfg.LAGs[p.LAG].Name)
	case p.LAG == 0 && (p.Untagged() != 1 || !p.Tagged().IsEmpty()):
		return cli.Fail("%% Error: Port is in Layer-2 mode %s: remove it from its VLANs first.", port)
	}
	return nil
}

// os9ChannelMember adds or removes a static member of the port-channel
// whose mode the call is in.
func os9ChannelMember(add bool) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		_, target := c.Mode()
		port := c.Iface("port").Name
		return c.Update(func(cfg *state.Config) error {
			lag, ok := cfg.LAGByName(target)
			if !ok {
				return cli.Fail("%% Error: channel-member is valid on a Port-channel only.")
			}
			if !add {
				if p := cfg.Ports[port]; p.LAG != lag.Number || p.ChannelMode != state.ChannelOn {
					return cli.Fail("%% Error: %s is not a channel-member of %s.", port, target)
				}
				cfg.LeaveLAG(port)
				return nil
			}
			if err := os9Joinable(cfg, port, lag.Number); err != nil {
				return err
			}
			if p := cfg.Ports[port]; p.LAG == lag.Number && p.ChannelMode != state.ChannelOn {
				return cli.Fail("%% Error: %s is an LACP member of %s.", port, target)
			}
			return cfg.JoinLAG(port, lag.Number, state.ChannelOn)
		})
	}
}

// os9LACP enters the port's LACP mode.
func os9LACP(c *cli.Call) error {
	_, target := c.Mode()
	if !c.HasPort(target) {
		return cli.Fail("%% Error: port-channel-protocol is valid on a physical port only.")
	}
	c.Enter("config-if-lacp", target, c.Platform().ShortName(target))
	return nil
}

// os9NoLACP takes the port out of the port-channel it joined by LACP.
func os9NoLACP(c *cli.Call) error {
	_, target := c.Mode()
	return c.Update(func(cfg *state.Config) error {
		if p := cfg.Ports[target]; p.LAG != 0 && p.ChannelMode != state.ChannelOn {
			cfg.LeaveLAG(target)
		}
		return nil
	})
}

func os9LACPJoin(c *cli.Call) error {
	_, target := c.Mode()
	n := c.Int("n")
	m := state.ChannelActive
	if c.Has("passive") {
		m = state.ChannelPassive
	}
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.LAGs[n]; !ok {
			return cli.Fail("%% Error: Port-channel %d does not exist.", n)
		}
		if err := os9Joinable(cfg, target, n); err != nil {
			return err
		}
		if p := cfg.Ports[target]; p.LAG == n && p.ChannelMode == state.ChannelOn {
			return cli.Fail("%% Error: %s is a channel-member of Port-channel %d.", target, n)
		}
		return cfg.JoinLAG(target, n, m)
	})
}

// os9Running prints the ports (with their LACP membership), the
// port-channels (with their static members), then the VLAN interfaces
// with their members.
func os9Running(c *cli.Call) error {
	var b strings.Builder
	c.View(func(cfg *state.Config) {
		fmt.Fprintf(&b, "Current Configuration ...\n! Version 9.14(2.10)\n!\nhostname %s\n!\n", c.Host())
		shut := func(l state.L2) {
			if l.Shutdown {
				b.WriteString(" shutdown\n!\n")
			} else {
				b.WriteString(" no shutdown\n!\n")
			}
		}
		ports := cfg.PortNames(c.Platform().Compare)
		for _, name := range ports {
			p := cfg.Ports[name]
			fmt.Fprintf(&b, "interface %s\n no ip address\n", name)
			if p.LAG != 0 && p.ChannelMode != state.ChannelOn {
				fmt.Fprintf(&b, "!\n port-channel-protocol LACP\n  port-channel %d mode %s\n", p.LAG, p.ChannelMode)
			} else if p.LAG == 0 {
				b.WriteString(" switchport\n")
			}
			shut(p.L2)
		}
		var ifs []string // members of VLANs: ports, then port-channels
		ifs = append(ifs, ports...)
		for _, n := range cfg.LAGNumbers() {
			lag := cfg.LAGs[n]
			ifs = append(ifs, lag.Name)
			fmt.Fprintf(&b, "interface Port-channel %d\n", n)
			if lag.Description != "" {
				fmt.Fprintf(&b, " description %s\n", lag.Description)
			}
			b.WriteString(" no ip address\n switchport\n")
			for _, m := range lag.Members {
				if cfg.Ports[m].ChannelMode == state.ChannelOn {
					fmt.Fprintf(&b, " channel-member %s\n", m)
				}
			}
			shut(lag.L2)
		}
		spell := func(name string) string {
			if l, ok := cfg.LAGByName(name); ok {
				return fmt.Sprintf("Port-channel %d", l.Number)
			}
			return name
		}
		for _, id := range cfg.VLANIDs() {
			fmt.Fprintf(&b, "interface Vlan %d\n", id)
			if n := cfg.VLANs[id].Name; n != "" {
				fmt.Fprintf(&b, " description %s\n", n)
			}
			b.WriteString(" no ip address\n")
			for _, name := range ifs {
				l, _ := cfg.Interface(name)
				u, tagged := sonicMembers(&l)
				if tagged.Has(id) && u != id {
					fmt.Fprintf(&b, " tagged %s\n", spell(name))
				}
			}
			for _, name := range ifs {
				l, _ := cfg.Interface(name)
				if u, _ := sonicMembers(&l); u == id && id != 1 {
					fmt.Fprintf(&b, " untagged %s\n", spell(name))
				}
			}
			b.WriteString(" no shutdown\n!\n")
		}
		b.WriteString("end\n")
	})
	c.Printf("%s", b.String())
	return nil
}
