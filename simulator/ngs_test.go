package simulator

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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
			"ADD_NETWORK":                     {"interface vlan {segmentation_id}", "description {network_name}", "exit"},
			"DELETE_NETWORK":                  {"no interface vlan {segmentation_id}", "exit"},
			"PLUG_PORT_TO_NETWORK":            {"interface {port}", "switchport mode access", "switchport access vlan {segmentation_id}", "exit"},
			"DELETE_PORT":                     {"interface {port}", "no switchport access vlan", "exit"},
			"ADD_NETWORK_TO_TRUNK":            {"interface {port}", "switchport mode trunk", "switchport trunk allowed vlan {segmentation_id}", "exit"},
			"REMOVE_NETWORK_FROM_TRUNK":       {"interface {port}", "no switchport trunk allowed vlan {segmentation_id}", "exit"},
			"SET_NATIVE_VLAN":                 {"interface {port}", "switchport mode trunk", "switchport access vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN":              {"interface {port}", "no switchport access vlan"},
			"PLUG_BOND_TO_NETWORK":            {"interface {bond}", "switchport mode access", "switchport access vlan {segmentation_id}", "exit"},
			"UNPLUG_BOND_FROM_NETWORK":        {"interface {bond}", "no switchport access vlan", "exit"},
			"SET_NATIVE_VLAN_BOND":            {"interface {bond}", "switchport mode trunk", "switchport access vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN_BOND":         {"interface {bond}", "no switchport access vlan"},
			"ADD_NETWORK_TO_BOND_TRUNK":       {"interface {bond}", "switchport mode trunk", "switchport trunk allowed vlan {segmentation_id}", "exit"},
			"DELETE_NETWORK_ON_BOND_TRUNK":    {"interface {bond}", "no switchport trunk allowed vlan {segmentation_id}", "exit"},
			"ENABLE_PORT":                     {"interface {port}", "no shutdown", "exit"},
			"DISABLE_PORT":                    {"interface {port}", "shutdown", "exit"},
			"ADD_SECURITY_GROUP":              {"ip access-list {security_group_ingress}", "exit", "ip access-list {security_group_egress}", "exit"},
			"REMOVE_SECURITY_GROUP":           {"no ip access-list {security_group_ingress}", "no ip access-list {security_group_egress}"},
			"ADD_SECURITY_GROUP_RULE_INGRESS": {"ip access-list {security_group_ingress}", "permit {protocol} {remote_ip_prefix} any {filter}", "exit"},
			"ADD_SECURITY_GROUP_RULE_EGRESS":  {"ip access-list {security_group_egress}", "permit {protocol} any {remote_ip_prefix} {filter}", "exit"},
			"BIND_SECURITY_GROUP": {"interface {port}", "ip access-group {security_group_egress} in", "ip access-group {security_group_ingress} out", "exit",
				"show ip access-lists in", "show ip access-lists out"},
			"UNBIND_SECURITY_GROUP": {"interface {port}", "no ip access-group {security_group_egress} in", "no ip access-group {security_group_ingress} out", "exit"},
		}
	case "sonic":
		t := map[string][]string{
			"ADD_NETWORK":                {"config vlan add {segmentation_id}"},
			"DELETE_NETWORK":             {"config vlan del {segmentation_id}"},
			"PLUG_PORT_TO_NETWORK":       {"config vlan member add -u {segmentation_id} {port}"},
			"DELETE_PORT":                {"config vlan member del {segmentation_id} {port}"},
			"ADD_NETWORK_TO_TRUNK":       {"config vlan member add {segmentation_id} {port}"},
			"REMOVE_NETWORK_FROM_TRUNK":  {"config vlan member del {segmentation_id} {port}"},
			"SAVE_CONFIGURATION":         {"config save -y"},
			"PLUG_SWITCH_TO_NETWORK":     {"config vxlan map add {vtep_name} {segmentation_id} {vni}"},
			"UNPLUG_SWITCH_FROM_NETWORK": {"config vxlan map del {vtep_name} {segmentation_id} {vni}"},
			"SHOW_VLAN_PORTS":            {"show vlan {segmentation_id}"},
			"SHOW_VLAN_VNI":              {"show vxlan vlanvnimap"},
			"TABLE_ADD_COMMAND":          {"config acl add table"},
			"TABLE_REMOVE_COMMAND":       {"config acl remove table"},
			"WRITE_ACL":                  {`echo -n "{acl}" | base64 -d | gunzip > /etc/sonic/acl-{security_group}.json`},
			"LOAD_ACL": {"acl-loader update full --table_name {security_group_egress} /etc/sonic/acl-{security_group}.json",
				"acl-loader update full --table_name {security_group_ingress} /etc/sonic/acl-{security_group}.json"},
			"ADD_ACL_TABLE": {"{table_remove_command} {security_group_egress}", "{table_remove_command} {security_group_ingress}",
				"{table_add_command} {security_group_egress} L3V4V6 -p {ports} -s ingress",
				"{table_add_command} {security_group_ingress} L3V4V6 -p {ports} -s egress"},
			"REMOVE_SECURITY_GROUP": {"{table_remove_command} {security_group_egress}", "{table_remove_command} {security_group_ingress}",
				"acl-loader delete {security_group_egress}", "acl-loader delete {security_group_ingress}", "rm -f /etc/sonic/acl-{security_group}.json"},
			"PLUG_EVPN_VNI":   {`vtysh -c "configure terminal" -c "router bgp {bgp_asn}" -c "address-family l2vpn evpn" -c "vni {vni}" -c "rd auto" -c "route-target import auto" -c "route-target export auto"`},
			"UNPLUG_EVPN_VNI": {`vtysh -c "configure terminal" -c "router bgp {bgp_asn}" -c "address-family l2vpn evpn" -c "no vni {vni}"`},
		}
		for name, parts := range ngsComposed(platform) {
			for _, part := range parts {
				t[name] = append(t[name], t[part]...)
			}
		}
		return t
	case "juniper-junos":
		return map[string][]string{
			"ADD_NETWORK":                {"set vlans {network_name} vlan-id {segmentation_id}"},
			"DELETE_NETWORK":             {"delete vlans {network_name}"},
			"PLUG_PORT_TO_NETWORK":       {"delete interfaces {port} unit 0 family ethernet-switching vlan members", "set interfaces {port} unit 0 family ethernet-switching vlan members {segmentation_id}"},
			"DELETE_PORT":                {"delete interfaces {port} unit 0 family ethernet-switching vlan members"},
			"ADD_NETWORK_TO_TRUNK":       {"set interfaces {port} unit 0 family ethernet-switching vlan members {segmentation_id}"},
			"REMOVE_NETWORK_FROM_TRUNK":  {"delete interfaces {port} unit 0 family ethernet-switching vlan members {segmentation_id}"},
			"ENABLE_PORT":                {"delete interfaces {port} disable"},
			"DISABLE_PORT":               {"set interfaces {port} disable"},
			"PLUG_SWITCH_TO_NETWORK":     {"set vlans {vlan_name} vxlan vni {vni}"},
			"UNPLUG_SWITCH_FROM_NETWORK": {"delete vlans {vlan_name} vxlan vni"},
			"SHOW_VLANS":                 {"show vlans"},
			"PLUG_MCAST_GROUP":           {"set vlans {vlan_name} vxlan multicast-group {mcast_group}"},
			"UNPLUG_MCAST_GROUP":         {"delete vlans {vlan_name} vxlan multicast-group"},
			"PLUG_EVPN_VRF_TARGET":       {"set vlans {vlan_name} vrf-target target:{bgp_asn}:{vni}"},
			"UNPLUG_EVPN_VRF_TARGET":     {"delete vlans {vlan_name} vrf-target"},
		}
	case "cumulus-nvue":
		return map[string][]string{
			"ADD_NETWORK":                  {"nv set bridge domain br_default vlan {segmentation_id}"},
			"DELETE_NETWORK":               {"nv unset bridge domain br_default vlan {segmentation_id}"},
			"PLUG_PORT_TO_NETWORK":         {"nv unset interface {port} bridge domain br_default untagged", "nv set interface {port} bridge domain br_default access {segmentation_id}"},
			"DELETE_PORT":                  {"nv unset interface {port} bridge domain br_default access", "nv unset interface {port} bridge domain br_default untagged", "nv unset interface {port} bridge domain br_default vlan"},
			"ADD_NETWORK_TO_TRUNK":         {"nv unset interface {port} bridge domain br_default access", "nv set interface {port} bridge domain br_default vlan {segmentation_id}"},
			"REMOVE_NETWORK_FROM_TRUNK":    {"nv unset interface {port} bridge domain br_default vlan {segmentation_id}"},
			"SET_NATIVE_VLAN":              {"nv unset interface {port} bridge domain br_default access", "nv set interface {port} bridge domain br_default untagged {segmentation_id}", "nv set interface {port} bridge domain br_default vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN":           {"nv unset interface {port} bridge domain br_default untagged {segmentation_id}", "nv unset interface {port} bridge domain br_default vlan {segmentation_id}"},
			"SET_NATIVE_VLAN_BOND":         {"nv unset interface {bond} bridge domain br_default access", "nv set interface {bond} bridge domain br_default untagged {segmentation_id}", "nv set interface {bond} bridge domain br_default vlan {segmentation_id}"},
			"DELETE_NATIVE_VLAN_BOND":      {"nv unset interface {bond} bridge domain br_default untagged {segmentation_id}", "nv unset interface {bond} bridge domain br_default vlan {segmentation_id}"},
			"ADD_NETWORK_TO_BOND_TRUNK":    {"nv unset interface {bond} bridge domain br_default access", "nv set interface {bond} bridge domain br_default vlan {segmentation_id}"},
			"DELETE_NETWORK_ON_BOND_TRUNK": {"nv unset interface {bond} bridge domain br_default vlan {segmentation_id}"},
			"ENABLE_PORT":                  {"nv set interface {port} link state up"},
			"DISABLE_PORT":                 {"nv set interface {port} link state down"},
			"SAVE_CONFIGURATION":           {"nv config save"},
			"PLUG_SWITCH_TO_NETWORK":       {"nv set bridge domain br_default vlan {segmentation_id} vni {vni}"},
			"UNPLUG_SWITCH_FROM_NETWORK":   {"nv unset bridge domain br_default vlan {segmentation_id} vni"},
			"SHOW_VLAN_PORTS":              {"nv show bridge domain br_default vlan {segmentation_id} -o json"},
			"SHOW_VLAN_VNI":                {"nv show bridge domain br_default vlan-vni-map -o json"},
			"PLUG_EVPN_VNI":                {`vtysh -c "configure terminal" -c "router bgp {bgp_asn}" -c "address-family l2vpn evpn" -c "vni {vni}" -c "rd auto" -c "route-target import auto" -c "route-target export auto"`},
			"UNPLUG_EVPN_VNI":              {`vtysh -c "configure terminal" -c "router bgp {bgp_asn}" -c "address-family l2vpn evpn" -c "no vni {vni}"`},
			"PLUG_HER_FLOOD":               {"nv set nve vxlan flooding head-end-replication {vtep_ip}"},
			"PLUG_MCAST_FLOOD":             {"nv set bridge domain br_default vlan {segmentation_id} vni {vni} flooding multicast-group {mcast_group}"},
			"PLUG_INGRESS_REPLICATION":     {"nv set bridge domain br_default vlan {segmentation_id} vni {vni} flooding head-end-replication evpn"},
		}
	}
	return nil
}

