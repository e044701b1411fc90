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
	"strconv"
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
	dir     string // the configuration's directory, with the secret files
	drivers string // drivers_dir: a symlink to the arista-eos driver
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
	return startLab(t, simulator.Fleet("arista-eos", "eos", devices), nil)
}

// startLab serves the simulated devices specs; prepare, when not nil, runs
// after the configuration and its secret files are written and before
// `mercury serve` starts, and may change them (lb.devices is written again
// after it).
func startLab(t *testing.T, specs []simulator.DeviceSpec, prepare func(lb *lab)) *lab {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mercury")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mercury")
	build.Dir = wasmbuild.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build mercury: %v\n%s", err, out)
	}
	sim, err := simulator.Run(specs, nil)
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
	drivers := wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos"))
	lb := &lab{sim: sim, dir: dir, drivers: drivers, cfgPath: filepath.Join(dir, "mercury.yaml"), url: "http://" + addr + "/", logs: &syncBuffer{}, exited: make(chan error, 1),
		header: fmt.Sprintf("server:\n  listen: %q\n  drivers_dir: %q\n  lock_dir: %q\n  cache_dir: %q\n", addr,
			drivers, filepath.Join(dir, "locks"), wasmbuild.CacheDir(t)),
		devices: inv.String()}
	if prepare != nil {
		prepare(lb)
	}
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

// rotated is eos-3's password on the simulated switch in
// TestSIGHUPUnderLoad; its password file first holds the old one, "admin".
const rotated = "rotated-2026"

