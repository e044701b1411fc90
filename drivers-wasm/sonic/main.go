// Command sonic is Mercury's driver for SONiC switches, driven through the
// SONiC command line (the "config" and "show" commands) in a pooled bash
// shell. Every change goes through sudo, whose password prompt is answered
// with the device's sudo secret (enable_secret_file, else the login
// password) through session_send_secret: the driver never sees it.
//
// SONiC has no port modes: a port is an untagged member of at most one VLAN
// and a tagged member of any number, which sdk/cli's Members table models.
// The driver reads the configuration database ("show runningconfiguration
// all") and changes only the memberships that differ. Descriptions are not
// written.
//
// Device options: none.
package main

import (
	"encoding/json"
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
			"descriptions are not written",
			"reset_port with no idle VLAN removes every membership and shuts the port down",
			"save runs sudo config save -y",
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
}

func init() { sdk.Handle(sonic.Driver()) }

func main() {}

// parse reads the VLAN, VLAN_MEMBER and PORT tables of the configuration
// database, printed as JSON.
func parse(out string) (cli.MemberState, error) {
	st := cli.MemberState{VLANs: map[int]bool{}, Ports: map[string]*cli.Membership{}}
	var db map[string]map[string]map[string]string
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &db); err != nil {
		return st, err
	}
	for name := range db["VLAN"] {
		if id, err := strconv.Atoi(strings.TrimPrefix(name, "Vlan")); err == nil {
			st.VLANs[id] = true
		}
	}
	for port, v := range db["PORT"] {
		st.Ports[port] = &cli.Membership{Up: v["admin_status"] == "up"}
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
