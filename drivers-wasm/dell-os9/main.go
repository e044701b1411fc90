// Command dell-os9 is Mercury's driver for Dell Networking OS9 (FTOS)
// switches, driven through the FTOS CLI on a pooled interactive SSH shell.
//
// FTOS adds ports to VLANs from the VLAN's side ("interface vlan N" then
// "untagged|tagged PORT"): a port is untagged in at most one VLAN and tagged
// in any number, which sdk/cli's Members table models. The driver reads
// "show running-config" and changes only the memberships that differ.
//
// LAGs are port-channels ("interface Port-channel N", numbered from the
// device's lag_range), with the LAG's name as their description. Static
// members are "channel-member PORT" in the port-channel; LACP members say
// "port-channel-protocol LACP" / "port-channel N mode active" on the port.
// A member leaves layer-2 mode ("no switchport") to join and takes it back
// ("switchport") when it leaves.
// A port-channel joins VLANs from the VLAN's side like a port; its members
// carry no VLAN of their own.
//
// Device options: none. A login user below privilege 15 lands in user exec:
// the device's enable_secret_file answers "enable".
package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

var os9 = &cli.Members{
	Info: sdk.Description{
		Name: "dell-os9", Version: "1.0.0", PortPattern: `(?:TenGigabitEthernet|fortyGigE|GigabitEthernet)\d+/\d+`,
		Models: []string{"Dell S4048-ON, S6010-ON, S4810 on Dell Networking OS 9.x"},
		Notes: []string{
			"ports and port-channels are written without the space FTOS prints (TenGigabitEthernet0/1, Port-channel5)",
			"a LAG's name is its port-channel's description; static members use channel-member, LACP ones port-channel-protocol LACP with mode active",
			"lag_set does not change an existing LAG's mode (LACP or static): lag_delete it first",
			"read_port of a LAG member reports the port-channel's VLANs and names it (lag); set_port on a member is a conflict",
			"a port is untagged in at most one VLAN and tagged in any: hybrid and trunk are the same",
			"reset_port with no idle VLAN removes every membership and shuts the port down",
			"save runs write memory",
		},
	},
	Platform: cli.Platform{
		Prompt:       `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`,
		Unprivileged: `>\s*`,
		ConfigPrompt: `\(conf[\w./-]*\)# ?`,
		Enable:       "enable",
		SecretPrompt: `[Pp]assword: ?`,
		Paging:       []string{"terminal length 0"},
		More:         ` ?--More-- ?`,
		ConfigEnter:  "configure",
		ConfigLeave:  "end",
		Save:         []string{"write memory"},
		Errors:       []string{`^% Error`},
		Busy:         []string{`^% Error: Configuration is locked`},
	},
	Show:        "show running-config",
	Parse:       parse,
	AddUntagged: []string{"interface vlan {vlan}", "untagged {port}", "exit"},
	DelUntagged: []string{"interface vlan {vlan}", "no untagged {port}", "exit"},
	AddTagged:   []string{"interface vlan {vlan}", "tagged {port}", "exit"},
	DelTagged:   []string{"interface vlan {vlan}", "no tagged {port}", "exit"},
	CreateVLAN:  []string{"interface vlan {vlan}", "exit"},
	DeleteVLAN:  []string{"no interface vlan {vlan}"},
	Enable:      []string{"interface {port}", "no shutdown", "exit"},
	Disable:     []string{"interface {port}", "shutdown", "exit"},
	LAGName:     "Port-channel%d",
	LAGCreate: map[string][]string{
		sdk.LAGLACP:   {"interface {lag}", "switchport", "exit"},
		sdk.LAGStatic: {"interface {lag}", "switchport", "exit"},
	},
	// A member has no layer-2 configuration of its own: it leaves
	// switchport mode to join and takes it back when it leaves, so it can
	// join VLANs again.
	LAGJoin: map[string][]string{
		sdk.LAGLACP:   {"interface {port}", "no switchport", "port-channel-protocol LACP", "port-channel {n} mode active", "exit", "exit"},
		sdk.LAGStatic: {"interface {port}", "no switchport", "exit", "interface {lag}", "channel-member {port}", "exit"},
	},
	LAGLeave: map[string][]string{
		sdk.LAGLACP:   {"interface {port}", "no port-channel-protocol LACP", "switchport", "exit"},
		sdk.LAGStatic: {"interface {lag}", "no channel-member {port}", "exit", "interface {port}", "switchport", "exit"},
	},
	LAGDelete:     []string{"no interface {lag}"},
	LAGDescribe:   []string{"interface {lag}", "description {text}", "exit"},
	LAGStartsDown: true,
}

