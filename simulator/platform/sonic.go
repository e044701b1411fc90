package platform

import (
	"encoding/json"
	"fmt"
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
// REMOVE_NETWORK_FROM_TRUNK "config vlan member del N P"; save "config save
// -y"; each with "sudo".
//
// Quirks modelled: a bash prompt "user@host:~$ "; every configuration
// command goes through sudo, which asks "[sudo] password for USER: " each
// time when the device has a sudo password (DeviceSpec.EnableSecret; none
// means NOPASSWD), and refuses after a wrong one; a port belongs to no VLAN
// until added, is untagged in at most one VLAN and tagged in any number; a
// VLAN must exist before members join and cannot be deleted while it has
// members; "show runningconfiguration all" prints the configuration
// database (VLAN, VLAN_MEMBER and PORT tables) as JSON.
//
// Error texts: "Error: ..." lines in the style of SONiC's click commands;
// the exact wording is an approximation. The lock text stands for a
// "config reload" in progress.
func sonicSpec() cli.Spec {
	const sh = "shell"
	cfg := func(syntax string, run func(*cli.Call) error) cli.Command {
		return cli.Command{Modes: []string{sh}, Syntax: "sudo " + syntax, Kind: cli.Config, Run: sudo(run)}
	}
	return cli.Spec{
		Name:        Sonic,
		SSHVersion:  "SSH-2.0-OpenSSH_8.4p1 Debian-5",
		Banner:      "Linux {host} 5.10.0-23-2-amd64 #1 SMP Debian (SONiC simulated by Mercury)\n",
		MaxSessions: 32,
		Modes: []cli.ModeDef{
			// The shell counts as a configuration mode, so the lock fault
			// refuses its configuration commands.
			{Name: sh, Prompt: "{user}@{host}:~$ ", Config: true},
		},
		PrivMode:        sh,
		ExecInConfig:    true,
		ExecErrorStatus: 1,
		Errors: cli.Errors{
			Invalid:    "-bash: syntax error: {line}",
			Incomplete: "Error: Missing argument.",
			Ambiguous:  "Error: Ambiguous command.",
			Locked:     "Error: Configuration is locked: config reload is in progress, try again later",
			SaveFailed: "Error: config save failed: could not write /etc/sonic/config_db.json",
		},
		IfTypes: []cli.IfType{
			{Name: "Ethernet", Short: "Ethernet", Kind: cli.IfPort, Number: `\d+`},
		},
		DefaultPorts:    sonicPorts(48),
		DefaultVLANName: "",
		DefaultL2:       state.L2{Mode: state.Access, AccessVLAN: 1, NativeVLAN: 1},
		Commands: []cli.Command{
			{Modes: []string{sh}, Syntax: "show runningconfiguration all", Kind: cli.Show, Run: sonicShow},
			{Modes: []string{sh}, Syntax: "show version", Kind: cli.Show, Run: func(c *cli.Call) error {
				c.Printf("SONiC Software Version: SONiC.202305 (simulated)\nHostname: %s\n", c.Host())
				return nil
			}},
			{Modes: []string{sh}, Syntax: "exit|logout", Kind: cli.Nav, Run: logout},
			cfg("config vlan add <vlan>", sonicVLANAdd),
			cfg("config vlan del <vlan>", sonicVLANDel),
			cfg("config vlan member add [-u] <vlan> <name:if>", sonicMemberAdd),
			cfg("config vlan member del <vlan> <name:if>", sonicMemberDel),
			cfg("config interface startup|shutdown <name:if>", sonicAdmin),
			{Modes: []string{sh}, Syntax: "sudo config save -y", Kind: cli.Save, Run: sudo(func(c *cli.Call) error {
				if err := c.Save(); err != nil {
					return err
				}
				c.Println("Running command: /usr/local/bin/sonic-cfggen -d --print-data > /etc/sonic/config_db.json")
				return nil
			})},
		},
	}
}

// sonicPorts are Ethernet0, Ethernet4, ...: SONiC numbers ports by lane.
func sonicPorts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Ethernet%d", 4*i)
	}
	return out
}

// sudo asks for the sudo password, when the device has one, before run.
func sudo(run func(*cli.Call) error) func(*cli.Call) error {
	return func(c *cli.Call) error {
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
		for _, name := range cfg.PortNames(nil) {
			if p := cfg.Ports[name]; p.Untagged() == id || p.Tagged().Has(id) {
				return cli.Fail("Error: Vlan%d can not be removed. First remove all members assigned to this Vlan.", id)
			}
		}
		delete(cfg.VLANs, id)
		return nil
	})
}

// sonicPort applies fn to the call's port, after checking the VLAN exists.
func sonicPort(c *cli.Call, fn func(p *state.Port, id int) error) error {
	id, name := c.Int("vlan"), c.Iface("name").Name
	return c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.VLANs[id]; !ok {
			return cli.Fail("Error: Vlan%d does not exist", id)
		}
		p := cfg.Ports[name]
		if err := fn(&p, id); err != nil {
			return err
		}
		cfg.Ports[name] = p
		return nil
	})
}

// A port's memberships map onto the model as: untagged only → access on
// it; any tagged → trunk with the untagged one as native (1 = none).
func sonicMemberAdd(c *cli.Call) error {
	untagged := c.Has("-u")
	return sonicPort(c, func(p *state.Port, id int) error {
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
	return sonicPort(c, func(p *state.Port, id int) error {
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
func sonicMembers(p *state.Port) (int, state.VLANSet) {
	if p.Mode == state.Trunk {
		return p.NativeVLAN, p.Tagged()
	}
	return p.AccessVLAN, state.VLANSet{}
}

func sonicSet(p *state.Port, untagged int, tagged state.VLANSet) {
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
		p := cfg.Ports[name]
		p.Shutdown = c.Has("shutdown")
		cfg.Ports[name] = p
		return nil
	})
}

// sonicShow prints the VLAN, VLAN_MEMBER and PORT tables as JSON.
func sonicShow(c *cli.Call) error {
	db := map[string]map[string]map[string]string{"VLAN": {}, "VLAN_MEMBER": {}, "PORT": {}}
	c.View(func(cfg *state.Config) {
		for _, id := range cfg.VLANIDs() {
			if id != 1 {
				db["VLAN"][fmt.Sprintf("Vlan%d", id)] = map[string]string{"vlanid": fmt.Sprint(id)}
			}
		}
		for _, name := range cfg.PortNames(nil) {
			p := cfg.Ports[name]
			admin := "up"
			if p.Shutdown {
				admin = "down"
			}
			db["PORT"][name] = map[string]string{"admin_status": admin, "alias": strings.Replace(name, "Ethernet", "etp", 1)}
			u, tagged := sonicMembers(&p)
			if u != 1 {
				db["VLAN_MEMBER"][fmt.Sprintf("Vlan%d|%s", u, name)] = map[string]string{"tagging_mode": "untagged"}
			}
			for _, id := range tagged.IDs() {
				if id != u {
					db["VLAN_MEMBER"][fmt.Sprintf("Vlan%d|%s", id, name)] = map[string]string{"tagging_mode": "tagged"}
				}
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
