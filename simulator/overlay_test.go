package simulator

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/state"
)

// The EVPN/VXLAN, flood-list and security-group parts of NGS's EOS and
// NX-OS templates (reference ngs.md, Appendix A), with the placeholders
// NGS fills in code.

const sg0 = "ngs-in-4f5c2b1e-8d3a-4b6f-9e21-7a0c3d5e6f80" // NGS's ACL name for a security group

// eosEVPN fills an EOS EVPN template for VLAN seg (VNI 5<seg>, multicast
// group 239.1.1.<seg>, route target 65000:<seg>) as NGS's
// plug_switch_to_network does with ngs_bgp_asn = 65000.
func eosEVPN(tmpl, seg string) op {
	return ngs(tmpl, "bgp_asn", "65000", "segmentation_id", seg, "vni", "5"+seg, "vxlan_interface", "Vxlan1",
		"mcast_group", "239.1.1."+seg, "evpn_route_target", "65000:"+seg)
}

// nxosVNI fills an NX-OS L2VNI template for VLAN seg (VNI 5<seg>) on nve1.
func nxosVNI(tmpl, seg string) op {
	return ngs(tmpl, "segmentation_id", seg, "vni", "5"+seg, "nve_interface", "nve1", "mcast_group", "239.1.1.44")
}

// sgRule fills NX-OS's one rule template as NGS's _prepare_security_group_rule
// does: filter is "eq P", "range A B", ICMP "TYPE CODE", or "".
func sgRule(proto, prefix, filter string) op {
	return ngs("ADD_SECURITY_GROUP_RULE_EGRESS", "protocol", proto, "remote_ip_prefix", prefix, "filter", filter)
}

// overlaySummary renders the EOS and NX-OS overlay state a step asserts:
// "evpn", "nve" and "flood-vtep" (summary renders the rest).
func overlaySummary(cfg state.Config, name string) (string, bool) {
	o := cfg.Overlay
	evis := func(m map[int]state.EVPN) []string {
		var out []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			e := m[k]
			var f []string
			if e.RD != "" {
				f = append(f, "rd="+e.RD)
			}
			for _, rt := range e.RouteTargets {
				f = append(f, rt.Dir+"="+rt.Value)
			}
			if e.Redistribute {
				f = append(f, "redistribute")
			}
			out = append(out, fmt.Sprintf("%d:%s", k, strings.Join(f, ",")))
		}
		return out
	}
	var parts []string
	switch {
	case name == "evpn":
		if o.BGPAS != "" {
			parts = append(parts, "bgp="+o.BGPAS)
		}
		parts = append(append(parts, evis(o.EVPNByVLAN)...), evis(o.EVPNByVNI)...)
	case name == "nve":
		for _, vni := range slices.Sorted(maps.Keys(o.NVE)) {
			m := o.NVE[vni]
			s := fmt.Sprintf("%d=%s", vni, m.Replication)
			if m.McastGroup != "" {
				s += " " + m.McastGroup
			}
			if m.SuppressARP {
				s += ",suppress-arp"
			}
			parts = append(parts, s)
		}
	case name == "flood-vtep":
		for _, v := range slices.Sorted(maps.Keys(o.FloodVTEPs)) {
			parts = append(parts, fmt.Sprintf("%d=%s", v, strings.Join(o.FloodVTEPs[v], " ")))
		}
	default:
		return "", false
	}
	return strings.Join(parts, " "), true
}

// TestEOSErrorsMatchNGSPatterns: the EOS simulator refuses a VLAN that is
// mapped to another VNI, and a VNI another VLAN has, in words NGS's
// ERROR_MSG_PATTERNS (verbatim from Appendix A) recognise, and changes
// nothing; its invalid and incomplete answers match the other two.
func TestEOSErrorsMatchNGSPatterns(t *testing.T) {
	patterns := map[string]*regexp.Regexp{
		"invalid":    regexp.MustCompile(`% Invalid input`),
		"incomplete": regexp.MustCompile(`% Incomplete command`),
		"vni":        regexp.MustCompile(`% VLAN \d+ is already mapped to VNI \d+`),
	}
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "arista-eos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("configure terminal")
	tm.cmd("interface Vxlan1")
	if out := tm.cmd("vxlan vlan 100 vni 5100"); out != "" {
		t.Fatalf("mapping VLAN 100 answered %q", out)
	}
	before := d.State()
	cases := []struct{ line, pattern, want string }{
		{"vxlan vlan 100 vni 5200", "vni", "% VLAN 100 is already mapped to VNI 5100"},
		{"vxlan vlan 101 vni 5100", "vni", "% VLAN 100 is already mapped to VNI 5100"},
		{"vxlan vlan 100 vnii 5200", "invalid", ""},
		{"vxlan vlan 100 vni", "incomplete", ""},
		{"vxlan vlan 100 flood vtep 239.1.1", "invalid", ""},
		{"vxlan vlan 100 flood vtep", "incomplete", ""},
	}
	for _, tc := range cases {
		out := tm.cmd(tc.line)
		for name, re := range patterns {
			if got := re.MatchString(out); got != (name == tc.pattern) {
				t.Errorf("%q answered %q: NGS pattern %q matches: %v", tc.line, out, re, got)
			}
		}
		if tc.want != "" && !strings.Contains(out, tc.want) {
			t.Errorf("%q answered %q, want %q", tc.line, out, tc.want)
		}
	}
	if after := d.State(); !reflect.DeepEqual(before.Running, after.Running) {
		t.Errorf("a refused line changed the state: VNIs %v -> %v", before.Running.VNIs, after.Running.VNIs)
	}
	if out := tm.cmd("vxlan vlan 100 vni 5100"); out != "" {
		t.Errorf("mapping VLAN 100 to its own VNI again answered %q", out)
	}
}

