// Command sonic is Mercury's driver for SONiC switches, driven through the
// SONiC command line (the "config" and "show" commands) in a pooled bash
// shell. Every change goes through sudo, whose password prompt is answered
// with the device's sudo secret (enable_secret_file, else the login
// password) through session_send_secret: the driver never sees it.
//
// SONiC has no port modes: a port is an untagged member of at most one VLAN
// and a tagged member of any number, which sdk/cli's Members table models.
// The driver reads the configuration database ("show runningconfiguration
// all") and changes only the memberships that differ. Port descriptions are
// not written.
//
// LAGs are PortChannel interfaces ("config portchannel add", LACP unless
// static, "config portchannel member add"), numbered from the device's
// lag_range and named PortChannelN; the LAG's name is the port-channel's
// description. A port-channel joins VLANs like a port; its members carry
// none of their own.
//
// A VXLAN network maps the VLAN to its VNI on the switch's VXLAN tunnel
// ("config vxlan map add VTEP VLAN VNI"); the tunnel (VTEP) itself and EVPN
// are the operator's, made once per switch.
//
// Device options: none.
package main

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var sonic = &cli.Members{
	Info: sdk.Description{
		Name: "sonic", Version: "1.0.0", PortPattern: `Ethernet\d+`,
		Models: []string{"SONiC 202205 and later (community and enterprise builds with the click CLI)"},
		Notes: []string{
			"a port is an untagged member of at most one VLAN and a tagged member of any: hybrid and trunk are the same",
			"port descriptions are not written; a LAG's name is its PortChannel's description",
			"a LAG's mode (LACP or static) is fixed when its PortChannel is made: lag_delete it to change the mode",
			"static port-channels need --static on config portchannel add (SONiC 202211 and later)",
			"read_port of a LAG member reports the port-channel's VLANs and names it (lag); set_port on a member is a conflict",
			"reset_port with no idle VLAN removes every membership and shuts the port down",
			"save runs sudo config save -y",
			"VXLAN maps VLAN to VNI on the switch's one VXLAN tunnel (config vxlan map add), which the operator creates",
		},
	},
	Platform: cli.Platform{
		Prompt:        `(?m)^[\w.*-]+@[\w.-]+:~\$ ?`,
		SecretPrompt:  `\[sudo\] password for [\w.*-]+: ?`,
		CommandSecret: "sudo",
		Save:          []string{"sudo config save -y"},
		Errors:        []string{`^Error:`, `^-bash:`, `^sudo:`, `^Usage:`},
		Busy:          []string{`^Error: Configuration is locked`},
	},
	Show:        "show runningconfiguration all",
	Parse:       parse,
	AddUntagged: []string{"sudo config vlan member add -u {vlan} {port}"},
	DelUntagged: []string{"sudo config vlan member del {vlan} {port}"},
	AddTagged:   []string{"sudo config vlan member add {vlan} {port}"},
	DelTagged:   []string{"sudo config vlan member del {vlan} {port}"},
	CreateVLAN:  []string{"sudo config vlan add {vlan}"},
	DeleteVLAN:  []string{"sudo config vlan del {vlan}"},
	Enable:      []string{"sudo config interface startup {port}"},
	Disable:     []string{"sudo config interface shutdown {port}"},
	LAGName:     "PortChannel%d",
	LAGCreate: map[string][]string{
		sdk.LAGLACP:   {"sudo config portchannel add {lag}"},
		sdk.LAGStatic: {"sudo config portchannel add --static true {lag}"},
	},
	LAGJoin:     map[string][]string{sdk.LAGLACP: {join}, sdk.LAGStatic: {join}},
	LAGLeave:    map[string][]string{sdk.LAGLACP: {leave}, sdk.LAGStatic: {leave}},
	LAGDelete:   []string{"sudo config portchannel del {lag}"},
	LAGDescribe: []string{"sudo config interface description {lag} {text}"},
	Quote:       shellQuote,
	MapVNI:      []string{"sudo config vxlan map add {vtep} {vlan} {vni}"},
	UnmapVNI:    []string{"sudo config vxlan map del {vtep} {vlan} {vni}"},
}

const (
	join  = "sudo config portchannel member add {lag} {port}"
	leave = "sudo config portchannel member del {lag} {port}"
)

// shellQuote makes s one bash word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func init() { sdk.Handle(sonic.Driver()) }

func main() {}

// parse reads the VLAN, VLAN_MEMBER, PORT, PORTCHANNEL,
// PORTCHANNEL_MEMBER, VXLAN_TUNNEL and VXLAN_TUNNEL_MAP tables of the
// configuration database, printed as JSON.
func parse(out string) (cli.MemberState, error) {
	st := cli.MemberState{VLANs: map[int]bool{}, Ports: map[string]*cli.Membership{}, LAGs: map[int]*cli.MemberLAG{}, VNIs: map[int]int{}}
	var db map[string]map[string]map[string]string
	start := strings.Index(out, "{")
	if start < 0 {
		return st, errors.New("no JSON object in the output")
	}
	if err := json.Unmarshal([]byte(out[start:]), &db); err != nil {
		return st, err
	}
	for name := range db["VLAN"] {
		if id, err := strconv.Atoi(strings.TrimPrefix(name, "Vlan")); err == nil {
			st.VLANs[id] = true
		}
	}
	for port, v := range db["PORT"] {
		st.Ports[port] = &cli.Membership{Up: adminStatus(v) == "up"}
	}
	for name, v := range db["PORTCHANNEL"] {
		n, err := strconv.Atoi(strings.TrimPrefix(name, "PortChannel"))
		if err != nil || !strings.HasPrefix(name, "PortChannel") {
			continue
		}
		mode := sdk.LAGLACP
		if v["static"] == "true" || v["static"] == "on" {
			mode = sdk.LAGStatic
		}
		st.LAGs[n] = &cli.MemberLAG{Name: name, Description: v["description"], Mode: mode}
		st.Ports[name] = &cli.Membership{Up: adminStatus(v) != "down"}
	}
	for key := range db["PORTCHANNEL_MEMBER"] {
		name, port, _ := strings.Cut(key, "|")
		for _, l := range st.LAGs {
			if l.Name == name {
				l.Members = append(l.Members, port)
				slices.Sort(l.Members)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(db["VXLAN_TUNNEL"])) {
		st.VTEP = name // SONiC has one VXLAN tunnel (VTEP) per switch
		break
	}
	for _, v := range db["VXLAN_TUNNEL_MAP"] {
		vlan, err1 := strconv.Atoi(strings.TrimPrefix(v["vlan"], "Vlan"))
		vni, err2 := strconv.Atoi(v["vni"])
		if err1 == nil && err2 == nil {
			st.VNIs[vlan] = vni
		}
	}
	for key, v := range db["VLAN_MEMBER"] {
		vlan, port, _ := strings.Cut(key, "|")
		id, _ := strconv.Atoi(strings.TrimPrefix(vlan, "Vlan"))
		if m := st.Ports[port]; m != nil && v["tagging_mode"] == "untagged" {
			m.Untagged = id
		} else if m != nil {
			m.Tagged = append(m.Tagged, id)
			slices.Sort(m.Tagged)
		}
	}
	return st, nil
}

// adminStatus returns an entry's admin_status. The host masks the login
// password wherever it appears in output, so with the password "admin" the
// key reads "********_status": the one key ending in _status stands for it
// (the configuration database has no other).
func adminStatus(v map[string]string) string {
	if s, ok := v["admin_status"]; ok {
		return s
	}
	for k, s := range v {
		if strings.HasSuffix(k, "_status") {
			return s
		}
	}
	return ""
}
