package platform

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// SONiC (community 202x), driven through its Linux shell.
//
// Oracle: NGS netmiko_sonic (Appendix A). ADD_NETWORK "config vlan add N";
// DELETE_NETWORK "config vlan del N"; PLUG_PORT_TO_NETWORK "config vlan
// member add -u N P"; DELETE_PORT "config vlan member del N P";
// ADD_NETWORK_TO_TRUNK "config vlan member add N P";
// REMOVE_NETWORK_FROM_TRUNK "config vlan member del N P";
// PLUG/UNPLUG_SWITCH_TO/FROM_NETWORK "config vxlan map add|del VTEP N VNI";
// PLUG/UNPLUG_EVPN_VNI "vtysh -c ..." (frr.go); SHOW_VLAN_PORTS "show vlan
// N"; SHOW_VLAN_VNI "show vxlan vlanvnimap"; SAVE_CONFIGURATION "config
// save -y". NGS first runs netmiko's enable(), "sudo -s", answers the
// password prompt with its secret, and stays in root's shell, sending the
// commands bare; its queries run in the user's shell.
//
// Security groups (WRITE_ACL, LOAD_ACL, ADD_ACL_TABLE with the community
// TABLE_ADD/REMOVE_COMMAND "config acl add|remove table", and
// REMOVE_SECURITY_GROUP) are modelled in sonic_acl.go.
//
// Not applied (each listed, with the reason, in simulator/ngs_test.go's
// ngsNotApplied): netmiko_dell_enterprise_sonic's TABLE_ADD_COMMAND "config
// acl table add" and TABLE_REMOVE_COMMAND "config acl table delete" —
// Dell Enterprise SONiC's spelling; there is no such platform here, and
// community SONiC refuses them as near misses.
//
// Quirks modelled: a bash prompt "user@host:~$ "; "sudo -s" or "sudo su" opens root's
// shell "root@host:/home/user# " (after the password, when the device has
// one) and "exit" leaves it; a configuration command goes through sudo,
// which asks "[sudo] password for USER: " each time when the device has a
// sudo password (DeviceSpec.EnableSecret; none means NOPASSWD) and refuses
// after a wrong one, or is typed bare in root's shell; typed bare in the
// user's shell it is refused ("Root privileges are required"), and vtysh
// cannot reach FRR there; show commands work in both shells; a port belongs
// to no VLAN until added, is untagged in at most one VLAN and tagged in any
// number; a VLAN must exist before members join and cannot be deleted while
// it has members; "show vlan brief" and "show vxlan vlanvnimap" are tabulate
// grid tables; "show runningconfiguration all" prints the configuration
// database (VLAN, VLAN_MEMBER, PORT, PORTCHANNEL and PORTCHANNEL_MEMBER
// tables) as JSON.
//
// Port-channels ("config portchannel add [--static true] PortChannelN",
// "config portchannel member add|del PortChannelN PORT", "config
// portchannel del PortChannelN"): LACP unless created static; a port with
// VLAN memberships cannot join one, a member cannot join a VLAN, and a
// port-channel with members or VLAN memberships cannot be deleted; the
// port-channel itself joins VLANs like a port. "config interface
// description NAME TEXT" writes a port-channel's description (the shell's
// single and double quotes are removed). Approximations: the "static" field
// of the PORTCHANNEL table is "true" for a static one, and a description is
// its "description" field (our reading of the configuration database, not
// checked against a device); only unpadded names (PortChannel5, not
// PortChannel0005) are accepted.
//
// Error texts: "Error: ..." lines in the style of SONiC's click commands;
// the exact wording is an approximation, except the three NGS's
// ERROR_MSG_PATTERNS match, which are used where they fit: an unknown word
// is 'Error: No such command "WORD".', a VLAN id out of range "Error:
// Invalid Vlan Id , Valid Range : 1 to 4094", a port the switch does not
// have "Error: Interface name is invalid!!". The lock text stands for a
// "config reload" in progress.
func sonicSpec() cli.Spec {
	const sh, root = "shell", "root"
	both := []string{sh, root}
	var cmds []cli.Command
	// cfg adds a configuration command in its three forms: through sudo
	// (asking for the password in the user's shell), bare in root's shell,
	// and bare in the user's shell, where it needs root.
	cfg := func(syntax string, kind cli.Kind, run func(*cli.Call) error) {
		cmds = append(cmds,
			cli.Command{Modes: both, Syntax: "sudo " + syntax, Kind: kind, Run: sudo(run)},
			cli.Command{Modes: []string{root}, Syntax: syntax, Kind: kind, Run: run},
			cli.Command{Modes: []string{sh}, Syntax: syntax, Kind: kind, Run: needRoot})
	}
	show := func(syntax string, run func(*cli.Call) error) {
		cmds = append(cmds, cli.Command{Modes: both, Syntax: syntax, Kind: cli.Show, Run: run})
	}
	show("show runningconfiguration all", sonicShow)
	show("show version", func(c *cli.Call) error {
		c.Printf("SONiC Software Version: SONiC.202305 (simulated)\nHostname: %s\n", c.Host())
		return nil
	})
	show("show vlan brief", sonicVLANBrief)
	show("show vlan <id:vlan>", sonicVLANBrief)
	show("show vxlan vlanvnimap", sonicVNIMap)
	cmds = append(cmds,
		cli.Command{Modes: []string{sh}, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
		cli.Command{Modes: []string{root}, Syntax: "exit", Kind: cli.Nav, Run: exitCmd},
		cli.Command{Modes: []string{root}, Syntax: "logout", Kind: cli.Nav, Run: func(*cli.Call) error {
			return cli.Fail("bash: logout: not login shell: use `exit'")
		}},
		// netmiko's linux enable(): "sudo -s" (netmiko 4), "sudo su"
		// (netmiko 2, Debian's python3-netmiko).
		cli.Command{Modes: both, Syntax: "sudo -s|su", Kind: cli.Nav, Run: sudo(func(c *cli.Call) error {
			c.Enter(root, "", "")
			return nil
		})})
	cfg("config vlan add <vlan>", cli.Config, sonicVLANAdd)
	cfg("config vlan del <vlan>", cli.Config, sonicVLANDel)
	cfg("config vlan member add [-u] <vlan> <name:if>", cli.Config, sonicMemberAdd)
	cfg("config vlan member del <vlan> <name:if>", cli.Config, sonicMemberDel)
	cfg("config interface startup|shutdown <name:if>", cli.Config, sonicAdmin)
	cfg("config interface description <name:if> <text:line>", cli.Config, sonicDescription)
	cfg("config portchannel add [--static true|false] <name:if>", cli.Config, sonicLAGAdd)
	cfg("config portchannel del <name:if>", cli.Config, sonicLAGDel)
	cfg("config portchannel member add|del <name:if> <port:if>", cli.Config, sonicLAGMember)
	cfg("config vxlan map add|del <vtep:word> <vlan> <vni:word>", cli.Config, sonicVxlanMap)
	// Security groups (sonic_acl.go).
	cfg("config acl add table <table:word> <type:word> -p <ports:word> -s ingress|egress", cli.Config, sonicACLTableAdd)
	cfg("config acl remove table <table:word>", cli.Config, sonicACLTableDel)
	cfg("acl-loader update full --table_name <table:word> <file:word>", cli.Config, sonicACLLoad)
	cfg("acl-loader delete [<table:word>]", cli.Config, sonicACLDelete)
	cfg("rm -f <path:word>", cli.Config, sonicRm)
	cmds[len(cmds)-1].Run = func(c *cli.Call) error {
		return cli.Fail("rm: cannot remove '%s': Permission denied", c.Str("path"))
	}
	// The user's shell does the redirection, so even "sudo echo" cannot
	// write to /etc/sonic.
	cmds = append(cmds,
		cli.Command{Modes: []string{root}, Syntax: "[sudo] echo <rest:line>", Kind: cli.Config, Run: sonicEcho},
		cli.Command{Modes: []string{sh}, Syntax: "[sudo] echo <rest:line>", Kind: cli.Config, Run: func(c *cli.Call) error {
			w := shellWords(c.Str("rest"))
			if len(w) < 2 || w[len(w)-2] != ">" {
				return cli.Fail("-bash: only \"echo -n DATA | base64 -d | gunzip > FILE\" is simulated")
			}
			return cli.Fail("-bash: %s: Permission denied", w[len(w)-1])
		}})
	cfg("vtysh <script:line>", cli.Config, func(c *cli.Call) error { return vtysh(c, false) })
	// Only root reaches FRR's daemons (the user is not in group frrvty).
	cmds[len(cmds)-1].Run = func(*cli.Call) error {
		return cli.Fail("%% Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'.\nExiting: failed to connect to any daemons.")
	}
	cfg("config save -y", cli.Save, func(c *cli.Call) error {
		if err := c.Save(); err != nil {
			return err
		}
		c.Println("Running command: /usr/local/bin/sonic-cfggen -d --print-data > /etc/sonic/config_db.json")
		return nil
	})
	return cli.Spec{
		Name:        Sonic,
		SSHVersion:  "SSH-2.0-OpenSSH_8.4p1 Debian-5",
		Banner:      "Linux {host} 5.10.0-23-2-amd64 #1 SMP Debian (SONiC simulated by Mercury)\n",
		MaxSessions: 32,
		Modes: []cli.ModeDef{
			// The shells count as configuration modes, so the lock fault
			// refuses their configuration commands. Root's shell has no
			// parent: a line it does not know is not retried in the
			// user's (exit leaves it).
			{Name: sh, Prompt: "{user}@{host}:~$ ", Config: true},
			{Name: root, Prompt: "root@{host}:/home/{user}# ", Config: true},
		},
		PrivMode:        sh,
		ExecInConfig:    true,
		ExecErrorStatus: 1,
		Errors: cli.Errors{
			// Click's words, which NGS's ERROR_MSG_PATTERNS match ("No
			// such command", "Invalid Vlan Id , Valid Range : 1 to 4094",
			// "Interface name is invalid!!").
			Invalid:     "Error: No such command \"{token}\".",
			Range:       "Error: Invalid Vlan Id , Valid Range : 1 to 4094",
			NoInterface: "Error: Interface name is invalid!!",
			Incomplete:  "Error: Missing argument.",
			Ambiguous:   "Error: Ambiguous command.",
			Locked:      "Error: Configuration is locked: config reload is in progress, try again later",
			SaveFailed:  "Error: config save failed: could not write /etc/sonic/config_db.json",
		},
		IfTypes: []cli.IfType{
			{Name: "Ethernet", Short: "Ethernet", Kind: cli.IfPort, Number: `\d+`},
			{Name: "PortChannel", Short: "PortChannel", Kind: cli.IfLAG, Number: `\d{1,4}`, Min: 0, Max: 9999},
		},
		DefaultPorts:    sonicPorts(48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands:        cmds,
	}
}

// needRoot refuses a configuration command typed without sudo in the
// user's shell, as SONiC's config command does.
func needRoot(*cli.Call) error {
	return cli.Fail("Error: Root privileges are required for this operation")
}

// sonicPorts are Ethernet0, Ethernet4, ...: SONiC numbers ports by lane.
func sonicPorts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Ethernet%d", 4*i)
	}
	return out
}

