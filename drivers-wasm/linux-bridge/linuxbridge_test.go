//go:build !wasip1

// The tests run natively: they build the driver for wasip1 and run it in
// the runtime, which does not itself build for wasip1.

package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/drivertest"
)

// The write commands, as the device options' defaults render them.
const (
	B = " | sudo -n /usr/sbin/bridge -batch -"
	I = "sudo -n /usr/sbin/ip link set dev "
)

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

func access(vlan int) sdk.PortConfig { return sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: vlan} }

var cases = []tcase{
	{"access-move", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100)},
		"access-move", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan del dev swp1 vid 200' 'vlan add dev swp1 vid 100 pvid untagged'` + B}}, ""},
	{"access-repeat", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100)},
		"access-repeat", &sdk.Result{}, ""},
	{"trunk-native", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{200, 100}, Description: "node-7 eth1"}},
		"trunk-native", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan add dev swp2 vid 10 pvid untagged' 'vlan add dev swp2 vid 100' 'vlan add dev swp2 vid 200'` + B + " && " + I + `swp2 alias 'node-7 eth1'`}}, ""},
	{"trunk-tagged-only", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{100, 101, 102, 200}}},
		"trunk-tagged-only", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan del dev swp2 vid 5' 'vlan add dev swp2 vid 100-102' 'vlan add dev swp2 vid 200'` + B}}, ""},
	{"hybrid", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeHybrid, NativeVLAN: 100, AllowedVLANs: []int{10}, Description: "node-7 eth1"}},
		"hybrid", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan del dev swp2 vid 200' 'vlan add dev swp2 vid 100 pvid untagged' 'vlan add dev swp2 vid 10'` + B}}, ""},
	{"description-only", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 100, AllowedVLANs: []int{10}, Description: "rack 4 'b'"}},
		"description", &sdk.Result{Changed: true, Commands: []string{I + `swp2 alias 'rack 4 '\''b'\'''`}}, ""},
	{"trunk-repeat-native-listed-as-allowed", abi.OpSetPort, sdk.SetPortRequest{Port: "swp2", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{10, 100, 200}}},
		"read-trunk", &sdk.Result{}, ""},
	{"dry-run", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100), DryRun: true},
		"dry-run", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan del dev swp1 vid 200' 'vlan add dev swp1 vid 100 pvid untagged'` + B}}, ""},
	{"port-down-brought-up", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100)},
		"port-down", &sdk.Result{Changed: true, Commands: []string{I + "swp1 up"}}, ""},
	{"reset-idle", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1", IdleVLAN: 42},
		"reset-idle", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan del dev swp1 vid 100' 'vlan add dev swp1 vid 42 pvid untagged'` + B}}, ""},
	{"reset-idle-of-shut-port", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1", IdleVLAN: 42},
		"reset-idle-shut-port", &sdk.Result{Changed: true, Commands: []string{`printf '%s\n' 'vlan add dev swp1 vid 42 pvid untagged'` + B + " && " + I + "swp1 up"}}, ""},
	{"reset-shut", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1"},
		"reset-shut", &sdk.Result{Changed: true, Commands: []string{I + `swp1 down && printf '%s\n' 'vlan del dev swp1 vid 10' 'vlan del dev swp1 vid 100-101'` + B}}, ""},
	{"reset-shut-repeat", abi.OpResetPort, sdk.ResetPortRequest{Port: "swp1"},
		"reset-shut-repeat", &sdk.Result{}, ""},
	{"read-trunk", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp2"},
		"read-trunk", &sdk.PortState{Port: "swp2", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{100, 200}, Description: "node-7 eth1"}, ""},
	{"read-access", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp1"},
		"access-repeat", &sdk.PortState{Port: "swp1", Exists: true, Enabled: true, Mode: sdk.ModeAccess, NativeVLAN: 100}, ""},
	{"read-shut", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp1"},
		"read-shut", &sdk.PortState{Port: "swp1", Exists: true}, ""},
	{"read-missing", abi.OpReadPort, sdk.ReadPortRequest{Port: "swp9"},
		"read-missing", &sdk.PortState{Port: "swp9"}, ""},
	{"set-missing-port", abi.OpSetPort, sdk.SetPortRequest{Port: "swp9", Config: access(100)},
		"read-missing", nil, "not_found"},
	{"bridge-not-filtering", abi.OpSetPort, sdk.SetPortRequest{Port: "swp6", Config: access(100)},
		"not-filtering", nil, "conflict"},
	{"port-in-no-bridge", abi.OpResetPort, sdk.ResetPortRequest{Port: "mgmt0", IdleVLAN: 42},
		"not-in-bridge", nil, "conflict"},
	{"device-error", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100)},
		"device-error", nil, "device"},
	{"sudo-denied", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: access(100)},
		"sudo-denied", nil, "denied"},
	{"empty-trunk-refused", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeTrunk}},
		"empty", nil, "invalid"},
	{"vlan-out-of-range-refused", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1", Config: sdk.PortConfig{Mode: sdk.ModeTrunk, AllowedVLANs: []int{100, 4095}}},
		"empty", nil, "invalid"},
	{"shell-in-port-name-refused", abi.OpSetPort, sdk.SetPortRequest{Port: "swp1;reboot", Config: access(100)},
		"empty", nil, "invalid"},
	{"shell-in-port-name-refused-on-read", abi.OpReadPort, sdk.ReadPortRequest{Port: "$(reboot)"},
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
	drivertest.RunCases(t, wasmbuild.Driver(t, "linux-bridge"), wasmbuild.CacheDir(t), settings, table)
}

