package reliability

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/rpc"
	"github.com/openmercury/mercury/simulator"
)

// TestDriverTrapUnderLoad: while clients load two healthy EOS switches,
// a third device runs the hostile test driver, whose calls panic, loop
// past the deadline, eat memory without bound or deadlock. Each such call
// fails with the right error kind, naming the device; the healthy devices
// serve every call; and the hostile driver answers its next call afresh
// (the instance that trapped is discarded, the service keeps serving).
func TestDriverTrapUnderLoad(t *testing.T) {
	sim, err := simulator.Run(simulator.Fleet("arista-eos", "eos", 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir := t.TempDir()
	var inv strings.Builder
	if err := sim.WriteInventory(&inv, dir); err != nil {
		t.Fatal(err)
	}
	// eos-3's entry names the hostile driver: a device whose driver
	// misbehaves (the simulator behind it is never reached).
	snippet := regexp.MustCompile(`(?s)(- name: "eos-3"\n.*?driver: )"arista-eos"`).ReplaceAllString(inv.String(), `${1}"hostile"`)
	if !strings.Contains(snippet, `driver: "hostile"`) {
		t.Fatalf("could not give eos-3 the hostile driver in:\n%s", inv.String())
	}
	hostile := wasmbuild.Build(t, filepath.Join(wasmbuild.Root(), "runtime", "testdata", "drivers", "hostile"), "hostile")
	drivers := wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos"), hostile)
	cfg := filepath.Join(dir, "mercury.yaml")
	yaml := fmt.Sprintf("server:\n  listen: \"127.0.0.1:8089\"\n  drivers_dir: %q\n  deadline: 5s\n%s", drivers, strings.ReplaceAll(snippet, "    driver: ", fmt.Sprintf("    idle_vlan: %d\n    driver: ", idleVLAN)))
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	lab := serveLab(t, sim, cfg, rpc.Options{Deadline: 5 * time.Second})
	healthy := []*simulator.Device{lab.device(t, "eos-1"), lab.device(t, "eos-2")}
	warmUp(t, lab, healthy)
	targets := targetsOf(healthy)

	w := watch(t, lab.ws)
	done := make(chan []call, 1)
	go func() { done <- drive(t, lab, 4, 50, targets, 7) }()
	client := &http.Client{Timeout: time.Minute}
	for i, tc := range []struct{ port, kind string }{
		{"panic", "driver"}, {"loop", "timeout"}, {"bomb", "driver"}, {"deadlock", "driver"}, {"panic", "driver"},
	} {
		id := fmt.Sprintf("trap-%d-%s", i, tc.port)
		body := rpcBody("attach_port", id, map[string]any{"link": map[string]any{"switch_id": "eos-3", "port_id": tc.port},
			"network": map[string]any{"type": "vlan", "segmentation_id": 100}, "context": map[string]any{"request_id": id}})
		r, err := post(client, lab.url, body)
		if err != nil {
			t.Fatalf("%s: %v", tc.port, err)
		}
		if r.Error == nil {
			t.Fatalf("%s: the call succeeded; the hostile driver was to fail it", tc.port)
		}
		if !strings.Contains(r.Error.Message, "eos-3") {
			t.Errorf("%s: error %q does not name the device eos-3", tc.port, r.Error.Message)
		}
		// The error kind is in the audit record (the reply carries
		// Ironic's error class).
		if err := settle(10*time.Second, func() error {
			rec := w.find(id)
			if rec == nil {
				return fmt.Errorf("no audit record of %s", id)
			}
			if rec.Result != tc.kind {
				return fmt.Errorf("%s: audit result %q (%s), want %q", tc.port, rec.Result, rec.Error, tc.kind)
			}
			return nil
		}); err != nil {
			t.Error(err)
		}
	}
	made := <-done
	for _, c := range made {
		if c.err != "" {
			t.Errorf("%s %s on %s %s: %s (only eos-3's driver misbehaves)", c.id, c.method, c.target.dev.Name(), c.target.port, c.err)
		}
	}
	t.Logf("%d calls on the healthy devices while eos-3's driver trapped:%s", len(made), mix(made))
}
