package platform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// dialect holds what differs between the IOS-like CLIs in the commands they
// share; its methods are the shared handlers the platform tables name.
type dialect struct {
	ifMode     string // mode of an Ethernet or port-channel interface
	vlanMode   string // mode of "vlan N" ("" where VLANs are interfaces)
	vlanIfMode string // mode of "interface vlan N" (OS10)
	otherModes map[string]string

	vlanName func(id int) string               // a new VLAN's default name
	label    func(ifc cli.Iface) string        // an interface's prompt label
	nameMax  int                               // longest VLAN name
	nameLong string                            // error for a longer one (%d = nameMax)
	lagName  func(n int) string                // port-channel interface name
	lagNew   string                            // printed when channel-group creates a LAG (%d)
	vniOnVLN bool                              // the VNI mapping lives under the VLAN (NX-OS vn-segment)
	enable   enabler                           // how "enable" asks for the secret
	save     func(c *cli.Call) (string, error) // the save dialogue and its output

	// accessCreates is printed when "switchport access vlan N" creates the
	// missing VLAN N (IOS); "" leaves a missing VLAN missing.
	accessCreates string
	// vlanMissing refuses a VLAN that does not exist (OS10), %s the list.
	vlanMissing string
	// accessIsNative: the access VLAN is also a trunk's untagged VLAN (OS10).
	accessIsNative bool
	// allowedAdds: "switchport trunk allowed vlan L" adds L (OS10) instead
	// of replacing the list.
	allowedAdds bool
	// notTrunk refuses allowed-VLAN changes on a non-trunk port (OS10).
	notTrunk string
	// noDefaultVLAN refuses deleting VLAN 1.
	noDefaultVLAN string
	// notPort refuses channel-group on a port-channel.
	notPort string
	// vniTaken refuses mapping a VLAN already mapped to another VNI, or a
	// VNI another VLAN has (%d %d: that VLAN and its VNI).
	vniTaken string
	// gone refuses a change to an interface deleted meanwhile (%s).
	gone string
	// Texts used as format strings (nameLong, accessCreates, vlanMissing,
	// vniTaken, gone, lagNew) spell a literal percent sign "%%".
}

// enabler is the "enable" dialogue.
type enabler struct {
	priv   string // the privileged mode
	prompt string // password prompt
	tries  int    // attempts before giving up
	fail   string // printed when every attempt failed
}

func (e enabler) run(c *cli.Call) error {
	secret := c.EnableSecret()
	if secret == "" {
		c.SetExec(e.priv)
		return nil
	}
	for range max(e.tries, 1) {
		pw, err := c.ReadSecret(e.prompt)
		if err != nil {
			return err
		}
		if pw == secret {
			c.SetExec(e.priv)
			return nil
		}
	}
	return cli.Fail("%s", e.fail)
}

// Mode and session commands.

func (d *dialect) enableCmd(c *cli.Call) error { return d.enable.run(c) }

func disable(user string) func(c *cli.Call) error {
	return func(c *cli.Call) error { c.SetExec(user); return nil }
}

func exitCmd(c *cli.Call) error { c.Exit(); return nil }
func endCmd(c *cli.Call) error  { c.End(); return nil }
func logout(c *cli.Call) error  { c.Logout(); return nil }

// configure enters configuration mode, printing banner.
func configure(banner string) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		if banner != "" {
			c.Println(banner)
		}
		c.Enter("config", "", "")
		return nil
	}
}

// terminalLength sets paging; onZero is printed when paging turns off.
func terminalLength(onZero string) func(c *cli.Call) error {
	return func(c *cli.Call) error {
		n := c.Int("n")
		c.SetLength(n)
		if n == 0 && onZero != "" {
			c.Println(onZero)
		}
		return nil
	}
}

func accept(*cli.Call) error { return nil }

func (d *dialect) saveCmd(c *cli.Call) error {
	out, err := d.save(c)
	if err != nil {
		return err
	}
	if out != "" {
		c.Printf("%s", out)
	}
	return nil
}

// VLAN database.

