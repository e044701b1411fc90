package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/service"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeBackend records every call and answers like Ironic's manager would
// (results echo the request), or with err.
type fakeBackend struct {
	mu       sync.Mutex
	calls    []fakeCall
	err      error
	panicMsg string
	wait     func(ctx context.Context) // runs inside each call when set
	switches map[string]service.SwitchInfo
}

type fakeCall struct {
	method string
	caller service.Caller
	req    any
	ctx    context.Context
}

func (f *fakeBackend) record(ctx context.Context, m string, c service.Caller, req any) error {
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{method: m, caller: c, req: req, ctx: ctx})
	err, p, wait := f.err, f.panicMsg, f.wait
	f.mu.Unlock()
	if p != "" {
		panic(p)
	}
	if wait != nil {
		wait(ctx)
	}
	return err
}

func (f *fakeBackend) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

func (f *fakeBackend) Calls() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

func (f *fakeBackend) UpdatePort(ctx context.Context, c service.Caller, r service.UpdatePortRequest) (service.UpdatePortResult, error) {
	if err := f.record(ctx, "update_port", c, r); err != nil {
		return service.UpdatePortResult{}, err
	}
	mode := ""
	if r.Mode != nil {
		mode = *r.Mode
	}
	return service.UpdatePortResult{SwitchID: r.SwitchID, PortName: r.PortName, Description: r.Description, Mode: mode,
		NativeVLAN: r.NativeVLAN, AllowedVLANs: r.AllowedVLANs, DefaultVLAN: r.DefaultVLAN, LAGName: r.LAGName, Status: "configured"}, nil
}

func (f *fakeBackend) ResetPort(ctx context.Context, c service.Caller, r service.ResetPortRequest) (service.ResetPortResult, error) {
	if err := f.record(ctx, "reset_port", c, r); err != nil {
		return service.ResetPortResult{}, err
	}
	return service.ResetPortResult{SwitchID: r.SwitchID, PortName: r.PortName, Description: "Default port configuration", Mode: "access",
		NativeVLAN: r.NativeVLAN, DefaultVLAN: r.DefaultVLAN, Status: "reset"}, nil
}

func (f *fakeBackend) UpdateLAG(ctx context.Context, c service.Caller, r service.UpdateLAGRequest) (service.UpdateLAGResult, error) {
	if err := f.record(ctx, "update_lag", c, r); err != nil {
		return service.UpdateLAGResult{}, err
	}
	mode := ""
	if r.Mode != nil {
		mode = *r.Mode
	}
	return service.UpdateLAGResult{SwitchIDs: r.SwitchIDs, LAGName: r.LAGName, Description: r.Description, Mode: mode,
		NativeVLAN: r.NativeVLAN, AllowedVLANs: r.AllowedVLANs, AggregationMode: r.AggregationMode, DefaultVLAN: r.DefaultVLAN, Status: "configured"}, nil
}

func (f *fakeBackend) DeleteLAG(ctx context.Context, c service.Caller, r service.DeleteLAGRequest) (service.DeleteLAGResult, error) {
	if err := f.record(ctx, "delete_lag", c, r); err != nil {
		return service.DeleteLAGResult{}, err
	}
	return service.DeleteLAGResult{SwitchIDs: r.SwitchIDs, LAGName: r.LAGName, Status: "deleted"}, nil
}

func (f *fakeBackend) GetSwitches(ctx context.Context, c service.Caller) (map[string]service.SwitchInfo, error) {
	if err := f.record(ctx, "get_switches", c, nil); err != nil {
		return nil, err
	}
	return f.switches, nil
}

func (f *fakeBackend) GetAllowedNetworkTypes(ctx context.Context, c service.Caller, r service.NetworkTypesRequest) ([]string, error) {
	if err := f.record(ctx, "get_allowed_network_types", c, r); err != nil {
		return nil, err
	}
	return []string{"vlan"}, nil
}

func (f *fakeBackend) IsLinkValid(ctx context.Context, c service.Caller, r service.LinkRequest) (service.Verdict, error) {
	if err := f.record(ctx, "is_link_valid", c, r); err != nil {
		return service.Verdict{}, err
	}
	no := false
	return service.Verdict{Valid: &no, Reason: "port swp99 is protected (devices.tor1.protected_ports): Mercury will not change it"}, nil
}

func (f *fakeBackend) ListDrivers(ctx context.Context, c service.Caller, r service.ListDriversRequest) ([]service.DriverInfo, error) {
	if err := f.record(ctx, "list_drivers", c, r); err != nil {
		return nil, err
	}
	return []service.DriverInfo{{
		Description: abi.Description{Name: "ovs", Version: "1.0.0", Operations: []string{"describe", "set_port"},
			NetworkTypes: []string{"vlan"}, VNICTypes: []string{"baremetal"}, Session: "exec", PortPattern: "[a-z0-9]+"},
		SHA256: "0123abcd", Devices: []string{"tor1"},
	}}, nil
}