// ngsComposed lists the templates Appendix A composes of others
// ("ADD_SECURITY_GROUP: WRITE_ACL + LOAD_ACL"); sending one sends its parts.
func ngsComposed(platform string) map[string][]string {
	if platform == "sonic" {
		return map[string][]string{
			"ADD_SECURITY_GROUP":    {"WRITE_ACL", "LOAD_ACL"},
			"BIND_SECURITY_GROUP":   {"ADD_ACL_TABLE", "WRITE_ACL", "LOAD_ACL"},
			"UNBIND_SECURITY_GROUP": {"ADD_ACL_TABLE", "LOAD_ACL"},
		}
	}
	return nil
}

// ngsNotApplied lists, per platform, the Appendix A entries TestNGSSessions
// does not send, each with the reason: entries that are not command
// templates, and templates that cannot apply to the simulator.
// TestNGSAppendixA checks that every entry is either a template in
// ngsTemplates or here.
func ngsNotApplied(platform string) map[string]string {
	patterns := "regular expressions NGS matches in the output, not commands"
	switch platform {
	case "dell-os10":
		return map[string]string{
			"ERROR_MSG_PATTERNS":          patterns,
			"ADD_SECURITY_GROUP_COMPLETE": "None: NGS sends nothing for it",
		}
	case "sonic":
		return map[string]string{
			"NETMIKO_DEVICE_TYPE":   "linux: netmiko's device type, not a command",
			"ERROR_MSG_PATTERNS":    patterns,
			"SUPPORT_SG_PORT_RANGE": "True: a capability flag, not a command",
			// netmiko_dell_enterprise_sonic (sonic-dell-enterprise.txt).
			"dell-enterprise/TABLE_ADD_COMMAND": "config acl table add: Dell Enterprise SONiC's spelling; the simulator has no Dell " +
				"Enterprise SONiC platform and community SONiC refuses it (TestSonicSecurityGroupNearMisses)",
			"dell-enterprise/TABLE_REMOVE_COMMAND": "config acl table delete: as TABLE_ADD_COMMAND",
		}
	case "cumulus-nvue":
		return map[string]string{
			"NETMIKO_DEVICE_TYPE": "linux: netmiko's device type, not a command",
			"ERROR_MSG_PATTERNS":  patterns,
		}
	case "arista-eos":
		return map[string]string{
			"ERROR_MSG_PATTERNS": patterns + " (TestEOSErrorsMatchNGSPatterns matches them against the simulator's refusals)",
		}
	case "cisco-nxos":
		return map[string]string{
			"PLUG_SWITCH_TO_NETWORK": "True: NGS builds it in code from PLUG_EVPN_VNI, PLUG_VLAN_VNI_SEGMENT, PLUG_NVE_MEMBER and " +
				"PLUG_NVE_INGRESS_REPLICATION or PLUG_NVE_MCAST_GROUP, which the NX-OS case sends in that order in one session",
			"UNPLUG_SWITCH_FROM_NETWORK": "True: NGS builds it from UNPLUG_NVE_MEMBER, UNPLUG_VLAN_VNI_SEGMENT and UNPLUG_EVPN_VNI, " +
				"which the NX-OS case sends in that order in one session",
		}
	}
	return nil
}

