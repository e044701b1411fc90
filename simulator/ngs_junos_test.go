package simulator

import "fmt"

// junosNGSCase drives Junos as NGS's netmiko_juniper does: netmiko's
// session preparation (paging off, a wide screen), then per operation
// "configure private", the template's lines, "commit" (NGS's
// save_configuration: a Junos commit is the save) and, as netmiko leaves
// configuration mode when it disconnects, "exit configuration-mode". The
// VXLAN operations first read "show vlans" for the VLAN's name, as NGS's
// _get_vlan_name_by_id does, and send the VNI, its multicast group and its
// route target in one session (NGS's bum_replication_mode multicast with
// ngs_evpn_vni_config on). NGS has no Junos templates for a native VLAN or
// for bonds: the trunk's interface-mode and the aeN bundle are raw lines.
func junosNGSCase() ngsCase {
	vxlan := []string{"vlan_name", net0, "segmentation_id", "100", "vni", "5100", "mcast_group", "239.1.1.100", "bgp_asn", "65000"}
	// The line NGS's _parse_vlan_name finds VLAN 100's name on: the
	// routing instance, the name and the tag, split on white space.
	vlan100 := fmt.Sprintf("%-24s%-22s%4d\n", "default-switch", net0, 100)
	return ngsCase{
		platform: "juniper-junos",
		ports:    []string{"ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4", "ge-0/0/5", "ge-0/0/6"},
		setup:    []string{"set cli screen-length 0", "set cli screen-width 511"},
		session: func(cmd func(string) string, lines []string) {
			cmd("configure private")
			for _, l := range lines {
				cmd(l)
			}
			cmd("commit")
			cmd("exit configuration-mode")
		},
		commitSaves: true,
		shows: []string{"show vlans", "show configuration interfaces ge-0/0/2 | display set",
			"show configuration interfaces ae10 | display set", "show configuration | display set"},
		steps: []step{
			withVLANs(step{name: "add networks", ops: []op{
				ngs("ADD_NETWORK", "segmentation_id", "100", "network_name", net0),
				ngs("ADD_NETWORK", "segmentation_id", "200", "network_name", "net200"),
				ngs("ADD_NETWORK", "segmentation_id", "300", "network_name", "net300"),
			}}, "1:default 100:"+net0+" 200:net200 300:net300"),
			{name: "plug access", ops: []op{ngs("PLUG_PORT_TO_NETWORK", "port", "ge-0/0/1", "segmentation_id", "100")},
				want: map[string]string{"ge-0/0/1": "access vlan=100 native=1 allowed=none"}},
			{name: "plug trunk (the port made a trunk first: NGS has no template for it)", ops: []op{
				raw("set interfaces ge-0/0/2 unit 0 family ethernet-switching interface-mode trunk"),
				ngs("ADD_NETWORK_TO_TRUNK", "port", "ge-0/0/2", "segmentation_id", "200"),
				ngs("ADD_NETWORK_TO_TRUNK", "port", "ge-0/0/2", "segmentation_id", "300"),
			}, want: map[string]string{"ge-0/0/2": "trunk vlan=1 native=1 allowed=200,300"}},
			{name: "plug bond (the port templates on aeN, as NGS falls back)", ops: []op{
				raw("set interfaces ae10 aggregated-ether-options lacp active",
					"set interfaces ge-0/0/3 ether-options 802.3ad ae10", "set interfaces ge-0/0/4 ether-options 802.3ad ae10",
					"set interfaces ae10 unit 0 family ethernet-switching interface-mode trunk"),
				ngs("ADD_NETWORK_TO_TRUNK", "port", "ae10", "segmentation_id", "300"),
			}, want: map[string]string{
				"ae10":     "trunk vlan=1 native=1 allowed=300 members=ge-0/0/3,ge-0/0/4 lacp",
				"ge-0/0/3": "access vlan=1 native=1 allowed=none lag=10/active",
			}},
			{name: "disable port", ops: []op{ngs("DISABLE_PORT", "port", "ge-0/0/5")},
				want: map[string]string{"ge-0/0/5": "access vlan=1 native=1 allowed=none shutdown"},
				// NGS's _get_vlan_name_by_id, before it plugs VLAN 100 into VXLAN.
				queries: []query{{ngs("SHOW_VLANS"), vlan100}}},
			{name: "plug switch to VXLAN: VNI, multicast group, route target", ops: []op{ngsSeq(
				ngs("PLUG_SWITCH_TO_NETWORK", vxlan...),
				ngs("PLUG_MCAST_GROUP", vxlan...),
				ngs("PLUG_EVPN_VRF_TARGET", vxlan...),
			)}, want: map[string]string{
				"vlans":       "1:default 100:" + net0 + " 200:net200 300:net300 vni:100=5100",
				"flood":       "her= 100=239.1.1.100",
				"vrf-targets": "100=target:65000:5100",
			}},
			{name: "save"},
			{name: "unplug trunk", ops: []op{
				ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "ge-0/0/2", "segmentation_id", "200"),
				ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "ge-0/0/2", "segmentation_id", "300"),
			}, want: map[string]string{"ge-0/0/2": "trunk vlan=1 native=1 allowed=none"}},
			{name: "unplug bond", ops: []op{ngs("REMOVE_NETWORK_FROM_TRUNK", "port", "ae10", "segmentation_id", "300")},
				want: map[string]string{"ae10": "trunk vlan=1 native=1 allowed=none members=ge-0/0/3,ge-0/0/4 lacp"}},
			{name: "unplug access", ops: []op{ngs("DELETE_PORT", "port", "ge-0/0/1")},
				want: map[string]string{"ge-0/0/1": "access vlan=1 native=1 allowed=none"}},
			{name: "enable port", ops: []op{ngs("ENABLE_PORT", "port", "ge-0/0/5")},
				want:    map[string]string{"ge-0/0/5": "access vlan=1 native=1 allowed=none"},
				queries: []query{{ngs("SHOW_VLANS"), vlan100}}},
			{name: "unplug switch from VXLAN: multicast group, VNI, route target", ops: []op{ngsSeq(
				ngs("UNPLUG_MCAST_GROUP", vxlan...),
				ngs("UNPLUG_SWITCH_FROM_NETWORK", vxlan...),
				ngs("UNPLUG_EVPN_VRF_TARGET", vxlan...),
			)}, want: map[string]string{
				"vlans":       "1:default 100:" + net0 + " 200:net200 300:net300",
				"flood":       "her=",
				"vrf-targets": "",
			}},
			withVLANs(step{name: "delete networks", ops: []op{
				ngs("DELETE_NETWORK", "network_name", net0),
				ngs("DELETE_NETWORK", "network_name", "net200"),
				ngs("DELETE_NETWORK", "network_name", "net300"),
			}, queries: []query{{ngs("SHOW_VLANS"), "Interfaces\ndefault-switch          default                  1\n"}}}, "1:default"),
		},
	}
}
