package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

// settingsHost is a scriptHost with device settings.
type settingsHost struct {
	scriptHost
	settings map[string]string
}

func (h *settingsHost) Setting(k string) (string, bool) { v, ok := h.settings[k]; return v, ok }

// membersTable is a Members driver on a bash-like prompt whose device state
// is st, whatever "show" prints.
func membersTable(st func() cli.MemberState) *cli.Members {
	return &cli.Members{
		Info:        sdk.Description{Name: "members-test", PortPattern: `Eth\d+`},
		Platform:    cli.Platform{Prompt: `(?m)^sw\$ ?`, Errors: []string{`^Error:`}},
		Show:        "show",
		Parse:       func(string) (cli.MemberState, error) { return st(), nil },
		AddUntagged: []string{"vlan {vlan} add -u {port}"}, DelUntagged: []string{"vlan {vlan} del {port}"},
		AddTagged: []string{"vlan {vlan} add {port}"}, DelTagged: []string{"vlan {vlan} del {port}"},
		CreateVLAN: []string{"vlan {vlan} create"}, DeleteVLAN: []string{"vlan {vlan} delete"},
		Enable: []string{"up {port}"}, Disable: []string{"down {port}"},
		LAGName:     "Po%d",
		LAGCreate:   map[string][]string{sdk.LAGLACP: {"po {lag} create lacp"}, sdk.LAGStatic: {"po {lag} create static"}},
		LAGJoin:     map[string][]string{sdk.LAGLACP: {"po {lag} join {port}"}, sdk.LAGStatic: {"po {n} member {port}"}},
		LAGLeave:    map[string][]string{sdk.LAGLACP: {"po {lag} leave {port}"}, sdk.LAGStatic: {"po {n} no member {port}"}},
		LAGDelete:   []string{"po {lag} delete"},
		LAGDescribe: []string{"po {lag} describe {text}"},
		Quote:       func(s string) string { return "[" + s + "]" },
	}
}

// TestMembersLAGSet runs lag_set as a dry run against device states: which
// port-channel it picks (the one described with the LAG's name, the
// number asked for, the lowest free in lag_range), the lines it would
// send, and the requests it refuses before sending anything.
func TestMembersLAGSet(t *testing.T) {
	device := func() cli.MemberState {
		return cli.MemberState{
			VLANs: map[int]bool{10: true},
			Ports: map[string]*cli.Membership{
				"Eth1": {Up: true}, "Eth2": {Up: false, Untagged: 10}, "Eth3": {Up: true},
				"Po3": {Up: true, Untagged: 10}, "Po5": {Up: true},
			},
			LAGs: map[int]*cli.MemberLAG{
				3: {Name: "Po3", Description: "bond-a", Mode: sdk.LAGStatic, Members: []string{"Eth1"}},
				5: {Name: "Po5", Description: "bond-b", Mode: sdk.LAGLACP, Members: []string{"Eth3"}},
			},
		}
	}
	access10 := sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}
	for _, tc := range []struct {
		name, lagRange string
		lag            sdk.LAG
		want           string // the result, or the error's kind and message
	}{
		{"reused by description, nothing to do", "", sdk.LAG{Name: "bond-a", Mode: sdk.LAGStatic, Members: []string{"Eth1"}},
			`{"changed":false,"number":3}`},
		{"reused by description, a member joins after leaving its VLAN", "", sdk.LAG{Name: "bond-a", Mode: sdk.LAGStatic, Members: []string{"Eth1", "Eth2"}},
			`{"changed":true,"commands":["vlan 10 del Eth2","po 3 member Eth2","up Eth2"],"number":3}`},
		{"a member left out leaves", "", sdk.LAG{Name: "bond-b", Mode: sdk.LAGLACP, Members: []string{"Eth2"}},
			`{"changed":true,"commands":["vlan 10 del Eth2","po Po5 join Eth2","up Eth2","po Po5 leave Eth3","vlan 10 add -u Po5"],"number":5}`},
		{"lowest free number in lag_range", "3-9", sdk.LAG{Name: "new", Mode: sdk.LAGLACP},
			`{"changed":true,"commands":["po Po4 create lacp","po Po4 describe [new]","vlan 10 add -u Po4"],"number":4,"created":true}`},
		{"default lag_range starts at 1", "", sdk.LAG{Name: "new", Mode: sdk.LAGStatic, Members: []string{"Eth2"}},
			`{"changed":true,"commands":["po Po1 create static","po Po1 describe [new]","vlan 10 del Eth2","po 1 member Eth2","up Eth2","vlan 10 add -u Po1"],"number":1,"created":true}`},
		{"the number asked for", "", sdk.LAG{Name: "new", Number: 42, Mode: sdk.LAGLACP},
			`{"changed":true,"commands":["po Po42 create lacp","po Po42 describe [new]","vlan 10 add -u Po42"],"number":42,"created":true}`},
		{"lag_range used up", "3-3", sdk.LAG{Name: "new", Mode: sdk.LAGLACP},
			`conflict: every port-channel number in lag_range 3-3 is in use: widen the device's lag_range`},
		{"lag_range not a range", "9-3", sdk.LAG{Name: "new", Mode: sdk.LAGLACP},
			`invalid: lag_range "9-3" is not a range such as 1-128: fix the device's lag_range setting`},
		{"a member of another port-channel", "", sdk.LAG{Name: "bond-a", Mode: sdk.LAGStatic, Members: []string{"Eth1", "Eth3"}},
			`conflict: LAG member Eth3 already belongs to Po5 (LAG "bond-b"): delete that LAG or take the port out first`},
		{"a member the device lacks", "", sdk.LAG{Name: "new", Mode: sdk.LAGLACP, Members: []string{"Eth9"}},
			`not_found: LAG member Eth9 does not exist on this device`},
		{"another mode", "", sdk.LAG{Name: "bond-a", Mode: sdk.LAGLACP, Members: []string{"Eth1"}},
			`conflict: port-channel Po3 is static on the device, the request asks for lacp: lag_delete it first to change its mode`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drv := membersTable(device).Driver()
			h := &settingsHost{scriptHost: scriptHost{s: &scripted{replies: map[string][]string{"": {"\nsw$ "}, "show": {"show\n\nsw$ "}}}},
				settings: map[string]string{}}
			if tc.lagRange != "" {
				h.settings["lag_range"] = tc.lagRange
			}
			res, err := drv.LAGSet(h, sdk.LAGSetRequest{LAG: tc.lag, Config: access10, DryRun: true})
			got := ""
			if err != nil {
				got = kind(err) + ": " + err.(*sdk.Error).Message
			} else {
				b, _ := json.Marshal(res)
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			for _, l := range h.s.sent {
				if l != "" && l != "show" {
					t.Errorf("a dry run sent %q", l)
				}
			}
		})
	}
}