// sudo asks for the sudo password, when the device has one, before run;
// root (in the shell "sudo -s" opened) is not asked.
func sudo(run func(*cli.Call) error) func(*cli.Call) error {
	return func(c *cli.Call) error {
		if mode, _ := c.Mode(); mode == "root" {
			return run(c)
		}
		if want := c.EnableSecret(); want != "" {
			got, err := c.ReadSecret("[sudo] password for " + c.User() + ": ")
			if err != nil {
				return err
			}
			if got != want {
				return cli.Fail("Sorry, try again.\nsudo: 1 incorrect password attempt")
			}
		}
		return run(c)
	}
}

func sonicVLANAdd(c *cli.Call) error {
	id := c.Int("vlan")
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.VLANs[id]; ok {
			return cli.Fail("Error: Vlan%d already exists", id)
		}
		cfg.SetVLAN(id, fmt.Sprintf("Vlan%d", id))
		return nil
	})
}

func sonicVLANDel(c *cli.Call) error {
	id := c.Int("vlan")
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.VLANs[id]; !ok {
			return cli.Fail("Error: Vlan%d does not exist", id)
		}
		if vlanInUse(cfg, id) {
			return cli.Fail("Error: Vlan%d can not be removed. First remove all members assigned to this Vlan.", id)
		}
		if vni := cfg.VNIs[id]; vni != 0 {
			return cli.Fail("Error: Vlan%d is mapped to VNI %d: remove the VXLAN map first", id, vni)
		}
		delete(cfg.VLANs, id)
		return nil
	})
}

