package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
)

// loadText writes body as mercury.yaml into a fixtures directory and loads it.
func loadText(t *testing.T, body string, env ...string) (*Config, string, error) {
	t.Helper()
	dir := fixtures(t)
	p := filepath.Join(dir, "mercury.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p, env)
	return cfg, dir, err
}

func mustLoad(t *testing.T, body string, env ...string) (*Config, string) {
	t.Helper()
	cfg, dir, err := loadText(t, body, env...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg, dir
}

const twoSwitches = `
server:
  known_hosts: known_hosts
  allowed_vlans: 2-3000
  denied_vlans: 1000-1099
devices:
  - name: tor-1
    mac: aa:bb:cc:00:00:01
    driver: cisco-nxos
    address: 192.0.2.10
    username: mercury
    password_file: secrets/tor.password
    key_file: secrets/tor.key
    enable_secret_file: secrets/tor.enable
    allowed_vlans: 100-1999
    denied_vlans: 1500
    idle_vlan: 100
    protected_ports: [Ethernet1/49]
    port_name_rewrite:
      - {match: '^Eth(\d+)/(\d+)$', replace: 'Ethernet${1}/${2}'}
      - {match: '^e(\d+)$', replace: 'Ethernet1/$1'}
    options: {nve_interface: nve1}
  - name: sw-2
    driver: ovs
    address: 192.0.2.11
    username: root
    key_file: secrets/tor.key
`

func TestNormaliseMAC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff"},
		{"AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff"},
		{"AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff"},
		{"aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff"},
		{"AABBCCDDEEFF", "aa:bb:cc:dd:ee:ff"},
		{" aa:bb:cc:dd:ee:ff ", "aa:bb:cc:dd:ee:ff"},
		{"00:00:aa:bb:cc:dd:ee:ff", "00:00:aa:bb:cc:dd:ee:ff"}, // OpenFlow datapath id
		{"0000aabbccddeeff", "00:00:aa:bb:cc:dd:ee:ff"},
		{"aa:bb:cc:dd:ee", ""},
		{"tor-1", ""},
		{"", ""},
		{"gg:bb:cc:dd:ee:ff", ""},
	}
	for _, tt := range tests {
		got, ok := normaliseMAC(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("normaliseMAC(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestFindSwitch(t *testing.T) {
	cfg, _ := mustLoad(t, twoSwitches)
	tests := []struct{ id, want string }{
		{"aa:bb:cc:00:00:01", "tor-1"},
		{"AA:BB:CC:00:00:01", "tor-1"},
		{"aabb.cc00.0001", "tor-1"},
		{"tor-1", "tor-1"},
		{"sw-2", "sw-2"},
		{"SW-2", ""}, // names match exactly, MACs in any case
		{"aa:bb:cc:00:00:02", ""},
		{"aa:bb:cc:00:00:03", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, ok := cfg.FindSwitch(tt.id)
		if ok != (tt.want != "") || d.Name != tt.want {
			t.Errorf("FindSwitch(%q) = %q, %v; want %q", tt.id, d.Name, ok, tt.want)
		}
	}
	if _, ok := cfg.Device("nope"); ok {
		t.Error("Device found an unknown name")
	}
	if got := cfg.Drivers(); fmt.Sprint(got) != "[cisco-nxos ovs]" {
		t.Errorf("Drivers() = %v", got)
	}
}

// A MAC wins over a name: Ironic sends only switch_id.
func TestFindSwitchMACBeforeName(t *testing.T) {
	cfg, _ := mustLoad(t, `
server: {known_hosts: known_hosts}
devices:
  - {name: aabbcc000009, driver: ovs, address: 192.0.2.1, username: u, key_file: secrets/tor.key}
  - {name: tor-9, mac: "AA:BB:CC:00:00:09", driver: ovs, address: 192.0.2.2, username: u, key_file: secrets/tor.key}
`)
	for _, id := range []string{"aabbcc000009", "aa:bb:cc:00:00:09"} {
		if d, _ := cfg.FindSwitch(id); d.Name != "tor-9" {
			t.Errorf("FindSwitch(%s) matched %q, want tor-9 by its mac", id, d.Name)
		}
	}
}

func TestCheckVLAN(t *testing.T) {
	cfg, _ := mustLoad(t, twoSwitches)
	tests := []struct {
		device string
		vlan   int
		kind   fault.Kind // Internal = allowed
		msg    string
	}{
		{"tor-1", 100, fault.Internal, ""},
		{"tor-1", 1999, fault.Internal, ""},
		{"tor-1", 0, fault.Invalid, "tor-1: VLAN 0 is out of range 1-4094"},
		{"tor-1", 3500, fault.Denied, "tor-1: VLAN 3500 is not in server.allowed_vlans (2-3000)"},
		{"tor-1", 1050, fault.Denied, "tor-1: VLAN 1050 is in server.denied_vlans (1000-1099)"},
		{"tor-1", 2500, fault.Denied, "tor-1: VLAN 2500 is not in devices.tor-1.allowed_vlans (100-1999)"},
		{"tor-1", 1500, fault.Denied, "tor-1: VLAN 1500 is in devices.tor-1.denied_vlans (1500)"},
		{"sw-2", 2500, fault.Internal, ""},
		{"nope", 100, fault.NotFound, ""},
	}
	for _, tt := range tests {
		err := cfg.CheckVLAN(tt.device, tt.vlan)
		if tt.kind == fault.Internal {
			if err != nil {
				t.Errorf("CheckVLAN(%s, %d) = %v", tt.device, tt.vlan, err)
			}
			continue
		}
		if err == nil || fault.KindOf(err) != tt.kind {
			t.Errorf("CheckVLAN(%s, %d) = %v, want kind %v", tt.device, tt.vlan, err, tt.kind)
			continue
		}
		if tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("CheckVLAN(%s, %d) = %q, want %q", tt.device, tt.vlan, err, tt.msg)
		}
	}
	if got := cfg.PermittedVLANs("tor-1").String(); got != "100-999,1100-1499,1501-1999" {
		t.Errorf("PermittedVLANs = %s", got)
	}
	if !cfg.PermittedVLANs("nope").IsEmpty() {
		t.Error("PermittedVLANs of an unknown device is not empty")
	}
}

func TestDeviceHelpers(t *testing.T) {
	cfg, _ := mustLoad(t, twoSwitches)
	d, _ := cfg.Device("tor-1")
	for in, want := range map[string]string{
		"Eth1/7":      "Ethernet1/7",
		"e12":         "Ethernet1/12",
		"Ethernet1/1": "Ethernet1/1",
		"Eth1/7/1":    "Eth1/7/1",
	} {
		if got := d.RewritePort(in); got != want {
			t.Errorf("RewritePort(%q) = %q, want %q", in, got, want)
		}
	}
	if !d.IsProtected("Ethernet1/49") || d.IsProtected("Ethernet1/48") {
		t.Error("IsProtected wrong")
	}
	want := map[string]string{
		"name": "tor-1", "driver": "cisco-nxos", "mac": "aa:bb:cc:00:00:01", "idle_vlan": "100",
		"manage_vlans": "true", "save_config": "always", "vxlan_vlan_range": "3000-3999", "lag_range": "1-128",
		"options.nve_interface": "nve1",
	}
	if got := d.Settings(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Settings() = %v\nwant %v", got, want)
	}
	for _, secret := range []string{"address", "username", "password_file", "key_file", "password", "nve_interface", "options.none"} {
		if v, ok := d.Setting(secret); ok {
			t.Errorf("Setting(%q) = %q: drivers must not see it", secret, v)
		}
	}
	other, _ := cfg.Device("sw-2")
	if v, ok := other.Setting("idle_vlan"); !ok || v != "" {
		t.Errorf("idle_vlan without one = %q, %v", v, ok)
	}
}

// What accessors return is a copy: changing it changes nothing inside.
func TestConfigIsImmutable(t *testing.T) {
	cfg, _ := mustLoad(t, twoSwitches)
	before := string(cfg.YAML())
	d, _ := cfg.Device("tor-1")
	d.ProtectedPorts[0] = "changed"
	d.Options["nve_interface"] = "changed"
	d.PortNameRewrite[0] = Rewrite{}
	d.Name = "changed"
	all := cfg.Devices()
	all[0].ProtectedPorts[0] = "changed"
	all[0].Options["new"] = "x"
	w := cfg.Warnings()
	_ = append(w, Problem{})
	if after := string(cfg.YAML()); after != before {
		t.Errorf("the Config changed through a returned value:\n%s", after)
	}
}

func TestReadSecrets(t *testing.T) {
	cfg, dir := mustLoad(t, twoSwitches)
	d, _ := cfg.Device("tor-1")
	s, err := d.ReadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	if s.Password != "hunter2" || s.EnableSecret != "enable-me" || !bytes.HasSuffix(s.PrivateKey, []byte("KEY-----\n")) {
		t.Errorf("ReadSecrets = %q %q %q", s.Password, s.EnableSecret, s.PrivateKey)
	}

	// Nothing prints the contents.
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "secrets", s)
	js, _ := json.Marshal(struct{ S Secrets }{s})
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s), fmt.Sprintf("%+v", struct{ S Secrets }{s}),
		logged.String(), string(js),
	} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "enable-me") || strings.Contains(out, "not a real key") {
			t.Errorf("secret printed: %s", out)
		}
	}

	// Secrets are read again on each call: a rotated password is seen, and
	// a file that lost its mode or its contents is refused.
	pw := filepath.Join(dir, "secrets/tor.password")
	if err := os.WriteFile(pw, []byte("rotated\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.ReadSecrets(); s.Password != "rotated\n" {
		t.Errorf("after rotation Password = %q (only one newline is trimmed)", s.Password)
	}
	tests := []struct {
		setup func()
		kind  fault.Kind
		want  string
	}{
		{func() { os.Chmod(pw, 0o640) }, fault.Invalid, "has mode 0640; a secret file must be 0600 or 0400; fix: chmod 600 " + pw},
		{func() { os.WriteFile(pw, []byte("\n"), 0o600); os.Chmod(pw, 0o600) }, fault.Invalid, "password_file " + pw + " is empty"},
		{func() { os.Remove(pw) }, fault.NotFound, "file does not exist"},
	}
	for _, tt := range tests {
		tt.setup()
		_, err := d.ReadSecrets()
		if err == nil || fault.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "tor-1: ") {
			t.Errorf("ReadSecrets = %v, want kind %v containing %q", err, tt.kind, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "rotated") {
			t.Error("error shows the contents")
		}
	}
}