// ngsFragments are templates that are not sent themselves but substituted
// into others (SONiC's table commands into ADD_ACL_TABLE and
// REMOVE_SECURITY_GROUP); TestNGSSessions sends them there.
var ngsFragments = map[string]bool{"TABLE_ADD_COMMAND": true, "TABLE_REMOVE_COMMAND": true}

// op is one NGS operation: a template name and its placeholders, or raw
// lines where NGS has no template (creating a port-channel, a native VLAN
// on NX-OS).
type op struct {
	tmpl string
	args map[string]string
	raw  []string
	// seq: several templates NGS sends in one session, in order (Junos's
	// plug_switch_to_network: the VNI, its multicast group, its target).
	seq []op
}

// ngsSeq is one operation made of several templates, sent in one session.
func ngsSeq(ops ...op) op { return op{seq: ops} }

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
	if o.seq != nil {
		var out []string
		for _, part := range o.seq {
			out = append(out, part.lines(t, templates)...)
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

// step runs ops, each in its own configuration session, then checks the
// summaries of some interfaces (and of the VLAN database, under "vlans").
type step struct {
	name    string
	ops     []op
	want    map[string]string
	queries []query // run after ops, outside any configuration session
}

// query is one of NGS's read-only templates (SHOW_VLAN_PORTS,
// SHOW_VLAN_VNI) and a text its output must contain.
type query struct {
	op   op
	want string
}

type ngsCase struct {
	platform string
	ports    []string
	enable   bool     // log in unprivileged and "enable" with a secret
	save     string   // the save command netmiko sends
	shows    []string // show commands whose output goes in the golden file
	steps    []step

	// The Linux-based platforms: the login name ("netops" when empty),
	// the prompts (the IOS-like prompt when nil), what "enable" is
	// (netmiko's linux enable() is "sudo -s" answered with the secret,
	// prompted by enablePrompt), the session setup ("terminal length 0"
	// when nil), how an operation is sent (configSession when nil) and
	// text in the transcript to replace before the golden comparison.
	user         string
	prompt       *regexp.Regexp
	enableCmd    string
	enablePrompt *regexp.Regexp
	setup        []string
	session      func(cmd func(string) string, lines []string)
	redact       map[string]string
	// commitSaves: each operation's commit is also the save (Junos), so
	// the "save" step sends nothing and checks that the saved
	// configuration is the running one, and so it is at the end.
	commitSaves bool
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
	// An NGS security group's access lists (Dell OS10 names).
	sg := []string{"security_group_ingress", "ngs-out-sg1", "security_group_egress", "ngs-in-sg1"}
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
					ngsSeq(eosEVPN("PLUG_EVPN_VLAN", "200"), eosEVPN("PLUG_EVPN_ROUTE_TARGET_AUTO", "200"),
						eosEVPN("PLUG_SWITCH_TO_NETWORK", "200"), eosEVPN("PLUG_MCAST_FLOOD_VTEP", "200")),
				}, want: map[string]string{
					"vlans":      "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200",
					"evpn":       "bgp=65000 200:rd=auto,export=auto 65000,import=auto 65000,redistribute",
					"flood-vtep": "200=239.1.1.200",
				}},
				{name: "plug switch to EVPN VXLAN, explicit route target", ops: []op{
					ngs("ENSURE_VLAN", "segmentation_id", "300"),
					ngsSeq(eosEVPN("PLUG_EVPN_VLAN", "300"), eosEVPN("PLUG_EVPN_ROUTE_TARGET_EXPLICIT", "300"), eosEVPN("PLUG_SWITCH_TO_NETWORK", "300")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200 vni:300=5300",
					"evpn":  "bgp=65000 200:rd=auto,export=auto 65000,import=auto 65000,redistribute 300:rd=auto,both=65000:300,redistribute",
				}},
				{name: "NGS's queries (vlan_has_ports, vlan_has_vni)", queries: []query{
					{op: ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"), want: "100   " + net0 + " active    Et1"},
					{op: ngs("SHOW_VLAN_VNI", "vxlan_interface", "Vxlan1"), want: "[200, 5200]"},
				}},
				{name: "save"},
				{name: "unplug switch from EVPN VXLAN (multicast mode)", ops: []op{
					ngsSeq(eosEVPN("UNPLUG_MCAST_FLOOD_VTEP", "200"), eosEVPN("UNPLUG_SWITCH_FROM_NETWORK", "200"), eosEVPN("UNPLUG_EVPN_VLAN", "200")),
					ngsSeq(eosEVPN("UNPLUG_SWITCH_FROM_NETWORK", "300"), eosEVPN("UNPLUG_EVPN_VLAN", "300")),
				}, want: map[string]string{
					"vlans":      "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100",
					"evpn":       "bgp=65000",
					"flood-vtep": "",
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
					ngsSeq(nxosVNI("PLUG_EVPN_VNI", "200"), nxosVNI("PLUG_VLAN_VNI_SEGMENT", "200"), nxosVNI("PLUG_NVE_MEMBER", "200"),
						nxosVNI("PLUG_NVE_INGRESS_REPLICATION", "200")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200",
					"evpn":  "5200:rd=auto,import=auto,export=auto",
					"nve":   "5200=bgp,suppress-arp",
				}},
				{name: "plug switch to EVPN VXLAN, multicast group", ops: []op{
					ngsSeq(nxosVNI("PLUG_EVPN_VNI", "300"), nxosVNI("PLUG_VLAN_VNI_SEGMENT", "300"), nxosVNI("PLUG_NVE_MEMBER", "300"),
						nxosVNI("PLUG_NVE_MCAST_GROUP", "300")),
				}, want: map[string]string{
					"vlans": "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100 vni:200=5200 vni:300=5300",
					"evpn":  "5200:rd=auto,import=auto,export=auto 5300:rd=auto,import=auto,export=auto",
					"nve":   "5200=bgp,suppress-arp 5300=multicast 239.1.1.44",
				}},
				// The security-group plugin: an ACL with egress rules (one
				// per protocol and filter form NGS builds), bound to a port.
				{name: "add and bind a security group", ops: []op{
					ngsSeq(ngs("ADD_SECURITY_GROUP", "security_group", sg0),
						sgRule("tcp", "10.0.0.0/24", "eq 22"), sgRule("tcp", "10.0.0.0/24", "range 8000 8080"),
						sgRule("udp", "0.0.0.0/0", ""), sgRule("icmp", "192.168.0.0/16", "8 0"),
						ngs("ADD_SECURITY_GROUP_COMPLETE")),
					ngs("BIND_SECURITY_GROUP", "port", "Ethernet1/1", "security_group", sg0),
				}, want: map[string]string{
					"acls": sg0 + "[10 permit tcp any 10.0.0.0/24 eq 22; 20 permit tcp any 10.0.0.0/24 range 8000 8080; " +
						"30 permit udp any 0.0.0.0/0; 40 permit icmp any 192.168.0.0/16 8 0] Ethernet1/1:in=" + sg0 + ",out=",
				}},
				{name: "NGS's queries (vlan_has_ports, vlan_has_vni)", queries: []query{
					{op: ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"), want: "100  " + net0 + " active"},
					{op: ngs("SHOW_VLAN_VNI", "nve_interface", "nve1", "vni", "5200"), want: "member vni 5200"},
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
					ngsSeq(nxosVNI("UNPLUG_NVE_MEMBER", "200"), nxosVNI("UNPLUG_VLAN_VNI_SEGMENT", "200"), nxosVNI("UNPLUG_EVPN_VNI", "200")),
					ngsSeq(nxosVNI("UNPLUG_NVE_MEMBER", "300"), nxosVNI("UNPLUG_VLAN_VNI_SEGMENT", "300"), nxosVNI("UNPLUG_EVPN_VNI", "300")),
				}, want: map[string]string{"vlans": "1:default 100:" + net0 + " 200:net200 300:net300", "evpn": "", "nve": ""}},
				{name: "unbind and remove the security group", ops: []op{
					ngs("UNBIND_SECURITY_GROUP", "port", "Ethernet1/1", "security_group", sg0),
					ngs("REMOVE_SECURITY_GROUP", "security_group", sg0),
				}, want: map[string]string{"acls": ""}},
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
				{name: "security group: create, rules, bind", ops: []op{
					ngs("ADD_SECURITY_GROUP", sg...),
					ngs("ADD_SECURITY_GROUP_RULE_INGRESS", append(sg, "protocol", "tcp", "remote_ip_prefix", "10.0.0.0/24", "filter", "eq 22")...),
					ngs("ADD_SECURITY_GROUP_RULE_INGRESS", append(sg, "protocol", "icmp", "remote_ip_prefix", "10.0.0.0/24", "filter", "8 0")...),
					ngs("ADD_SECURITY_GROUP_RULE_EGRESS", append(sg, "protocol", "udp", "remote_ip_prefix", "192.168.0.0/16", "filter", "range 5000 5100")...),
					ngs("BIND_SECURITY_GROUP", append(sg, "port", "ethernet1/1/6")...),
				}, want: map[string]string{"acls": "ngs-in-sg1[10 permit udp any 192.168.0.0/16 range 5000 5100] " +
					"ngs-out-sg1[10 permit tcp 10.0.0.0/24 any eq 22; 20 permit icmp 10.0.0.0/24 any 8 0] ethernet1/1/6:in=ngs-in-sg1,out=ngs-out-sg1"}},
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
				{name: "security group: unbind, remove", ops: []op{
					ngs("UNBIND_SECURITY_GROUP", append(sg, "port", "ethernet1/1/6")...),
					ngs("REMOVE_SECURITY_GROUP", sg...),
				}, want: map[string]string{"acls": ""}},
				withVLANs(delNets, "1:"),
			},
		},
		sonicNGSCase(),
		junosNGSCase(),
		nvueNGSCase(),
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
	switch name {
	case "frr": // FRR's BGP EVPN (vtysh)
		out := fmt.Sprintf("asn=%d", cfg.FRR.ASN)
		for _, v := range slices.Sorted(maps.Keys(cfg.FRR.VNIs)) {
			e := cfg.FRR.VNIs[v]
			out += fmt.Sprintf(" vni=%d", v)
			if e.RDAuto {
				out += "/rd"
			}
			if e.ImportAuto {
				out += "/import"
			}
			if e.ExportAuto {
				out += "/export"
			}
		}
		return out
	case "vrf-targets": // EVPN route targets of VLANs (Junos)
		var parts []string
		for _, v := range slices.Sorted(maps.Keys(cfg.VRFTargets)) {
			parts = append(parts, fmt.Sprintf("%d=%s", v, cfg.VRFTargets[v]))
		}
		return strings.Join(parts, " ")
	case "flood": // VXLAN flooding (NVUE, Junos)
		out := "her=" + strings.Join(cfg.Flood.HER, ",")
		for _, v := range slices.Sorted(maps.Keys(cfg.Flood.PerVLAN)) {
			out += fmt.Sprintf(" %d=%s", v, cfg.Flood.PerVLAN[v])
		}
		return out
	case "acls": // Dell OS10 and NX-OS IPv4 access lists and their bindings
		var parts []string
		for _, n := range cfg.IPACLNames() {
			var rules []string
			for _, r := range cfg.IPACLs[n].Rules {
				rules = append(rules, fmt.Sprintf("%d %s", r.Seq, r.Text))
			}
			parts = append(parts, n+"["+strings.Join(rules, "; ")+"]")
		}
		for _, ifc := range slices.Sorted(maps.Keys(cfg.IPACLGroups)) {
			g := cfg.IPACLGroups[ifc]
			parts = append(parts, fmt.Sprintf("%s:in=%s,out=%s", ifc, g.In, g.Out))
		}
		return strings.Join(parts, " ")
	case "sonic-acl": // SONiC ACL tables, rules and files
		var parts []string
		for _, n := range slices.Sorted(maps.Keys(cfg.SonicACL.Tables)) {
			tb := cfg.SonicACL.Tables[n]
			parts = append(parts, fmt.Sprintf("table:%s=%s/%s/%s", n, tb.Type, tb.Stage, strings.Join(tb.Ports, ",")))
		}
		for _, n := range slices.Sorted(maps.Keys(cfg.SonicACL.Rules)) {
			var rules []string
			for _, r := range cfg.SonicACL.Rules[n] {
				var fields []string
				for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
					fields = append(fields, k+"="+r.Fields[k])
				}
				rules = append(rules, r.Name+"("+strings.Join(fields, ",")+")")
			}
			parts = append(parts, "rules:"+n+"="+strings.Join(rules, ";"))
		}
		for _, f := range slices.Sorted(maps.Keys(cfg.SonicACL.Files)) {
			parts = append(parts, "file:"+f)
		}
		return strings.Join(parts, " ")
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

// cmdUntil types line, waits for a prompt matching re and returns what
// came between the echoed line and the prompt.
func (tm *term) cmdUntil(line string, re *regexp.Regexp) string {
	tm.t.Helper()
	tm.send(line + "\n")
	out := strings.ReplaceAll(tm.expect(re), "\r\n", "\n")
	if i := strings.Index(out, "\n"); i >= 0 {
		out = out[i+1:]
	}
	if i := strings.LastIndex(out, "\n"); i >= 0 {
		return out[:i+1]
	}
	return ""
}

// TestNGSSessions drives every platform through NGS's command sequences
// over a real SSH client with a PTY, asserts the state after each
// operation, and compares the whole session with a golden transcript. For
// the platforms whose Appendix A entries are in testdata/ngs-appendix-a,
// every template must be sent.
func TestNGSSessions(t *testing.T) {
	for _, tc := range ngsCases() {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			user := tc.user
			if user == "" {
				user = "netops"
			}
			spec := DeviceSpec{Name: "tor-1", Platform: tc.platform, Ports: tc.ports,
				Users: []User{{Name: user, Password: "pw", Privileged: !tc.enable}}}
			if tc.enable {
				spec.EnableSecret = "s3cret"
			}
			d := addDevice(t, s, spec)
			templates := ngsTemplates(tc.platform)
			used := map[string]bool{}
			tm := shell(t, d, user, "pw", 0)
			prompt := tc.prompt
			if prompt == nil {
				prompt = tm.promptRE()
			}
			cmd := func(line string) string { return tm.cmdUntil(line, prompt) }
			tm.expect(prompt)
			if tc.enable {
				enable, pwPrompt := "enable", regexp.MustCompile(`Password: \z`)
				if tc.enableCmd != "" {
					enable, pwPrompt = tc.enableCmd, tc.enablePrompt
				}
				tm.send(enable + "\n")
				tm.expect(pwPrompt)
				tm.send("s3cret\n")
				tm.expect(regexp.MustCompile(`tor-1[^\n]*#\s?\z`))
			}
			setup := tc.setup
			if setup == nil {
				setup = []string{"terminal length 0"}
			}
			for _, l := range setup {
				cmd(l)
			}
			if save, ok := templates["SAVE_CONFIGURATION"]; ok {
				if len(save) != 1 || save[0] != tc.save {
					t.Fatalf("the case saves with %q; NGS's SAVE_CONFIGURATION is %q", tc.save, save)
				}
				used["SAVE_CONFIGURATION"] = true
			}
			for _, st := range tc.steps {
				if st.name == "save" && tc.commitSaves {
					if snap := d.State(); !reflect.DeepEqual(snap.Startup, snap.Running) || snap.Saves != snap.Commits {
						t.Fatalf("the commits did not save: %d saves, %d commits, startup==running %v", snap.Saves, snap.Commits, reflect.DeepEqual(snap.Startup, snap.Running))
					}
					for _, show := range tc.shows {
						cmd(show)
					}
					continue
				}
				if st.name == "save" {
					before := d.State()
					cmd(tc.save)
					after := d.State()
					if after.Saves != before.Saves+1 || !reflect.DeepEqual(after.Startup, after.Running) {
						t.Fatalf("%q did not save: saves %d->%d, startup==running %v", tc.save, before.Saves, after.Saves, reflect.DeepEqual(after.Startup, after.Running))
					}
					for _, show := range tc.shows {
						cmd(show)
					}
					continue
				}
				for _, o := range st.ops {
					used[o.tmpl] = true
					for _, part := range o.seq {
						used[part.tmpl] = true
					}
					for _, part := range ngsComposed(tc.platform)[o.tmpl] {
						used[part] = true
					}
					if tc.session != nil {
						tc.session(cmd, o.lines(t, templates))
					} else {
						configSession(tm, o.lines(t, templates))
					}
				}
				running := d.State().Running
				for name, want := range st.want {
					if got := summary(running, name); got != want {
						t.Errorf("after %q: %s = %q, want %q", st.name, name, got, want)
					}
				}
				for _, q := range st.queries {
					used[q.op.tmpl] = true
					for _, l := range q.op.lines(t, templates) {
						if out := cmd(l); !strings.Contains(out, q.want) {
							t.Errorf("after %q: %s: %q lacks %q", st.name, l, out, q.want)
						}
					}
				}
			}
			for _, c := range d.Commands() {
				if c.Error != "" {
					t.Errorf("%q (in %s) was refused: %s", c.Line, c.Mode, c.Error)
				}
			}
			if _, err := os.Stat(filepath.Join("testdata", "ngs-appendix-a", tc.platform+".txt")); err == nil {
				for name := range templates {
					if !used[name] && !ngsFragments[name] {
						t.Errorf("NGS template %s is never sent", name)
					}
				}
			}
			snap := d.State()
			switch equal := reflect.DeepEqual(snap.Startup, snap.Running); {
			case tc.commitSaves && !equal:
				t.Error("a commit is the save: the startup configuration should be the running one")
			case !tc.commitSaves && equal:
				t.Error("the changes after the save should not be in the startup configuration")
			}
			d.Reload()
			if got := d.State().Running; !reflect.DeepEqual(got, snap.Startup) {
				t.Error("Reload did not bring back the saved configuration")
			}
			transcript := tm.transcript()
			for from, to := range tc.redact {
				transcript = strings.ReplaceAll(transcript, from, to)
			}
			golden(t, tc.platform+"/ngs-session.golden", transcript)
		})
	}
}

// appendixEntry is one entry of a testdata/ngs-appendix-a file: a name and
// either the lines of a template or an inline value.
type appendixEntry struct {
	name   string
	lines  []string
	inline string
}

func readAppendix(t *testing.T, file string) []appendixEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ngs-appendix-a", file))
	if err != nil {
		t.Fatal(err)
	}
	var out []appendixEntry
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "    "):
			if len(out) == 0 {
				t.Fatalf("%s: %q before any entry", file, l)
			}
			out[len(out)-1].lines = append(out[len(out)-1].lines, l[4:])
		default:
			name, val, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("%s: %q is not an entry", file, l)
			}
			out = append(out, appendixEntry{name: name, inline: strings.TrimSpace(val)})
		}
	}
	return out
}