// TestMembersLAGDelete: the members leave and go to the idle VLAN (or are
// shut down without one), the port-channel leaves its VLANs and goes; a
// LAG the device does not have is nothing to do; set_port on a member is
// refused.
func TestMembersLAGDelete(t *testing.T) {
	device := func() cli.MemberState {
		return cli.MemberState{
			VLANs: map[int]bool{10: true, 20: true},
			Ports: map[string]*cli.Membership{"Eth1": {Up: true}, "Eth2": {Up: true}, "Po3": {Up: true, Untagged: 10, Tagged: []int{20}}},
			LAGs:  map[int]*cli.MemberLAG{3: {Name: "Po3", Description: "bond-a", Mode: sdk.LAGLACP, Members: []string{"Eth1", "Eth2"}}},
		}
	}
	for _, tc := range []struct {
		name string
		req  sdk.LAGDeleteRequest
		want string
	}{
		{"to the idle VLAN", sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond-a"}, IdleVLAN: 20},
			`{"changed":true,"commands":["po Po3 leave Eth1","vlan 20 add -u Eth1","po Po3 leave Eth2","vlan 20 add -u Eth2","vlan 10 del Po3","vlan 20 del Po3","po Po3 delete"],"number":3}`},
		{"shut down", sdk.LAGDeleteRequest{LAG: sdk.LAG{Number: 3}},
			`{"changed":true,"commands":["po Po3 leave Eth1","down Eth1","po Po3 leave Eth2","down Eth2","vlan 10 del Po3","vlan 20 del Po3","po Po3 delete"],"number":3}`},
		{"to VLAN 1, which is no VLAN here", sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond-a"}, IdleVLAN: 1},
			`{"changed":true,"commands":["po Po3 leave Eth1","po Po3 leave Eth2","vlan 10 del Po3","vlan 20 del Po3","po Po3 delete"],"number":3}`},
		{"absent", sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond-z"}}, `{"changed":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drv := membersTable(device).Driver()
			h := &scriptHost{s: &scripted{replies: map[string][]string{"": {"\nsw$ "}, "show": {"show\n\nsw$ "}}}}
			tc.req.DryRun = true
			res, err := drv.LAGDelete(h, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(res); string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
	drv := membersTable(device).Driver()
	h := &scriptHost{s: &scripted{replies: map[string][]string{"": {"\nsw$ "}, "show": {"show\n\nsw$ "}}}}
	_, err := drv.SetPort(h, sdk.SetPortRequest{Port: "Eth1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 10}, DryRun: true})
	if kind(err) != "conflict" {
		t.Errorf("set_port on a LAG member: %v, want a conflict", err)
	}
}
