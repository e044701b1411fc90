package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixtures builds the files the testdata configurations point at, with the
// modes git cannot keep, in a fresh directory.
func fixtures(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		name, body string
		mode       os.FileMode
	}{
		{"secrets/tor.password", "hunter2\n", 0o600},
		{"secrets/tor.enable", "enable-me\r\n", 0o600},
		{"secrets/tor.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n", 0o400},
		{"secrets/open.password", "hunter2\n", 0o644},
		{"secrets/empty.password", "\n", 0o600},
		{"known_hosts", "192.0.2.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n", 0o644},
		{"lab_known_hosts", "bf3-host7.mgmt.example.net ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n", 0o644},
		{"tls/server.crt", "-----BEGIN CERTIFICATE-----\n", 0o644},
		{"tls/server.key", "-----BEGIN PRIVATE KEY-----\n", 0o600},
		{"tls/world.key", "-----BEGIN PRIVATE KEY-----\n", 0o644},
		{"tls/ca.crt", "-----BEGIN CERTIFICATE-----\n", 0o644},
		{"htpasswd", "ironic:$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n", 0o600},
	} {
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.body), f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, f.mode); err != nil { // umask may have narrowed it
			t.Fatal(err)
		}
	}
	return dir
}

// envOf collects the "# env: NAME=VALUE" lines a test case declares.
func envOf(data []byte) []string {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		for _, p := range []string{"# env: ", "; env: "} {
			if v, ok := strings.CutPrefix(line, p); ok {
				env = append(env, v)
			}
		}
	}
	return env
}

// stage copies testdata/name into a fresh fixtures directory and returns
// its path there, the directory and the case's environment.
func stage(t *testing.T, name string) (path, dir string, env []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir = fixtures(t)
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, dir, envOf(data)
}

// render is what a golden file holds for a load: the error text, or the
// warnings followed by the canonical YAML. The fixtures directory reads as
// $DIR.
func render(cfg *Config, err error, dir string) string {
	var b strings.Builder
	if err != nil {
		b.WriteString(err.Error())
		b.WriteString("\n")
	} else {
		b.WriteString("# warnings\n")
		for _, w := range cfg.Warnings() {
			b.WriteString(w.String())
			b.WriteString("\n")
		}
		b.WriteString("# config\n")
		b.Write(cfg.YAML())
	}
	return strings.ReplaceAll(b.String(), dir, "$DIR")
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", p, got, want)
	}
}

func cases(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(m) == 0 {
		t.Fatalf("no test cases match %s", pattern)
	}
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	return m
}

func TestValidConfigs(t *testing.T) {
	for _, name := range cases(t, "valid-*.yaml") {
		t.Run(name, func(t *testing.T) {
			path, dir, env := stage(t, name)
			cfg, err := Load(path, env)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			golden(t, strings.TrimSuffix(name, ".yaml")+".golden", render(cfg, nil, dir))

			// The canonical YAML loads back to the same configuration.
			again := filepath.Join(dir, "again.yaml")
			if err := os.WriteFile(again, cfg.YAML(), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg2, err := Load(again, nil)
			if err != nil {
				t.Fatalf("reloading the canonical YAML: %v", err)
			}
			if !bytes.Equal(cfg.YAML(), cfg2.YAML()) {
				t.Errorf("round trip changed the configuration:\n%s\n---\n%s", cfg.YAML(), cfg2.YAML())
			}
		})
	}
}

func TestInvalidConfigs(t *testing.T) {
	for _, name := range cases(t, "invalid-*.yaml") {
		t.Run(name, func(t *testing.T) {
			path, dir, env := stage(t, name)
			cfg, err := Load(path, env)
			if err == nil {
				t.Fatalf("Load accepted it:\n%s", cfg.YAML())
			}
			if cfg != nil {
				t.Error("Load returned a Config with an error")
			}
			if fault.KindOf(err) != fault.Invalid {
				t.Errorf("kind %v, want invalid", fault.KindOf(err))
			}
			var le *LoadError
			if !errors.As(err, &le) || le.Errors() == 0 {
				t.Fatalf("error is not a *LoadError with errors: %v", err)
			}
			golden(t, strings.TrimSuffix(name, ".yaml")+".golden", render(nil, err, dir))
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "s3cret") {
				t.Error("a secret value appears in the error text")
			}
		})
	}
}

func TestINIConfigs(t *testing.T) {
	for _, name := range cases(t, "ngs-*.ini") {
		t.Run(name, func(t *testing.T) {
			path, dir, env := stage(t, name)
			base := strings.TrimSuffix(name, ".ini")

			yml, problems, err := TranslateINI(path)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.Write(yml)
			b.WriteString("# problems\n")
			for _, p := range problems {
				b.WriteString("# " + p.String() + "\n")
			}
			golden(t, base+".yaml", strings.ReplaceAll(b.String(), dir, "$DIR"))

			cfg, err := Load(path, env)
			golden(t, base+".golden", render(cfg, err, dir))
			for _, text := range []string{b.String(), render(cfg, err, dir)} {
				if strings.Contains(text, "hunter2") || strings.Contains(text, "enable-me") {
					t.Error("an inline secret from the ini file was echoed")
				}
			}
		})
	}
}

// The clean NGS file must load; the others must not. This keeps -update
// from silently turning a failing case into a passing one.
func TestINIOutcomes(t *testing.T) {
	want := map[string]bool{"ngs-clean.ini": true, "ngs-ironic.ini": true, "ngs-migrate.ini": false, "ngs-syntax.ini": false}
	for _, name := range cases(t, "ngs-*.ini") {
		ok, listed := want[name]
		if !listed {
			t.Errorf("%s: add it to this table", name)
			continue
		}
		path, _, env := stage(t, name)
		_, err := Load(path, env)
		if (err == nil) != ok {
			t.Errorf("%s: Load error = %v, want success %v", name, err, ok)
		}
	}
}