func init() { sdk.Handle(os9.Driver()) }

func main() {}

// parse reads "interface PORT" stanzas (admin state) and "interface Vlan N"
// stanzas (tagged and untagged members).
func parse(text string) (cli.MemberState, error) {
	st := cli.MemberState{VLANs: map[int]bool{}, Ports: map[string]*cli.Membership{}, LAGs: map[int]*cli.MemberLAG{}}
	type member struct {
		port     string
		untagged bool
	}
	members := map[int][]member{}
	for _, b := range cli.Blocks(text) {
		name, ok := strings.CutPrefix(b.Header, "interface ")
		if !ok {
			continue
		}
		if num, isVLAN := strings.CutPrefix(name, "Vlan "); isVLAN {
			id, err := strconv.Atoi(num)
			if err != nil {
				return st, err
			}
			st.VLANs[id] = true
			for _, l := range b.Lines {
				if p, ok := strings.CutPrefix(l, "untagged "); ok {
					members[id] = append(members[id], member{strings.ReplaceAll(p, " ", ""), true})
				} else if p, ok := strings.CutPrefix(l, "tagged "); ok {
					members[id] = append(members[id], member{strings.ReplaceAll(p, " ", ""), false})
				}
			}
			continue
		}
		name = strings.ReplaceAll(name, " ", "")
		m := &cli.Membership{Up: true}
		var lag *cli.MemberLAG
		if num, ok := strings.CutPrefix(name, "Port-channel"); ok {
			n, err := strconv.Atoi(num)
			if err != nil {
				return st, err
			}
			lag = lagNumbered(st, n, name)
		}
		for _, l := range b.Lines {
			switch f := strings.Fields(l); {
			case l == "shutdown":
				m.Up = false
			case lag != nil && strings.HasPrefix(l, "description "):
				lag.Description = strings.TrimPrefix(l, "description ")
			case lag != nil && len(f) >= 2 && f[0] == "channel-member":
				lag.Mode = sdk.LAGStatic
				lag.Members = append(lag.Members, strings.Join(f[1:], ""))
			case lag == nil && len(f) == 4 && f[0] == "port-channel" && f[2] == "mode":
				n, err := strconv.Atoi(f[1])
				if err != nil {
					return st, err
				}
				l := lagNumbered(st, n, "")
				l.Mode = sdk.LAGLACP
				l.Members = append(l.Members, name)
			}
		}
		st.Ports[name] = m
	}
	for n, l := range st.LAGs {
		slices.Sort(l.Members)
		if l.Name == "" {
			l.Name = "Port-channel" + strconv.Itoa(n)
		}
	}
	for id, ms := range members {
		for _, mb := range ms {
			if m := st.Ports[mb.port]; m != nil && mb.untagged {
				m.Untagged = id
			} else if m != nil {
				m.Tagged = append(m.Tagged, id)
			}
		}
	}
	for _, m := range st.Ports {
		slices.Sort(m.Tagged)
	}
	return st, nil
}

// lagNumbered returns port-channel n of st, adding it when missing; name,
// when given, is its interface name.
func lagNumbered(st cli.MemberState, n int, name string) *cli.MemberLAG {
	l := st.LAGs[n]
	if l == nil {
		l = &cli.MemberLAG{}
		st.LAGs[n] = l
	}
	if name != "" {
		l.Name = name
	}
	return l
}
