package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
	"github.com/openmercury/mercury/test/e2e/topo"
)

// device describes one inventory entry for a lab switch.
type device struct {
	name, mac, driver string
	sw                topo.SSHTarget
	extra             string // more YAML lines for the device, indented 4 spaces
}

// writeInventory writes a Mercury configuration for devs, with server
// (YAML lines under server:, indented 2 spaces) and drivers_dir set to a
// directory holding the drivers devs use; it returns both paths.
func writeInventory(t testing.TB, server string, devs ...device) (cfgPath, driversDir string) {
	t.Helper()
	dir := t.TempDir()
	var wasms []string
	seen := map[string]bool{}
	var b strings.Builder
	b.WriteString("devices:\n")
	for _, d := range devs {
		pw := filepath.Join(dir, d.name+".password")
		if err := os.WriteFile(pw, []byte(d.sw.Password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		host, port, _ := strings.Cut(d.sw.Addr, ":")
		fmt.Fprintf(&b, "  - name: %s\n    mac: %q\n    driver: %s\n    address: %s\n    port: %s\n    username: %s\n    password_file: %s\n    known_hosts: %s\n%s",
			d.name, d.mac, d.driver, host, port, d.sw.User, pw, d.sw.KnownHostsFile, d.extra)
		if !seen[d.driver] {
			seen[d.driver] = true
			wasms = append(wasms, wasmbuild.Driver(t, d.driver))
		}
	}
	driversDir = wasmbuild.Dir(t, wasms...)
	yaml := fmt.Sprintf("server:\n  drivers_dir: %s\n%s%s", driversDir, server, b.String())
	cfgPath = filepath.Join(dir, "mercury.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, driversDir
}

// newService starts Mercury's service on the configuration at cfgPath.
func newService(t *testing.T, cfgPath, driversDir string) *service.Service {
	t.Helper()
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: wasmbuild.CacheDir(t), Only: cfg.Drivers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(context.Background()) })
	if err := eng.LoadDir(ctx, driversDir); err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	s, err := service.New(service.Options{Config: cfg, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

var caller = service.Caller{Identity: "e2e", RequestID: "req-e2e"}