// TestSIGHUPUnderLoad: reloads while calls run, none of which may fail:
//   - a valid new configuration (a device added) is picked up;
//   - a device whose password was changed on the switch is refused with
//     the old password file and reached after the configuration names a
//     file with the new password and is reloaded;
//   - an invalid configuration, and then an invalid driver file in the
//     drivers directory, are refused: the old configuration and drivers keep
//     serving, and the log and the reload metrics say so;
//   - the repaired drivers directory is reloaded.
func TestSIGHUPUnderLoad(t *testing.T) {
	specs := simulator.Fleet("arista-eos", "eos", 3)
	specs[2].Users = []simulator.User{{Name: "admin", Password: rotated, Privileged: true}}
	lb := startLab(t, specs, func(lb *lab) {
		// The switch's password changed; the file still holds the old one.
		if err := os.WriteFile(filepath.Join(lb.dir, "eos-3.password"), []byte("admin\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
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
	callsNow := func() int { mu.Lock(); defer mu.Unlock(); return calls }
	// running waits until the load has made more calls, so that each
	// reload below happens while calls run.
	running := func() {
		t.Helper()
		n := callsNow()
		for deadline := time.Now().Add(30 * time.Second); callsNow() < n+2; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the calls stopped")
			}
		}
	}
	running()
	// A valid configuration with eos-3 back, while calls run. Its password
	// file is out of date: the switch refuses the login.
	lb.write(t, lb.header+lb.devices)
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"ok\"} 2")
	if _, err := lb.attach("eos-3", "Ethernet1", 100); err == nil || !strings.Contains(err.Error(), "eos-3") || !strings.Contains(err.Error(), "refused SSH login") {
		t.Fatalf("eos-3 with its old password: %v, want a refused login naming eos-3", err)
	}
	d3, _ := lb.sim.Device("eos-3")
	if got := d3.State().Running.Ports["Ethernet1"].AccessVLAN; got == 100 {
		t.Fatal("a call refused at login changed eos-3")
	}

	// The new password goes to a new file, which the configuration names.
	// Until the reload, the running configuration still reads the old file.
	newPW := filepath.Join(lb.dir, "eos-3.password.new")
	if err := os.WriteFile(newPW, []byte(rotated+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	oldPW := strconv.Quote(filepath.Join(lb.dir, "eos-3.password"))
	if !strings.Contains(lb.devices, oldPW) {
		t.Fatalf("the inventory does not name %s:\n%s", oldPW, lb.devices)
	}
	lb.devices = strings.Replace(lb.devices, oldPW, strconv.Quote(newPW), 1)
	lb.write(t, lb.header+lb.devices)
	if _, err := lb.attach("eos-3", "Ethernet1", 100); err == nil {
		t.Fatal("eos-3 was reached before the reload that names its new password file")
	}
	running()
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"ok\"} 3")
	if st, err := lb.attach("eos-3", "Ethernet1", 100); err != nil || st != "configured" {
		t.Fatalf("eos-3 after the reload with its new password file: %q %v", st, err)
	}
	if got := d3.State().Running.Ports["Ethernet1"].AccessVLAN; got != 100 {
		t.Fatalf("eos-3 Ethernet1 is on VLAN %d after the acknowledged call, want 100", got)
	}

	// An invalid configuration: the old set keeps serving.
	running()
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

	// A valid configuration, but the driver file is not a wasm module (a
	// copy cut short): the loaded driver keeps serving.
	lb.write(t, lb.header+lb.devices)
	wasm := filepath.Join(lb.drivers, "arista-eos.wasm")
	good, err := os.Readlink(wasm)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(write func(tmp string) error) {
		t.Helper()
		tmp := wasm + ".tmp"
		if err := write(tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, wasm); err != nil {
			t.Fatal(err)
		}
	}
	replace(func(tmp string) error { return os.WriteFile(tmp, []byte("\x00asm\x01\x00\x00\x00truncated"), 0o644) })
	running()
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"failed\"} 2")
	waitMetric(t, lb, "mercury_config_last_reload_successful 0")
	if line := logLine(lb, "reload failed; keeping the running configuration", "driver arista-eos refused", "is not a valid wasm module"); line == "" {
		t.Fatal("no log line says the reload failed on the driver file")
	}
	if st, err := lb.attach("eos-3", "Ethernet3", 101); err != nil || st != "configured" {
		t.Fatalf("after a reload refused for its driver file the old driver must serve: %q %v", st, err)
	}
	running()
	// The file repaired: the next reload succeeds.
	replace(func(tmp string) error { return os.Symlink(good, tmp) })
	lb.cmd.Process.Signal(syscall.SIGHUP)
	waitMetric(t, lb, "mercury_config_reloads_total{result=\"ok\"} 4")
	waitMetric(t, lb, "mercury_config_last_reload_successful 1")
	if st, err := lb.attach("eos-3", "Ethernet4", 101); err != nil || st != "configured" {
		t.Fatalf("after the repaired reload: %q %v", st, err)
	}
	running()
	close(stop)
	wg.Wait()
	if len(failures) > 0 || calls == 0 {
		t.Fatalf("%d of %d calls failed across the reloads: %v", len(failures), calls, failures)
	}
	t.Logf("%d calls ran across six reloads", calls)
}

// logLine returns the first line of the process's log that contains every
// one of parts, or "".
func logLine(lb *lab, parts ...string) string {
	for _, line := range strings.Split(lb.logs.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return line
		}
	}
	return ""
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

// TestDeferredSaveFlushedOnShutdown: a change on a save_config: deferred
// device answers saved: false and is not saved yet; SIGTERM, well before
// the save delay (service.DefaultSaveDelay, 5 s) is up, makes `mercury
// serve` save it once before it exits.
func TestDeferredSaveFlushedOnShutdown(t *testing.T) {
	lb := startLab(t, simulator.Fleet("arista-eos", "eos", 1), func(lb *lab) {
		lb.devices += "    save_config: deferred\n"
	})
	d, _ := lb.sim.Device("eos-1")
	before := d.State()
	body := `{"jsonrpc":"2.0","method":"attach_port","params":{"link":{"switch_id":"eos-1","port_id":"Ethernet5"},"network":{"type":"vlan","segmentation_id":120}},"id":1}`
	resp, err := http.Post(lb.url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var r struct {
		Result *struct {
			Changed bool  `json:"changed"`
			Saved   *bool `json:"saved"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Result == nil || !r.Result.Changed || r.Result.Saved == nil || *r.Result.Saved {
		t.Fatalf("attach_port on a deferred device replied %s, want changed true and saved false", b)
	}
	now := d.State()
	if now.Saves != before.Saves || now.Running.Ports["Ethernet5"].AccessVLAN != 120 || now.Startup.Ports["Ethernet5"].AccessVLAN == 120 {
		t.Fatalf("after the change: %d saves (was %d), running VLAN %d, startup VLAN %d; want the change running and not saved yet",
			now.Saves, before.Saves, now.Running.Ports["Ethernet5"].AccessVLAN, now.Startup.Ports["Ethernet5"].AccessVLAN)
	}
	if err := lb.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-lb.exited:
		if err != nil {
			t.Fatalf("mercury serve exited with %v", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("mercury serve did not exit after SIGTERM")
	}
	after := d.State()
	if after.Saves != before.Saves+1 {
		t.Fatalf("the switch recorded %d saves by the time mercury serve exited, want exactly 1", after.Saves-before.Saves)
	}
	if after.Startup.Ports["Ethernet5"].AccessVLAN != 120 {
		t.Fatalf("the saved configuration has Ethernet5 on VLAN %d, want 120", after.Startup.Ports["Ethernet5"].AccessVLAN)
	}
	// The save ran at shutdown: after the server stopped taking calls, as
	// its own operation (caller mercury).
	logs := lb.logs.String()
	stopped := strings.Index(logs, `"msg":"stopped"`)
	save := strings.Index(logs, `"request_id":"deferred-save"`)
	if stopped < 0 || save < stopped {
		t.Fatalf("want the deferred save's audit record after the stopped line (stopped at %d, save at %d)", stopped, save)
	}
}
