package service_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/internal/simlab"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator"
)

// callers are the caller rules of simService's configuration.
const callers = `  auth:
    callers:
      - identity: noc
        operator: true
      - identity: tenant-a
        vlans: "100-199"
      - identity: ironic
        devices: [eos-2]
`

// simService returns a Service on one simulated EOS switch, eos-1, with
// the arista-eos driver and the given save_config and save delay.
func simService(t *testing.T, saveConfig string, delay time.Duration) (*service.Service, *simulator.Device) {
	t.Helper()
	svc, eos1, _ := simPair(t, saveConfig, delay)
	return svc, eos1
}

// simPair is simService with both of its switches, eos-1 and eos-2.
func simPair(t *testing.T, saveConfig string, delay time.Duration) (*service.Service, *simulator.Device, *simulator.Device) {
	t.Helper()
	sim, err := simulator.Run(simulator.Fleet("arista-eos", "eos", 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir := t.TempDir()
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, dir); err != nil {
		t.Fatal(err)
	}
	cfg := simlab.Config(t, inv.String(), callers, "    save_config: "+saveConfig+"\n", "arista-eos")
	svc := simlab.Service(t, cfg, delay)
	eos1, _ := sim.Device("eos-1")
	eos2, _ := sim.Device("eos-2")
	return svc, eos1, eos2
}

func attach(t *testing.T, svc *service.Service, port string, vlan int) service.UpdatePortResult {
	t.Helper()
	mode := "access"
	res, err := svc.UpdatePort(context.Background(), service.Caller{Identity: "test"}, service.UpdatePortRequest{
		SwitchID: "eos-1", PortName: port, Mode: &mode, NativeVLAN: &vlan,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// waitSaves waits (up to 10 s, a bound on a hung test, not a speed
// requirement) until the switch has been saved n times.
func waitSaves(t *testing.T, dev *simulator.Device, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); dev.State().Saves < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("saves %d, want %d", dev.State().Saves, n)
		}
	}
}

// TestSavedReported: a change's result and audit record say whether the
// change survives a reboot when the call returns: saved under always, not
// under deferred (the save comes later) or never.
func TestSavedReported(t *testing.T) {
	for _, tc := range []struct {
		saveConfig string
		saved      bool
	}{{"always", true}, {"deferred", false}, {"never", false}} {
		t.Run(tc.saveConfig, func(t *testing.T) {
			svc, _ := simService(t, tc.saveConfig, time.Hour)
			feed, stop := svc.Subscribe()
			defer stop()
			res, err := svc.AttachPort(context.Background(), service.Caller{Identity: "test"},
				service.AttachRequest{Link: service.Link{SwitchID: "eos-1", PortID: "Ethernet1"}, Network: service.Network{Type: "vlan", SegmentationID: 100}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Changed || res.Saved != tc.saved {
				t.Fatalf("result %+v, want changed and saved %v", res, tc.saved)
			}
			if r := <-feed; r.Method != "attach_port" || r.Saved != tc.saved {
				t.Fatalf("audit record %s saved %v, want attach_port saved %v", r.Method, r.Saved, tc.saved)
			}
		})
	}
}

// TestOperationMetric: the operation histogram names the device's driver.
func TestOperationMetric(t *testing.T) {
	sim, err := simulator.Run(simulator.Fleet("arista-eos", "eos", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	svc := simlab.Service(t, simlab.Config(t, inv.String(), "", "", "arista-eos"), 0,
		func(o *service.Options) { o.Registerer = reg })
	attach(t, svc, "Ethernet1", 100)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fams {
		if f.GetName() != "mercury_service_operation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			got = append(got, fmt.Sprintf("%s %s %s %d", l["method"], l["driver"], l["device"], m.GetHistogram().GetSampleCount()))
		}
	}
	if want := []string{"update_port arista-eos eos-1 1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("operation histogram series %q, want %q", got, want)
	}
}

func TestSaveConfig(t *testing.T) {
	t.Run("always", func(t *testing.T) {
		svc, dev := simService(t, "always", 0)
		attach(t, svc, "Ethernet1", 100)
		attach(t, svc, "Ethernet2", 100)
		if n := dev.State().Saves; n != 2 {
			t.Fatalf("saves %d after two changes, want 2 (one each, before the call returns)", n)
		}
	})
	t.Run("never", func(t *testing.T) {
		svc, dev := simService(t, "never", 0)
		attach(t, svc, "Ethernet1", 100)
		if err := svc.FlushSaves(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := dev.State().Saves; n != 0 {
			t.Fatalf("saves %d, want none", n)
		}
	})
	t.Run("deferred coalesces a burst into one save", func(t *testing.T) {
		svc, dev := simService(t, "deferred", 300*time.Millisecond)
		feed, stop := svc.Subscribe()
		defer stop()
		for i := 1; i <= 3; i++ {
			attach(t, svc, fmt.Sprintf("Ethernet%d", i), 100)
		}
		if n := dev.State().Saves; n > 1 {
			t.Fatalf("saves %d after a burst of three changes, want at most one", n)
		}
		waitSaves(t, dev, 1)
		// The save is audited as its own operation.
		for {
			r := <-feed
			if r.Method == "save" {
				if r.Caller != "mercury" || r.Device != "eos-1" || !r.Saved || r.Result != "ok" {
					t.Fatalf("save record %+v", r)
				}
				break
			}
		}
		if n := dev.State().Saves; n != 1 {
			t.Fatalf("saves %d, want exactly one for the burst", n)
		}
		if !reflect.DeepEqual(dev.State().Running.Ports["Ethernet3"], dev.State().Startup.Ports["Ethernet3"]) {
			t.Fatal("the startup configuration misses the last change of the burst")
		}
	})
	t.Run("deferred is bounded: a stream of changes does not postpone the save", func(t *testing.T) {
		svc, dev := simService(t, "deferred", 300*time.Millisecond)
		// Changes keep coming for well over the delay; the first save is
		// due 300 ms after the first change, whatever follows it.
		start := time.Now()
		for i := 0; time.Since(start) < 5*time.Second; i++ {
			attach(t, svc, "Ethernet1", 100+i%2)
			if dev.State().Saves > 0 {
				return
			}
		}
		t.Fatalf("no save in %v of back-to-back changes with a 300ms delay", time.Since(start).Round(time.Millisecond))
	})
	t.Run("deferred says saved false and flushes on shutdown", func(t *testing.T) {
		svc, dev := simService(t, "deferred", time.Hour)
		if res := attach(t, svc, "Ethernet1", 100); res.Status != "configured" {
			t.Fatalf("result %+v", res)
		}
		if p := svc.PendingSaves(); len(p) != 1 || p[0] != "eos-1" {
			t.Fatalf("pending saves %v, want [eos-1]", p)
		}
		if err := svc.FlushSaves(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := dev.State().Saves; n != 1 {
			t.Fatalf("saves %d after FlushSaves, want 1", n)
		}
		if p := svc.PendingSaves(); len(p) != 0 {
			t.Fatalf("pending saves %v after FlushSaves", p)
		}
	})
	t.Run("a failed deferred save is reported", func(t *testing.T) {
		svc, dev := simService(t, "deferred", time.Hour)
		attach(t, svc, "Ethernet1", 100)
		dev.SetFault(simulator.Fault{SaveError: true})
		if err := svc.FlushSaves(context.Background()); err == nil {
			t.Fatal("FlushSaves hid a failed save")
		}
	})
}
