// Command sonic is Mercury's driver for SONiC switches, driven through the
// SONiC command line (the "config" and "show" commands) in a pooled bash
// shell. Every change goes through sudo, whose password prompt is answered
// with the device's sudo secret (enable_secret_file, else the login
// password) through session_send_secret: the driver never sees it.
//
// SONiC has no port modes: a port is an untagged member of at most one VLAN
// and a tagged member of any number. Access is untagged membership alone,
// trunk is tagged memberships plus an optional untagged one (the native
// VLAN), so hybrid and trunk are the same. The driver reads the
// configuration database ("show runningconfiguration all") and changes
// only the memberships that differ. Descriptions are not written.
//
// Device options: none.
package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var sonic = func() *cli.CLI {
	c, err := cli.New(cli.Platform{
		Prompt:        `(?m)^[\w.*-]+@[\w.-]+:~\$ ?`,
		SecretPrompt:  `\[sudo\] password for [\w.*-]+: ?`,
		CommandSecret: "sudo",
		Save:          []string{"sudo config save -y"},
		Errors:        []string{`^Error:`, `^-bash:`, `^sudo:`, `^Usage:`},
		Busy:          []string{`^Error: Configuration is locked`},
	})
	if err != nil {
		panic(err)
	}
	return c
}()

func init() {
	sdk.Handle(&sdk.Driver{
		Info: sdk.Description{
			Name: "sonic", Version: "1.0.0", Session: "interactive", Shell: sonic.Platform().Shell(),
			PortPattern: `Ethernet\d+`,
			Models:      []string{"SONiC 202205 and later (community and enterprise builds with the click CLI)"},
			Notes: []string{
				"a port is an untagged member of at most one VLAN and a tagged member of any: hybrid and trunk are the same",
				"descriptions are not written",
				"reset_port with no idle VLAN removes every membership and shuts the port down",
				"save runs sudo config save -y",
			},
		},
		SetPort:       setPort,
		ResetPort:     resetPort,
		AddNetwork:    addNetwork,
		DeleteNetwork: deleteNetwork,
		ReadPort:      readPort,
		Save: func(h sdk.Host, _ sdk.SaveRequest) (sdk.Result, error) {
			s, err := sonic.Open(h)
			if err != nil {
				return sdk.Result{}, err
			}
			defer s.Close()
			return sdk.Result{Changed: true, Saved: true, Commands: sonic.Platform().Save}, s.Save()
		},
	})
}

func main() {}

// db is what the driver reads of the configuration database.
type db struct {
	vlans   map[int]bool
	members map[string]map[int]bool // port → VLAN → untagged
	up      map[string]bool
}

func read(s *cli.Session) (db, error) {
	out, err := s.Command("show runningconfiguration all")
	if err != nil {
		return db{}, err
	}
	var raw map[string]map[string]map[string]string
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &raw); err != nil {
		return db{}, sdk.DeviceError("show runningconfiguration all: %v", err)
	}
	d := db{vlans: map[int]bool{}, members: map[string]map[int]bool{}, up: map[string]bool{}}
	for name := range raw["VLAN"] {
		if id, err := strconv.Atoi(strings.TrimPrefix(name, "Vlan")); err == nil {
			d.vlans[id] = true
		}
	}
	for key, v := range raw["VLAN_MEMBER"] {
		vlan, port, _ := strings.Cut(key, "|")
		id, _ := strconv.Atoi(strings.TrimPrefix(vlan, "Vlan"))
		if d.members[port] == nil {
			d.members[port] = map[int]bool{}
		}
		d.members[port][id] = v["tagging_mode"] == "untagged"
	}
	for port, v := range raw["PORT"] {
		d.up[port] = v["admin_status"] == "up"
	}
	return d, nil
}

// state is a port as Mercury's model sees it.
func (d db) state(port string) sdk.PortState {
	up, ok := d.up[port]
	st := sdk.PortState{Port: port, Exists: ok, Enabled: up, Mode: sdk.ModeAccess}
	for id, untagged := range d.members[port] {
		if untagged {
			st.NativeVLAN = id
		} else {
			st.Mode, st.AllowedVLANs = sdk.ModeTrunk, append(st.AllowedVLANs, id)
		}
	}
	if st.Mode == sdk.ModeAccess && st.NativeVLAN == 0 {
		st.NativeVLAN = 1 // in no VLAN: Mercury's "default VLAN"
	}
	slices.Sort(st.AllowedVLANs)
	return st
}

