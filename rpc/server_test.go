package rpc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

func TestRoutes(t *testing.T) {
	ready := errors.New("inventory not loaded")
	var mu sync.Mutex
	readyErr := ready
	metricsHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "metrics here") })
	fb, base := newFake(t, Options{
		Auth:  NewBasicAuthMust(t),
		Ready: func() error { mu.Lock(); defer mu.Unlock(); return readyErr },
		Extra: map[string]http.Handler{"/metrics": metricsHandler},
	})
	tests := []struct {
		name   string
		x      exchange
		status int
		body   string // prefix
	}{
		{"healthz needs no auth", exchange{method: http.MethodGet, path: "/healthz"}, 200, "ok"},
		{"readyz not ready", exchange{method: http.MethodGet, path: "/readyz"}, 503, "not ready: inventory not loaded"},
		{"extra route, no auth", exchange{method: http.MethodGet, path: "/metrics"}, 200, "metrics here"},
		{"POST /healthz is JSON-RPC (auth first)", exchange{path: "/healthz", body: "{}"}, 401, `{"error":{"message":"Authorization required"`},
		{"GET elsewhere is JSON-RPC (auth first)", exchange{method: http.MethodGet, path: "/v1/nodes"}, 401, `{"error"`},
		{"GET / with auth is 405", exchange{method: http.MethodGet, header: basicHeader("ironic:pw")}, 405, replyNotPost},
		{"DELETE /healthz with auth is 405", exchange{method: http.MethodDelete, path: "/healthz", header: basicHeader("ironic:pw")}, 405, replyNotPost},
	}
	for _, tt := range tests {
		resp, body := tt.x.do(t, base)
		if resp.StatusCode != tt.status || !strings.HasPrefix(string(body), tt.body) {
			t.Errorf("%s: %d %q, want %d %q", tt.name, resp.StatusCode, body, tt.status, tt.body)
		}
	}
	mu.Lock()
	readyErr = nil
	mu.Unlock()
	if resp, body := (exchange{method: http.MethodHead, path: "/readyz"}).do(t, base); resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD /readyz when ready: %d %q", resp.StatusCode, body)
	}
	if len(fb.Calls()) != 0 {
		t.Error("the backend ran")
	}
}

// NewBasicAuthMust is a server authenticator for user ironic, password pw.
func NewBasicAuthMust(t *testing.T) Authenticator {
	a, _ := newBasic(t, "ironic", "pw")
	return a
}

func TestNewValidates(t *testing.T) {
	fb := &fakeBackend{}
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"no backend", Options{Auth: NewNoAuth()}},
		{"no auth", Options{Backend: fb}},
		{"negative deadline", Options{Backend: fb, Auth: NewNoAuth(), Deadline: -time.Second}},
		{"extra shadows healthz", Options{Backend: fb, Auth: NewNoAuth(), Extra: map[string]http.Handler{"/healthz": http.NotFoundHandler()}}},
		{"extra relative path", Options{Backend: fb, Auth: NewNoAuth(), Extra: map[string]http.Handler{"metrics": http.NotFoundHandler()}}},
	} {
		if _, err := New(tt.opts); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	s, err := New(Options{Backend: fb, Auth: NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	if s.maxBody != DefaultMaxBodyBytes || s.maxDepth != 25 || s.deadline != 60*time.Second {
		t.Errorf("defaults %d %d %s", s.maxBody, s.maxDepth, s.deadline)
	}
	if got := strings.Join(s.Methods(), ","); got != "add_network,attach_port,delete_lag,delete_network,detach_port,get_allowed_network_types,get_switches,is_link_valid,is_port_supported,list_devices,list_drivers,reset_port,update_lag,update_port,verify_port" {
		t.Errorf("methods %s", got)
	}
	if _, err := newServer(Options{Backend: fb, Auth: NewNoAuth()}, append(methods(), methods()[0])); err == nil {
		t.Error("a method twice in the table was accepted")
	}
}

// TestSignaturesParse checks every spec of the table and the parser's guards.
func TestSignaturesParse(t *testing.T) {
	_ = methods() // panics on a bad spec
	for _, bad := range []string{"context, a=None, b", "context, a=1", "context, context", "self, context", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("spec %q accepted", bad)
				}
			}()
			parsePySig("C.m", bad, false)
		}()
	}
}