func (d *dialect) vlan(c *cli.Call) error {
	ids := c.VLANs("id")
	if err := c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			if _, ok := cfg.VLANs[id]; !ok {
				cfg.SetVLAN(id, d.vlanName(id))
			}
		}
		return nil
	}); err != nil {
		return err
	}
	c.Enter(d.vlanMode, ids.Ranges(","), ids.Ranges(","))
	return nil
}

func (d *dialect) noVLAN(c *cli.Call) error {
	ids := c.VLANs("id")
	if ids.Has(1) && d.noDefaultVLAN != "" {
		return cli.Fail("%s", d.noDefaultVLAN)
	}
	return c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			cfg.DeleteVLAN(id, d.vniOnVLN)
		}
		return nil
	})
}

// modeVLANs returns the VLANs the current VLAN mode configures.
func modeVLANs(c *cli.Call) state.VLANSet {
	_, target := c.Mode()
	set, _ := state.ParseVLANList(target)
	return set
}

func (d *dialect) vlanNameCmd(c *cli.Call) error {
	name := c.Str("name")
	if d.nameMax > 0 && len(name) > d.nameMax {
		return cli.Fail(d.nameLong, d.nameMax)
	}
	ids := modeVLANs(c)
	return c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			cfg.SetVLAN(id, name)
		}
		return nil
	})
}

func (d *dialect) noVLANName(c *cli.Call) error {
	ids := modeVLANs(c)
	return c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			cfg.SetVLAN(id, d.vlanName(id))
		}
		return nil
	})
}

// vnSegment maps the mode's VLANs to a VNI (NX-OS "vn-segment").
func (d *dialect) vnSegment(c *cli.Call) error {
	vni := c.Int("vni")
	ids := modeVLANs(c)
	return c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			for other, v := range cfg.VNIs {
				if v == vni && other != id && d.vniTaken != "" {
					return cli.Fail(d.vniTaken, other, v)
				}
			}
			cfg.VNIs[id] = vni
		}
		return nil
	})
}

func (d *dialect) noVNSegment(c *cli.Call) error {
	ids := modeVLANs(c)
	return c.Update(func(cfg *state.Config) error {
		for _, id := range ids.IDs() {
			delete(cfg.VNIs, id)
		}
		return nil
	})
}

// vxlanVLAN maps a VLAN to a VNI on the VXLAN interface (EOS).
func (d *dialect) vxlanVLAN(c *cli.Call) error {
	vlan, vni := c.Int("vlan"), c.Int("vni")
	return c.Update(func(cfg *state.Config) error {
		if old, ok := cfg.VNIs[vlan]; ok && old != vni {
			return cli.Fail(d.vniTaken, vlan, old)
		}
		for other, v := range cfg.VNIs {
			if v == vni && other != vlan {
				return cli.Fail(d.vniTaken, other, v)
			}
		}
		cfg.VNIs[vlan] = vni
		return nil
	})
}

func (d *dialect) noVxlanVLAN(c *cli.Call) error {
	vlan := c.Int("vlan")
	return c.Update(func(cfg *state.Config) error {
		if c.Given("vni") && cfg.VNIs[vlan] != c.Int("vni") {
			return nil
		}
		delete(cfg.VNIs, vlan)
		return nil
	})
}

// Interfaces.

func (d *dialect) iface(c *cli.Call) error {
	ifc := c.Iface("name")
	def := c.Platform().Spec().DefaultL2
	switch ifc.Type.Kind {
	case cli.IfLAG:
		if err := c.Update(func(cfg *state.Config) error {
			cfg.EnsureLAG(ifc.Number, ifc.Name, def)
			return nil
		}); err != nil {
			return err
		}
	case cli.IfVLAN:
		if d.vlanIfMode == "" {
			return c.ArgError("name", cli.FailInvalid)
		}
		if err := c.Update(func(cfg *state.Config) error {
			if _, ok := cfg.VLANs[ifc.Number]; !ok {
				cfg.SetVLAN(ifc.Number, d.vlanName(ifc.Number))
			}
			return nil
		}); err != nil {
			return err
		}
		c.Enter(d.vlanIfMode, strconv.Itoa(ifc.Number), d.label(ifc))
		return nil
	case cli.IfOther:
		mode := d.otherModes[ifc.Type.Name]
		if mode == "" {
			return c.ArgError("name", cli.FailInvalid)
		}
		c.Enter(mode, ifc.Name, d.label(ifc))
		return nil
	}
	c.Enter(d.ifMode, ifc.Name, d.label(ifc))
	return nil
}