// TestErrorMessages checks that a failure carries the device's own words
// and, where there is one, the fix.
func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		script string
		req    sdk.SetPortRequest
		want   []string
	}{
		{"device-error", sdk.SetPortRequest{Port: "swp1", Config: access(100)}, []string{"swp1", "exit status 1", "RTNETLINK answers: Operation not supported"}},
		{"sudo-denied", sdk.SetPortRequest{Port: "swp1", Config: access(100)}, []string{"sudo: a password is required", "passwordless sudo", "/usr/sbin/bridge"}},
		{"not-filtering", sdk.SetPortRequest{Port: "swp6", Config: access(100)}, []string{"br1", "vlan_filtering 0", "vlan_filtering 1"}},
		{"not-in-bridge", sdk.SetPortRequest{Port: "mgmt0", Config: access(100)}, []string{"mgmt0", "in no bridge"}},
		{"read-missing", sdk.SetPortRequest{Port: "swp9", Config: access(100)}, []string{"swp9 does not exist"}},
	} {
		t.Run(tc.script, func(t *testing.T) {
			dev := drivertest.NewDevice(t, "lb-1", load(t, tc.script))
			in, _ := json.Marshal(tc.req)
			_, out := sdk.Dispatch(drivertest.Host(dev, settings), abi.OpSetPort, in)
			var er abi.ErrorReply
			if err := json.Unmarshal(out, &er); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(er.Message, w) {
					t.Errorf("message %q does not say %q", er.Message, w)
				}
			}
			dev.Check()
		})
	}
}

// TestOptions checks options.sudo and options.bin_dir shape every command,
// and that unsafe values are refused before any I/O.
func TestOptions(t *testing.T) {
	read := "/sbin/ip -j link show dev swp1 && /sbin/bridge -j vlan show dev swp1 && " +
		`{ read -r f </sys/class/net/swp1/brport/bridge/bridge/vlan_filtering; echo "$f"; } 2>/dev/null`
	dev := drivertest.NewDevice(t, "lb-1", drivertest.Script{
		{Cmd: read, Out: `[{"ifname":"swp1","flags":["BROADCAST","MULTICAST"],"master":"br0"}]` + "\n[]\n1\n"},
		{Cmd: `printf '%s\n' 'vlan add dev swp1 vid 7 pvid untagged' | /sbin/bridge -batch - && /sbin/ip link set dev swp1 up`},
	})
	h := drivertest.Host(dev, map[string]string{"options.sudo": "", "options.bin_dir": "/sbin/"})
	in, _ := json.Marshal(sdk.SetPortRequest{Port: "swp1", Config: access(7)})
	if status, out := sdk.Dispatch(h, abi.OpSetPort, in); status != abi.StatusOK {
		t.Fatalf("%s", out)
	}
	dev.Check()

	for _, bad := range []map[string]string{
		{"options.bin_dir": "/sbin; rm -rf /"},
		{"options.bin_dir": "sbin"},
		{"options.sudo": "sudo -n $(reboot)"},
		{"options.sudo": "doas;"},
	} {
		dev := drivertest.NewDevice(t, "lb-1", nil)
		status, out := sdk.Dispatch(drivertest.Host(dev, bad), abi.OpSetPort, in)
		var er abi.ErrorReply
		json.Unmarshal(out, &er)
		if status != abi.StatusError || er.Kind != "invalid" || dev.Opened() != 0 {
			t.Errorf("options %v: status %d %s after %d sessions, want invalid before any I/O", bad, status, out, dev.Opened())
		}
	}
}