func TestEnvKey(t *testing.T) {
	tests := []struct {
		name, key, problem string
	}{
		{"MERCURY_SERVER__LISTEN", "server.listen", ""},
		{"MERCURY_SERVER__TLS__CERT_FILE", "server.tls.cert_file", ""},
		{"MERCURY_server__log_level", "server.log_level", ""},
		{"MERCURY_CONFIG", "", ""},
		{"MERCURY_E2E_PEERS", "", ""},
		{"MERCURY_SERVER_LISTEN", "", "MERCURY_SERVER_LISTEN: is not an override name; fix: separate levels with two underscores, as in MERCURY_SERVER__LISTEN"},
		{"MERCURY_SERVER", "", "MERCURY_SERVER: is not an override name; fix: separate levels with two underscores, as in MERCURY_SERVER__LISTEN"},
		{"MERCURY_DEVICES__TOR__PORT", "", "MERCURY_DEVICES__TOR__PORT: only server settings can be overridden from the environment; fix: set it in the configuration file"},
		{"MERCURY_SERVER__TLS____X", "", "MERCURY_SERVER__TLS____X: has an empty level; fix: separate levels with exactly two underscores"},
	}
	for _, tt := range tests {
		r := newReport()
		key, _ := r.envKey(tt.name, "v")
		var problem string
		if len(r.problems) > 0 {
			problem = r.problems[0].String()
		}
		if key != tt.key || problem != tt.problem {
			t.Errorf("envKey(%q) = %q, %q; want %q, %q", tt.name, key, problem, tt.key, tt.problem)
		}
		if tt.key != "" && r.origins[tt.key].text != tt.name {
			t.Errorf("envKey(%q) recorded origin %q", tt.name, r.origins[tt.key].text)
		}
	}
}

