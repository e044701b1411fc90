package cli

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// Switch is a CLI switch driver as data: Driver turns it into the
// operations set_port, reset_port, add_network, delete_network, read_port
// and save.
type Switch struct {
	// Info describes the driver; Session and Shell are filled in.
	Info     sdk.Description
	Platform Platform
	// ShowPort prints one port's running configuration ({port} is
	// replaced); ShowAll prints the whole of it, VLANs included.
	ShowPort string
	ShowAll  string
	// Syntax parses running-configuration text (all or one port's part);
	// a driver whose OS it cannot describe sets Parse instead, which must
	// set Exists on the ports it returns.
	Syntax    *Syntax
	Parse     func(text string) (Running, error)
	Templates Templates
	// LAGName formats a port-channel's interface name from its number
	// ("ae%s") for a driver that sets Parse; with a Syntax, its LAGName
	// is used.
	LAGName string
	// VNITemplates, when set, gives the MapVNI and UnmapVNI lines for the
	// device a call is for, from its settings (driver options); an error
	// fails add_network or delete_network of a mapped VLAN before any
	// command is sent. Templates.MapVNI must still be set: it says the
	// driver supports VXLAN.
	VNITemplates func(h sdk.Host) (mapVNI, unmapVNI []string, err error)
}

// Templates are the configuration lines a Switch sends. Placeholders:
// {port}, {vlan}, {vlans} (a range list), {name}, {text}. A line whose
// placeholder has no value (a VLAN without a name) is left out.
type Templates struct {
	Interface []string // enter the port's configuration: "interface {port}"
	Access    []string // make it an access port on {vlan}
	Trunk     []string // make it a trunk; Native/NoNative and the allowed list follow
	Native    string   // set the trunk's untagged VLAN {vlan}
	NoNative  string   // remove the trunk's untagged VLAN
	// Allowed replaces the trunk's tagged list with {vlans}; AllowedNone
	// empties it. On OSes where the list command adds instead of replacing,
	// leave Allowed empty and set AllowedAdd and AllowedRemove.
	Allowed       string
	AllowedNone   string
	AllowedAdd    string
	AllowedRemove string
	// NativeInAllowed: the OS forwards the native VLAN only when the
	// allowed list names it too (Cisco-style), so it is added on write and
	// dropped on read.
	NativeInAllowed bool
	Description     string   // "description {text}"
	Enable          string   // "no shutdown"
	Disable         string   // "shutdown"
	CreateVLAN      []string // "vlan {vlan}", "name {name}", "exit"
	// Port-channels ({n} is the number, {mode} LACPMode or StaticMode):
	// LAGInterface enters one (creating it), LAGJoin makes the current
	// port a member, LAGLeave takes it out, LAGRemove deletes the
	// port-channel. Without LAGInterface the driver has no lag operations.
	// LAGJoin and LAGLeave may also name the member as {port}, for OSes
	// with no interface context (Junos, NVUE); a mode left "" drops the
	// lines that name {mode} (Junos: a static ae has no lacp statement).
	LAGInterface, LAGJoin, LAGLeave, LAGRemove []string
	LACPMode, StaticMode                       string
	// LAGPeer, in a port-channel's context, makes it one half of a LAG
	// across a switch pair with pair id {mlag} ("mlag {mlag}", EOS;
	// "vpc {mlag}", NX-OS); read back through Syntax.LAGPeer.
	LAGPeer []string
	// LACPOff turns an LACP port-channel static where StaticMode writes
	// nothing (Junos: delete its lacp statement); sent, after
	// LAGInterface, when Running.LAGModes says the mode must change.
	LACPOff []string
	// TextUnsafe lists characters a {text} value (a description, a LAG
	// name) may not hold because the template's quoting cannot carry
	// them (a value double-quoted for bash: the double quote, the dollar
	// sign and the backquote). Such a request is refused before any I/O.
	TextUnsafe string
	// MapVNI and UnmapVNI map and unmap VLAN {vlan} to VXLAN {vni};
	// without MapVNI the driver supports VLAN networks only.
	MapVNI, UnmapVNI []string
	// FreeBeforeDelete: the OS refuses to delete a VLAN a port carries, so
	// a forced delete_network takes it off those ports first.
	FreeBeforeDelete bool
	// VLANName formats the name of a VLAN created without one ("vlan%d");
	// "" creates it unnamed. DeleteVLAN and UnmapVNI may name {name}: the
	// VLAN's name as the device shows it.
	VLANName string
	// DefaultVLAN is the access VLAN a port shut by reset_port returns to
	// (the OS's factory default); 0 means 1.
	DefaultVLAN int
	DeleteVLAN  []string // "no vlan {vlan}"
}

