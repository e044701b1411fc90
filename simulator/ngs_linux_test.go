package simulator

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"regexp"
)

// The NGS sessions of the Linux-based platforms (SONiC, Cumulus NVUE), in
// TestNGSSessions.

// sonicNGSCase drives SONiC as NGS's netmiko_sonic does: enable() is "sudo
// -s" answered with the secret, the commands are sent bare in root's shell
// (NGS does not leave it, as "config save" needs root), the queries run in
// the user's shell of their own connection (here: after "exit").
func sonicNGSCase() ngsCase {
	acl := sonicACLDoc()
	sg := []string{"security_group", "ngs-sg1", "security_group_egress", "NGS_IN_SG1", "security_group_ingress", "NGS_OUT_SG1",
		"table_add_command", "config acl add table", "table_remove_command", "config acl remove table", "acl", acl}
	with := func(kv ...string) []string { return append(append([]string{}, sg...), kv...) }
	vxlan := []string{"vtep_name", "vtep", "segmentation_id", "100", "vni", "5100", "bgp_asn", "65000"}
	return ngsCase{
		platform:     "sonic",
		ports:        []string{"Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12", "Ethernet16", "Ethernet20"},
		enable:       true,
		user:         "admin",
		prompt:       regexp.MustCompile(`(admin@tor-1:~\$|root@tor-1:/home/admin#) \z`),
		enableCmd:    "sudo -s",
		enablePrompt: regexp.MustCompile(`\[sudo\] password for admin: \z`),
		setup:        []string{},
		session: func(cmd func(string) string, lines []string) {
			for _, l := range lines {
				cmd(l)
			}
		},
		redact: map[string]string{acl: "{acl}"},
		save:   "config save -y",
		shows: []string{"show vlan brief", "show vxlan vlanvnimap", "show runningconfiguration all",
			`vtysh -c "show running-config"`},
		steps: []step{
			withVLANs(step{name: "add networks", ops: []op{
				ngs("ADD_NETWORK", "segmentation_id", "100"),
				ngs("ADD_NETWORK", "segmentation_id", "200"),
				ngs("ADD_NETWORK", "segmentation_id", "300"),
			}}, "1: 100:Vlan100 200:Vlan200 300:Vlan300"),
			{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "Ethernet0", "segmentation_id", "100")},
				want: map[string]string{"Ethernet0": "access vlan=100 native=1 allowed=none"}},
			{name: "plug trunk", ops: []op{
				ngs("ADD_NETWORK_TO_TRUNK", "port", "Ethernet4", "segmentation_id", "200"),
				ngs("ADD_NETWORK_TO_TRUNK", "port", "Ethernet4", "segmentation_id", "300"),
			}, want: map[string]string{"Ethernet4": "trunk vlan=1 native=1 allowed=200,300"}},
			{name: "plug bond (the port templates on the port-channel, as NGS falls back)", ops: []op{
				raw("config portchannel add PortChannel10", "config portchannel member add PortChannel10 Ethernet8",
					"config portchannel member add PortChannel10 Ethernet12"),
				ngs("PLUG_PORT_TO_NETWORK", "port", "PortChannel10", "segmentation_id", "300"),
			}, want: map[string]string{"PortChannel10": "access vlan=300 native=1 allowed=none members=Ethernet12,Ethernet8 lacp"}},
			{name: "plug switch to VXLAN (EVPN first, as NGS does)", ops: []op{
				ngs("PLUG_EVPN_VNI", vxlan...),
				ngs("PLUG_SWITCH_TO_NETWORK", vxlan...),
			}, want: map[string]string{"vlans": "1: 100:Vlan100 200:Vlan200 300:Vlan300 vni:100=5100",
				"frr": "asn=65000 vni=5100/rd/import/export"},
				queries: []query{
					{ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"), "|     100 |            | Ethernet0 | untagged"},
					{ngs("SHOW_VLAN_VNI"), "| Vlan100 | 5100 |"},
				}},
			{name: "security group: add, then bind", ops: []op{
				ngs("ADD_SECURITY_GROUP", sg...),
				ngs("BIND_SECURITY_GROUP", with("ports", "Ethernet16")...),
			}, want: map[string]string{"sonic-acl": "table:NGS_IN_SG1=L3V4V6/ingress/Ethernet16 table:NGS_OUT_SG1=L3V4V6/egress/Ethernet16 " +
				"rules:NGS_IN_SG1=RULE_1(DST_IP=10.0.0.0/24,ETHER_TYPE=2048,IP_PROTOCOL=6,L4_DST_PORT=22,PACKET_ACTION=FORWARD,PRIORITY=9999);" +
				"DEFAULT_RULE(ETHER_TYPE=2048,PACKET_ACTION=DROP,PRIORITY=1) " +
				"rules:NGS_OUT_SG1=RULE_1(ETHER_TYPE=2048,IP_PROTOCOL=17,L4_SRC_PORT_RANGE=5000-5100,PACKET_ACTION=FORWARD,PRIORITY=9999,SRC_IP=192.168.0.0/16);" +
				"RULE_2(ETHER_TYPE=2048,ICMP_CODE=0,ICMP_TYPE=8,IP_PROTOCOL=1,PACKET_ACTION=FORWARD,PRIORITY=9998);" +
				"DEFAULT_RULE(ETHER_TYPE=2048,PACKET_ACTION=DROP,PRIORITY=1) " +
				"file:/etc/sonic/acl-ngs-sg1.json"}},
			{name: "save"},
			{name: "security group: unbind from one port, bound to another", ops: []op{
				ngs("UNBIND_SECURITY_GROUP", with("ports", "Ethernet20")...),
			}, want: map[string]string{"sonic-acl": "table:NGS_IN_SG1=L3V4V6/ingress/Ethernet20 table:NGS_OUT_SG1=L3V4V6/egress/Ethernet20 " +
				"rules:NGS_IN_SG1=RULE_1(DST_IP=10.0.0.0/24,ETHER_TYPE=2048,IP_PROTOCOL=6,L4_DST_PORT=22,PACKET_ACTION=FORWARD,PRIORITY=9999);" +
				"DEFAULT_RULE(ETHER_TYPE=2048,PACKET_ACTION=DROP,PRIORITY=1) " +
				"rules:NGS_OUT_SG1=RULE_1(ETHER_TYPE=2048,IP_PROTOCOL=17,L4_SRC_PORT_RANGE=5000-5100,PACKET_ACTION=FORWARD,PRIORITY=9999,SRC_IP=192.168.0.0/16);" +
				"RULE_2(ETHER_TYPE=2048,ICMP_CODE=0,ICMP_TYPE=8,IP_PROTOCOL=1,PACKET_ACTION=FORWARD,PRIORITY=9998);" +
				"DEFAULT_RULE(ETHER_TYPE=2048,PACKET_ACTION=DROP,PRIORITY=1) " +
				"file:/etc/sonic/acl-ngs-sg1.json"}},
			{name: "security group: remove", ops: []op{ngs("REMOVE_SECURITY_GROUP", sg...)},
				want: map[string]string{"sonic-acl": ""}},
			{name: "unplug switch from VXLAN (map first, as NGS does)", ops: []op{
				ngs("UNPLUG_SWITCH_FROM_NETWORK", vxlan...),
				ngs("UNPLUG_EVPN_VNI", vxlan...),
			}, want: map[string]string{"vlans": "1: 100:Vlan100 200:Vlan200 300:Vlan300", "frr": "asn=65000"}},
			{name: "unplug", ops: []op{
				ngs("DELETE_PORT", "port", "Ethernet0", "segmentation_id", "100"),
				ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "Ethernet4", "segmentation_id", "200"),
				ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "Ethernet4", "segmentation_id", "300"),
				ngs("DELETE_PORT", "port", "PortChannel10", "segmentation_id", "300"),
			}, want: map[string]string{"Ethernet0": "access vlan=1 native=1 allowed=none", "Ethernet4": "access vlan=1 native=1 allowed=none",
				"PortChannel10": "access vlan=1 native=1 allowed=none members=Ethernet12,Ethernet8 lacp"}},
			withVLANs(step{name: "delete networks", ops: []op{
				ngs("DELETE_NETWORK", "segmentation_id", "100"),
				ngs("DELETE_NETWORK", "segmentation_id", "200"),
				ngs("DELETE_NETWORK", "segmentation_id", "300"),
			}}, "1:"),
			{name: "NGS's queries run in the user's shell", ops: []op{raw("exit")},
				queries: []query{
					{ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"), "+===========+"},
					{ngs("SHOW_VLAN_VNI"), "Total count : 0"},
				}},
		},
	}
}

