// Package simlab builds Mercury's service in front of simulated switches,
// for tests and benchmarks: the real inventory loader, runtime, compiled
// drivers, SSH pool and service, with the simulator in the place of the
// hardware.
package simlab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
)

// Config writes a configuration for the devices of an inventory snippet
// (simulator.Server.WriteInventory's output): a server section with
// serverYAML (lines indented two spaces) and drivers_dir holding the given
// drivers, built from drivers-wasm/, and deviceYAML (lines indented four
// spaces) added to the first device. It returns the file's path.
func Config(tb testing.TB, snippet, serverYAML, deviceYAML string, drivers ...string) string {
	tb.Helper()
	var wasms []string
	for _, d := range drivers {
		wasms = append(wasms, wasmbuild.Driver(tb, d))
	}
	cfg := fmt.Sprintf("server:\n  listen: \"127.0.0.1:8089\"\n  drivers_dir: %q\n%s", wasmbuild.Dir(tb, wasms...), serverYAML)
	if deviceYAML != "" {
		snippet = strings.Replace(snippet, "    driver: ", deviceYAML+"    driver: ", 1)
	}
	path := filepath.Join(tb.TempDir(), "mercury.yaml")
	if err := os.WriteFile(path, []byte(cfg+snippet), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Service loads the configuration at cfgPath and returns a Service on it,
// with every driver of its drivers_dir loaded; everything closes when the
// test ends. saveDelay is the deferred-save delay (0: the default); with
// adjusts the options (a metrics registry, say).
func Service(tb testing.TB, cfgPath string, saveDelay time.Duration, with ...func(*service.Options)) *service.Service {
	tb.Helper()
	c, err := inventory.Load(cfgPath, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: wasmbuild.CacheDir(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close(ctx) })
	if err := eng.LoadDir(ctx, c.Server().DriversDir); err != nil {
		tb.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	tb.Cleanup(func() { pool.Close() })
	opts := service.Options{Config: c, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{}), SaveDelay: saveDelay}
	for _, f := range with {
		f(&opts)
	}
	svc, err := service.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}