// Driver returns the sdk.Driver the table describes. It panics on a bad
// table: call it from init.
func (sw *Switch) Driver() *sdk.Driver {
	c, err := New(sw.Platform)
	if err != nil {
		panic(fmt.Sprintf("driver %s: %v", sw.Info.Name, err))
	}
	d := &driver{sw: sw, cli: c, parse: sw.Parse}
	if d.parse == nil {
		if sw.Syntax == nil {
			panic(fmt.Sprintf("driver %s: a Switch needs a Syntax or a Parse function", sw.Info.Name))
		}
		d.parse = sw.Syntax.Parse
	}
	info := sw.Info
	info.Session = "interactive"
	info.Shell = sw.Platform.Shell()
	info.NetworkTypes = []string{sdk.NetworkVLAN}
	if len(sw.Templates.MapVNI) > 0 {
		info.NetworkTypes = append(info.NetworkTypes, sdk.NetworkVXLAN)
	}
	drv := &sdk.Driver{
		Info:          info,
		SetPort:       d.setPort,
		ResetPort:     d.resetPort,
		AddNetwork:    d.addNetwork,
		DeleteNetwork: d.deleteNetwork,
		ReadPort:      d.readPort,
		ReadNetworks:  d.readNetworks,
	}
	if len(sw.Platform.Save) > 0 {
		drv.Save = d.save
	}
	if len(sw.Templates.LAGInterface) > 0 {
		drv.LAGSet, drv.LAGDelete = d.lagSet, d.lagDelete
		drv.Info.MLAG = len(sw.Templates.LAGPeer) > 0
	}
	return drv
}

type driver struct {
	sw    *Switch
	cli   *CLI
	parse func(string) (Running, error)
}

// vniTemplates returns the VNI map and unmap lines for the device.
func (d *driver) vniTemplates(h sdk.Host) (mapVNI, unmapVNI []string, err error) {
	if d.sw.VNITemplates == nil {
		return d.sw.Templates.MapVNI, d.sw.Templates.UnmapVNI, nil
	}
	return d.sw.VNITemplates(h)
}

// vars holds a template's placeholder values.
type vars map[string]string

// vlanName is the name to create a VLAN with: the request's, else
// Templates.VLANName filled with its ID (for OSes whose VLANs must have a
// name, such as Junos), else none.
func (d *driver) vlanName(n sdk.Network) string {
	if n.Name != "" || d.sw.Templates.VLANName == "" {
		return n.Name
	}
	return fmt.Sprintf(d.sw.Templates.VLANName, n.VLAN)
}

// render fills templates, leaving out a line whose placeholder has no
// value, and refuses a value that could carry more than one command.
func render(lines []string, v vars) ([]string, error) {
	var out []string
	for _, l := range lines {
		if l == "" {
			continue
		}
		missing := false
		for k, val := range v {
			if !strings.Contains(l, "{"+k+"}") {
				continue
			}
			if val == "" {
				missing = true
				break
			}
			if strings.ContainsAny(val, ";|!\\") || checkLine(val) != nil {
				return nil, sdk.Invalid("value %q for {%s} contains a character the CLI could read as another command", val, k)
			}
			l = strings.ReplaceAll(l, "{"+k+"}", val)
		}
		if !missing {
			out = append(out, l)
		}
	}
	return out, nil
}

// openAll opens a session and reads the whole running configuration.
func (d *driver) openAll(h sdk.Host) (*Session, Running, error) {
	s, err := d.cli.Open(h)
	if err != nil {
		return nil, Running{}, err
	}
	run, err := d.running(s, d.sw.ShowAll)
	if err != nil {
		s.Close()
		return nil, Running{}, err
	}
	return s, run, nil
}

