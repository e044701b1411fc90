package rpc

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/openmercury/mercury/service"
)

// watchingBackend is a fakeBackend with a watch feed the test writes to.
type watchingBackend struct {
	*fakeBackend
	feed chan service.Record
}

func (w *watchingBackend) Subscribe() (<-chan service.Record, func()) {
	return w.feed, func() {}
}

func wsURL(hs *httptest.Server) string { return "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws" }

func dialWS(t *testing.T, hs *httptest.Server, h http.Header) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(wsURL(hs), h)
	if err != nil {
		t.Fatalf("dial /ws: %v (%v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readJSON(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m map[string]any
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

func TestWebSocketCalls(t *testing.T) {
	fb := &fakeBackend{}
	hs := wsServer(t, Options{Backend: fb, Auth: NewNoAuth()})
	c := dialWS(t, hs, nil)

	// The same method table and replies as POST.
	req := `{"jsonrpc": "2.0", "method": "get_allowed_network_types", "params": {"switch_id": "tor1"}, "id": 7}`
	resp, err := http.Post(hs.URL, "application/json", strings.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	var post map[string]any
	json.NewDecoder(resp.Body).Decode(&post)
	resp.Body.Close()
	c.WriteMessage(websocket.TextMessage, []byte(req))
	if got := readJSON(t, c); !equalJSON(got, post) {
		t.Fatalf("ws reply %v, POST reply %v", got, post)
	}

	// Calls run concurrently and are answered by id: a slow one does
	// not hold up a fast one behind it.
	release := make(chan struct{})
	fb.mu.Lock()
	fb.wait = func(ctx context.Context) {
		if calls := fb.Calls(); calls[len(calls)-1].method == "reset_port" {
			<-release
		}
	}
	fb.mu.Unlock()
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"reset_port","params":{"context":{},"switch_id":"s","port_name":"p","native_vlan":5},"id":"slow"}`))
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"is_link_valid","params":{"link":{"switch_id":"s","port_id":"p"}},"id":"fast"}`))
	if got := readJSON(t, c); got["id"] != "fast" {
		t.Fatalf("first reply %v, want the fast call's", got)
	}
	close(release)
	if got := readJSON(t, c); got["id"] != "slow" {
		t.Fatalf("second reply %v, want the slow call's", got)
	}

	// Malformed input gets JSON-RPC errors; the connection stays up.
	for _, bad := range []string{`{"jsonrpc":"2.0","method":`, `[1,2]`, `{"jsonrpc":"2.0","method":"no_such","id":1}`} {
		c.WriteMessage(websocket.TextMessage, []byte(bad))
		if got := readJSON(t, c); got["error"] == nil {
			t.Fatalf("%s: reply %v, want an error", bad, got)
		}
	}
	// watch on a backend without a feed is an unknown method.
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"watch","id":9}`))
	if got := readJSON(t, c); got["error"] == nil {
		t.Fatalf("watch without a feed: %v", got)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestWebSocketWatch(t *testing.T) {
	wb := &watchingBackend{fakeBackend: &fakeBackend{}, feed: make(chan service.Record, 8)}
	hs := wsServer(t, Options{Backend: wb, Auth: NewNoAuth()})
	c := dialWS(t, hs, nil)
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"watch","id":1}`))
	if got := readJSON(t, c); got["result"].(map[string]any)["watching"] != true {
		t.Fatalf("watch reply %v", got)
	}
	wb.feed <- service.Record{Seq: 1, Method: "update_port", Device: "tor1", Result: "ok"}
	wb.feed <- service.Record{Seq: 4, Method: "reset_port", Device: "tor1", Result: "device"}
	for i, want := range []struct {
		method string
		lost   float64
	}{{"update_port", 0}, {"reset_port", 2}} {
		n := readJSON(t, c)
		p := n["params"].(map[string]any)
		if n["method"] != "watch.record" || p["record"].(map[string]any)["method"] != want.method || p["lost"] != want.lost {
			t.Fatalf("notification %d: %v, want %s with %v lost", i, n, want.method, want.lost)
		}
	}
	// Over POST, watch is not a method.
	resp, _ := http.Post(hs.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"watch","id":1}`))
	var r map[string]any
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if r["error"] == nil {
		t.Fatalf("watch over POST: %v", r)
	}
}

func TestWebSocketLimits(t *testing.T) {
	fb := &fakeBackend{}
	hs := wsServer(t, Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxConns: 1, Ping: 100 * time.Millisecond}})
	c := dialWS(t, hs, nil)
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL(hs), nil); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a second connection over MaxConns 1: %v %v, want 503", err, resp)
	}
	// A peer that stops answering pings (it never reads, so never pongs) is dropped.
	time.Sleep(600 * time.Millisecond)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			break // closed by the server (reading now answers its pings, too late)
		}
	}
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL(hs), nil); err != nil {
		t.Fatalf("after the silent peer was dropped, a new connection is refused: %v %v", err, resp)
	}
}

func TestWebSocketAuth(t *testing.T) {
	auth, _ := newBasic(t, "ironic", "pw")
	hs := wsServer(t, Options{Backend: &fakeBackend{}, Auth: auth})
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL(hs), nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("upgrade without credentials: %v %v, want 401", err, resp)
	}
	h := http.Header{}
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth("ironic", "pw")
	h.Set("Authorization", r.Header.Get("Authorization"))
	dialWS(t, hs, h)
	// A browser page from another site cannot open it.
	h.Set("Origin", "https://elsewhere.example")
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL(hs), h); err == nil {
		t.Fatalf("a cross-origin upgrade was accepted (%v)", resp.Status)
	}
}

// TestWebSocketShutdown: stopping the server lets a call in flight finish
// and answer, then closes the connection.
func TestWebSocketShutdown(t *testing.T) {
	fb := &fakeBackend{}
	started := make(chan struct{})
	fb.wait = func(ctx context.Context) { close(started); time.Sleep(300 * time.Millisecond) }
	srv, err := New(Options{Backend: fb, Auth: NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := serveLoopback(t, srv)
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"get_switches","params":{"context":{}},"id":"inflight"}`))
	<-started
	cancel()
	if got := readJSON(t, c); got["id"] != "inflight" || got["result"] == nil {
		t.Fatalf("the call in flight at shutdown answered %v", got)
	}
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("after the reply: %v, want a going-away close", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestWebSocketMTLS: over /ws, a client certificate from the CA is
// accepted and its subject is the caller; one from another CA is refused
// in the TLS handshake, before any call.
func TestWebSocketMTLS(t *testing.T) {
	fb, url, ca := mtlsServer(t, "")
	_, _, good := ca.issue(t, pkix.Name{CommonName: "ironic-conductor", Organization: []string{"Example"}}, false)
	_, _, foreign := newTestCA(t, "another CA").issue(t, pkix.Name{CommonName: "ironic-conductor"}, false)
	wss := "wss" + strings.TrimPrefix(url, "https") + "/ws"
	dialer := func(cert *tls.Certificate) *websocket.Dialer {
		return &websocket.Dialer{TLSClientConfig: tlsClient(ca, cert, 0).Transport.(*http.Transport).TLSClientConfig, HandshakeTimeout: 10 * time.Second}
	}
	if _, _, err := dialer(&foreign).Dial(wss, nil); err == nil {
		t.Fatal("a certificate from another CA was accepted")
	}
	c, _, err := dialer(&good).Dial(wss, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"get_switches","params":{"context":{}},"id":1}`))
	if got := readJSON(t, c); got["result"] == nil {
		t.Fatalf("reply %v", got)
	}
	calls := fb.Calls()
	if len(calls) != 1 || calls[0].caller.Identity != "CN=ironic-conductor,O=Example" {
		t.Fatalf("calls %+v, want one by CN=ironic-conductor,O=Example", calls)
	}
}

// TestWebSocketIdle: a connection with no call and no watch is closed
// after the idle timeout, even while it answers pings; a watcher is not.
func TestWebSocketIdle(t *testing.T) {
	wb := &watchingBackend{fakeBackend: &fakeBackend{}, feed: make(chan service.Record)}
	hs := wsServer(t, Options{Backend: wb, Auth: NewNoAuth(), WS: WSOptions{Ping: 100 * time.Millisecond, Idle: 3 * time.Second}})
	// The watcher subscribes first: a connection counts as idle from its
	// start, and a loaded machine may take a while to deliver the watch
	// call (over a second has been seen under -race with other tests
	// running), so the idle timeout is long next to that delay. From then on
	// it is read all the time, so it answers the server's pings as a live
	// client does (a client that stops reading is dropped for missing its
	// pongs, which is not what this test is about).
	watcher := dialWS(t, hs, nil)
	watcher.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"watch","id":1}`))
	readJSON(t, watcher)
	watcherEnded := make(chan error, 1)
	go func() {
		for {
			if _, _, err := watcher.ReadMessage(); err != nil {
				watcherEnded <- err
				return
			}
		}
	}()
	idle := dialWS(t, hs, nil)
	idle.SetReadDeadline(time.Now().Add(15 * time.Second))
	for { // reading answers the server's pings; the close must still come
		if _, _, err := idle.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
				t.Fatalf("idle connection: %v, want a going-away close", err)
			}
			break
		}
	}
	select {
	case err := <-watcherEnded:
		t.Fatalf("the watching connection ended: %v", err)
	case <-time.After(3500 * time.Millisecond): // longer than the idle timeout again
	}
	watcher.Close()
}

