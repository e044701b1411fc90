package simulator

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/state"
)

// The oracle: networking-generic-switch's command templates (reference
// ngs.md, Appendix A), verbatim, for the four platforms. Each operation is
// sent as NGS sends it: inside its own configuration session.
func ngsTemplates(platform string) map[string][]string {
	switch platform {
	case "arista-eos":
		return map[string][]string{
			"ADD_NETWORK":                     {"vlan {segmentation_id}", "name {network_name}"},
			"DELETE_NETWORK":                  {"no vlan {segmentation_id}"},
			"PLUG_PORT_TO_NETWORK":            {"interface {port}", "switchport mode access", "switchport access vlan {segmentation_id}"},
			"DELETE_PORT":                     {"interface {port}", "no switchport access vlan {segmentation_id}", "no switchport mode trunk", "switchport trunk allowed vlan none"},
			"ADD_NETWORK_TO_TRUNK":            {"interface {port}", "switchport trunk allowed vlan add {segmentation_id}"},
			"REMOVE_NETWORK_FROM_TRUNK":       {"interface {port}", "switchport trunk allowed vlan remove {segmentation_id}"},
			"SET_NATIVE_VLAN":                 {"interface {port}", "switchport mode trunk", "switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan add {segmentation_id}"},
			"DELETE_NATIVE_VLAN":              {"interface {port}", "no switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan remove {segmentation_id}"},
			"SET_NATIVE_VLAN_BOND":            {"interface {bond}", "switchport mode trunk", "switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan add {segmentation_id}"},
			"DELETE_NATIVE_VLAN_BOND":         {"interface {bond}", "no switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan remove {segmentation_id}"},
			"ADD_NETWORK_TO_BOND_TRUNK":       {"interface {bond}", "switchport trunk allowed vlan add {segmentation_id}"},
			"DELETE_NETWORK_ON_BOND_TRUNK":    {"interface {bond}", "switchport trunk allowed vlan remove {segmentation_id}"},
			"ENABLE_PORT":                     {"interface {port}", "no shutdown"},
			"DISABLE_PORT":                    {"interface {port}", "shutdown"},
			"PLUG_SWITCH_TO_NETWORK":          {"interface {vxlan_interface}", "vxlan vlan {segmentation_id} vni {vni}"},
			"UNPLUG_SWITCH_FROM_NETWORK":      {"interface {vxlan_interface}", "no vxlan vlan {segmentation_id} vni {vni}"},
			"SHOW_VLAN_PORTS":                 {"show vlan id {segmentation_id} configured-ports"},
			"SHOW_VLAN_VNI":                   {"show interfaces {vxlan_interface}"},
			"ENSURE_VLAN":                     {"vlan {segmentation_id}", "exit"},
			"PLUG_EVPN_VLAN":                  {"router bgp {bgp_asn}", "vlan {segmentation_id}", "rd auto", "redistribute learned"},
			"PLUG_EVPN_ROUTE_TARGET_AUTO":     {"route-target export auto {bgp_asn}", "route-target import auto {bgp_asn}"},
			"PLUG_EVPN_ROUTE_TARGET_EXPLICIT": {"route-target both {evpn_route_target}"},
			"PLUG_MCAST_FLOOD_VTEP":           {"interface {vxlan_interface}", "vxlan vlan {segmentation_id} flood vtep {mcast_group}"},
			"UNPLUG_MCAST_FLOOD_VTEP":         {"interface {vxlan_interface}", "no vxlan vlan {segmentation_id} flood vtep"},
			"UNPLUG_EVPN_VLAN":                {"router bgp {bgp_asn}", "no vlan {segmentation_id}"},
		}
	case "cisco-ios":
		return map[string][]string{
			"ADD_NETWORK":               {"vlan {segmentation_id}", "name {network_name}"},
			"DELETE_NETWORK":            {"no vlan {segmentation_id}"},
			"PLUG_PORT_TO_NETWORK":      {"interface {port}", "switchport mode access", "switchport access vlan {segmentation_id}"},
			"DELETE_PORT":               {"interface {port}", "no switchport access vlan {segmentation_id}", "no switchport mode trunk", "switchport trunk allowed vlan none"},
			"ADD_NETWORK_TO_TRUNK":      {"interface {port}", "switchport mode trunk", "switchport trunk allowed vlan add {segmentation_id}"},
			"REMOVE_NETWORK_FROM_TRUNK": {"interface {port}", "switchport trunk allowed vlan remove {segmentation_id}"},
			"SET_NATIVE_VLAN":           {"interface {port}", "switchport mode trunk", "switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan add {segmentation_id}"},
			"DELETE_NATIVE_VLAN":        {"interface {port}", "no switchport mode trunk", "no switchport trunk native vlan {segmentation_id}", "switchport trunk allowed vlan remove {segmentation_id}"},
		}
	case "cisco-nxos":
		return map[string][]string{
			"ADD_NETWORK":                    {"vlan {segmentation_id}", "name {network_name}", "exit"},
			"DELETE_NETWORK":                 {"no vlan {segmentation_id}"},
			"PLUG_PORT_TO_NETWORK":           {"interface {port}", "switchport mode access", "switchport access vlan {segmentation_id}", "exit"},
			"DELETE_PORT":                    {"interface {port}", "no switchport access vlan", "exit"},
			"ADD_NETWORK_TO_TRUNK":           {"interface {port}", "switchport mode trunk", "switchport trunk allowed vlan add {segmentation_id}", "exit"},
			"REMOVE_NETWORK_FROM_TRUNK":      {"interface {port}", "switchport trunk allowed vlan remove {segmentation_id}", "exit"},
			"ENABLE_PORT":                    {"interface {port}", "no shutdown", "exit"},
			"DISABLE_PORT":                   {"interface {port}", "shutdown", "exit"},
			"PLUG_VLAN_VNI_SEGMENT":          {"vlan {segmentation_id}", "vn-segment {vni}", "exit"},
			"UNPLUG_VLAN_VNI_SEGMENT":        {"vlan {segmentation_id}", "no vn-segment", "exit"},
			"SHOW_VLAN_PORTS":                {"show vlan id {segmentation_id}"},
			"SHOW_VLAN_VNI":                  {`show running-config interface {nve_interface} | include "member vni {vni}"`},
			"ADD_SECURITY_GROUP":             {"ip access-list {security_group}"},
			"ADD_SECURITY_GROUP_COMPLETE":    {"exit"},
			"REMOVE_SECURITY_GROUP":          {"no ip access-list {security_group}"},
			"ADD_SECURITY_GROUP_RULE_EGRESS": {"permit {protocol} any {remote_ip_prefix} {filter}"},
			"BIND_SECURITY_GROUP":            {"interface {port}", "ip port access-group {security_group} in", "exit"},
			"UNBIND_SECURITY_GROUP":          {"interface {port}", "no ip port access-group {security_group} in", "exit"},
			"PLUG_EVPN_VNI":                  {"evpn", "vni {vni} l2", "rd auto", "route-target both auto", "exit"},
			"PLUG_NVE_MEMBER":                {"interface {nve_interface}", "member vni {vni}"},
			"PLUG_NVE_MCAST_GROUP":           {"mcast-group {mcast_group}", "exit"},
			"PLUG_NVE_INGRESS_REPLICATION":   {"ingress-replication protocol bgp", "suppress-arp", "exit"},
			"UNPLUG_NVE_MEMBER":              {"interface {nve_interface}", "no member vni {vni}", "exit"},
			"UNPLUG_EVPN_VNI":                {"evpn", "no vni {vni}", "exit"},
		}
	case "dell-os10":
		return map[string][]string{
			"ADD_NETWORK":                  {"interface vlan {segmentation_id}", "description {network_name}", "exit"},
			"DELETE_NETWORK":               {"no interface vlan {segmentation_id}", "exit"},
			"PLUG_PORT_TO_NETWORK":         {"interface {port}", "switchport mode access", "switchport access vlan {segmentation_id}", "exit"},
			"DELETE_PORT":                  {"interface {port}", "no switchport access vlan", "exit"},
			"ADD_NETWORK_TO_TRUNK":         {"interface {port}", "switchport mode trunk", "switchport trunk allowed vlan {segmentation_id}", "exit"},
			"REMOVE_NETWORK_FROM_TRUNK":    {"interface {port}", "no switchport trunk allowed vlan {segmentation_id}", "exit"},
			"SET_NATIVE_VLAN":              {"interface {port}", "switchport mode trunk", "switchport access vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN":           {"interface {port}", "no switchport access vlan"},
			"PLUG_BOND_TO_NETWORK":         {"interface {bond}", "switchport mode access", "switchport access vlan {segmentation_id}", "exit"},
			"UNPLUG_BOND_FROM_NETWORK":     {"interface {bond}", "no switchport access vlan", "exit"},
			"SET_NATIVE_VLAN_BOND":         {"interface {bond}", "switchport mode trunk", "switchport access vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN_BOND":      {"interface {bond}", "no switchport access vlan"},
			"ADD_NETWORK_TO_BOND_TRUNK":    {"interface {bond}", "switchport mode trunk", "switchport trunk allowed vlan {segmentation_id}", "exit"},
			"DELETE_NETWORK_ON_BOND_TRUNK": {"interface {bond}", "no switchport trunk allowed vlan {segmentation_id}", "exit"},
			"ENABLE_PORT":                  {"interface {port}", "no shutdown", "exit"},
			"DISABLE_PORT":                 {"interface {port}", "shutdown", "exit"},
		}
	}
	return nil
}

// op is one NGS operation: a template name and its placeholders, raw
// lines where NGS has no template (creating a port-channel, a native VLAN
// on NX-OS), or several templates NGS sends in one session (parts).
type op struct {
	tmpl  string
	args  map[string]string
	raw   []string
	parts []op
}

// together is the ops NGS builds in code and sends as one session.
func together(parts ...op) op { return op{parts: parts} }

func ngs(tmpl string, kv ...string) op {
	args := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	return op{tmpl: tmpl, args: args}
}

func raw(lines ...string) op { return op{raw: lines} }

func (o op) lines(t *testing.T, templates map[string][]string) []string {
	if o.raw != nil {
		return o.raw
	}
	if o.parts != nil {
		var out []string
		for _, p := range o.parts {
			out = append(out, p.lines(t, templates)...)
		}
		return out
	}
	tmpl, ok := templates[o.tmpl]
	if !ok {
		t.Fatalf("no NGS template %s", o.tmpl)
	}
	out := make([]string, len(tmpl))
	for i, l := range tmpl {
		for k, v := range o.args {
			l = strings.ReplaceAll(l, "{"+k+"}", v)
		}
		if strings.Contains(l, "{") {
			t.Fatalf("template %s: unfilled placeholder in %q", o.tmpl, l)
		}
		out[i] = l
	}
	return out
}

// step runs ops, each in its own configuration session (or, with exec,
// at the privileged prompt: NGS's show templates, whose output goes in
// the golden file), then checks the summaries of some interfaces (and of
// the VLAN database, under "vlans"; see overlaySummary for the rest).
type step struct {
	name string
	ops  []op
	want map[string]string
	exec bool
}

type ngsCase struct {
	platform string
	ports    []string
	enable   bool     // log in unprivileged and "enable" with a secret
	save     string   // the save command netmiko sends
	shows    []string // show commands whose output goes in the golden file
	steps    []step
}

const net0 = "0ae071f55be943e480eae41fefe85b21" // an NGS network name: a UUID without dashes

func ngsCases() []ngsCase {
	addNets := func(extra ...op) step {
		return step{name: "add networks", ops: append([]op{
			ngs("ADD_NETWORK", "segmentation_id", "100", "network_name", net0),
			ngs("ADD_NETWORK", "segmentation_id", "200", "network_name", "net200"),
			ngs("ADD_NETWORK", "segmentation_id", "300", "network_name", "net300"),
		}, extra...)}
	}
	delNets := step{name: "delete networks", ops: []op{
		ngs("DELETE_NETWORK", "segmentation_id", "100"),
		ngs("DELETE_NETWORK", "segmentation_id", "200"),
		ngs("DELETE_NETWORK", "segmentation_id", "300"),
	}}
	lag := func(p3, p4 string) op {
		return raw("interface "+p3, "channel-group 10 mode active", "interface "+p4, "channel-group 10 mode active")
	}
	return []ngsCase{
		{
			platform: "arista-eos",
			ports:    []string{"Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4", "Ethernet5", "Ethernet6"},
			enable:   true,
			save:     "copy running-config startup-config",
			shows: []string{"show running-config interfaces Ethernet1", "show running-config interfaces Ethernet2",
				"show running-config interfaces Port-Channel10", "show interfaces Ethernet2 switchport", "show vlan",
				"show vlan id 100 configured-ports", "show interfaces Vxlan1", "show running-config"},
			steps: []step{
				withVLANs(addNets(), "1:default 100:"+net0+" 200:net200 300:net300"),
				{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "Ethernet1", "segmentation_id", "100")},
					want: map[string]string{"Ethernet1": "access vlan=100 native=1 allowed=all"}},
				{name: "plug trunk with native and allowed", ops: []op{
					ngs("DELETE_PORT", "port", "Ethernet2", "segmentation_id", "1"),
					ngs("SET_NATIVE_VLAN", "port", "Ethernet2", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "Ethernet2", "segmentation_id", "300"),
				}, want: map[string]string{"Ethernet2": "trunk vlan=1 native=200 allowed=200,300"}},
				{name: "plug bond", ops: []op{
					lag("Ethernet3", "Ethernet4"),
					ngs("DELETE_PORT", "port", "Port-Channel10", "segmentation_id", "1"),
					ngs("SET_NATIVE_VLAN_BOND", "bond", "Port-Channel10", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_BOND_TRUNK", "bond", "Port-Channel10", "segmentation_id", "300"),
				}, want: map[string]string{
					"Port-Channel10": "trunk vlan=1 native=200 allowed=200,300 members=Ethernet3,Ethernet4 lacp",
					"Ethernet3":      "access vlan=1 native=1 allowed=all lag=10/active",
				}},
				{name: "disable port", ops: []op{ngs("DISABLE_PORT", "port", "Ethernet5")},
					want: map[string]string{"Ethernet5": "access vlan=1 native=1 allowed=all shutdown"}},
				{name: "plug switch to VXLAN", ops: []op{ngs("PLUG_SWITCH_TO_NETWORK", "vxlan_interface", "Vxlan1", "segmentation_id", "100", "vni", "5100")},
					want: map[string]string{"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100"}},
				// NGS's plug_switch_to_network with ngs_bgp_asn set: one
				// session of EVPN VLAN, route targets, VNI map and (in
				// multicast mode) the flood list, after ENSURE_VLAN.
				{name: "plug switch to EVPN VXLAN, auto route targets, multicast flooding", ops: []op{
					ngs("ENSURE_VLAN", "segmentation_id", "200"),
					together(eosEVPN("PLUG_EVPN_VLAN", "200"), eosEVPN("PLUG_EVPN_ROUTE_TARGET_AUTO", "200"),
						eosEVPN("PLUG_SWITCH_TO_NETWORK", "200"), eosEVPN("PLUG_MCAST_FLOOD_VTEP", "200")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200",
					"evpn":  "bgp=65000 200:rd=auto,export=auto 65000,import=auto 65000,redistribute",
					"flood": "200=239.1.1.200",
				}},
				{name: "plug switch to EVPN VXLAN, explicit route target", ops: []op{
					ngs("ENSURE_VLAN", "segmentation_id", "300"),
					together(eosEVPN("PLUG_EVPN_VLAN", "300"), eosEVPN("PLUG_EVPN_ROUTE_TARGET_EXPLICIT", "300"), eosEVPN("PLUG_SWITCH_TO_NETWORK", "300")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200 vni:300=5300",
					"evpn":  "bgp=65000 200:rd=auto,export=auto 65000,import=auto 65000,redistribute 300:rd=auto,both=65000:300,redistribute",
				}},
				{name: "NGS's queries (vlan_has_ports, vlan_has_vni)", exec: true, ops: []op{
					ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"),
					ngs("SHOW_VLAN_VNI", "vxlan_interface", "Vxlan1"),
				}},
				{name: "save"},
				{name: "unplug switch from EVPN VXLAN (multicast mode)", ops: []op{
					together(eosEVPN("UNPLUG_MCAST_FLOOD_VTEP", "200"), eosEVPN("UNPLUG_SWITCH_FROM_NETWORK", "200"), eosEVPN("UNPLUG_EVPN_VLAN", "200")),
					together(eosEVPN("UNPLUG_SWITCH_FROM_NETWORK", "300"), eosEVPN("UNPLUG_EVPN_VLAN", "300")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100",
					"evpn":  "bgp=65000",
					"flood": "",
				}},
				{name: "unplug trunk", ops: []op{
					ngs("DELETE_NATIVE_VLAN", "port", "Ethernet2", "segmentation_id", "200"),
					ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "Ethernet2", "segmentation_id", "300"),
				}, want: map[string]string{"Ethernet2": "trunk vlan=1 native=1 allowed=none"}},
				{name: "unplug bond", ops: []op{
					ngs("DELETE_NATIVE_VLAN_BOND", "bond", "Port-Channel10", "segmentation_id", "200"),
					ngs("DELETE_NETWORK_ON_BOND_TRUNK", "bond", "Port-Channel10", "segmentation_id", "300"),
				}, want: map[string]string{"Port-Channel10": "trunk vlan=1 native=1 allowed=none members=Ethernet3,Ethernet4 lacp"}},
				{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "Ethernet1", "segmentation_id", "100")},
					want: map[string]string{"Ethernet1": "access vlan=1 native=1 allowed=none"}},
				{name: "enable port", ops: []op{ngs("ENABLE_PORT", "port", "Ethernet5")},
					want: map[string]string{"Ethernet5": "access vlan=1 native=1 allowed=all"}},
				{name: "unplug switch from VXLAN", ops: []op{ngs("UNPLUG_SWITCH_FROM_NETWORK", "vxlan_interface", "Vxlan1", "segmentation_id", "100", "vni", "5100")},
					want: map[string]string{"vlans": "1:default 100:" + net0 + " 200:net200 300:net300"}},
				withVLANs(delNets, "1:default"),
			},
		},
		{
			platform: "cisco-ios",
			ports: []string{"GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3", "GigabitEthernet1/0/4",
				"GigabitEthernet1/0/5", "GigabitEthernet1/0/6"},
			enable: true,
			save:   "write mem",
			shows: []string{"show running-config interface GigabitEthernet1/0/1", "show running-config interface GigabitEthernet1/0/2",
				"show running-config interface Port-channel10", "show interfaces GigabitEthernet1/0/2 switchport", "show vlan brief",
				"show running-config"},
			steps: []step{
				withVLANs(addNets(), "1:default 100:"+net0+" 200:net200 300:net300"),
				{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "GigabitEthernet1/0/1", "segmentation_id", "100")},
					want: map[string]string{"GigabitEthernet1/0/1": "access vlan=100 native=1 allowed=all"}},
				{name: "plug trunk with native and allowed", ops: []op{
					ngs("DELETE_PORT", "port", "GigabitEthernet1/0/2", "segmentation_id", "1"),
					ngs("SET_NATIVE_VLAN", "port", "GigabitEthernet1/0/2", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "GigabitEthernet1/0/2", "segmentation_id", "300"),
				}, want: map[string]string{"GigabitEthernet1/0/2": "trunk vlan=1 native=200 allowed=200,300"}},
				{name: "plug bond (port templates on the port-channel, as NGS falls back)", ops: []op{
					lag("GigabitEthernet1/0/3", "GigabitEthernet1/0/4"),
					ngs("DELETE_PORT", "port", "Port-channel10", "segmentation_id", "1"),
					ngs("SET_NATIVE_VLAN", "port", "Port-channel10", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "Port-channel10", "segmentation_id", "300"),
				}, want: map[string]string{
					"Port-channel10":       "trunk vlan=1 native=200 allowed=200,300 members=GigabitEthernet1/0/3,GigabitEthernet1/0/4 lacp",
					"GigabitEthernet1/0/4": "access vlan=1 native=1 allowed=all lag=10/active",
				}},
				{name: "disable port (IOS has no NGS template)", ops: []op{raw("interface GigabitEthernet1/0/5", "shutdown")},
					want: map[string]string{"GigabitEthernet1/0/5": "access vlan=1 native=1 allowed=all shutdown"}},
				{name: "save"},
				{name: "unplug trunk", ops: []op{
					ngs("DELETE_NATIVE_VLAN", "port", "GigabitEthernet1/0/2", "segmentation_id", "200"),
					ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "GigabitEthernet1/0/2", "segmentation_id", "300"),
				}, want: map[string]string{"GigabitEthernet1/0/2": "access vlan=1 native=1 allowed=none"}},
				{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "GigabitEthernet1/0/1", "segmentation_id", "100")},
					want: map[string]string{"GigabitEthernet1/0/1": "access vlan=1 native=1 allowed=none"}},
				{name: "enable port", ops: []op{raw("interface GigabitEthernet1/0/5", "no shutdown")},
					want: map[string]string{"GigabitEthernet1/0/5": "access vlan=1 native=1 allowed=all"}},
				withVLANs(delNets, "1:default"),
			},
		},
		{
			platform: "cisco-nxos",
			ports:    []string{"Ethernet1/1", "Ethernet1/2", "Ethernet1/3", "Ethernet1/4", "Ethernet1/5", "Ethernet1/6"},
			save:     "copy running-config startup-config",
			shows: []string{"show running-config interface Ethernet1/1", "show running-config interface Ethernet1/2",
				"show running-config interface port-channel10", "show interface Ethernet1/2 switchport", "show vlan brief",
				"show vlan id 100", "show running-config interface nve1", "show ip access-lists " + sg0, "show running-config"},
			steps: []step{
				withVLANs(addNets(ngs("PLUG_VLAN_VNI_SEGMENT", "segmentation_id", "100", "vni", "5100")),
					"1:default 100:"+net0+" 200:net200 300:net300 vni:100=5100"),
				// NGS's plug_switch_to_network: one session of EVPN VNI,
				// vn-segment, NVE member and its BUM replication.
				{name: "plug switch to EVPN VXLAN, ingress replication", ops: []op{
					together(nxosVNI("PLUG_EVPN_VNI", "200"), nxosVNI("PLUG_VLAN_VNI_SEGMENT", "200"), nxosVNI("PLUG_NVE_MEMBER", "200"),
						nxosVNI("PLUG_NVE_INGRESS_REPLICATION", "200")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200",
					"evpn":  "5200:rd=auto,import=auto,export=auto",
					"nve":   "5200=bgp,suppress-arp",
				}},
				{name: "plug switch to EVPN VXLAN, multicast group", ops: []op{
					together(nxosVNI("PLUG_EVPN_VNI", "300"), nxosVNI("PLUG_VLAN_VNI_SEGMENT", "300"), nxosVNI("PLUG_NVE_MEMBER", "300"),
						nxosVNI("PLUG_NVE_MCAST_GROUP", "300")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200 vni:300=5300",
					"evpn":  "5200:rd=auto,import=auto,export=auto 5300:rd=auto,import=auto,export=auto",
					"nve":   "5200=bgp,suppress-arp 5300=multicast 239.1.1.44",
				}},
				// The security-group plugin: an ACL with egress rules (one
				// per protocol and filter form NGS builds), bound to a port.
				{name: "add and bind a security group", ops: []op{
					together(ngs("ADD_SECURITY_GROUP", "security_group", sg0),
						sgRule("tcp", "10.0.0.0/24", "eq 22"), sgRule("tcp", "10.0.0.0/24", "range 8000 8080"),
						sgRule("udp", "0.0.0.0/0", ""), sgRule("icmp", "192.168.0.0/16", "8 0"),
						ngs("ADD_SECURITY_GROUP_COMPLETE")),
					ngs("BIND_SECURITY_GROUP", "port", "Ethernet1/1", "security_group", sg0),
				}, want: map[string]string{
					"acls":            sg0 + ": 10 permit tcp any 10.0.0.0/24 eq 22; 20 permit tcp any 10.0.0.0/24 range 8000 8080; 30 permit udp any 0.0.0.0/0; 40 permit icmp any 192.168.0.0/16 8 0",
					"acl:Ethernet1/1": sg0,
				}},
				{name: "NGS's queries (vlan_has_ports, vlan_has_vni)", exec: true, ops: []op{
					ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"),
					ngs("SHOW_VLAN_VNI", "nve_interface", "nve1", "vni", "5200"),
					ngs("SHOW_VLAN_VNI", "nve_interface", "nve1", "vni", "5999"),
				}},
				{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "Ethernet1/1", "segmentation_id", "100")},
					want: map[string]string{"Ethernet1/1": "access vlan=100 native=1 allowed=all"}},
				{name: "plug trunk as NGS does (no native template)", ops: []op{
					ngs("DELETE_PORT", "port", "Ethernet1/2"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "Ethernet1/2", "segmentation_id", "300"),
				}, want: map[string]string{"Ethernet1/2": "trunk vlan=1 native=1 allowed=all"}},
				{name: "trunk native and allowed list", ops: []op{
					raw("interface Ethernet1/2", "switchport trunk native vlan 200", "switchport trunk allowed vlan 200,300", "exit"),
				}, want: map[string]string{"Ethernet1/2": "trunk vlan=1 native=200 allowed=200,300"}},
				{name: "plug bond", ops: []op{
					lag("Ethernet1/3", "Ethernet1/4"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "port-channel10", "segmentation_id", "300"),
				}, want: map[string]string{"port-channel10": "trunk vlan=1 native=1 allowed=all members=Ethernet1/3,Ethernet1/4 lacp"}},
				{name: "disable port", ops: []op{ngs("DISABLE_PORT", "port", "Ethernet1/5")},
					want: map[string]string{"Ethernet1/5": "access vlan=1 native=1 allowed=all shutdown"}},
				{name: "save"},
				{name: "unplug trunk", ops: []op{ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "Ethernet1/2", "segmentation_id", "300")},
					want: map[string]string{"Ethernet1/2": "trunk vlan=1 native=200 allowed=200"}},
				{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "Ethernet1/1")},
					want: map[string]string{"Ethernet1/1": "access vlan=1 native=1 allowed=all"}},
				{name: "enable port", ops: []op{ngs("ENABLE_PORT", "port", "Ethernet1/5")},
					want: map[string]string{"Ethernet1/5": "access vlan=1 native=1 allowed=all"}},
				withVLANs(step{name: "unplug VNI", ops: []op{ngs("UNPLUG_VLAN_VNI_SEGMENT", "segmentation_id", "100")}},
					"1:default 100:"+net0+" 200:net200 300:net300 vni:200=5200 vni:300=5300"),
				{name: "unplug switch from EVPN VXLAN", ops: []op{
					together(nxosVNI("UNPLUG_NVE_MEMBER", "200"), nxosVNI("UNPLUG_VLAN_VNI_SEGMENT", "200"), nxosVNI("UNPLUG_EVPN_VNI", "200")),
					together(nxosVNI("UNPLUG_NVE_MEMBER", "300"), nxosVNI("UNPLUG_VLAN_VNI_SEGMENT", "300"), nxosVNI("UNPLUG_EVPN_VNI", "300")),
				}, want: map[string]string{"vlans": "1:default 100:" + net0 + " 200:net200 300:net300", "evpn": "", "nve": ""}},
				{name: "unbind and remove the security group", ops: []op{
					ngs("UNBIND_SECURITY_GROUP", "port", "Ethernet1/1", "security_group", sg0),
					ngs("REMOVE_SECURITY_GROUP", "security_group", sg0),
				}, want: map[string]string{"acls": "", "acl:Ethernet1/1": ""}},
				withVLANs(delNets, "1:default"),
			},
		},
		{
			platform: "dell-os10",
			ports:    []string{"ethernet1/1/1", "ethernet1/1/2", "ethernet1/1/3", "ethernet1/1/4", "ethernet1/1/5", "ethernet1/1/6"},
			save:     "copy running-configuration startup-configuration",
			shows: []string{"show running-configuration interface ethernet1/1/1", "show running-configuration interface ethernet1/1/2",
				"show running-configuration interface port-channel10", "show running-configuration interface vlan100", "show vlan",
				"show interface switchport ethernet1/1/2",
				"show running-configuration"},
			steps: []step{
				withVLANs(addNets(), "1: 100:"+net0+" 200:net200 300:net300"),
				{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "ethernet1/1/1", "segmentation_id", "100")},
					want: map[string]string{"ethernet1/1/1": "access vlan=100 native=100 allowed=none"}},
				{name: "plug trunk with native and allowed", ops: []op{
					ngs("DELETE_PORT", "port", "ethernet1/1/2"),
					ngs("SET_NATIVE_VLAN", "port", "ethernet1/1/2", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "ethernet1/1/2", "segmentation_id", "300"),
					ngs("ADD_NETWORK_TO_TRUNK", "port", "ethernet1/1/2", "segmentation_id", "100"),
				}, want: map[string]string{"ethernet1/1/2": "trunk vlan=200 native=200 allowed=100,300"}},
				{name: "plug bond", ops: []op{
					lag("ethernet1/1/3", "ethernet1/1/4"),
					ngs("SET_NATIVE_VLAN_BOND", "bond", "port-channel10", "segmentation_id", "200"),
					ngs("ADD_NETWORK_TO_BOND_TRUNK", "bond", "port-channel10", "segmentation_id", "300"),
				}, want: map[string]string{"port-channel10": "trunk vlan=200 native=200 allowed=300 members=ethernet1/1/3,ethernet1/1/4 lacp"}},
				{name: "disable port", ops: []op{ngs("DISABLE_PORT", "port", "ethernet1/1/5")},
					want: map[string]string{"ethernet1/1/5": "access vlan=1 native=1 allowed=none shutdown"}},
				{name: "save"},
				{name: "unplug trunk", ops: []op{
					ngs("DELETE_NATIVE_VLAN", "port", "ethernet1/1/2"),
					ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "ethernet1/1/2", "segmentation_id", "300"),
				}, want: map[string]string{"ethernet1/1/2": "trunk vlan=1 native=1 allowed=100"}},
				{name: "unplug the last trunk VLAN", ops: []op{
					ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "ethernet1/1/2", "segmentation_id", "100"),
				}, want: map[string]string{"ethernet1/1/2": "trunk vlan=1 native=1 allowed=none"}},
				{name: "unplug bond", ops: []op{
					ngs("DELETE_NATIVE_VLAN_BOND", "bond", "port-channel10"),
					ngs("DELETE_NETWORK_ON_BOND_TRUNK", "bond", "port-channel10", "segmentation_id", "300"),
				}, want: map[string]string{"port-channel10": "trunk vlan=1 native=1 allowed=none members=ethernet1/1/3,ethernet1/1/4 lacp"}},
				{name: "plug bond access", ops: []op{ngs("PLUG_BOND_TO_NETWORK", "bond", "port-channel10", "segmentation_id", "100")},
					want: map[string]string{"port-channel10": "access vlan=100 native=100 allowed=none members=ethernet1/1/3,ethernet1/1/4 lacp"}},
				{name: "unplug bond access", ops: []op{ngs("UNPLUG_BOND_FROM_NETWORK", "bond", "port-channel10")},
					want: map[string]string{"port-channel10": "access vlan=1 native=1 allowed=none members=ethernet1/1/3,ethernet1/1/4 lacp"}},
				{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "ethernet1/1/1")},
					want: map[string]string{"ethernet1/1/1": "access vlan=1 native=1 allowed=none"}},
				{name: "enable port", ops: []op{ngs("ENABLE_PORT", "port", "ethernet1/1/5")},
					want: map[string]string{"ethernet1/1/5": "access vlan=1 native=1 allowed=none"}},
				withVLANs(delNets, "1:"),
			},
		},
	}
}