// TestOverlayNearMisses: lines close to NGS's EVPN, NVE, flood-list and
// ACL commands are refused, each in its mode, without changing state.
func TestOverlayNearMisses(t *testing.T) {
	cases := map[string][][]string{
		"arista-eos": {
			{"router bgp 0", "router bgp 4294967296", "router bgp", "router bgpp 65000"},
			{"router bgp 65000", "router bgp 65001"},
			{"router bgp 65000", "vlan 4095", "vlan 100", "rd", "rd 65000", "rd auto auto", "route-target both auto",
				"route-target both 65000", "route-target both 65000:x", "route-target import auto", "route-target import auto 0",
				"route-target everything 65000:1", "redistribute", "redistribute static"},
			{"interface Vxlan1", "vxlan vlan 100 flood", "vxlan vlan 100 flood vtep 300.1.1.1", "vxlan vlan 100 flood vtep add",
				"vxlan vlan 4095 flood vtep 10.0.0.1", "vxlan vlan 100 flood vtep 10.0.0.1 x", "no vxlan vlan 100 flood"},
		},
		"cisco-nxos": {
			{"evpn", "vni 5100", "vni 0 l2", "vni 16777215 l2", "vni 5100 l3", "vni 5100 l2", "rd", "rd 65000",
				"route-target both", "route-target both 65000", "route-target all auto", "route-target both auto auto"},
			{"interface nve2", "interface nve1", "member vni", "member vni 0", "member 5100", "member vni 5100",
				"mcast-group 10.0.0.1", "mcast-group 239.1.1", "ingress-replication protocol", "ingress-replication protocol static",
				"suppress-arp now"},
			{"interface nve1", "member vni 5200", "ingress-replication protocol bgp", "mcast-group 239.1.1.1"},
			{"ip access-list", "ip access-list bad/name", "ip access-list ngs-in-1", "permit tcp any", "permit tcp 10.0.0.0/24",
				"permit sctp any any", "permit tcp any 10.0.0.0/33", "permit tcp any 10.0.0.0/24 eq", "permit tcp any 10.0.0.0/24 eq 65536",
				"permit tcp any 10.0.0.0/24 range 80", "permit tcp any 10.0.0.0/24 range 90 80", "permit icmp any any 256",
				"permit ip any any eq 80", "allow tcp any any"},
			{"interface Ethernet1/1", "ip port access-group ngs-in-1", "ip port access-group ngs-in-1 out",
				"ip access-group ngs-in-1 in", "no ip port access-group ngs-in-2 in"},
		},
	}
	// accepted are the lines above that are valid (they move between
	// modes or set up what the next line needs).
	accepted := map[string]bool{"router bgp 65000": true, "vlan 100": true, "interface Vxlan1": true, "evpn": true,
		"vni 5100 l2": true, "interface nve1": true, "member vni 5100": true, "member vni 5200": true,
		"ingress-replication protocol bgp": true, "ip access-list ngs-in-1": true, "interface Ethernet1/1": true}
	for platform, blocks := range cases {
		t.Run(platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: platform})
			tm := shell(t, d, "admin", "admin", 0)
			tm.expect(tm.promptRE())
			for _, block := range blocks {
				tm.cmd("configure terminal")
				before := d.State().Running
				for _, l := range block {
					if accepted[l] {
						tm.cmd(l)
						before = d.State().Running
						continue
					}
					tm.cmd(l)
					if c := d.Commands(); c[len(c)-1].Line != l || c[len(c)-1].Error == "" {
						t.Errorf("%q was accepted; it must be refused", l)
					}
					if after := d.State().Running; !reflect.DeepEqual(before, after) {
						t.Errorf("refused %q changed the state: %+v -> %+v", l, before.Overlay, after.Overlay)
					}
				}
				tm.cmd("end")
			}
		})
	}
}