// TestNGSAppendixA checks ngsTemplates against NGS's templates as Appendix
// A prints them (testdata/ngs-appendix-a): each entry is either a template
// there, verbatim (or composed as the entry says), or listed with its
// reason in ngsNotApplied; and ngsTemplates has no template Appendix A
// lacks.
func TestNGSAppendixA(t *testing.T) {
	files := map[string][]string{
		"dell-os10":     {"dell-os10.txt"},
		"sonic":         {"sonic.txt", "sonic-dell-enterprise.txt"},
		"cumulus-nvue":  {"cumulus-nvue.txt"},
		"juniper-junos": {"juniper-junos.txt"},
		"arista-eos":    {"arista-eos.txt"},
		"cisco-nxos":    {"cisco-nxos.txt"},
	}
	for platform, names := range files {
		t.Run(platform, func(t *testing.T) {
			templates, skipped := ngsTemplates(platform), ngsNotApplied(platform)
			seen := map[string]bool{}
			for _, file := range names {
				prefix := ""
				if file == "sonic-dell-enterprise.txt" {
					prefix = "dell-enterprise/"
				}
				for _, e := range readAppendix(t, file) {
					key := prefix + e.name
					seen[key] = true
					got, isTemplate := templates[key]
					reason, isSkipped := skipped[key]
					switch {
					case isTemplate && isSkipped:
						t.Errorf("%s is both sent and listed as not applied (%s)", key, reason)
					case isSkipped:
						t.Logf("not applied: %s: %s", key, reason)
					case !isTemplate:
						t.Errorf("Appendix A entry %s is neither in ngsTemplates nor in ngsNotApplied", key)
					case e.lines != nil:
						if !reflect.DeepEqual(got, e.lines) {
							t.Errorf("%s = %q, Appendix A has %q", key, got, e.lines)
						}
					case strings.Contains(e.inline, " + "):
						var want []string
						for _, part := range strings.Split(e.inline, " + ") {
							want = append(want, templates[part]...)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s = %q, Appendix A composes it as %s: %q", key, got, e.inline, want)
						}
					default:
						if len(got) != 1 || got[0] != e.inline {
							t.Errorf("%s = %q, Appendix A has %q", key, got, e.inline)
						}
					}
				}
			}
			for name := range templates {
				if !seen[name] {
					t.Errorf("ngsTemplates has %s, which Appendix A does not", name)
				}
			}
			for name := range skipped {
				if !seen[name] {
					t.Errorf("ngsNotApplied lists %s, which Appendix A does not", name)
				}
			}
		})
	}
}