// vlanInUse reports whether a port or port-channel is a member of VLAN id
// (VLAN 1 means none here).
func vlanInUse(cfg *state.Config, id int) bool {
	for _, p := range cfg.Ports {
		if p.Untagged() == id || p.Tagged().Has(id) {
			return true
		}
	}
	for _, l := range cfg.LAGs {
		if l.Untagged() == id || l.Tagged().Has(id) {
			return true
		}
	}
	return false
}

// sonicPort applies fn to the call's port or port-channel, after checking
// the VLAN exists and the port is in no port-channel.
func sonicPort(c *cli.Call, fn func(l *state.L2, id int) error) error {
	id, name := c.Int("vlan"), c.Iface("name").Name
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.VLANs[id]; !ok {
			return cli.Fail("Error: Vlan%d does not exist", id)
		}
		if p, ok := cfg.Ports[name]; ok && p.LAG != 0 {
			return cli.Fail("Error: %s is part of portchannel %s", name, cfg.LAGs[p.LAG].Name)
		}
		if _, ok := cfg.Interface(name); !ok {
			return cli.Fail("Error: %s does not exist", name)
		}
		return cfg.EditInterface(name, func(l *state.L2) error { return fn(l, id) })
	})
}

// A port's memberships map onto the model as: untagged only → access on
// it; any tagged → trunk with the untagged one as native (1 = none).
func sonicMemberAdd(c *cli.Call) error {
	untagged := c.Has("-u")
	return sonicPort(c, func(p *state.L2, id int) error {
		u, tagged := sonicMembers(p)
		if tagged.Has(id) || u == id {
			return cli.Fail("Error: %s is already a member of Vlan%d", c.Iface("name").Name, id)
		}
		if untagged {
			if u != 1 {
				return cli.Fail("Error: %s is already an untagged member of Vlan%d", c.Iface("name").Name, u)
			}
			u = id
		} else {
			tagged.Add(id)
		}
		sonicSet(p, u, tagged)
		return nil
	})
}

