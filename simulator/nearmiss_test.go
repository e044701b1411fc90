package simulator

import (
	"reflect"
	"testing"
)

// nearMisses are lines close to a valid command that each platform must
// refuse, in its own words, without changing state. They are typed inside
// "interface <first port>".
func nearMisses(platform string) []string {
	common := []string{
		"switchport acess vlan 5",
		"switchport access vlan 4095",
		"switchport access vlan 0",
		"switchport access vlan",
		"switchport access vlan 5 6",
		"switchport mode routed",
		"switchport trunk allowed vlan add 10-5",
		"switchport trunk allowed vlan add 10,,20",
		"s",
		"shutdwn",
	}
	switch platform {
	case "arista-eos":
		return append(common, "channel-group 2001 mode active", "channel-group 10 mode desirable", "name foo", "vxlan vlan 100 vni 5000",
			"show running-configuration", "vlan 4095", "vlan 0", "interface Ethernet99", "interface Ethernet", "interface Port-Channel2001",
			"interface Vxlan2", "no vlan 1")
	case "cisco-ios":
		return append(common, "channel-group 10 mode desirable", "channel-group 129 mode active", "show running-config",
			"do show running-configuration", "configure terminal", "vlan 4095", "interface GigabitEthernet1/0/99",
			"interface GigabitEthernet1", "interface Port-channel129", "interface Vxlan1", "no vlan 1")
	case "cisco-nxos":
		return append(common, "vn-segment 5000", "channel-group 4097 mode active", "write memory", "vlan 4095", "interface Ethernet1/99",
			"interface Ethernet1", "interface port-channel4097", "interface Vxlan1", "no vlan 1")
	case "dell-os10":
		return append(common, "switchport access vlan 999", "switchport trunk allowed vlan 100", "switchport trunk allowed vlan add 100",
			"channel-group 129 mode active", "show running-config", "copy running-config startup-config", "vlan 100",
			"interface ethernet1/1/99", "interface ethernet 1/1", "interface vlan 4095", "interface port-channel 129",
			"no interface vlan 1")
	}
	return nil
}

func TestNearMissesAreRefusedWithoutChange(t *testing.T) {
	for _, platform := range []string{"arista-eos", "cisco-ios", "cisco-nxos", "dell-os10"} {
		t.Run(platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: platform})
			port := d.Spec().Ports[0]
			tm := shell(t, d, "admin", "admin", 0)
			tm.expect(tm.promptRE())
			tm.cmd("terminal length 0")
			tm.cmd("configure terminal")
			tm.cmd("interface " + port)
			before := d.State()
			bad := nearMisses(platform)
			for _, l := range bad {
				tm.cmd(l)
			}
			after := d.State()
			if !reflect.DeepEqual(before, after) {
				t.Errorf("a refused line changed the state:\nbefore %+v\nafter  %+v", before.Running.Ports[port], after.Running.Ports[port])
			}
			refused := map[string]string{}
			for _, c := range d.Commands() {
				refused[c.Line] = c.Error
			}
			for _, l := range bad {
				if refused[l] == "" {
					t.Errorf("%q was accepted; it must be refused", l)
				}
			}
			golden(t, platform+"/near-miss.golden", tm.transcript())
		})
	}
}

// TestAbbreviations: the devices accept any unique keyword prefix, and so
// does the simulator; ExactKeywords refuses them.
func TestAbbreviations(t *testing.T) {
	cases := []struct {
		platform, line string
	}{
		{"arista-eos", "sw acces vl 5"},
		{"cisco-ios", "switchport acces vlan 5"},
		{"cisco-nxos", "switchport acc vlan 5"},
		{"dell-os10", "sw mo trunk"},
	}
	for _, tc := range cases {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			for _, exact := range []bool{false, true} {
				name := "lax"
				if exact {
					name = "exact"
				}
				d := addDevice(t, s, DeviceSpec{Name: name, Platform: tc.platform, ExactKeywords: exact})
				tm := shell(t, d, "admin", "admin", 0)
				tm.expect(tm.promptRE())
				tm.cmd("conf t")
				tm.cmd("interface " + d.Spec().Ports[0])
				out := tm.cmd(tc.line)
				cmds := d.Commands()
				refused := cmds[len(cmds)-1].Error != ""
				if exact != refused {
					t.Errorf("ExactKeywords=%v: %q answered %q", exact, tc.line, out)
				}
			}
		})
	}
}

// TestMissingAccessVLAN: each platform's answer to an access VLAN that does
// not exist. IOS creates it and says so; EOS and NX-OS take it and leave
// the VLAN missing; OS10 refuses.
func TestMissingAccessVLAN(t *testing.T) {
	cases := []struct {
		platform, out string
		created       bool
		assigned      bool
	}{
		{"cisco-ios", "% Access VLAN does not exist. Creating vlan 55\n", true, true},
		{"arista-eos", "", false, true},
		{"cisco-nxos", "", false, true},
		{"dell-os10", "% Error: VLAN 55 does not exist.\n", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: tc.platform})
			port := d.Spec().Ports[0]
			tm := shell(t, d, "admin", "admin", 0)
			tm.expect(tm.promptRE())
			tm.cmd("configure terminal")
			tm.cmd("interface " + port)
			if out := tm.cmd("switchport access vlan 55"); out != tc.out {
				t.Errorf("answered %q, want %q", out, tc.out)
			}
			running := d.State().Running
			if _, ok := running.VLANs[55]; ok != tc.created {
				t.Errorf("VLAN 55 exists: %v, want %v", ok, tc.created)
			}
			if got := running.Ports[port].AccessVLAN == 55; got != tc.assigned {
				t.Errorf("access VLAN set: %v, want %v", got, tc.assigned)
			}
		})
	}
}