func TestRequestIDs(t *testing.T) {
	fb, base := newFake(t, Options{})
	seen := map[string]bool{}
	for range 20 {
		resp, _ := exchange{body: rpcBody("get_switches", "same-id", "context", map[string]any{})}.do(t, base)
		id := resp.Header.Get("X-Request-Id")
		if len(id) != len("mer-")+36 || seen[id] {
			t.Fatalf("request id %q (repeated: %v)", id, seen[id])
		}
		seen[id] = true
	}
	// The same JSON-RPC id twenty times: every call ran (no dedup by id).
	if n := len(fb.Calls()); n != 20 {
		t.Errorf("%d backend calls for 20 requests sharing one id", n)
	}
	for _, c := range fb.Calls() {
		if !seen[c.caller.RequestID] {
			t.Errorf("caller request id %q was not sent back", c.caller.RequestID)
		}
	}
}

// TestDeadline: a backend that honours its context is stopped at the
// deadline, and the reply is a NetworkError.
func TestDeadline(t *testing.T) {
	fb := &fakeBackend{wait: func(ctx context.Context) { <-ctx.Done() }}
	s, err := New(Options{Backend: deadlineBackend{fb}, Auth: NewNoAuth(), Deadline: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	base := testServer(t, s)
	var body []byte
	within(t, 200*time.Millisecond+2*time.Second, func() {
		_, body = exchange{body: readRequest(t, "update_port")}.do(t, base)
	})
	want := `"error":{"code":500,"message":"Failed to configure network port: operation timed out: context deadline exceeded","data":{"class":"ironic.common.exception.NetworkError"}}`
	if !strings.Contains(string(body), want) {
		t.Errorf("reply %s", body)
	}
}

// deadlineBackend returns a Timeout fault once the wait ends.
type deadlineBackend struct{ *fakeBackend }

func (d deadlineBackend) UpdatePort(ctx context.Context, c service.Caller, r service.UpdatePortRequest) (service.UpdatePortResult, error) {
	res, err := d.fakeBackend.UpdatePort(ctx, c, r)
	if err == nil && ctx.Err() != nil {
		return res, fault.Wrap(fault.Timeout, ctx.Err(), "operation timed out")
	}
	return res, err
}

// TestClientGoneCallFinishes: a conductor that hangs up does not cancel a
// change in flight.
func TestClientGoneCallFinishes(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan error, 1)
	fb := &fakeBackend{wait: func(ctx context.Context) {
		<-release
		finished <- ctx.Err()
	}}
	_, base := newFake(t, Options{Backend: fb})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base, strings.NewReader(readRequest(t, "update_port")))
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for len(fb.Calls()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if err := <-finished; err != nil {
		t.Errorf("the call's context ended when the client left: %v", err)
	}
}

// TestPanicContained: a panicking backend gives a NetworkError naming the
// request id, and the server goes on serving.
func TestPanicContained(t *testing.T) {
	var logs logBuffer
	fb := &fakeBackend{panicMsg: "bug"}
	_, base := newFake(t, Options{Backend: fb, Logger: logs.logger()})
	resp, body := exchange{body: readRequest(t, "update_port")}.do(t, base)
	rid := resp.Header.Get("X-Request-Id")
	want := `"error":{"code":500,"message":"Failed to configure network port: internal error (request ` + rid + `); see the Mercury log"`
	if !strings.Contains(string(body), want) {
		t.Errorf("reply %s", body)
	}
	if !strings.Contains(logs.String(), `"panic":"bug"`) {
		t.Errorf("the panic is not logged:\n%s", logs.String())
	}
	fb.mu.Lock()
	fb.panicMsg = ""
	fb.mu.Unlock()
	if resp, body := (exchange{body: readRequest(t, "update_port")}).do(t, base); resp.StatusCode != 200 || !strings.Contains(string(body), `"result"`) {
		t.Errorf("after a panic: %d %s", resp.StatusCode, body)
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	fb, base := newFake(t, Options{Registerer: reg, Auth: NewBasicAuthMust(t)})
	good := basicHeader("ironic:pw")
	exchange{body: readRequest(t, "update_port"), header: good}.do(t, base)
	exchange{body: readRequest(t, "update_port"), header: good}.do(t, base)
	exchange{body: rpcBody("nope", 1), header: good}.do(t, base)
	exchange{body: rpcBody("nope2", 1), header: good}.do(t, base)
	exchange{body: readRequest(t, "update_port")}.do(t, base) // no auth
	exchange{method: http.MethodGet, header: good}.do(t, base)
	exchange{body: updatePortBody("native_vlan", `"1"`), header: good}.do(t, base)
	fb.err = fault.New(fault.NotFound, "no such switch")
	exchange{body: readRequest(t, "reset_port"), header: good}.do(t, base)

	want := `
# HELP mercury_rpc_requests_total JSON-RPC requests answered, by method and result code (ok, a JSON-RPC error code, or an HTTP status).
# TYPE mercury_rpc_requests_total counter
mercury_rpc_requests_total{code="-32601",method="unknown"} 2
mercury_rpc_requests_total{code="400",method="update_port"} 1
mercury_rpc_requests_total{code="401",method="unknown"} 1
mercury_rpc_requests_total{code="404",method="reset_port"} 1
mercury_rpc_requests_total{code="405",method="unknown"} 1
mercury_rpc_requests_total{code="ok",method="update_port"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "mercury_rpc_requests_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "mercury_rpc_request_duration_seconds"); n != 3 {
		t.Errorf("%d duration series, want 3 (update_port, reset_port, unknown)", n)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil || len(problems) != 0 {
		t.Errorf("metric lint: %v %+v", err, problems)
	}
	// A second server on the same registry is refused, not silently unmeasured.
	if _, err := New(Options{Backend: fb, Auth: NewNoAuth(), Registerer: reg}); err == nil {
		t.Error("metrics registered twice")
	}
}

// TestServeGraceful: cancelling Serve's context waits for the call in
// flight, which gets its reply.
func TestServeGraceful(t *testing.T) {
	release := make(chan struct{})
	fb := &fakeBackend{wait: func(context.Context) { <-release }}
	s, err := New(Options{Backend: fb, Auth: NewNoAuth(), Deadline: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, served := serveLoopback(t, s)

	replied := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://"+addr, "application/json", strings.NewReader(readRequest(t, "update_port")))
		if err != nil {
			replied <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		replied <- string(b)
	}()
	for len(fb.Calls()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a call in flight: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if got := <-replied; !strings.Contains(got, `"status":"configured"`) {
		t.Errorf("the call in flight got %s", got)
	}
	within(t, 5*time.Second, func() {
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// TestConcurrentCalls runs many calls at once (meant for -race).
func TestConcurrentCalls(t *testing.T) {
	a, _ := newBasic(t, "ironic", "pw")
	fb, base := newFake(t, Options{Auth: a})
	n := 64
	if testing.Short() {
		n = 16
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := exchange{body: readRequest(t, "update_port"), header: basicHeader("ironic:pw")}
			if i%4 == 0 {
				x.body = updatePortBody("native_vlan", `"x"`)
			}
			resp, body := x.do(t, base)
			if resp.StatusCode != 200 {
				t.Errorf("%d %s", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	if got := len(fb.Calls()); got != n-n/4 {
		t.Errorf("%d backend calls, want %d", got, n-n/4)
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 3, "abc"}, {"abcd", 3, "abc…"}, {"aé", 2, "a…"}, {"éé", 3, "é…"}} {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// serveLoopback serves s on a loopback port until cancel, and returns its
// address and the channel Serve's result arrives on.
func serveLoopback(t *testing.T, s *Server) (addr string, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, l) }()
	return l.Addr().String(), cancel, served
}