// running reads and parses text from cmd.
func (d *driver) running(s *Session, cmd string) (Running, error) {
	out, err := s.Command(cmd)
	if err != nil {
		return Running{}, err
	}
	r, err := d.parse(out)
	if err != nil {
		return Running{}, sdk.DeviceError("parse %q output: %v", cmd, err)
	}
	if d.sw.Templates.NativeInAllowed {
		for name, p := range r.Ports {
			r.Ports[name] = nativeOut(p)
		}
		for n, p := range r.LAGs {
			r.LAGs[n] = nativeOut(p)
		}
	}
	return r, nil
}

// nativeOut drops a trunk's native VLAN from its allowed list, where
// Cisco-style OSes repeat it.
func nativeOut(p sdk.PortState) sdk.PortState {
	if p.Mode == sdk.ModeTrunk && p.NativeVLAN != 0 {
		p.AllowedVLANs = slices.DeleteFunc(slices.Clone(p.AllowedVLANs), func(v int) bool { return v == p.NativeVLAN })
	}
	return p
}

// port reads one port; a port the device does not know reads as not
// existing.
func (d *driver) port(s *Session, port string, all bool) (sdk.PortState, Running, error) {
	cmd := d.sw.ShowAll
	if !all {
		l, err := render([]string{d.sw.ShowPort}, vars{"port": port})
		if err != nil {
			return sdk.PortState{}, Running{}, err
		}
		cmd = l[0]
	}
	r, err := d.running(s, cmd)
	if err != nil {
		if kindOf(err, "") == "device" && !all {
			return sdk.PortState{Port: port}, r, nil
		}
		return sdk.PortState{}, r, err
	}
	st, ok := r.Ports[port]
	if !ok {
		return sdk.PortState{Port: port}, r, nil
	}
	st.Port = port
	return st, r, nil
}

func (d *driver) readPort(h sdk.Host, r sdk.ReadPortRequest) (sdk.PortState, error) {
	s, err := d.cli.Open(h)
	if err != nil {
		return sdk.PortState{}, err
	}
	defer s.Close()
	st, _, err := d.port(s, r.Port, false)
	if err != nil || st.LAG == "" {
		return st, err
	}
	// A member carries its port-channel's VLANs: it reads as those.
	_, run, err := d.port(s, st.LAG, true)
	if err != nil {
		return sdk.PortState{}, err
	}
	for _, l := range run.LAGs {
		if l.Port == st.LAG {
			st.Mode, st.NativeVLAN, st.AllowedVLANs = l.Mode, l.NativeVLAN, l.AllowedVLANs
		}
	}
	return st, nil
}

// readNetworks reads the VLANs, their names and VNIs from the whole
// running configuration.
func (d *driver) readNetworks(h sdk.Host, _ sdk.ReadNetworksRequest) (sdk.NetworkList, error) {
	s, run, err := d.openAll(h)
	if err != nil {
		return sdk.NetworkList{}, err
	}
	defer s.Close()
	list := sdk.NetworkList{Networks: []sdk.Network{}}
	for _, v := range slices.Sorted(maps.Keys(run.VLANs)) {
		list.Networks = append(list.Networks, sdk.Network{VLAN: v, VNI: run.VNIs[v], Name: run.VLANs[v]})
	}
	return list, nil
}