func sonicMemberDel(c *cli.Call) error {
	return sonicPort(c, func(p *state.L2, id int) error {
		u, tagged := sonicMembers(p)
		switch {
		case u == id:
			u = 1
		case tagged.Has(id):
			tagged.Remove(id)
		default:
			return cli.Fail("Error: %s is not a member of Vlan%d", c.Iface("name").Name, id)
		}
		sonicSet(p, u, tagged)
		return nil
	})
}

// sonicMembers returns a port's untagged VLAN (1 for none) and tagged set.
func sonicMembers(p *state.L2) (int, state.VLANSet) {
	if p.Mode == state.Trunk {
		return p.NativeVLAN, p.Tagged()
	}
	return p.AccessVLAN, state.VLANSet{}
}

func sonicSet(p *state.L2, untagged int, tagged state.VLANSet) {
	if tagged.IsEmpty() {
		p.Mode, p.AccessVLAN, p.NativeVLAN, p.Allowed = state.Access, untagged, 1, state.VLANSet{}
		return
	}
	p.Mode, p.AccessVLAN, p.NativeVLAN, p.Allowed = state.Trunk, 1, untagged, tagged
	if untagged != 1 {
		p.Allowed.Add(untagged)
	}
}

func sonicAdmin(c *cli.Call) error {
	name := c.Iface("name").Name
	return c.Update(func(cfg *state.Config) error {
		if err := cfg.EditInterface(name, func(l *state.L2) error {
			l.Shutdown = c.Has("shutdown")
			return nil
		}); err != nil {
			return cli.Fail("Error: %s does not exist", name)
		}
		return nil
	})
}

