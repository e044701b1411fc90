package conformance

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator/platform"
)

// realPeers are drivers proven on real datapaths instead (test/e2e): they
// drive Linux tools, which need no simulator.
var realPeers = []string{"ovs", "dpu-ovs", "linux-bridge"}

// vendors are the in-tree vendor drivers: each must pass the kit.
var vendors = []string{"arista-eos", "cisco-ios", "cisco-nxos", "dell-os10", "juniper-junos", "cumulus-nvue", "sonic", "dell-os9"}

// TestKit runs the kit on every driver in drivers-wasm/ that has a
// simulator platform of the same name; a driver with neither a platform
// nor a real-peer test fails the test, so no driver goes untested, and
// each of the vendors must be among them.
func TestKit(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(wasmbuild.Root(), "drivers-wasm"))
	if err != nil {
		t.Fatal(err)
	}
	var tested []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || slices.Contains(realPeers, name) {
			continue
		}
		if !slices.Contains(platform.Names(), name) {
			t.Errorf("driver %s has no simulator platform of the same name and no real-peer test: add one", name)
			continue
		}
		tested = append(tested, name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			drivertest.Kit(t, drivertest.KitOptions{
				Driver: wasmbuild.Driver(t, name), Platform: name, CacheDir: wasmbuild.CacheDir(t),
			})
		})
	}
	for _, v := range vendors {
		if !slices.Contains(tested, v) {
			t.Errorf("vendor driver %s was not run through the kit (is drivers-wasm/%s missing?)", v, v)
		}
	}
}
