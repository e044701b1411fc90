package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/simulator"
)

// lab is a `mercury serve` process in front of simulated switches.
type lab struct {
	sim     *simulator.Server
	cfgPath string
	url     string
	cmd     *exec.Cmd
	logs    *syncBuffer
	exited  chan error
	header  string // the configuration's server section
	devices string // its devices section
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func start(t *testing.T, devices int) *lab {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mercury")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mercury")
	build.Dir = wasmbuild.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build mercury: %v\n%s", err, out)
	}
	sim, err := simulator.Run(simulator.Fleet("arista-eos", "eos", devices), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir := t.TempDir()
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, dir); err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	lb := &lab{sim: sim, cfgPath: filepath.Join(dir, "mercury.yaml"), url: "http://" + addr + "/", logs: &syncBuffer{}, exited: make(chan error, 1),
		header: fmt.Sprintf("server:\n  listen: %q\n  drivers_dir: %q\n  lock_dir: %q\n  cache_dir: %q\n", addr,
			wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos")), filepath.Join(dir, "locks"), wasmbuild.CacheDir(t)),
		devices: inv.String()}
	lb.write(t, lb.header+lb.devices)
	lb.cmd = exec.Command(bin, "serve", "--config", lb.cfgPath)
	lb.cmd.Stdout, lb.cmd.Stderr = lb.logs, lb.logs
	if err := lb.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { lb.exited <- lb.cmd.Wait() }()
	t.Cleanup(func() {
		lb.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("mercury serve log:\n%s", lb.logs.String())
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if r, err := http.Get(lb.url + "healthz"); err == nil {
			r.Body.Close()
			return lb
		}
		if time.Now().After(deadline) {
			t.Fatalf("mercury serve did not come up:\n%s", lb.logs.String())
		}
	}
}

func (lb *lab) write(t *testing.T, cfg string) {
	t.Helper()
	if err := os.WriteFile(lb.cfgPath+".tmp", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(lb.cfgPath+".tmp", lb.cfgPath); err != nil {
		t.Fatal(err)
	}
}

// attach calls update_port; it returns the reply's result status, or an
// error for a refused or failed call.
func (lb *lab) attach(dev, port string, vlan int) (string, error) {
	body := fmt.Sprintf(`{"jsonrpc":"2.0","method":"update_port","params":{"context":{},"switch_id":%q,"port_name":%q,"description":null,"mode":"access","native_vlan":%d},"id":1}`, dev, port, vlan)
	resp, err := http.Post(lb.url, "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Result *struct {
			Status string `json:"status"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return "", fmt.Errorf("reply %q: %v", b, err)
	}
	if r.Error != nil {
		return "", fmt.Errorf("%s", r.Error.Message)
	}
	return r.Result.Status, nil
}

// slow makes every simulated switch print each output line after delay.
func (lb *lab) slow(delay time.Duration) {
	for _, d := range lb.sim.Devices() {
		d.SetFault(simulator.Fault{LineDelay: delay})
	}
}

// TestSIGTERMUnderLoad: calls in flight when SIGTERM arrives finish and
// are answered, every acknowledged change is on its switch, a call after
// the signal is refused, and the process exits 0.
func TestSIGTERMUnderLoad(t *testing.T) {
	lb := start(t, 4)
	lb.slow(30 * time.Millisecond) // each attach now takes a few hundred ms
	type outcome struct {
		dev, port string
		vlan      int
		status    string
		err       error
	}
	results := make(chan outcome, 16)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := outcome{dev: fmt.Sprintf("eos-%d", i%4+1), port: fmt.Sprintf("Ethernet%d", i/4+1), vlan: 100 + i}
			o.status, o.err = lb.attach(o.dev, o.port, o.vlan)
			results <- o
		}()
	}
	time.Sleep(300 * time.Millisecond) // calls are in flight
	if err := lb.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(results)
	acked := 0
	for o := range results {
		if o.err != nil {
			// A call that had not reached the server when it stopped
			// accepting may be refused; it must not be half-done.
			if !strings.Contains(o.err.Error(), "connection refused") {
				t.Errorf("%s %s: %v", o.dev, o.port, o.err)
			}
			continue
		}
		acked++
		d, _ := lb.sim.Device(o.dev)
		if got := d.State().Running.Ports[o.port].AccessVLAN; o.status != "configured" || got != o.vlan {
			t.Errorf("%s %s acknowledged (%s) but the switch has VLAN %d, want %d", o.dev, o.port, o.status, got, o.vlan)
		}
	}
	if acked == 0 {
		t.Fatal("no call was acknowledged: the signal came before any reached the server; the test proves nothing")
	}
	select {
	case err := <-lb.exited:
		if err != nil {
			t.Fatalf("mercury serve exited with %v", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("mercury serve did not exit after SIGTERM")
	}
	if _, err := lb.attach("eos-1", "Ethernet9", 300); err == nil {
		t.Fatal("a call after shutdown was answered")
	}
	if !strings.Contains(lb.logs.String(), `"msg":"stopped"`) {
		t.Fatalf("no stopped line in the log")
	}
	t.Logf("%d of 16 calls acknowledged before the shutdown completed", acked)
}

// TestSIGHUPUnderLoad: a reload while calls run picks up a valid new
// configuration (a device added) without failing the calls; an invalid
// one is refused, the old configuration keeps serving, and the log and
// mercury_config_last_reload_successful say so.
func TestSIGHUPUnderLoad(t *testing.T) {
	lb := start(t, 3)
	// Serve only eos-1 and eos-2 at first.
	devs := strings.SplitAfter(lb.devices, "\n  - name: ")
	two := strings.Join(devs[:3], "")
	two = strings.TrimSuffix(two, "\n  - name: ") + "\n"
	lb.write(t, lb.header+two)
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"ok\"} 1")
	if _, err := lb.attach("eos-3", "Ethernet1", 100); err == nil || !strings.Contains(err.Error(), "could not be found") {
		t.Fatalf("eos-3 after it left the configuration: %v", err)
	}
	lb.slow(20 * time.Millisecond)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	calls := 0
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := lb.attach(fmt.Sprintf("eos-%d", w%2+1), fmt.Sprintf("Ethernet%d", w+1), 100+i%2)
				mu.Lock()
				calls++
				if err != nil {
					failures = append(failures, err)
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	// A valid configuration with eos-3 back, while calls run.
	lb.write(t, lb.header+lb.devices)
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"ok\"} 2")
	if st, err := lb.attach("eos-3", "Ethernet1", 100); err != nil || st != "configured" {
		t.Fatalf("eos-3 after the reload: %q %v", st, err)
	}
	// An invalid one: the old set keeps serving.
	lb.write(t, lb.header+lb.devices+"  - name: broken\n")
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"failed\"} 1")
	waitMetric(t, lb, "mercury_config_last_reload_successful 0")
	if !strings.Contains(lb.logs.String(), "reload failed; keeping the running configuration") {
		t.Fatal("the log does not say the reload failed")
	}
	if st, err := lb.attach("eos-3", "Ethernet2", 101); err != nil || st != "configured" {
		t.Fatalf("after a failed reload the old configuration must serve: %q %v", st, err)
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(failures) > 0 || calls == 0 {
		t.Fatalf("%d of %d calls failed across the reloads: %v", len(failures), calls, failures)
	}
	t.Logf("%d calls ran across three reloads", calls)
}

// waitMetric waits until /metrics shows line; the bound only stops a hung test.
func waitMetric(t *testing.T, lb *lab, line string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r, err := http.Get(lb.url + "metrics")
		if err == nil {
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if strings.Contains(string(b), line) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %s", line)
		}
	}
}