// sonicACLDoc returns security group sg1 as NGS's netmiko_sonic encodes it
// for WRITE_ACL: an OpenConfig ACL document, indented JSON, gzipped, in
// base64. NGS_IN_SG1 (the port's egress rules) allows TCP to 10.0.0.0/24
// port 22; NGS_OUT_SG1 (its ingress rules) UDP from 192.168.0.0/16 ports
// 5000-5100 and ICMP echo requests.
func sonicACLDoc() string {
	entry := func(seq int, fields map[string]any) map[string]any {
		e := map[string]any{"actions": map[string]any{"config": map[string]any{"forwarding-action": "ACCEPT"}},
			"config": map[string]any{"sequence-id": seq}, "l2": map[string]any{"config": map[string]any{"ethertype": "ETHERTYPE_IPV4"}}}
		for k, v := range fields {
			e[k] = v
		}
		return e
	}
	set := func(name string, entries map[string]any) map[string]any {
		return map[string]any{"acl-entries": map[string]any{"acl-entry": entries}, "config": map[string]any{"name": name}}
	}
	doc := map[string]any{"acl": map[string]any{"acl-sets": map[string]any{"acl-set": map[string]any{
		"NGS_IN_SG1": set("NGS_IN_SG1", map[string]any{"1": entry(1, map[string]any{
			"ip":        map[string]any{"config": map[string]any{"destination-ip-address": "10.0.0.0/24", "protocol": 6}},
			"transport": map[string]any{"config": map[string]any{"destination-port": "22"}}})}),
		"NGS_OUT_SG1": set("NGS_OUT_SG1", map[string]any{
			"1": entry(1, map[string]any{
				"ip":        map[string]any{"config": map[string]any{"source-ip-address": "192.168.0.0/16", "protocol": 17}},
				"transport": map[string]any{"config": map[string]any{"source-port": "5000..5100"}}}),
			"2": entry(2, map[string]any{
				"ip":   map[string]any{"config": map[string]any{"protocol": 1}},
				"icmp": map[string]any{"config": map[string]any{"type": 8, "code": 0}}}),
		}),
	}}}}
	text, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(text); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// nvueNGSCase drives Cumulus NVUE as NGS's netmiko_cumulus_nvue does: no
// sudo, each operation followed by the "nv config apply --assume-yes" NGS
// appends, "nv config save" to save.
func nvueNGSCase() ngsCase {
	vx := func(vlan, vni string, kv ...string) []string {
		return append([]string{"segmentation_id", vlan, "vni", vni, "bgp_asn", "65000"}, kv...)
	}
	return ngsCase{
		platform: "cumulus-nvue",
		ports:    []string{"swp1", "swp2", "swp3", "swp4", "swp5", "swp6"},
		user:     "cumulus",
		prompt:   regexp.MustCompile(`cumulus@tor-1:mgmt:~\$ \z`),
		setup:    []string{},
		session: func(cmd func(string) string, lines []string) {
			for _, l := range lines {
				cmd(l)
			}
			cmd("nv config apply --assume-yes")
		},
		save: "nv config save",
		shows: []string{"nv config show -o commands", "nv show bridge domain br_default vlan 100 -o json",
			"nv show bridge domain br_default vlan 200 -o json", "nv show bridge domain br_default vlan-vni-map -o json",
			`vtysh -c "show running-config"`},
		steps: []step{
			withVLANs(step{name: "add networks", ops: []op{
				ngs("ADD_NETWORK", "segmentation_id", "100"),
				ngs("ADD_NETWORK", "segmentation_id", "200"),
				ngs("ADD_NETWORK", "segmentation_id", "300"),
			}}, "1: 100: 200: 300:"),
			{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "swp1", "segmentation_id", "100")},
				want: map[string]string{"swp1": "access vlan=100 native=1 allowed=none"}},
			{name: "plug trunk with native and allowed", ops: []op{
				ngs("DELETE_PORT", "port", "swp2"),
				ngs("SET_NATIVE_VLAN", "port", "swp2", "segmentation_id", "200"),
				ngs("ADD_NETWORK_TO_TRUNK", "port", "swp2", "segmentation_id", "300"),
			}, want: map[string]string{"swp2": "trunk vlan=1 native=200 allowed=200,300"}},
			{name: "plug bond", ops: []op{
				raw("nv set interface bond10 bond member swp3", "nv set interface bond10 bond member swp4"),
				ngs("SET_NATIVE_VLAN_BOND", "bond", "bond10", "segmentation_id", "200"),
				ngs("ADD_NETWORK_TO_BOND_TRUNK", "bond", "bond10", "segmentation_id", "300"),
			}, want: map[string]string{"bond10": "trunk vlan=1 native=200 allowed=200,300 members=swp3,swp4 lacp"}},
			{name: "disable port", ops: []op{ngs("DISABLE_PORT", "port", "swp5")},
				want: map[string]string{"swp5": "access vlan=1 native=1 allowed=none shutdown"}},
			{name: "plug switch to VXLAN: EVPN, the map, head-end replication, per-VNI flooding", ops: []op{
				ngs("PLUG_EVPN_VNI", vx("100", "5100")...),
				ngs("PLUG_SWITCH_TO_NETWORK", vx("100", "5100")...),
				ngs("PLUG_HER_FLOOD", "vtep_ip", "10.0.1.1"),
				ngs("PLUG_HER_FLOOD", "vtep_ip", "10.0.1.2"),
				ngs("PLUG_INGRESS_REPLICATION", vx("100", "5100")...),
				ngs("PLUG_EVPN_VNI", vx("200", "5200")...),
				ngs("PLUG_SWITCH_TO_NETWORK", vx("200", "5200")...),
				ngs("PLUG_MCAST_FLOOD", vx("200", "5200", "mcast_group", "239.1.1.200")...),
			}, want: map[string]string{"vlans": "1: 100: 200: 300: vni:100=5100 vni:200=5200",
				"frr":   "asn=65000 vni=5100/rd/import/export vni=5200/rd/import/export",
				"flood": "her=10.0.1.1,10.0.1.2 100=evpn 200=239.1.1.200"},
				queries: []query{
					{ngs("SHOW_VLAN_PORTS", "segmentation_id", "100"), `"swp1": {}`},
					{ngs("SHOW_VLAN_PORTS", "segmentation_id", "300"), `"bond10": {}`},
					{ngs("SHOW_VLAN_VNI"), `"200": {
        "vni": 5200
      }`},
				}},
			{name: "save"},
			{name: "unplug trunk", ops: []op{
				ngs("DELETE_NATIVE_VLAN", "port", "swp2", "segmentation_id", "200"),
				ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "swp2", "segmentation_id", "300"),
			}, want: map[string]string{"swp2": "access vlan=1 native=1 allowed=none"}},
			{name: "unplug bond", ops: []op{
				ngs("DELETE_NATIVE_VLAN_BOND", "bond", "bond10", "segmentation_id", "200"),
				ngs("DELETE_NETWORK_ON_BOND_TRUNK", "bond", "bond10", "segmentation_id", "300"),
			}, want: map[string]string{"bond10": "access vlan=1 native=1 allowed=none members=swp3,swp4 lacp"}},
			{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "swp1")},
				want: map[string]string{"swp1": "access vlan=1 native=1 allowed=none"}},
			{name: "enable port", ops: []op{ngs("ENABLE_PORT", "port", "swp5")},
				want: map[string]string{"swp5": "access vlan=1 native=1 allowed=none"}},
			{name: "unplug switch from VXLAN (map first, as NGS does)", ops: []op{
				ngs("UNPLUG_SWITCH_FROM_NETWORK", vx("100", "5100")...),
				ngs("UNPLUG_EVPN_VNI", vx("100", "5100")...),
			}, want: map[string]string{"vlans": "1: 100: 200: 300: vni:200=5200", "frr": "asn=65000 vni=5200/rd/import/export",
				"flood": "her=10.0.1.1,10.0.1.2 200=239.1.1.200"},
				queries: []query{{ngs("SHOW_VLAN_VNI"), `"vlan-vni-map": {
      "200"`}}},
			withVLANs(step{name: "delete networks", ops: []op{
				ngs("DELETE_NETWORK", "segmentation_id", "100"),
				ngs("DELETE_NETWORK", "segmentation_id", "200"),
				ngs("DELETE_NETWORK", "segmentation_id", "300"),
			}}, "1:"),
		},
	}
}