// TestOverlayEditForms: the forms beyond NGS's templates (the "no" forms,
// flood-list add/remove, explicit sequence numbers) reach the state they
// name. Each case runs its lines in one configuration session on a fresh
// device and checks summaries.
func TestOverlayEditForms(t *testing.T) {
	cases := []struct {
		platform, name string
		lines          []string
		want           map[string]string
	}{
		{"arista-eos", "MAC-VRF lines and their no forms", []string{
			"router bgp 65000", "vlan 10", "rd 10.0.0.1:10", "route-target import 65000:10", "route-target export auto 65000",
			"redistribute learned", "no route-target import 65000:10", "no redistribute learned", "vlan 20", "rd auto", "no rd",
		}, map[string]string{"evpn": "bgp=65000 10:rd=10.0.0.1:10,export=auto 65000 20:"}},
		{"arista-eos", "no router bgp drops the MAC-VRFs", []string{"router bgp 65000", "vlan 10", "rd auto", "exit", "exit", "no router bgp 65000"},
			map[string]string{"evpn": ""}},
		{"arista-eos", "flood list add, remove and no", []string{
			"interface Vxlan1", "vxlan vlan 10 flood vtep 10.0.0.1 10.0.0.2", "vxlan vlan 10 flood vtep add 10.0.0.3 10.0.0.1",
			"vxlan vlan 10 flood vtep remove 10.0.0.2", "vxlan vlan 20 flood vtep 10.0.0.9", "no vxlan vlan 20 flood vtep 10.0.0.9",
			"vxlan vlan 30 flood vtep 10.0.0.7", "vxlan vlan 30 flood vtep 10.0.0.8",
		}, map[string]string{"flood-vtep": "10=10.0.0.1 10.0.0.3 30=10.0.0.8"}},
		{"cisco-nxos", "L2 VNI lines and their no forms", []string{
			"evpn", "vni 5100 l2", "rd 65000:5100", "route-target import 65000:1", "route-target both auto", "no route-target export auto",
			"no rd", "exit", "vni 5200 l2", "exit", "no vni 5200 l2",
		}, map[string]string{"evpn": "5100:import=65000:1,import=auto"}},
		{"cisco-nxos", "no evpn", []string{"evpn", "vni 5100 l2", "exit", "exit", "no evpn"}, map[string]string{"evpn": ""}},
		{"cisco-nxos", "NVE member lines and their no forms", []string{
			"interface nve1", "member vni 5100", "mcast-group 239.1.1.1", "suppress-arp", "no mcast-group 239.1.1.2",
			"no suppress-arp", "exit", "member vni 5200", "ingress-replication protocol bgp", "no ingress-replication protocol bgp",
			"mcast-group 239.1.1.2", "exit", "member vni 5300", "exit", "no member vni 5300",
		}, map[string]string{"nve": "5100=multicast 239.1.1.1 5200=multicast 239.1.1.2"}},
		{"cisco-nxos", "ACL sequence numbers and bindings", []string{
			"ip access-list a", "permit ip any any", "5 deny tcp 10.0.0.0/8 any eq 23", "permit udp any 10.1.0.0/16 range 53 54",
			"no 10", "exit", "ip access-list b", "exit", "no ip access-list b", "interface Ethernet1/1", "ip port access-group a in",
			"interface Ethernet1/2", "ip port access-group a in", "no ip port access-group a in",
		}, map[string]string{"acls": "a[5 deny tcp 10.0.0.0/8 any eq 23; 20 permit udp any 10.1.0.0/16 range 53 54] Ethernet1/1:in=a,out="}},
	}
	for _, tc := range cases {
		t.Run(tc.platform+"/"+tc.name, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: tc.platform})
			tm := shell(t, d, "admin", "admin", 0)
			tm.expect(tm.promptRE())
			configSession(tm, tc.lines)
			for _, c := range d.Commands() {
				if c.Error != "" {
					t.Errorf("%q was refused: %s", c.Line, c.Error)
				}
			}
			running := d.State().Running
			for name, want := range tc.want {
				if got := summary(running, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

// TestNXOSVNSegmentIsOneToOne: a vn-segment another VLAN has is refused,
// and changes nothing.
func TestNXOSVNSegmentIsOneToOne(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-nxos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	configSession(tm, []string{"vlan 10", "vn-segment 5010", "exit", "vlan 11"})
	before := d.State().Running
	tm.cmd("configure terminal")
	tm.cmd("vlan 11")
	if out := tm.cmd("vn-segment 5010"); out != "ERROR: VNI 5010 is already mapped to VLAN 10\n" {
		t.Errorf("a taken vn-segment answered %q", out)
	}
	if after := d.State().Running; !reflect.DeepEqual(before.VNIs, after.VNIs) {
		t.Errorf("the refused vn-segment changed the VNI maps: %v -> %v", before.VNIs, after.VNIs)
	}
}

// TestNXOSShowVLANVNI: NGS's SHOW_VLAN_VNI, filtered by "member vni V",
// prints the member line when the VNI is on the NVE interface and nothing
// when it is not (NGS's vlan_has_vni reads any output as yes).
func TestNXOSShowVLANVNI(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-nxos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	configSession(tm, []string{"interface nve1", "member vni 5100", "ingress-replication protocol bgp"})
	for vni, want := range map[string]string{"5100": "  member vni 5100\n", "5200": ""} {
		if out := tm.cmd(`show running-config interface nve1 | include "member vni ` + vni + `"`); out != want {
			t.Errorf("VNI %s: %q, want %q", vni, out, want)
		}
	}
}
