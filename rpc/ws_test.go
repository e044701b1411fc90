package rpc

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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
	srv, err := New(Options{Backend: fb, Auth: NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
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
	srv, err := New(Options{Backend: wb, Auth: NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
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
	srv, err := New(Options{Backend: fb, Auth: NewNoAuth(), WS: WSOptions{MaxConns: 1, Ping: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
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
	srv, err := New(Options{Backend: &fakeBackend{}, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	c, _, err := websocket.DefaultDialer.Dial("ws://"+l.Addr().String()+"/ws", nil)
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
	srv, err := New(Options{Backend: wb, Auth: NewNoAuth(), WS: WSOptions{Ping: 100 * time.Millisecond, Idle: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	// The watcher subscribes first: a connection counts as idle from its
	// start, and a loaded machine may take a while to deliver the watch
	// call, so the idle timeout is long next to that delay. From then on
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
	case <-time.After(1500 * time.Millisecond): // longer than the idle timeout again
	}
	watcher.Close()
}