// The Mercury methods that reach devices are tested against a real
// service (test/apidoc); here they only record their call.

func (f *fakeBackend) AttachPort(ctx context.Context, c service.Caller, r service.AttachRequest) (service.PortChange, error) {
	return service.PortChange{Device: "tor1", Port: r.Link.PortID, Changed: true}, f.record(ctx, "attach_port", c, r)
}

func (f *fakeBackend) DetachPort(ctx context.Context, c service.Caller, r service.DetachRequest) (service.PortChange, error) {
	return service.PortChange{Device: "tor1", Port: r.Link.PortID, Changed: true}, f.record(ctx, "detach_port", c, r)
}

func (f *fakeBackend) IsPortSupported(ctx context.Context, c service.Caller, r service.PortSupportedRequest) (service.Verdict, error) {
	yes := true
	return service.Verdict{Supported: &yes}, f.record(ctx, "is_port_supported", c, r)
}

func (f *fakeBackend) AddNetwork(ctx context.Context, c service.Caller, r service.NetworkRequest) (service.PortChange, error) {
	return service.PortChange{Device: "tor1", Changed: true}, f.record(ctx, "add_network", c, r)
}

func (f *fakeBackend) DeleteNetwork(ctx context.Context, c service.Caller, r service.NetworkRequest) (service.PortChange, error) {
	return service.PortChange{Device: "tor1", Changed: true}, f.record(ctx, "delete_network", c, r)
}

func (f *fakeBackend) VerifyPort(ctx context.Context, c service.Caller, r service.VerifyRequest) (service.PortDrift, error) {
	return service.PortDrift{InSync: true, Drift: []string{}}, f.record(ctx, "verify_port", c, r)
}

func (f *fakeBackend) ListDevices(ctx context.Context, c service.Caller, r service.ListDevicesRequest) ([]service.DeviceInfo, error) {
	return []service.DeviceInfo{{Name: "tor1", Driver: "ovs"}}, f.record(ctx, "list_devices", c, r)
}

// logBuffer collects JSON log records for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testServer runs s behind a real HTTP listener on loopback.
func testServer(t *testing.T, s *Server) string {
	t.Helper()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}

// newFake builds a Server over a fresh fake backend with opts (Backend and
// Auth filled in when unset) and serves it.
func newFake(t *testing.T, opts Options) (*fakeBackend, string) {
	t.Helper()
	fb := &fakeBackend{}
	if opts.Backend == nil {
		opts.Backend = fb
	} else {
		fb = opts.Backend.(*fakeBackend)
	}
	if opts.Auth == nil {
		opts.Auth = NewNoAuth()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return fb, testServer(t, s)
}

// exchange is one HTTP request of a test table.
type exchange struct {
	method string // default POST
	path   string // default /
	body   string
	header map[string]string
}

// do sends x to base and returns the response and its body.
func (x exchange) do(t *testing.T, base string) (*http.Response, []byte) {
	t.Helper()
	method, path := x.method, x.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequest(method, base+path, strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range x.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// transcript renders a response like ref-server-wire.txt: the status line,
// the headers that matter (no Date, no X-Request-Id), a blank line, the
// body.
func transcript(resp *http.Response, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, resp.Status)
	for _, h := range []string{"Www-Authenticate", "Content-Type", "Content-Length", "Connection"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	b.WriteString("\n")
	return b.String()
}

// golden compares got with testdata/<name>, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// writeHtpasswd writes user:bcrypt(password) lines (cost 4) to a new file.
func writeHtpasswd(t *testing.T, path string, pairs ...string) {
	t.Helper()
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		h, err := bcrypt.GenerateFromPassword([]byte(pairs[i+1]), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%s\n", pairs[i], h)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rpcBody builds a request body with params in the given order.
func rpcBody(method string, id any, kv ...any) string {
	var b strings.Builder
	b.WriteString(`{"jsonrpc":"2.0","method":`)
	m, _ := json.Marshal(method)
	b.Write(m)
	b.WriteString(`,"params":{`)
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(kv[i])
		b.Write(k)
		b.WriteString(":")
		if raw, ok := kv[i+1].(json.RawMessage); ok {
			b.Write(raw)
		} else {
			v, _ := json.Marshal(kv[i+1])
			b.Write(v)
		}
	}
	b.WriteString("}")
	if id != nil {
		v, _ := json.Marshal(id)
		b.WriteString(`,"id":`)
		b.Write(v)
	}
	b.WriteString("}")
	return b.String()
}

// within fails if fn does not return within d.
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { fn(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not return within %s", d)
	}
}