func (d *dialect) noIface(c *cli.Call) error {
	ifc := c.Iface("name")
	def := c.Platform().Spec().DefaultL2
	return c.Update(func(cfg *state.Config) error {
		switch ifc.Type.Kind {
		case cli.IfLAG:
			cfg.DeleteLAG(ifc.Number)
		case cli.IfVLAN:
			if ifc.Number == 1 && d.noDefaultVLAN != "" {
				return cli.Fail("%s", d.noDefaultVLAN)
			}
			cfg.DeleteVLAN(ifc.Number, d.vniOnVLN)
		case cli.IfPort:
			// A physical port cannot go away: its configuration returns
			// to the factory default.
			cfg.LeaveLAG(ifc.Name)
			p := cfg.Ports[ifc.Name]
			p.L2 = def
			cfg.Ports[ifc.Name] = p
		}
		return nil
	})
}

// edit applies fn to the interface the current mode configures.
func (d *dialect) edit(c *cli.Call, fn func(l *state.L2) error) error {
	_, target := c.Mode()
	err := c.Update(func(cfg *state.Config) error { return cfg.EditInterface(target, fn) })
	if fault.Is(err, fault.NotFound) {
		return cli.Fail(d.gone, target)
	}
	return err
}

func (d *dialect) description(c *cli.Call) error {
	text := c.Str("text")
	return d.edit(c, func(l *state.L2) error { l.Description = text; return nil })
}

func (d *dialect) noDescription(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error { l.Description = ""; return nil })
}

func (d *dialect) shutdown(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error { l.Shutdown = true; return nil })
}

func (d *dialect) noShutdown(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error { l.Shutdown = false; return nil })
}

func (d *dialect) mode(c *cli.Call) error {
	m := state.Access
	if c.Has("trunk") {
		m = state.Trunk
	}
	return d.edit(c, func(l *state.L2) error { l.Mode = m; return nil })
}

func (d *dialect) noMode(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error { l.Mode = state.Access; return nil })
}

// needVLANs refuses VLANs missing from cfg when the dialect requires them.
func (d *dialect) needVLANs(cfg *state.Config, ids state.VLANSet) error {
	if d.vlanMissing == "" {
		return nil
	}
	var missing state.VLANSet
	for _, id := range ids.IDs() {
		if _, ok := cfg.VLANs[id]; !ok {
			missing.Add(id)
		}
	}
	if !missing.IsEmpty() {
		return cli.Fail(d.vlanMissing, missing.Ranges(","))
	}
	return nil
}

func (d *dialect) accessVLAN(c *cli.Call) error {
	v := c.Int("vlan")
	_, target := c.Mode()
	created := false
	err := c.Update(func(cfg *state.Config) error {
		if err := d.needVLANs(cfg, state.NewVLANSet(v)); err != nil {
			return err
		}
		if _, ok := cfg.VLANs[v]; !ok && d.accessCreates != "" {
			cfg.SetVLAN(v, d.vlanName(v))
			created = true
		}
		return cfg.EditInterface(target, func(l *state.L2) error {
			l.AccessVLAN = v
			if d.accessIsNative {
				l.NativeVLAN = v
			}
			return nil
		})
	})
	if fault.Is(err, fault.NotFound) {
		return cli.Fail(d.gone, target)
	}
	if err == nil && created {
		c.Printf(d.accessCreates+"\n", v)
	}
	return err
}

func (d *dialect) noAccessVLAN(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error {
		l.AccessVLAN = 1
		if d.accessIsNative {
			l.NativeVLAN = 1
		}
		return nil
	})
}