// gate holds each backend call until the test lets it go, and counts how
// many run at once.
type gate struct {
	release chan struct{} // one token lets one call return; closing it lets all
	started chan struct{} // one per call that has started
	mu      sync.Mutex
	running int
	max     int
}

func newGate() *gate {
	return &gate{release: make(chan struct{}), started: make(chan struct{}, 64)}
}

func (g *gate) wait(context.Context) {
	g.mu.Lock()
	g.running++
	g.max = max(g.max, g.running)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.release
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
}

func (g *gate) maxRunning() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

// awaitStarts waits for n more calls to start.
func (g *gate) awaitStarts(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-g.started:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d calls started", i, n)
		}
	}
}

func linkCall(id string) []byte {
	return []byte(`{"jsonrpc":"2.0","method":"is_link_valid","params":{"link":{"switch_id":"s","port_id":"p"}},"id":"` + id + `"}`)
}

// replies reads every message of c into a channel until c fails; reading
// also answers the server's pings, as a live client does.
func replies(c *websocket.Conn) (<-chan map[string]any, <-chan error) {
	out, ended := make(chan map[string]any, 64), make(chan error, 1)
	go func() {
		for {
			var m map[string]any
			if err := c.ReadJSON(&m); err != nil {
				ended <- err
				return
			}
			out <- m
		}
	}()
	return out, ended
}