// TestLongTrunk checks a change too long for one exec is split across
// several, each a complete bridge batch, and the ip command comes last.
func TestLongTrunk(t *testing.T) {
	var odd []int
	for v := 1; v <= 4093; v += 2 {
		odd = append(odd, v)
	}
	cur := port{exists: true, up: false, filtering: "1", vlans: map[int]member{}}
	const name = "swp1s0-uplink9" // a long name makes long lines
	p := changes(name, cur, want{vlans: members(odd), up: true})
	c := &conn{tools: tools{ip: "/usr/sbin/ip", bridge: "/usr/sbin/bridge", sudo: "sudo -n "}}
	lines := c.execs(name, p)
	if len(lines) < 2 {
		t.Fatalf("%d VLAN lines went in %d exec", len(p.batch), len(lines))
	}
	n := 0
	for i, l := range lines {
		if len(l) > abi.MaxCommand {
			t.Errorf("exec %d is %d bytes, over the host's %d", i, len(l), abi.MaxCommand)
		}
		n += strings.Count(l, "'vlan add dev "+name+" vid ")
		last := i == len(lines)-1
		if strings.HasSuffix(l, "ip link set dev "+name+" up") != last {
			t.Errorf("exec %d of %d: ip link set up misplaced: ...%s", i, len(lines), l[max(0, len(l)-80):])
		}
	}
	if n != len(odd) {
		t.Errorf("%d VLANs added across the execs, want %d", n, len(odd))
	}
}

func members(vids []int) map[int]member {
	m := map[int]member{}
	for _, v := range vids {
		m[v] = member{}
	}
	return m
}

// TestParseRanges checks VLANs shown compressed (bridge -c, older
// iproute2) read the same as VLANs shown one by one.
func TestParseRanges(t *testing.T) {
	out := `[{"ifname":"swp2","flags":["UP"],"master":"br0"}]
[{"ifname":"swp2","vlans":[{"vlan":10,"flags":["PVID","Egress Untagged"]},{"vlan":300,"vlanEnd":302}]}]
1
`
	p, err := parse("swp2", out)
	if err != nil {
		t.Fatal(err)
	}
	got := p.state("swp2")
	want := sdk.PortState{Port: "swp2", Exists: true, Enabled: true, Mode: sdk.ModeTrunk, NativeVLAN: 10, AllowedVLANs: []int{300, 301, 302}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if _, err := parse("swp2", "garbage"); err == nil {
		t.Error("garbage output parsed")
	}
	if _, err := parse("swp2", `[{"ifname":"swp3"}]`+"\n[]\n1\n"); err == nil {
		t.Error("another port's output accepted")
	}
}

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want []string
	}{
		{nil, nil},
		{[]int{5}, []string{"5"}},
		{[]int{1, 2, 3, 5, 7, 8}, []string{"1-3", "5", "7-8"}},
	} {
		if got := ranges(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ranges(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestPortPattern checks the described pattern takes Linux interface
// names and nothing a shell would read as more than a word.
func TestPortPattern(t *testing.T) {
	for port, ok := range map[string]bool{
		"swp1": true, "swp1s0": true, "eth0.100": true, "bond-srv_1": true, "pf0vf1": true,
		"abcdefghijklmno": true, "abcdefghijklmnop": false, // 15 characters is the kernel's limit
		"": false, "swp 1": false, "swp1;reboot": false, "a/b": false, "eth0:1": false, "-x": false, "$(x)": false,
	} {
		in, _ := json.Marshal(sdk.PortSupportedRequest{Port: port})
		_, out := sdk.Dispatch(nil, abi.OpPortSupported, in)
		var s sdk.Support
		if err := json.Unmarshal(out, &s); err != nil {
			t.Fatal(err)
		}
		if s.Supported != ok {
			t.Errorf("port %q supported=%v, want %v (%s)", port, s.Supported, ok, s.Reason)
		}
	}
}

func TestNoIOOperations(t *testing.T) {
	for _, op := range []string{abi.OpAddNetwork, abi.OpDeleteNetwork, abi.OpSave} {
		dev := drivertest.NewDevice(t, "lb-1", nil)
		status, out := sdk.Dispatch(drivertest.Host(dev, settings), op, []byte(`{"network":{"vlan":100}}`))
		var res sdk.Result
		json.Unmarshal(out, &res)
		if status != abi.StatusOK || res.Changed || res.Saved || dev.Opened() != 0 {
			t.Errorf("%s: status %d %s after %d sessions, want an unchanged, unsaved result and no I/O", op, status, out, dev.Opened())
		}
	}
}