func (d *dialect) nativeVLAN(c *cli.Call) error {
	v := c.Int("vlan")
	return d.edit(c, func(l *state.L2) error { l.NativeVLAN = v; return nil })
}

func (d *dialect) noNativeVLAN(c *cli.Call) error {
	return d.edit(c, func(l *state.L2) error { l.NativeVLAN = 1; return nil })
}

// allowed handles "switchport trunk allowed vlan [add|remove|except] L",
// "... all" and "... none".
func (d *dialect) allowed(c *cli.Call) error {
	set := c.VLANs("list")
	_, target := c.Mode()
	err := c.Update(func(cfg *state.Config) error {
		if c.Given("list") && !c.Has("remove") {
			if err := d.needVLANs(cfg, set); err != nil {
				return err
			}
		}
		return cfg.EditInterface(target, func(l *state.L2) error {
			if d.notTrunk != "" && l.Mode != state.Trunk {
				return cli.Fail("%s", d.notTrunk)
			}
			switch {
			case c.Has("all"):
				l.Allowed = state.AllVLANs()
			case c.Has("none"):
				l.Allowed = state.VLANSet{}
			case c.Has("add") || d.allowedAdds:
				l.Allowed = l.Allowed.Union(set)
			case c.Has("remove"):
				l.Allowed = l.Allowed.Minus(set)
			case c.Has("except"):
				l.Allowed = state.AllVLANs().Minus(set)
			default:
				l.Allowed = set
			}
			return nil
		})
	})
	if fault.Is(err, fault.NotFound) {
		return cli.Fail(d.gone, target)
	}
	return err
}

// noAllowed handles "no switchport trunk allowed vlan [L]": without L the
// list returns to its default; with L (OS10) L is removed.
func (d *dialect) noAllowed(c *cli.Call) error {
	def := c.Platform().Spec().DefaultL2.Allowed
	set := c.VLANs("list")
	given := c.Given("list")
	return d.edit(c, func(l *state.L2) error {
		if given {
			l.Allowed = l.Allowed.Minus(set)
		} else {
			l.Allowed = def
		}
		return nil
	})
}

func (d *dialect) channelGroup(c *cli.Call) error {
	n := c.Int("n")
	_, target := c.Mode()
	if !c.HasPort(target) {
		return cli.Fail("%s", d.notPort)
	}
	m := state.ChannelOn
	switch {
	case c.Has("active"):
		m = state.ChannelActive
	case c.Has("passive"):
		m = state.ChannelPassive
	}
	def := c.Platform().Spec().DefaultL2
	created := false
	err := c.Update(func(cfg *state.Config) error {
		if _, ok := cfg.LAGs[n]; !ok {
			created = true
			cfg.EnsureLAG(n, d.lagName(n), def)
		}
		return cfg.JoinLAG(target, n, m)
	})
	if err == nil && created && d.lagNew != "" {
		c.Printf(d.lagNew+"\n", n)
	}
	return err
}

func (d *dialect) noChannelGroup(c *cli.Call) error {
	_, target := c.Mode()
	return c.Update(func(cfg *state.Config) error {
		cfg.LeaveLAG(target)
		return nil
	})
}

// lagPeer handles "mlag N" (EOS) and "vpc N" (NX-OS) on a port-channel,
// and their "no" forms (c.Given("id") false: remove).
func (d *dialect) lagPeer(c *cli.Call) error {
	_, target := c.Mode()
	id := 0
	if !strings.HasPrefix(c.Line(), "no ") {
		id = c.Int("id")
	}
	return c.Update(func(cfg *state.Config) error {
		lag, ok := cfg.LAGByName(target)
		if !ok {
			return cli.Fail("%% %s is not a port-channel", target)
		}
		if err := cfg.SetLAGPeer(lag.Number, id); err != nil {
			return cli.Fail("%% %v", err)
		}
		return nil
	})
}

// vlanName4 is the default VLAN name of the Cisco-like CLIs: VLAN0010.
func vlanName4(id int) string { return fmt.Sprintf("VLAN%04d", id) }