func sonicDescription(c *cli.Call) error {
	name, text := c.Iface("name").Name, shellWord(c.Str("text"))
	return c.Update(func(cfg *state.Config) error {
		if err := cfg.EditInterface(name, func(l *state.L2) error {
			l.Description = text
			return nil
		}); err != nil {
			return cli.Fail("Error: %s does not exist", name)
		}
		return nil
	})
}

// shellWord removes a shell's quoting from s: single quotes keep
// everything, double quotes and bare text honour backslashes.
func shellWord(s string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'' && ch == '\'':
			quote = 0
		case quote == '\'':
			b.WriteByte(ch)
		case ch == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case ch == '"':
			quote ^= '"'
		case ch == '\'' && quote == 0:
			quote = '\''
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

func sonicLAGAdd(c *cli.Call) error {
	ifc := c.Iface("name")
	if ifc.Type.Kind != cli.IfLAG {
		return cli.Fail("Error: %s is not a valid portchannel name: use PortChannel followed by a number", ifc.Name)
	}
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.LAGs[ifc.Number]; ok {
			return cli.Fail("Error: %s already exists!", ifc.Name)
		}
		lag := cfg.EnsureLAG(ifc.Number, ifc.Name, def)
		lag.Mode = state.LACP
		if c.Has("true") {
			lag.Mode = state.Static
		}
		cfg.LAGs[ifc.Number] = lag
		return nil
	})
}

func sonicLAGDel(c *cli.Call) error {
	ifc := c.Iface("name")
	return c.Update(func(cfg *state.Config) error {
		lag, ok := cfg.LAGs[ifc.Number]
		switch {
		case ifc.Type.Kind != cli.IfLAG || !ok:
			return cli.Fail("Error: %s is not present.", ifc.Name)
		case len(lag.Members) > 0:
			return cli.Fail("Error: %s has members %s: remove them before deleting it", ifc.Name, strings.Join(lag.Members, ", "))
		case lag.Untagged() != 1 || !lag.Tagged().IsEmpty():
			return cli.Fail("Error: %s is a VLAN member: remove it from its VLANs before deleting it", ifc.Name)
		}
		cfg.DeleteLAG(ifc.Number)
		return nil
	})
}

func sonicLAGMember(c *cli.Call) error {
	ifc, port := c.Iface("name"), c.Iface("port").Name
	add := c.Has("add")
	return c.Update(func(cfg *state.Config) error {
		lag, ok := cfg.LAGs[ifc.Number]
		if ifc.Type.Kind != cli.IfLAG || !ok {
			return cli.Fail("Error: %s is not present.", ifc.Name)
		}
		p, ok := cfg.Ports[port]
		switch {
		case !ok:
			return cli.Fail("Error: %s is not a port", port)
		case !add && p.LAG != ifc.Number:
			return cli.Fail("Error: %s is not a member of portchannel %s", port, ifc.Name)
		case !add:
			cfg.LeaveLAG(port)
			return nil
		case p.LAG == ifc.Number:
			return cli.Fail("Error: %s is already a member of %s", port, ifc.Name)
		case p.LAG != 0:
			return cli.Fail("Error: %s is already a member of %s", port, cfg.LAGs[p.LAG].Name)
		case p.Untagged() != 1 || !p.Tagged().IsEmpty():
			return cli.Fail("Error: %s has VLAN memberships: remove them before adding it to a portchannel", port)
		}
		m := state.ChannelActive
		if lag.Mode == state.Static {
			m = state.ChannelOn
		}
		return cfg.JoinLAG(port, ifc.Number, m)
	})
}

// sonicVTEP is the VXLAN tunnel every simulated SONiC switch has, as an
// operator would have made it with "config vxlan add vtep 10.255.0.1":
// Mercury maps VLANs to VNIs on it and never creates or removes it.
const sonicVTEP = "vtep"