func nextReply(t *testing.T, in <-chan map[string]any, ended <-chan error) map[string]any {
	t.Helper()
	select {
	case m := <-in:
		return m
	case err := <-ended:
		t.Fatalf("the connection ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no reply")
	}
	return nil
}

// TestWebSocketInFlight: with MaxInFlight calls running, the next
// MaxQueued wait and run as slots free; one more is refused at once with
// -32000 naming the limit, and the connection carries on.
func TestWebSocketInFlight(t *testing.T) {
	g := newGate()
	fb := &fakeBackend{wait: g.wait}
	hs := wsServer(t, Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxInFlight: 2, MaxQueued: 1}})
	c := dialWS(t, hs, nil)
	in, ended := replies(c)

	c.WriteMessage(websocket.TextMessage, linkCall("run-1"))
	c.WriteMessage(websocket.TextMessage, linkCall("run-2"))
	g.awaitStarts(t, 2)
	c.WriteMessage(websocket.TextMessage, linkCall("waits"))
	// A notification over the limit is refused too, and not answered. It
	// goes before "refused": the reader takes messages in order, so once
	// "refused" is answered the notification is settled, and cannot take
	// the queue's place freed below.
	c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"is_link_valid","params":{"link":{"switch_id":"s","port_id":"p"}}}`))
	c.WriteMessage(websocket.TextMessage, linkCall("refused"))
	got := nextReply(t, in, ended)
	e, _ := got["error"].(map[string]any)
	if got["id"] != "refused" || e == nil || e["code"] != float64(codeBusy) ||
		!strings.Contains(e["message"].(string), "2 running and 1 waiting is the limit") {
		t.Fatalf("first reply %v, want the fourth call refused -32000 naming the limit", got)
	}
	// Let one call go: "waits" takes its slot.
	g.release <- struct{}{}
	g.awaitStarts(t, 1)
	close(g.release)
	ids := map[any]bool{}
	for i := 0; i < 3; i++ {
		r := nextReply(t, in, ended)
		if r["result"] == nil {
			t.Fatalf("reply %v, want a result", r)
		}
		ids[r["id"]] = true
	}
	if !ids["run-1"] || !ids["run-2"] || !ids["waits"] {
		t.Fatalf("answered %v, want run-1, run-2 and waits", ids)
	}
	if m := g.maxRunning(); m != 2 {
		t.Errorf("%d calls ran at once, want MaxInFlight 2", m)
	}
	if n := len(fb.Calls()); n != 3 {
		t.Errorf("the backend saw %d calls, want 3 (the refused ones never reach it)", n)
	}
	// Once replies are read, their slots are free: a full round again.
	for _, id := range []string{"a", "b", "c"} {
		c.WriteMessage(websocket.TextMessage, linkCall(id))
	}
	for i := 0; i < 3; i++ {
		if r := nextReply(t, in, ended); r["result"] == nil {
			t.Fatalf("reply %v after the slots freed, want a result", r)
		}
	}
}

// TestWebSocketBusyNotDropped: a peer that keeps answering pings is not
// dropped while more calls than MaxInFlight run longer than the read
// deadline (two ping intervals): the reader keeps reading its pongs.
func TestWebSocketBusyNotDropped(t *testing.T) {
	g := newGate()
	fb := &fakeBackend{wait: g.wait}
	const ping = 50 * time.Millisecond
	hs := wsServer(t, Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxInFlight: 2, Ping: ping, Idle: time.Minute}})
	c := dialWS(t, hs, nil)
	in, ended := replies(c)
	c.WriteMessage(websocket.TextMessage, linkCall("1"))
	c.WriteMessage(websocket.TextMessage, linkCall("2"))
	g.awaitStarts(t, 2)
	// The third waits for a slot. Sent alone, so that the reader has
	// nothing buffered after it: a reader that waited with it would next
	// read the socket past its deadline.
	c.WriteMessage(websocket.TextMessage, linkCall("3"))
	time.Sleep(10 * 2 * ping) // ten read deadlines with the calls running and waiting
	close(g.release)
	for i := 0; i < 3; i++ {
		if r := nextReply(t, in, ended); r["result"] == nil {
			t.Fatalf("reply %v, want a result", r)
		}
	}
	c.WriteMessage(websocket.TextMessage, linkCall("after"))
	if r := nextReply(t, in, ended); r["id"] != "after" {
		t.Fatalf("reply %v, want the call sent after the busy spell", r)
	}
}

// TestWebSocketMessageTooBig: a message over MaxBodyBytes closes the
// connection with 1009 (message too big); one within it is a call.
func TestWebSocketMessageTooBig(t *testing.T) {
	var logs logBuffer
	fb := &fakeBackend{}
	hs := wsServer(t, Options{Backend: fb, Auth: NewNoAuth(), MaxBodyBytes: 512, Logger: logs.logger()})
	c := dialWS(t, hs, nil)
	fits := linkCall("fits" + strings.Repeat("x", 512-len(linkCall("fits"))))
	c.WriteMessage(websocket.TextMessage, fits)
	if r := readJSON(t, c); r["result"] == nil {
		t.Fatalf("a %d-byte message: %v, want a result", len(fits), r)
	}
	c.WriteMessage(websocket.TextMessage, linkCall("big"+strings.Repeat("x", 513-len(linkCall("big")))))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("after a 513-byte message: %v, want close 1009 (message too big)", err)
	}
	if n := len(fb.Calls()); n != 1 {
		t.Errorf("backend calls %d, want 1 (the oversized message is not run)", n)
	}
	within(t, 10*time.Second, func() {
		for !strings.Contains(logs.String(), `"limit_bytes":512`) {
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestWebSocketShutdownRefusesWaiting: on shutdown a call still waiting for
// a slot is answered -32001 without running; the running one finishes and
// answers; then the connection closes.
func TestWebSocketShutdownRefusesWaiting(t *testing.T) {
	g := newGate()
	fb := &fakeBackend{wait: g.wait}
	srv, err := New(Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxInFlight: 1, MaxQueued: 1}})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := serveLoopback(t, srv)
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, linkCall("running"))
	g.awaitStarts(t, 1)
	c.WriteMessage(websocket.TextMessage, linkCall("waiting"))
	// The waiting call is queued once a third one is refused.
	c.WriteMessage(websocket.TextMessage, linkCall("over"))
	if r := readJSON(t, c); r["id"] != "over" {
		t.Fatalf("reply %v, want the call over the limit refused", r)
	}
	cancel()
	r := readJSON(t, c)
	e, _ := r["error"].(map[string]any)
	if r["id"] != "waiting" || e == nil || e["code"] != float64(codeNotRun) {
		t.Fatalf("at shutdown: %v, want the waiting call refused -32001", r)
	}
	close(g.release)
	if r := readJSON(t, c); r["id"] != "running" || r["result"] == nil {
		t.Fatalf("then %v, want the running call's result", r)
	}
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("after the replies: %v, want a going-away close", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if n := len(fb.Calls()); n != 1 {
		t.Errorf("backend calls %d, want only the running one", n)
	}
}

func TestWebSocketOptionsNegative(t *testing.T) {
	for _, ws := range []WSOptions{{MaxConns: -1}, {MaxInFlight: -1}, {MaxQueued: -1}, {Ping: -1}, {Idle: -1}} {
		if _, err := New(Options{Backend: &fakeBackend{}, Auth: NewNoAuth(), WS: ws}); err == nil || !strings.Contains(err.Error(), "Options.WS") {
			t.Errorf("%+v: %v, want an error naming Options.WS", ws, err)
		}
	}
}

// TestWebSocketPeerLeaves: when the peer goes away, a call waiting for a
// slot is not run; the running one finishes.
func TestWebSocketPeerLeaves(t *testing.T) {
	g := newGate()
	fb := &fakeBackend{wait: g.wait}
	srv, err := New(Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxInFlight: 1, MaxQueued: 1}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := dialWS(t, hs, nil)
	c.WriteMessage(websocket.TextMessage, linkCall("running"))
	g.awaitStarts(t, 1)
	c.WriteMessage(websocket.TextMessage, linkCall("waiting"))
	c.WriteMessage(websocket.TextMessage, linkCall("over"))
	if r := readJSON(t, c); r["id"] != "over" {
		t.Fatalf("reply %v, want the call over the limit refused", r)
	}
	c.Close()
	// The server notices the peer has left before the running call ends.
	within(t, 10*time.Second, func() {
		for {
			srv.wsMu.Lock()
			ended := false
			for wc := range srv.wsLive {
				wc.mu.Lock()
				ended = wc.ended
				wc.mu.Unlock()
			}
			srv.wsMu.Unlock()
			if ended {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	close(g.release)
	within(t, 10*time.Second, func() {
		for srv.wsConns.Load() != 0 {
			time.Sleep(5 * time.Millisecond)
		}
	})
	if n := len(fb.Calls()); n != 1 {
		t.Errorf("backend calls %d, want 1: the waiting call must not run once the peer has left", n)
	}
}

// wsServer serves a Server with opts over httptest until the test ends.
func wsServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs
}
