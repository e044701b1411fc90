package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configDir writes a key, a known_hosts file and the named files into a
// fresh directory.
func configDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"tor.key":     "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
		"known_hosts": "192.0.2.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n",
	}
	for name, body := range files {
		base[name] = body
	}
	for name, body := range base {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodYAML = `
server:
  known_hosts: known_hosts
  drivers_dir: drivers
devices:
  - {name: tor-1, driver: cisco-nxos, address: 192.0.2.10, username: m, key_file: tor.key}
  - {name: tor-2, driver: cisco-nxos, address: 192.0.2.11, username: m, key_file: tor.key}
  - {name: ovs-1, driver: ovs, address: 192.0.2.12, username: m, key_file: tor.key}
`

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestConfigCheck(t *testing.T) {
	dir := configDir(t, map[string]string{
		"good.yaml": goodYAML,
		"bad.yaml": `
server: {known_hosts: known_hosts, deadline: 120s}
devices:
  - {name: tor-1, driver: cisco-nxos, address: 192.0.2.10, username: m, key_file: tor.key, idle_vlan: 5000}
`,
		"ngs.ini": `[genericswitch:tor-1]
device_type = netmiko_cisco_nxos
ip = 192.0.2.10
username = admin
password = hunter2
`,
	})
	if err := os.MkdirAll(filepath.Join(dir, "drivers"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "drivers", "ovs.wasm"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MERCURY_SERVER__DEADLINE", "") // not inherited from the caller
	os.Unsetenv("MERCURY_SERVER__DEADLINE")

	tests := []struct {
		name     string
		args     []string
		env      string
		code     int
		stdout   []string // substrings, in order
		stderr   []string
		noStdout []string
	}{
		{
			name: "good", args: []string{"config", "check", filepath.Join(dir, "good.yaml")}, code: 0,
			stdout: []string{
				"note: driver cisco-nxos: no module " + filepath.Join(dir, "drivers", "cisco-nxos.wasm"),
				": OK: 3 devices (cisco-nxos ×2, ovs ×1); listen 127.0.0.1:8089, plain HTTP, auth noauth, deadline 60s",
			},
			noStdout: []string{"driver ovs"},
		},
		{
			name: "override seen", args: []string{"config", "check", filepath.Join(dir, "good.yaml")},
			env: "MERCURY_SERVER__DEADLINE=30s", code: 0, stdout: []string{"deadline 30s"},
		},
		{
			name: "every problem", args: []string{"config", "check", filepath.Join(dir, "bad.yaml")}, code: 1,
			stdout: []string{"bad.yaml: 2 errors", `server.deadline = "120s": must be below 110s`, "devices.tor-1.idle_vlan = 5000: is out of range 1-4094"},
		},
		{
			name: "ini", args: []string{"config", "check", filepath.Join(dir, "ngs.ini")}, code: 1,
			stdout:   []string{"line 5: [genericswitch:tor-1] password: holds a password inline", "--print-yaml"},
			noStdout: []string{"hunter2"},
		},
		{
			name: "ini to yaml", args: []string{"config", "check", "--print-yaml", filepath.Join(dir, "ngs.ini")}, code: 1,
			stdout:   []string{"devices:", "- name: tor-1", "driver: cisco-nxos", "password_file: /etc/mercury/secrets/tor-1.password"},
			stderr:   []string{"holds a password inline"},
			noStdout: []string{"hunter2", "holds a password"},
		},
		{
			name: "yaml as loaded", args: []string{"config", "check", "--print-yaml", filepath.Join(dir, "good.yaml")}, code: 0,
			stdout: []string{"deadline: 60s", "key_file: " + filepath.Join(dir, "tor.key")},
			stderr: []string{": OK: 3 devices"},
		},
		{name: "missing file", args: []string{"config", "check", filepath.Join(dir, "none.yaml")}, code: 1, stderr: []string{"no such file"}},
		{name: "help", args: []string{"config", "--help"}, code: 0, stdout: []string{"Usage: mercury config check", "MERCURY_SERVER__LISTEN", "Exit status"}},
		{name: "check help", args: []string{"config", "check", "-h"}, code: 0, stdout: []string{"Usage: mercury config check"}},
		{name: "no args", args: []string{"config"}, code: 2, stderr: []string{"Usage: mercury config check"}},
		{name: "unknown subcommand", args: []string{"config", "lint"}, code: 2, stderr: []string{`unknown subcommand "lint"`}},
		{name: "two files", args: []string{"config", "check", "a", "b"}, code: 2, stderr: []string{"want one FILE, got 2"}},
		{name: "bad flag", args: []string{"config", "check", "--nope", "a"}, code: 2, stderr: []string{"flag provided but not defined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k, v, ok := strings.Cut(tt.env, "="); ok {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCmd(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for out, want := range map[*string][]string{&stdout: tt.stdout, &stderr: tt.stderr} {
				rest := *out
				for _, w := range want {
					i := strings.Index(rest, w)
					if i < 0 {
						t.Errorf("output lacks %q (in order)\n%s", w, *out)
						break
					}
					rest = rest[i+len(w):]
				}
			}
			for _, w := range tt.noStdout {
				if strings.Contains(stdout, w) {
					t.Errorf("stdout contains %q:\n%s", w, stdout)
				}
			}
		})
	}
}