// converge reads the port (and the VLANs when some must exist), works out
// the lines that bring it to want, and sends them unless dryRun.
func (d *driver) converge(h sdk.Host, port string, want desired, create []sdk.Network, dryRun bool) (sdk.Result, error) {
	s, err := d.cli.Open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	cur, run, err := d.port(s, port, len(create) > 0)
	if err != nil {
		return sdk.Result{}, err
	}
	if !cur.Exists {
		return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this device (check the port name against the switch's interface list)", port)
	}
	var lines []string
	for _, n := range create {
		if _, ok := run.VLANs[n.VLAN]; ok {
			continue
		}
		l, err := render(d.sw.Templates.CreateVLAN, vars{"vlan": strconv.Itoa(n.VLAN), "name": d.vlanName(n)})
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	portChanges, err := d.portLines(port, cur, want)
	if err != nil {
		return sdk.Result{}, err
	}
	if len(portChanges) > 0 {
		head, err := render(d.sw.Templates.Interface, vars{"port": port})
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(append(lines, head...), portChanges...)
	}
	return d.apply(s, lines, dryRun)
}

// apply sends lines in one configuration block.
func (d *driver) apply(s *Session, lines []string, dryRun bool) (sdk.Result, error) {
	if len(lines) == 0 {
		return sdk.Result{}, nil
	}
	if !dryRun {
		if err := s.Configure(lines); err != nil {
			return sdk.Result{}, err
		}
	}
	return sdk.Result{Changed: true, Commands: lines, Saved: !dryRun && d.sw.Platform.CommitSaves}, nil
}

// desired is a port's wanted state: a PortConfig, or shut down.
type desired struct {
	cfg      sdk.PortConfig
	shutdown bool
}

// portLines returns the lines that take port from cur to want, none when
// it matches. Every template may name {port}.
func (d *driver) portLines(port string, cur sdk.PortState, want desired) ([]string, error) {
	t := d.sw.Templates
	cfg := want.cfg
	if want.shutdown {
		// A shut port also leaves its tenant's VLANs: it goes back to
		// the OS's default VLAN, so nothing it carried survives a reset.
		cfg = sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: d.defaultVLAN()}
	}
	var out lines
	switch cfg.Mode {
	case sdk.ModeAccess:
		if cur.Mode != sdk.ModeAccess || cur.NativeVLAN != cfg.NativeVLAN {
			out.add(t.Access, vars{"port": port, "vlan": strconv.Itoa(cfg.NativeVLAN)})
		}
	case sdk.ModeTrunk, sdk.ModeHybrid:
		d.trunkLines(&out, port, cur, cfg)
	default:
		return nil, sdk.Invalid("mode %q is not access, trunk or hybrid", cfg.Mode)
	}
	if cfg.Description != "" && cfg.Description != cur.Description {
		out.add([]string{t.Description}, vars{"port": port, "text": cfg.Description})
	}
	switch {
	case want.shutdown && cur.Enabled:
		out.add([]string{t.Disable}, vars{"port": port})
	case !want.shutdown && !cur.Enabled:
		out.add([]string{t.Enable}, vars{"port": port})
	}
	return out.l, out.err
}

// lines collects rendered template lines and the first rendering error.
type lines struct {
	l   []string
	err error
}

func (o *lines) add(tmpl []string, v vars) {
	if o.err != nil {
		return
	}
	l, err := render(tmpl, v)
	o.l, o.err = append(o.l, l...), err
}

// addEach renders tmpl once per VLAN of ids when it names {vlan}, else
// once with {vlans} as a range list.
func (o *lines) addEach(tmpl, port string, ids []int) {
	if len(ids) == 0 || tmpl == "" {
		return
	}
	if strings.Contains(tmpl, "{vlan}") {
		for _, id := range ids {
			o.add([]string{tmpl}, vars{"port": port, "vlan": strconv.Itoa(id)})
		}
		return
	}
	o.add([]string{tmpl}, vars{"port": port, "vlans": FormatVLANs(ids)})
}

func (d *driver) defaultVLAN() int {
	if v := d.sw.Templates.DefaultVLAN; v != 0 {
		return v
	}
	return 1
}

func (d *driver) trunkLines(out *lines, port string, cur sdk.PortState, cfg sdk.PortConfig) {
	t := d.sw.Templates
	isTrunk := cur.Mode == sdk.ModeTrunk
	if !isTrunk {
		out.add(t.Trunk, vars{"port": port})
	}
	if !isTrunk || cur.NativeVLAN != cfg.NativeVLAN {
		if cfg.NativeVLAN != 0 {
			out.add([]string{t.Native}, vars{"port": port, "vlan": strconv.Itoa(cfg.NativeVLAN)})
		} else if isTrunk || cur.NativeVLAN != 0 {
			out.add([]string{t.NoNative}, vars{"port": port})
		}
	}
	wantList := slices.Clone(cfg.AllowedVLANs)
	curList := slices.Clone(cur.AllowedVLANs)
	if !isTrunk {
		curList = nil // a port becoming a trunk starts from no tagged VLANs
	}
	if t.NativeInAllowed {
		if cfg.NativeVLAN != 0 {
			wantList = append(wantList, cfg.NativeVLAN)
		}
		if isTrunk && cur.NativeVLAN != 0 {
			curList = append(curList, cur.NativeVLAN)
		}
	}
	wantS, curS := FormatVLANs(wantList), FormatVLANs(curList)
	if isTrunk && wantS == curS {
		return
	}
	if t.Allowed != "" {
		if wantS == "" {
			out.add([]string{t.AllowedNone}, vars{"port": port})
		} else {
			out.add([]string{t.Allowed}, vars{"port": port, "vlans": wantS})
		}
		return
	}
	add, remove := diff(wantList, curList)
	slices.Sort(add)
	slices.Sort(remove)
	out.addEach(t.AllowedRemove, port, remove)
	out.addEach(t.AllowedAdd, port, add)
}

// diff returns what want has that cur lacks, and what cur has that want lacks.
func diff(want, cur []int) (add, remove []int) {
	for _, v := range want {
		if !slices.Contains(cur, v) {
			add = append(add, v)
		}
	}
	for _, v := range cur {
		if !slices.Contains(want, v) {
			remove = append(remove, v)
		}
	}
	return add, remove
}

func (d *driver) setPort(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) {
	if err := d.checkText("description", r.Config.Description); err != nil {
		return sdk.Result{}, err
	}
	return d.converge(h, r.Port, desired{cfg: r.Config}, r.CreateVLANs, r.DryRun)
}

func (d *driver) resetPort(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) {
	if r.IdleVLAN == 0 {
		return d.converge(h, r.Port, desired{shutdown: true}, nil, r.DryRun)
	}
	return d.converge(h, r.Port, desired{cfg: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: r.IdleVLAN}}, nil, r.DryRun)
}