// sonicVxlanMap handles "config vxlan map add|del VTEP VLAN VNI": the
// tunnel must exist, the VLAN too (for add), and a VNI maps one VLAN.
func sonicVxlanMap(c *cli.Call) error {
	if vtep := c.Str("vtep"); vtep != sonicVTEP {
		return cli.Fail("Error: VTEP %s not configured", vtep)
	}
	vlan := c.Int("vlan")
	vni, err := strconv.Atoi(c.Str("vni"))
	if err != nil || vni < 1 || vni > 16777214 || c.Str("vni")[0] == '+' {
		return cli.Fail("Error: Invalid VNI %s. Valid range [1 to 16777214].", c.Str("vni"))
	}
	return c.Update(func(cfg *state.Config) error {
		if c.Has("del") {
			if cfg.VNIs[vlan] != vni {
				return cli.Fail("Error: map_%d_Vlan%d does not exist", vni, vlan)
			}
			delete(cfg.VNIs, vlan)
			return nil
		}
		if _, ok := cfg.VLANs[vlan]; !ok {
			return cli.Fail("Error: Vlan%d not configured", vlan)
		}
		for v, n := range cfg.VNIs {
			if n == vni && v != vlan || v == vlan && n != vni {
				return cli.Fail("Error: VLAN %d or VNI %d is already mapped", vlan, vni)
			}
		}
		cfg.VNIs[vlan] = vni
		return nil
	})
}

// sonicShow prints the VLAN, VLAN_MEMBER, PORT, PORTCHANNEL,
// PORTCHANNEL_MEMBER, VXLAN_TUNNEL and VXLAN_TUNNEL_MAP tables as JSON.
func sonicShow(c *cli.Call) error {
	db := map[string]map[string]map[string]any{"VLAN": {}, "VLAN_MEMBER": {}, "PORT": {}, "PORTCHANNEL": {}, "PORTCHANNEL_MEMBER": {},
		"VXLAN_TUNNEL": {sonicVTEP: {"src_ip": "10.255.0.1"}}, "VXLAN_TUNNEL_MAP": {}}
	members := func(name string, l state.L2) {
		u, tagged := sonicMembers(&l)
		if u != 1 {
			db["VLAN_MEMBER"][fmt.Sprintf("Vlan%d|%s", u, name)] = map[string]any{"tagging_mode": "untagged"}
		}
		for _, id := range tagged.IDs() {
			if id != u {
				db["VLAN_MEMBER"][fmt.Sprintf("Vlan%d|%s", id, name)] = map[string]any{"tagging_mode": "tagged"}
			}
		}
	}
	admin := func(l state.L2) string {
		if l.Shutdown {
			return "down"
		}
		return "up"
	}
	c.View(func(cfg *state.Config) {
		for _, id := range cfg.VLANIDs() {
			if id != 1 {
				db["VLAN"][fmt.Sprintf("Vlan%d", id)] = map[string]any{"vlanid": fmt.Sprint(id)}
			}
		}
		for _, name := range cfg.PortNames(nil) {
			p := cfg.Ports[name]
			db["PORT"][name] = map[string]any{"admin_status": admin(p.L2), "alias": strings.Replace(name, "Ethernet", "etp", 1)}
			members(name, p.L2)
		}
		for _, n := range cfg.LAGNumbers() {
			lag := cfg.LAGs[n]
			e := map[string]any{"admin_status": admin(lag.L2), "mtu": "9100", "min_links": "1"}
			if lag.Description != "" {
				e["description"] = lag.Description
			}
			if lag.Mode == state.Static {
				e["static"] = "true"
			}
			db["PORTCHANNEL"][lag.Name] = e
			for _, m := range lag.Members {
				db["PORTCHANNEL_MEMBER"][lag.Name+"|"+m] = map[string]any{}
			}
			members(lag.Name, lag.L2)
		}
		for v, n := range cfg.VNIs {
			db["VXLAN_TUNNEL_MAP"][fmt.Sprintf("%s|map_%d_Vlan%d", sonicVTEP, n, v)] = map[string]any{"vlan": fmt.Sprintf("Vlan%d", v), "vni": fmt.Sprint(n)}
		}
		if len(cfg.SonicACL.Tables) > 0 {
			db["ACL_TABLE"] = map[string]map[string]any{}
		}
		for name, t := range cfg.SonicACL.Tables {
			db["ACL_TABLE"][name] = map[string]any{"policy_desc": name, "ports": t.Ports, "stage": t.Stage, "type": t.Type}
		}
		if len(cfg.SonicACL.Rules) > 0 {
			db["ACL_RULE"] = map[string]map[string]any{}
		}
		for table, rules := range cfg.SonicACL.Rules {
			for _, r := range rules {
				row := map[string]any{}
				for k, v := range r.Fields {
					row[k] = v
				}
				db["ACL_RULE"][table+"|"+r.Name] = row
			}
		}
	})
	b, err := json.MarshalIndent(db, "", "    ")
	if err != nil {
		return err
	}
	c.Printf("%s\n", b)
	return nil
}

