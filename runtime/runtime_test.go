package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/internal/testenv"
	"github.com/openmercury/mercury/internal/wasmbuild"
	mruntime "github.com/openmercury/mercury/runtime"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newEngine(t testing.TB, opts mruntime.Options) *mruntime.Engine {
	t.Helper()
	if opts.CacheDir == "" {
		opts.CacheDir = wasmbuild.CacheDir(t)
	}
	e, err := mruntime.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

// hostileDir builds the hostile test driver and returns a directory with it.
func hostileDir(t testing.TB) string {
	t.Helper()
	abs, _ := filepath.Abs("testdata/drivers/hostile")
	return wasmbuild.Dir(t, wasmbuild.Build(t, abs, "hostile"))
}

// watModule assembles testdata/wat/NAME.wat into DIR/NAME.wasm.
func watModule(t *testing.T, dir, name string) string {
	t.Helper()
	testenv.RequireCommand(t, "wat2wasm")
	out := filepath.Join(dir, name+".wasm")
	if b, err := exec.Command("wat2wasm", filepath.Join("testdata", "wat", name+".wat"), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm %s: %v\n%s", name, err, b)
	}
	return out
}

// fakeDialer answers exec sessions: "echo X" prints X. block, when set,
// holds every Exec until it is closed.
type fakeDialer struct {
	mu     sync.Mutex
	opened int
	block  chan struct{}
}

func (f *fakeDialer) Open(ctx context.Context, kind int32) (hostfuncs.Session, error) {
	f.mu.Lock()
	f.opened++
	f.mu.Unlock()
	return &fakeSession{f: f}, nil
}

type fakeSession struct{ f *fakeDialer }

func (s *fakeSession) Exec(ctx context.Context, cmd string) ([]byte, int, error) {
	if s.f.block != nil {
		select {
		case <-s.f.block:
		case <-ctx.Done():
			return nil, -1, fault.Wrap(fault.Timeout, ctx.Err(), "exec %q", cmd)
		}
	}
	return []byte(strings.TrimPrefix(cmd, "echo ") + "\n"), 0, nil
}
func (s *fakeSession) Send(context.Context, []byte) error                        { return nil }
func (s *fakeSession) SendSecret(context.Context, string) error                  { return nil }
func (s *fakeSession) ReadUntil(context.Context, *regexp.Regexp) ([]byte, error) { return nil, nil }
func (s *fakeSession) Close() error                                              { return nil }
func (s *fakeSession) Discard()                                                  {}

func setPort(t testing.TB, port string) []byte {
	t.Helper()
	b, err := json.Marshal(abi.SetPortRequest{Port: port, Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: 100, Description: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func invoke(e *mruntime.Engine, d hostfuncs.Dialer, driver, port string, timeout time.Duration) (mruntime.Reply, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	in, _ := json.Marshal(abi.SetPortRequest{Port: port, Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: 100, Description: "hello"}})
	return e.Invoke(ctx, driver, hostfuncs.CallOptions{
		Device: "tor-1", Op: abi.OpSetPort, Input: in, Dialer: d,
		Settings: hostfuncs.MapSettings{"idle_vlan": "42"},
	})
}

func TestGoodOperation(t *testing.T) {
	e := newEngine(t, mruntime.Options{})
	if err := e.LoadDir(context.Background(), hostileDir(t)); err != nil {
		t.Fatal(err)
	}
	d, ok := e.Driver("hostile")
	if !ok {
		t.Fatal("hostile not loaded")
	}
	desc := d.Description()
	if desc.Name != "hostile" || !strings.Contains(strings.Join(desc.Operations, ","), abi.OpSetPort) {
		t.Fatalf("description = %+v", desc)
	}
	r, err := invoke(e, &fakeDialer{}, "hostile", "ok", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var res abi.Result
	if err := json.Unmarshal(r.Output, &res); err != nil {
		t.Fatal(err)
	}
	// The driver echoed the description through the fake session and read
	// the idle_vlan setting.
	if !res.Changed || strings.Join(res.Commands, "|") != "hello|42" {
		t.Fatalf("result = %+v", res)
	}
	if strings.Join(r.Commands, "|") != "echo hello" {
		t.Fatalf("commands recorded = %q", r.Commands)
	}
}

func TestHostileDriversAreContained(t *testing.T) {
	e := newEngine(t, mruntime.Options{MemoryLimitMiB: 48})
	if err := e.LoadDir(context.Background(), hostileDir(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		port     string
		timeout  time.Duration
		kind     fault.Kind
		trap     mruntime.TrapKind // "" when the SDK reported the failure itself
		contains string
	}{
		{"loop", 2 * time.Second, fault.Timeout, mruntime.TrapDeadline, "did not finish set_port before the operation's deadline"},
		{"guestsleep", 2 * time.Second, fault.Timeout, mruntime.TrapDeadline, "deadline"},
		// A host sleep that would outlast the deadline fails at once with
		// timeout; the guest passes the error on (were it cut short at the
		// deadline instead, the guest could be closed first: "any" trap).
		{"sleep", 2 * time.Second, fault.Timeout, "any", "deadline"},
		{"bomb", 60 * time.Second, fault.Driver, mruntime.TrapMemory, "exceeded its memory cap of 48 MiB"},
		{"panic", 10 * time.Second, fault.Driver, "", "driver panicked in set_port: deliberate panic in set_port"},
		{"goroutine-panic", 10 * time.Second, fault.Driver, mruntime.TrapPanic, "panicked in set_port: panic: deliberate panic in a goroutine"},
		{"deadlock", 10 * time.Second, fault.Driver, mruntime.TrapDeadlock, "deadlocked in set_port"},
		{"bigoutput", 10 * time.Second, fault.Driver, "", "set_port output exceeded the cap of 1048576 bytes"},
		{"othersession", 10 * time.Second, fault.Denied, "", `session to device "some-other-switch", but this operation names "tor-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.port, func(t *testing.T) {
			dialer := &fakeDialer{}
			start := time.Now()
			_, err := invoke(e, dialer, "hostile", tt.port, tt.timeout)
			if err == nil {
				t.Fatal("hostile behaviour succeeded")
			}
			if got := fault.KindOf(err); got != tt.kind {
				t.Errorf("kind = %v, want %v (%v)", got, tt.kind, err)
			}
			if !strings.Contains(err.Error(), tt.contains) || !strings.HasPrefix(err.Error(), "tor-1: ") {
				t.Errorf("error %q does not name the device and contain %q", err, tt.contains)
			}
			var trap *mruntime.Trap
			if tt.trap == "any" {
				// checked by kind and message only
			} else if errors.As(err, &trap) != (tt.trap != "") || (trap != nil && trap.Kind != tt.trap) {
				t.Errorf("trap = %v, want kind %q", trap, tt.trap)
			}
			if el := time.Since(start); el > tt.timeout+5*time.Second {
				t.Errorf("took %v, deadline was %v", el, tt.timeout)
			}
			if tt.port == "othersession" && dialer.opened != 0 {
				t.Errorf("the dialer was asked for a session %d times", dialer.opened)
			}
			// The same engine keeps serving.
			if _, err := invoke(e, &fakeDialer{}, "hostile", "ok", 10*time.Second); err != nil {
				t.Fatalf("engine stopped serving after %s: %v", tt.port, err)
			}
		})
	}
}

func TestMalformedModulesRefusedAtLoad(t *testing.T) {
	tests := []struct{ name, want string }{
		{"wrong_abi", "speaks driver ABI v2, this host speaks v1"},
		{"missing_export", "does not export mercury_invoke(i32, i32) -> (i32)"},
		{"unknown_import", `imports env.now from unknown module "env"`},
		{"bad_import_sig", "imports mercury.log with signature (i32) -> (i32), want (i32, i32, i32) -> (i32)"},
		{"bad_signature", "exports mercury_invoke(i32) -> (i32), want mercury_invoke(i32, i32) -> (i32)"},
		{"wasi_path", "imports wasi_snapshot_preview1.path_open: drivers get no files"},
		{"init_trap", "initialisation failed"},
		{"huge_memory", "needs more memory at start than the cap of 64 MiB"},
	}
	e := newEngine(t, mruntime.Options{PoolSize: -1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := watModule(t, t.TempDir(), tt.name)
			d, err := e.LoadFile(context.Background(), path)
			if err == nil {
				d.Close(context.Background())
				t.Fatal("malformed module was loaded")
			}
			if fault.KindOf(err) != fault.Driver || !strings.Contains(err.Error(), "driver "+tt.name+" refused") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant kind driver, naming %s, containing %q", err, tt.name, tt.want)
			}
		})
	}
}

func TestMisbehavingRepliesContained(t *testing.T) {
	tests := []struct{ name, want string }{
		{"malformed", "set_port returned malformed JSON"},
		{"bad_pointer", "broke the ABI in output_write"},
		{"bad_status", "returned unknown status 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			watModule(t, dir, tt.name)
			e := newEngine(t, mruntime.Options{})
			if err := e.LoadDir(context.Background(), dir); err != nil {
				t.Fatal(err)
			}
			for range 2 { // and again: the engine keeps serving
				_, err := invoke(e, nil, tt.name, "x", 5*time.Second)
				if fault.KindOf(err) != fault.Driver || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error = %v, want kind driver containing %q", err, tt.want)
				}
			}
		})
	}
}

func TestPinnedDrivers(t *testing.T) {
	dir := hostileDir(t)
	e := newEngine(t, mruntime.Options{Pins: map[string]string{"hostile": strings.Repeat("0", 64)}})
	err := e.LoadDir(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "is pinned to 0000") {
		t.Fatalf("pin mismatch not refused: %v", err)
	}
	if len(e.Drivers()) != 0 {
		t.Fatal("a refused load changed the driver set")
	}
	unpinned := newEngine(t, mruntime.Options{})
	d, err := unpinned.LoadFile(context.Background(), filepath.Join(dir, "hostile.wasm"))
	if err != nil {
		t.Fatalf("load without pins: %v", err)
	}
	sum := d.SHA256()
	d.Close(context.Background())
	e2 := newEngine(t, mruntime.Options{Pins: map[string]string{"hostile": strings.ToUpper(sum)}})
	if err := e2.LoadDir(context.Background(), dir); err != nil {
		t.Fatalf("matching pin refused: %v", err)
	}
}

func TestOnlyBoundDriversLoad(t *testing.T) {
	dir := hostileDir(t)
	e := newEngine(t, mruntime.Options{Only: []string{"hostile", "missing-one"}})
	err := e.LoadDir(context.Background(), dir)
	if fault.KindOf(err) != fault.NotFound || !strings.Contains(err.Error(), "missing-one") {
		t.Fatalf("error = %v", err)
	}
	e2 := newEngine(t, mruntime.Options{Only: []string{}})
	if err := e2.LoadDir(context.Background(), dir); err != nil || len(e2.Drivers()) != 0 {
		t.Fatalf("Only=[] loaded %v (%v)", e2.Drivers(), err)
	}
}

func TestReloadKeepsRunningOperations(t *testing.T) {
	dir := hostileDir(t)
	e := newEngine(t, mruntime.Options{})
	if err := e.LoadDir(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	old, _ := e.Driver("hostile")
	block := &fakeDialer{block: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := invoke(e, block, "hostile", "ok", 20*time.Second)
		done <- err
	}()
	for { // wait until the operation is inside the device call
		block.mu.Lock()
		n := block.opened
		block.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A reload that fails keeps the set; one that succeeds swaps it.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "hostile.wasm"), []byte("not wasm"), 0o644)
	if err := e.LoadDir(context.Background(), bad); err == nil {
		t.Fatal("bad reload accepted")
	}
	if cur, _ := e.Driver("hostile"); cur != old {
		t.Fatal("a failed reload replaced the driver")
	}
	if err := e.LoadDir(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	if cur, _ := e.Driver("hostile"); cur == old {
		t.Fatal("reload did not swap the driver")
	}
	// New operations run on the new driver while the old one is busy.
	if _, err := invoke(e, &fakeDialer{}, "hostile", "ok", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	close(block.block)
	if err := <-done; err != nil {
		t.Fatalf("operation running across the reload failed: %v", err)
	}
}

// TestLoadDirConcurrent loads several drivers at once: the good ones would
// load, but one bad file refuses the whole set, the error names each bad
// file in name order, and the engine keeps the set it had.
func TestLoadDirConcurrent(t *testing.T) {
	src := hostileDir(t)
	bin, err := os.ReadFile(filepath.Join(src, "hostile.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A driver's file name must equal the name it describes, so the copies
	// named zeta and alpha are refused while hostile loads.
	for _, n := range []string{"hostile", "zeta", "alpha"} {
		if err := os.WriteFile(filepath.Join(dir, n+".wasm"), bin, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newEngine(t, mruntime.Options{})
	if err := e.LoadDir(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	before, _ := e.Driver("hostile")
	err = e.LoadDir(context.Background(), dir)
	if err == nil {
		t.Fatal("a directory with misnamed drivers loaded")
	}
	msg := err.Error()
	a, z := strings.Index(msg, "driver alpha refused"), strings.Index(msg, "driver zeta refused")
	if a < 0 || z < 0 || a > z || strings.Contains(msg, "driver hostile refused") {
		t.Fatalf("error should name alpha then zeta, not hostile: %v", err)
	}
	if after, _ := e.Driver("hostile"); after != before || len(e.Drivers()) != 1 {
		t.Fatalf("a refused load changed the driver set: %v", e.Drivers())
	}
	os.Remove(filepath.Join(dir, "zeta.wasm"))
	os.Remove(filepath.Join(dir, "alpha.wasm"))
	if err := e.LoadDir(context.Background(), dir); err != nil {
		t.Fatalf("reload of the good driver: %v", err)
	}
	if after, _ := e.Driver("hostile"); after == before {
		t.Fatal("a successful load kept the old driver")
	}
}
