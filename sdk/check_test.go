package sdk

import (
	"strings"
	"testing"

	"github.com/openmercury/mercury/abi"
)

func TestCheckValues(t *testing.T) {
	access := func(v int) abi.PortConfig { return abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: v} }
	for _, c := range []struct {
		name string
		req  any
		want string // "" = accepted, else a fragment of the invalid message
	}{
		{"access", &abi.SetPortRequest{Port: "p", Config: access(100), CreateVLANs: []abi.Network{{VLAN: 100, Name: "t-100"}}}, ""},
		{"trunk without native", &abi.SetPortRequest{Config: abi.PortConfig{Mode: abi.ModeTrunk, AllowedVLANs: []int{1, 4094}}}, ""},
		{"access VLAN 0", &abi.SetPortRequest{Config: access(0)}, "access VLAN 0 is out of range 1-4094"},
		{"access VLAN 4095", &abi.SetPortRequest{Config: access(4095)}, "access VLAN 4095 is out of range"},
		{"native -1", &abi.SetPortRequest{Config: abi.PortConfig{Mode: abi.ModeHybrid, NativeVLAN: -1}}, "native VLAN -1"},
		{"allowed 4096", &abi.SetPortRequest{Config: abi.PortConfig{Mode: abi.ModeTrunk, AllowedVLANs: []int{10, 4096}}}, "allowed VLAN 4096"},
		{"unknown mode", &abi.SetPortRequest{Config: abi.PortConfig{Mode: "bridge"}}, `mode "bridge"`},
		{"description newline", &abi.SetPortRequest{Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: 5, Description: "a\nreload"}}, "control character"},
		{"create VLAN 0", &abi.SetPortRequest{Config: access(5), CreateVLANs: []abi.Network{{VLAN: 0}}}, "VLAN 0 is out of range"},
		{"VNI too big", &abi.NetworkRequest{Network: abi.Network{VLAN: 5, VNI: 1 << 24}}, "VNI 16777216"},
		{"network name escape", &abi.NetworkRequest{Network: abi.Network{VLAN: 5, Name: "x\x1b[A"}}, "control character"},
		{"network", &abi.NetworkRequest{Network: abi.Network{VLAN: 5, VNI: 10005}}, ""},
		{"reset shut", &abi.ResetPortRequest{Port: "p"}, ""},
		{"reset idle 5000", &abi.ResetPortRequest{Port: "p", IdleVLAN: 5000}, "idle VLAN 5000"},
		{"lag idle -2", &abi.LAGDeleteRequest{IdleVLAN: -2}, "idle VLAN -2"},
		{"lag name tab", &abi.LAGSetRequest{LAG: abi.LAG{Name: "b\t1"}, Config: access(5)}, "LAG name"},
		{"read", &abi.ReadPortRequest{Port: "p"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := checkValues(c.req)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("accepted, want an error with %q", c.want)
			case c.want != "":
				se, ok := err.(*Error)
				if !ok || se.Kind != "invalid" || !strings.Contains(se.Message, c.want) {
					t.Fatalf("error %v, want kind invalid with %q", err, c.want)
				}
			}
		})
	}
}