func withVLANs(s step, vlans string) step {
	if s.want == nil {
		s.want = map[string]string{}
	}
	s.want["vlans"] = vlans
	return s
}

// summary renders what a test asserts about one interface, or about the
// VLAN database when name is "vlans".
func summary(cfg state.Config, name string) string {
	if s, ok := overlaySummary(cfg, name); ok {
		return s
	}
	if name == "vlans" {
		var parts []string
		for _, id := range cfg.VLANIDs() {
			parts = append(parts, fmt.Sprintf("%d:%s", id, cfg.VLANs[id].Name))
		}
		for _, v := range cfg.VLANIDs() {
			if vni, ok := cfg.VNIs[v]; ok {
				parts = append(parts, fmt.Sprintf("vni:%d=%d", v, vni))
			}
		}
		return strings.Join(parts, " ")
	}
	l2 := func(l state.L2) string {
		allowed := l.Allowed.String()
		if l.Allowed.IsAll() {
			allowed = "all"
		}
		s := fmt.Sprintf("%s vlan=%d native=%d allowed=%s", l.Mode, l.AccessVLAN, l.NativeVLAN, allowed)
		if l.Shutdown {
			s += " shutdown"
		}
		if l.Description != "" {
			s += " desc=" + l.Description
		}
		return s
	}
	if p, ok := cfg.Ports[name]; ok {
		s := l2(p.L2)
		if p.LAG != 0 {
			s += fmt.Sprintf(" lag=%d/%s", p.LAG, p.ChannelMode)
		}
		return s
	}
	if l, ok := cfg.LAGByName(name); ok {
		return l2(l.L2) + fmt.Sprintf(" members=%s %s", strings.Join(l.Members, ","), l.Mode)
	}
	return "absent"
}