func (d *driver) addNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	n := r.Network
	if n.VNI != 0 && len(d.sw.Templates.MapVNI) == 0 {
		return sdk.Result{}, sdk.Unsupported("driver %s does not map VXLAN VNIs", d.sw.Info.Name)
	}
	s, run, err := d.openAll(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	name := d.vlanName(n)
	if existing, ok := run.VLANs[n.VLAN]; ok && n.Name == "" && existing != "" {
		name = existing // the VNI map names the VLAN as the device does
	}
	v := vars{"vlan": strconv.Itoa(n.VLAN), "name": name, "vni": strconv.Itoa(n.VNI)}
	var lines []string
	if name, ok := run.VLANs[n.VLAN]; !ok || (n.Name != "" && n.Name != name && d.nameable()) {
		l, err := render(d.sw.Templates.CreateVLAN, v)
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	if n.VNI != 0 && run.VNIs[n.VLAN] != n.VNI {
		mapVNI, _, err := d.vniTemplates(h)
		if err != nil {
			return sdk.Result{}, err
		}
		if old := run.VNIs[n.VLAN]; old != 0 {
			return sdk.Result{}, sdk.Conflict("VLAN %d is already mapped to VNI %d: delete that network first", n.VLAN, old)
		}
		for vlan, vni := range run.VNIs {
			if vni == n.VNI {
				return sdk.Result{}, sdk.Conflict("VNI %d is already mapped to VLAN %d: delete that network first", vni, vlan)
			}
		}
		l, err := render(mapVNI, v)
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	return d.apply(s, lines, r.DryRun)
}

func (d *driver) deleteNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	if r.Network.VNI != 0 && len(d.sw.Templates.UnmapVNI) == 0 {
		return sdk.Result{}, sdk.Unsupported("driver %s does not map VXLAN VNIs", d.sw.Info.Name)
	}
	s, run, err := d.openAll(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	v := r.Network.VLAN
	if _, ok := run.VLANs[v]; !ok {
		return sdk.Result{}, nil
	}
	var users []string
	for name, p := range run.Ports {
		if carries(p, v) {
			users = append(users, name)
		}
	}
	slices.Sort(users)
	for _, p := range run.LAGs {
		if carries(p, v) {
			users = append(users, p.Port)
		}
	}
	if len(users) > 0 && !r.Force {
		return sdk.Result{}, sdk.Conflict("VLAN %d is still carried by %s: detach those ports first, or delete with force", v, strings.Join(users, ", "))
	}
	var lines []string
	if d.sw.Templates.FreeBeforeDelete {
		// The OS refuses to delete a VLAN in use: forced, the ports leave it first.
		lags := map[string]sdk.PortState{}
		for _, p := range run.LAGs {
			lags[p.Port] = p
		}
		for _, name := range users {
			p, ok := run.Ports[name]
			if !ok {
				p, ok = lags[name]
			}
			if !ok {
				return sdk.Result{}, sdk.Conflict("VLAN %d is carried by %s, which this driver cannot take it off: remove it there first", v, name)
			}
			l, err := d.portLines(name, p, desired{cfg: d.without(p, v)})
			if err != nil {
				return sdk.Result{}, err
			}
			head, err := render(d.sw.Templates.Interface, vars{"port": name})
			if err != nil {
				return sdk.Result{}, err
			}
			lines = append(append(lines, head...), l...)
		}
	}
	if vni := run.VNIs[v]; vni != 0 && len(d.sw.Templates.UnmapVNI) > 0 {
		_, unmapVNI, err := d.vniTemplates(h)
		if err != nil {
			return sdk.Result{}, err
		}
		l, err := render(unmapVNI, vars{"vlan": strconv.Itoa(v), "vni": strconv.Itoa(vni), "name": run.VLANs[v]})
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	l, err := render(d.sw.Templates.DeleteVLAN, vars{"vlan": strconv.Itoa(v), "name": run.VLANs[v]})
	if err != nil {
		return sdk.Result{}, err
	}
	return d.apply(s, append(lines, l...), r.DryRun)
}

// without is p's configuration with VLAN v taken off; a port left carrying
// nothing goes to the default VLAN.
func (d *driver) without(p sdk.PortState, v int) sdk.PortConfig {
	idle := sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: d.defaultVLAN()}
	if p.Mode == sdk.ModeAccess {
		return idle
	}
	cfg := sdk.PortConfig{Mode: p.Mode, NativeVLAN: p.NativeVLAN, AllowedVLANs: slices.DeleteFunc(slices.Clone(p.AllowedVLANs), func(x int) bool { return x == v })}
	if cfg.NativeVLAN == v {
		cfg.NativeVLAN = 0
	}
	if cfg.NativeVLAN == 0 && len(cfg.AllowedVLANs) == 0 {
		return idle
	}
	return cfg
}

// checkText refuses a {text} value holding a character of
// Templates.TextUnsafe.
func (d *driver) checkText(what, s string) error {
	if i := strings.IndexAny(s, d.sw.Templates.TextUnsafe); d.sw.Templates.TextUnsafe != "" && i >= 0 {
		return sdk.Invalid("%s %q contains %q, which driver %s cannot quote for the device: choose a %s without %q", what, s, s[i:i+1], d.sw.Info.Name, what, s[i:i+1])
	}
	return nil
}

// nameable reports whether the OS names VLANs: whether creating one can
// set a name.
func (d *driver) nameable() bool {
	return slices.ContainsFunc(d.sw.Templates.CreateVLAN, func(l string) bool { return strings.Contains(l, "{name}") })
}

// carries reports whether a port forwards VLAN v.
func carries(p sdk.PortState, v int) bool {
	if p.Mode == sdk.ModeAccess {
		return p.NativeVLAN == v
	}
	return p.NativeVLAN == v || slices.Contains(p.AllowedVLANs, v)
}

func (d *driver) save(h sdk.Host, _ sdk.SaveRequest) (sdk.Result, error) {
	s, err := d.cli.Open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	if err := s.Save(); err != nil {
		return sdk.Result{}, err
	}
	return sdk.Result{Changed: true, Saved: true, Commands: d.sw.Platform.Save}, nil
}
