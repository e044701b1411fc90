//go:build !wasip1

package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
)

const V = "sudo -n ovs-vsctl --timeout=10"

var settings = map[string]string{}

// tcase is a drivertest.Case, written positionally in the table below.
type tcase struct {
	name    string
	op      string
	req     any
	script  string // testdata/NAME.script
	want    any    // decoded response
	errKind string // when the operation must fail
}

var cases = []tcase{
	{"access-move", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"access-move", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- set port swp1 vlan_mode=access tag=100 -- clear port swp1 trunks"}}, ""},
	{"access-repeat", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"access-repeat", &sdk.Result{Saved: true}, ""},
	{"trunk-native", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{200, 100}, Description: "node-7 eth1"}},
		"trunk-native", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + ` -- set port swp2 vlan_mode=native-untagged tag=10 trunks=10,100,200 -- set port swp2 'external_ids:description="node-7 eth1"'`}}, ""},
	{"trunk-tagged-only", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{100}}},
		"trunk-tagged-only", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- set port swp2 vlan_mode=trunk trunks=100 -- clear port swp2 tag"}}, ""},
	{"hybrid", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 10, AllowedVLANs: []int{100}}},
		"hybrid", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- set port swp2 vlan_mode=native-untagged tag=10 trunks=10,100"}}, ""},
	{"dry-run", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}, DryRun: true},
		"dry-run", &sdk.Result{Changed: true, Commands: []string{V + " -- set port swp1 vlan_mode=access tag=100 -- clear port swp1 trunks"}}, ""},
	{"reset-idle", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1", IdleVLAN: 42},
		"reset-idle", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- set port swp1 vlan_mode=access tag=42 -- clear port swp1 trunks"}}, ""},
	{"reset-isolate", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1"},
		"reset-isolate", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- set port swp1 vlan_mode=access tag=4095 -- clear port swp1 trunks"}}, ""},
	{"read-trunk", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp2"},
		"read-trunk", &sdk.PortState{Port: "swp2", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{100, 200}, Description: "node-7 eth1"}, ""},
	{"read-missing", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp9"},
		"read-missing", &sdk.PortState{Port: "swp9"}, ""},
	{"set-missing-port", abi.OpSetPort, sdk.SetPortRequest{Port: "swp9", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"missing-port", nil, "not_found"},
	{"device-error", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"device-error", nil, "device"},
	{"list", abi.OpListPorts, sdk.ListPortsRequest{}, "list", &sdk.PortList{Ports: []sdk.PortState{
		{Port: "br0", Exists: true, Enabled: true},
		{Port: "p0", Exists: true, Enabled: true, AllowedVLANs: []int{10, 100}},
		{Port: "pf0hpf", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, NativeVLAN: 5, AllowedVLANs: []int{7}, Description: "a, b"},
		{Port: "pf0vf0", Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 100},
		{Port: "pf0vf1", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, AllowedVLANs: []int{200}},
	}}, ""},
	{"list-garbled", abi.OpListPorts, sdk.ListPortsRequest{}, "list-garbled", nil, "device"},
	{"read-bond-member", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp2"},
		"read-member", &sdk.PortState{Port: "swp2", Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 100, LAG: "bond-a"}, ""},
	{"lag-create", abi.OpLAGSet, sdk.LAGSetRequest{LAG: sdk.LAG{Name: "bond-a", Mode: sdk.LAGLACP, Members: []string{"swp3", "swp2"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"lag-create", &sdk.Result{Changed: true, Saved: true, Created: true, Commands: []string{V + " -- del-port swp2 -- del-port swp3 -- add-bond br0 bond-a swp2 swp3 lacp=active bond_mode=balance-tcp other_config:lacp-time=fast -- set port bond-a vlan_mode=access tag=100 -- clear port bond-a trunks"}}, ""},
	{"lag-repeat", abi.OpLAGSet, sdk.LAGSetRequest{LAG: sdk.LAG{Name: "bond-a", Mode: sdk.LAGLACP, Members: []string{"swp2", "swp3"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"lag-repeat", &sdk.Result{Saved: true}, ""},
	{"lag-member-of-another", abi.OpLAGSet, sdk.LAGSetRequest{LAG: sdk.LAG{Name: "bond-b", Mode: sdk.LAGLACP, Members: []string{"swp1", "swp2"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"lag-conflict", nil, "conflict"},
	{"lag-one-member", abi.OpLAGSet, sdk.LAGSetRequest{LAG: sdk.LAG{Name: "bond-b", Mode: sdk.LAGLACP, Members: []string{"swp1"}}, Config: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: 100}},
		"empty", nil, "invalid"},
	{"lag-delete", abi.OpLAGDelete, sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond-a"}},
		"lag-delete", &sdk.Result{Changed: true, Saved: true, Commands: []string{V + " -- del-port bond-a -- add-port br0 swp2 tag=4095 -- add-port br0 swp3 tag=4095"}}, ""},
	{"lag-delete-absent", abi.OpLAGDelete, sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "bond-z"}},
		"lag-repeat", &sdk.Result{Saved: true}, ""},
	{"lag-delete-a-port", abi.OpLAGDelete, sdk.LAGDeleteRequest{LAG: sdk.LAG{Name: "swp1"}},
		"lag-repeat", nil, "conflict"},
	{"empty-trunk-refused", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeTrunk}},
		"empty", nil, "invalid"},
}

func load(t *testing.T, name string) drivertest.Script {
	t.Helper()
	s, err := drivertest.LoadScript(filepath.Join("testdata", name+".script"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCases runs the case table natively and on the compiled module.
func TestCases(t *testing.T) {
	table := make([]drivertest.Case, len(cases))
	for i, c := range cases {
		table[i] = drivertest.Case{Name: c.name, Op: c.op, Req: c.req, Script: c.script, Want: c.want, ErrKind: c.errKind}
	}
	drivertest.RunCases(t, wasmbuild.Driver(t, "ovs"), wasmbuild.CacheDir(t), settings, table)
}

func TestDBOption(t *testing.T) {
	dev := drivertest.NewDevice(t, "ovs-1", drivertest.Script{
		{Cmd: "sudo -n ovs-vsctl --timeout=10 --db=unix:/run/ovs/db.sock get port swp1 vlan_mode tag trunks external_ids", Out: "access\n100\n[]\n{}\n"},
	})
	h := drivertest.Host(dev, map[string]string{"options.db": "/run/ovs/db.sock"})
	in, _ := json.Marshal(sdk.ReadPortRequest{Port: "swp1"})
	if status, out := sdk.Dispatch(h, abi.OpReadPort, in); status != abi.StatusOK {
		t.Fatalf("%s", out)
	}
	dev.Check()
	bad := drivertest.NewDevice(t, "ovs-1", nil)
	status, out := sdk.Dispatch(drivertest.Host(bad, map[string]string{"options.db": "/x; rm -rf /"}), abi.OpReadPort, in)
	if status != abi.StatusError || bad.Opened() != 0 {
		t.Fatalf("a db path with shell text was used: %s", out)
	}
}