// configSession runs lines inside "configure terminal", leaving
// configuration mode with "end" as netmiko does when a template did not.
func configSession(tm *term, lines []string) {
	tm.cmd("configure terminal")
	for _, l := range lines {
		tm.cmd(l)
	}
	tm.mu.Lock()
	all := string(tm.all)
	tm.mu.Unlock()
	if regexp.MustCompile(`\)# ?\z`).MatchString(all) {
		tm.cmd("end")
	}
}

// TestNGSSessions drives every platform through NGS's command sequences
// over a real SSH client with a PTY, asserts the state after each
// operation, and compares the whole session with a golden transcript.
func TestNGSSessions(t *testing.T) {
	for _, tc := range ngsCases() {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			spec := DeviceSpec{Name: "tor-1", Platform: tc.platform, Ports: tc.ports,
				Users: []User{{Name: "netops", Password: "pw", Privileged: !tc.enable}}}
			if tc.enable {
				spec.EnableSecret = "s3cret"
			}
			d := addDevice(t, s, spec)
			templates := ngsTemplates(tc.platform)
			tm := shell(t, d, "netops", "pw", 0)
			tm.expect(tm.promptRE())
			if tc.enable {
				tm.send("enable\n")
				tm.expect(regexp.MustCompile(`Password: \z`))
				tm.send("s3cret\n")
				tm.expect(regexp.MustCompile(`tor-1#\z`))
			}
			tm.cmd("terminal length 0")
			for _, st := range tc.steps {
				if st.name == "save" {
					before := d.State()
					tm.cmd(tc.save)
					after := d.State()
					if after.Saves != before.Saves+1 || !reflect.DeepEqual(after.Startup, after.Running) {
						t.Fatalf("%q did not save: saves %d->%d, startup==running %v", tc.save, before.Saves, after.Saves, reflect.DeepEqual(after.Startup, after.Running))
					}
					for _, show := range tc.shows {
						tm.cmd(show)
					}
					continue
				}
				for _, o := range st.ops {
					if st.exec {
						for _, l := range o.lines(t, templates) {
							tm.cmd(l)
						}
						continue
					}
					configSession(tm, o.lines(t, templates))
				}
				running := d.State().Running
				for name, want := range st.want {
					if got := summary(running, name); got != want {
						t.Errorf("after %q: %s = %q, want %q", st.name, name, got, want)
					}
				}
			}
			for _, c := range d.Commands() {
				if c.Error != "" {
					t.Errorf("%q (in %s) was refused: %s", c.Line, c.Mode, c.Error)
				}
			}
			snap := d.State()
			if reflect.DeepEqual(snap.Startup, snap.Running) {
				t.Error("the changes after the save should not be in the startup configuration")
			}
			d.Reload()
			if got := d.State().Running; !reflect.DeepEqual(got, snap.Startup) {
				t.Error("Reload did not bring back the saved configuration")
			}
			golden(t, tc.platform+"/ngs-session.golden", tm.transcript())
		})
	}
}