// sonicVLANBrief renders "show vlan brief", or with parameter id "show vlan
// N" (NGS's SHOW_VLAN_PORTS), the same table for that VLAN alone (no row
// when it does not exist). Community SONiC has only "show vlan
// brief|config"; answering "show vlan N" with that table's row is our
// choice, one of the formats NGS's parser reads.
func sonicVLANBrief(c *cli.Call) error {
	var groups [][][]string
	c.View(func(cfg *state.Config) {
		members := vlanMembers(cfg, c.Platform(), true)
		for _, id := range cfg.VLANIDs() {
			if id == 1 || c.Given("id") && id != c.Int("id") {
				continue
			}
			g := [][]string{{fmt.Sprint(id), "", "", "", "disabled", ""}}
			for i, m := range members[id] {
				if i > 0 {
					g = append(g, []string{"", "", "", "", "", ""})
				}
				g[i][2], g[i][3] = m.name, "untagged"
				if m.tagged {
					g[i][3] = "tagged"
				}
			}
			groups = append(groups, g)
		}
	})
	c.Printf("%s", gridTable([]string{"VLAN ID", "IP Address", "Ports", "Port Tagging", "Proxy ARP", "DHCP Helper Address"},
		[]bool{true, false, false, false, false, false}, groups))
	return nil
}

// sonicVNIMap renders "show vxlan vlanvnimap" (NGS's SHOW_VLAN_VNI).
func sonicVNIMap(c *cli.Call) error {
	var groups [][][]string
	c.View(func(cfg *state.Config) {
		for _, v := range sortedVNIs(cfg) {
			groups = append(groups, [][]string{{fmt.Sprintf("Vlan%d", v), fmt.Sprint(cfg.VNIs[v])}})
		}
	})
	c.Printf("%sTotal count : %d\n\n", gridTable([]string{"VLAN", "VNI"}, []bool{false, true}, groups), len(groups))
	return nil
}

// gridTable renders a table as SONiC's show commands do (Python
// tabulate's "grid" format): a rule of "-" above the header and after each
// row, "=" under the header, cells padded by one blank and right-aligned
// where right says. A row (a group) may span several lines.
func gridTable(header []string, right []bool, groups [][][]string) string {
	w := make([]int, len(header))
	for i, h := range header {
		w[i] = len(h)
		for _, g := range groups {
			for _, l := range g {
				w[i] = max(w[i], len(l[i]))
			}
		}
	}
	rule := func(ch string) string {
		var b strings.Builder
		for _, n := range w {
			b.WriteString("+" + strings.Repeat(ch, n+2))
		}
		return b.String() + "+\n"
	}
	line := func(cells []string) string {
		var b strings.Builder
		for i, cell := range cells {
			if right[i] {
				fmt.Fprintf(&b, "| %*s ", w[i], cell)
			} else {
				fmt.Fprintf(&b, "| %-*s ", w[i], cell)
			}
		}
		return b.String() + "|\n"
	}
	var b strings.Builder
	b.WriteString(rule("-") + line(header) + rule("="))
	for _, g := range groups {
		for _, l := range g {
			b.WriteString(line(l))
		}
		b.WriteString(rule("-"))
	}
	return b.String()
}