func TestIsINI(t *testing.T) {
	tests := []struct {
		path, data string
		want       bool
	}{
		{"x.ini", "", true},
		{"x.conf", "devices: []", true},
		{"x.CFG", "", true},
		{"x.yaml", "[genericswitch:a]", false},
		{"x.yml", "", false},
		{"config", "# comment\n; other\n\n  [genericswitch:a]\n", true},
		{"config", "# comment\nserver: {}\n", false},
		{"config", "", false},
	}
	for _, tt := range tests {
		if got := IsINI(tt.path, []byte(tt.data)); got != tt.want {
			t.Errorf("IsINI(%q, %q) = %v", tt.path, tt.data, got)
		}
	}
}

// Reloading is calling Load again: a changed file gives a new Config, a
// broken one an error, and the Config already held is untouched by either.
func TestReload(t *testing.T) {
	cfg, dir := mustLoad(t, twoSwitches)
	p := cfg.Path()
	changed := strings.Replace(twoSwitches, "idle_vlan: 100", "idle_vlan: 101", 1)
	if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg2, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := cfg2.Device("tor-1"); d.IdleVLAN != 101 {
		t.Errorf("reloaded idle_vlan = %d", d.IdleVLAN)
	}
	if err := os.WriteFile(p, []byte("devices: [{name: x}]"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, nil); err == nil {
		t.Fatal("a broken file loaded")
	}
	if d, _ := cfg.Device("tor-1"); d.IdleVLAN != 100 {
		t.Errorf("the old Config changed: idle_vlan = %d", d.IdleVLAN)
	}
	// A secret file that lost its mode fails the next load.
	if err := os.WriteFile(p, []byte(twoSwitches), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "secrets/tor.key"), 0o444); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p, nil)
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+filepath.Join(dir, "secrets/tor.key")) {
		t.Errorf("Load with a 0444 key = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), nil)
	if fault.KindOf(err) != fault.NotFound {
		t.Errorf("Load of a missing file = %v (kind %v)", err, fault.KindOf(err))
	}
	var le *LoadError
	if errors.As(err, &le) {
		t.Error("a missing file is not a LoadError")
	}
	if _, _, err := TranslateINI(filepath.Join(t.TempDir(), "none.ini")); fault.KindOf(err) != fault.NotFound {
		t.Errorf("TranslateINI of a missing file = %v", err)
	}
}

func TestDefaults(t *testing.T) {
	cfg, _ := mustLoad(t, `
server: {known_hosts: known_hosts}
devices: [{name: a, driver: ovs, address: 192.0.2.1, username: u, key_file: secrets/tor.key}]
`)
	s := cfg.Server()
	d, _ := cfg.Device("a")
	got := fmt.Sprintf("%s %s %s %s %s %s %v %v %d %v %s %d %s %s %v",
		s.Listen, s.Deadline, s.DriversDir, s.CacheDir, s.LockDir, s.Auth.Strategy, s.TLS.Enabled(), s.LogLevel,
		d.Port, d.ManageVLANs, d.SaveConfig, d.MaxSessions, d.VXLANVLANs, d.LAGRange, d.AllowedVLANs)
	want := "127.0.0.1:8089 1m0s build/drivers /var/cache/mercury /run/mercury/locks noauth false INFO 22 true always 2 3000-3999 1-128 1-4094"
	if got != want {
		t.Errorf("defaults:\n got %s\nwant %s", got, want)
	}
	if len(cfg.Warnings()) != 0 {
		t.Errorf("warnings: %v", cfg.Warnings())
	}
}

func TestCheckTemplate(t *testing.T) {
	tests := []struct{ re, tmpl, msg string }{
		{`(a)(b)`, `$1$2`, ""},
		{`(a)(b)`, `${1}x${2}`, ""},
		{`(?P<p>a)`, `$p-${p}`, ""},
		{`a`, `$$5`, ""},
		{`a`, `plain`, ""},
		{`(a)`, `$2`, "refers to group 2, but match has 1 groups"},
		{`(a)`, `$1x`, `refers to a group named "1x" ($1x is read as one name)`},
		{`(a)`, `${q}`, `refers to group "q", which match does not define`},
		{`(a)`, `x$`, "ends with a lone $"},
		{`(a)`, `${1`, "has an unclosed ${"},
		{`(a)`, `$-`, "has a $ that names no group"},
	}
	for _, tt := range tests {
		msg, _ := checkTemplate(tt.tmpl, mustCompile(t, tt.re))
		if msg != tt.msg {
			t.Errorf("checkTemplate(%q, %q) = %q, want %q", tt.tmpl, tt.re, msg, tt.msg)
		}
	}
}

func TestLoadErrorCounts(t *testing.T) {
	le := &LoadError{Path: "x.yaml", Problems: []Problem{
		{Severity: Error, Key: "a", Msg: "bad"},
		{Severity: Warning, Key: "b", Value: `"v"`, Msg: "odd", Fix: "change it"},
		{Severity: Error, Key: "c", Origin: "[genericswitch:t] ip", Line: 4, Msg: "bad"},
	}}
	want := "config x.yaml: 2 errors, 1 warning\n  a: bad\n  warning: b = \"v\": odd; fix: change it\n  line 4: [genericswitch:t] ip (c): bad"
	if le.Errors() != 2 || le.Error() != want {
		t.Errorf("got %d\n%s\nwant\n%s", le.Errors(), le.Error(), want)
	}
}