// converge takes port's memberships to untagged (0: none) and tagged, and
// its admin state to up; it creates missing VLANs in create.
func converge(h sdk.Host, port string, untagged int, tagged []int, up bool, create []sdk.Network, dry bool) (sdk.Result, error) {
	s, err := sonic.Open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	d, err := read(s)
	if err != nil {
		return sdk.Result{}, err
	}
	if _, ok := d.up[port]; !ok {
		return sdk.Result{}, sdk.Errorf("not_found", "port %s does not exist on this device", port)
	}
	var lines []string
	for _, n := range create {
		if !d.vlans[n.VLAN] {
			lines = append(lines, fmt.Sprintf("sudo config vlan add %d", n.VLAN))
		}
	}
	cur := d.members[port]
	ids := make([]int, 0, len(cur))
	for id := range cur {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids { // leave what differs first: a port is untagged in one VLAN only
		if wasUntagged := cur[id]; (wasUntagged && id != untagged) || (!wasUntagged && !slices.Contains(tagged, id)) {
			lines = append(lines, fmt.Sprintf("sudo config vlan member del %d %s", id, port))
		}
	}
	for _, id := range tagged {
		if u, ok := cur[id]; !ok || u {
			lines = append(lines, fmt.Sprintf("sudo config vlan member add %d %s", id, port))
		}
	}
	if u, ok := cur[untagged]; untagged != 0 && (!ok || !u) {
		lines = append(lines, fmt.Sprintf("sudo config vlan member add -u %d %s", untagged, port))
	}
	if d.up[port] != up {
		verb := "startup"
		if !up {
			verb = "shutdown"
		}
		lines = append(lines, fmt.Sprintf("sudo config interface %s %s", verb, port))
	}
	return apply(s, lines, dry)
}

func apply(s *cli.Session, lines []string, dry bool) (sdk.Result, error) {
	if len(lines) == 0 {
		return sdk.Result{}, nil
	}
	if !dry {
		if err := s.Configure(lines); err != nil {
			return sdk.Result{}, err
		}
	}
	return sdk.Result{Changed: true, Commands: lines}, nil
}

func setPort(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) {
	c := r.Config
	untagged, tagged := c.NativeVLAN, slices.DeleteFunc(slices.Clone(c.AllowedVLANs), func(v int) bool { return v == c.NativeVLAN })
	if c.Mode == sdk.ModeAccess {
		tagged = nil
	}
	if untagged == 1 {
		untagged = 0 // Mercury's default VLAN is SONiC's "no VLAN"
	}
	return converge(h, r.Port, untagged, tagged, true, r.CreateVLANs, r.DryRun)
}

func resetPort(h sdk.Host, r sdk.ResetPortRequest) (sdk.Result, error) {
	if r.IdleVLAN == 0 {
		return converge(h, r.Port, 0, nil, false, nil, r.DryRun)
	}
	return converge(h, r.Port, r.IdleVLAN, nil, true, nil, r.DryRun)
}

func readPort(h sdk.Host, r sdk.ReadPortRequest) (sdk.PortState, error) {
	s, err := sonic.Open(h)
	if err != nil {
		return sdk.PortState{}, err
	}
	defer s.Close()
	d, err := read(s)
	if err != nil {
		return sdk.PortState{}, err
	}
	return d.state(r.Port), nil
}

func addNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	return network(h, r, true)
}

func deleteNetwork(h sdk.Host, r sdk.NetworkRequest) (sdk.Result, error) {
	return network(h, r, false)
}

func network(h sdk.Host, r sdk.NetworkRequest, add bool) (sdk.Result, error) {
	if r.Network.VNI != 0 {
		return sdk.Result{}, sdk.Unsupported("driver sonic does not map VXLAN VNIs yet")
	}
	s, err := sonic.Open(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	d, err := read(s)
	if err != nil {
		return sdk.Result{}, err
	}
	v := r.Network.VLAN
	if add == d.vlans[v] {
		return sdk.Result{}, nil
	}
	if add {
		return apply(s, []string{fmt.Sprintf("sudo config vlan add %d", v)}, r.DryRun)
	}
	var users, lines []string
	for port, m := range d.members {
		if _, ok := m[v]; ok {
			users = append(users, port)
		}
	}
	slices.Sort(users)
	if len(users) > 0 && !r.Force {
		return sdk.Result{}, sdk.Conflict("VLAN %d is still carried by %s: detach those ports first, or delete with force", v, strings.Join(users, ", "))
	}
	for _, port := range users {
		lines = append(lines, fmt.Sprintf("sudo config vlan member del %d %s", v, port))
	}
	return apply(s, append(lines, fmt.Sprintf("sudo config vlan del %d", v)), r.DryRun)
}
