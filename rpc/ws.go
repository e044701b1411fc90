package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

// WebSocket defaults (Options.WS).
const (
	DefaultWSMaxConns    = 64
	DefaultWSMaxInFlight = 8
	DefaultWSMaxQueued   = 16
	DefaultWSPing        = 30 * time.Second
	DefaultWSIdle        = 10 * time.Minute
)

// WSOptions limit the JSON-RPC-over-WebSocket endpoint at /ws. Zero values
// take the defaults; negative ones are refused by New. A message is limited
// to Options.MaxBodyBytes, as a POST body is.
//
// The reader of a connection never waits for a call: it keeps reading (and
// so keeps answering the peer's pongs and close frames) while calls run. A
// call beyond MaxInFlight waits, in arrival order, among at most MaxQueued
// others; a call beyond those is refused at once with codeBusy.
type WSOptions struct {
	MaxConns    int           // connections open at once; more are refused 503
	MaxInFlight int           // calls running at once on one connection
	MaxQueued   int           // calls waiting for a running one to finish, per connection; more are refused
	Ping        time.Duration // server ping interval; a peer silent for two intervals is dropped
	Idle        time.Duration // a connection with no call and no watch this long is closed
}

// Watcher is what a backend offers for the watch subscription.
type Watcher interface {
	Subscribe() (<-chan service.Record, func())
}

// watchMethod is the subscription method, answered on /ws only.
const watchMethod = "watch"

// serveWS upgrades an authenticated request to a WebSocket carrying the
// same JSON-RPC methods as POST, plus watch.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	p, err := s.auth.Authenticate(r)
	if err != nil {
		ae, ok := err.(*AuthError)
		if !ok {
			ae = &AuthError{Status: http.StatusInternalServerError, Message: "Authentication failed", Err: err}
		}
		s.log.Info("ws authentication refused", "remote", r.RemoteAddr, "status", ae.Status, "reason", errText(ae.Err))
		if ae.Challenge {
			w.Header().Set("WWW-Authenticate", basicRealm)
		}
		writeJSON(w, ae.Status, ae.body())
		return
	}
	if n := s.wsConns.Add(1); n > int64(s.ws.MaxConns) {
		s.wsConns.Add(-1)
		writeText(w, http.StatusServiceUnavailable, "too many WebSocket connections ("+strconv.Itoa(s.ws.MaxConns)+"); retry later")
		return
	}
	defer s.wsConns.Add(-1)
	up := websocket.Upgrader{CheckOrigin: sameOrigin}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	s.metrics.wsConnections(1)
	defer s.metrics.wsConnections(-1)
	c := &wsConn{s: s, conn: conn, identity: p.Identity, remote: r.RemoteAddr}
	if !s.trackWS(c) {
		c.close(websocket.CloseGoingAway, "server shutting down")
		conn.Close()
		return
	}
	defer s.untrackWS(c)
	c.run()
}

func (s *Server) trackWS(c *wsConn) bool {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	if s.wsClosed {
		return false
	}
	if s.wsLive == nil {
		s.wsLive = map[*wsConn]struct{}{}
	}
	s.wsLive[c] = struct{}{}
	s.wsDone.Add(1)
	return true
}

func (s *Server) untrackWS(c *wsConn) {
	s.wsMu.Lock()
	delete(s.wsLive, c)
	s.wsMu.Unlock()
	s.wsDone.Done()
}

// shutdownWS ends every WebSocket connection: each stops reading, lets
// its calls in flight finish and answer, then closes with "going away".
// It waits for them until ctx ends.
func (s *Server) shutdownWS(ctx context.Context) error {
	s.wsMu.Lock()
	s.wsClosed = true
	for c := range s.wsLive {
		c.conn.SetReadDeadline(time.Now()) // the read loop ends; run's defers finish the rest
	}
	s.wsMu.Unlock()
	done := make(chan struct{})
	go func() { s.wsDone.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sameOrigin accepts clients that send no Origin (every non-browser
// client) and browsers on the server's own host: a page elsewhere cannot
// ride a logged-in browser's credentials.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// wsConn is one WebSocket connection.
type wsConn struct {
	s        *Server
	conn     *websocket.Conn
	identity string
	remote   string

	mu      sync.Mutex // guards running, waiting, ended
	running int        // calls running, at most MaxInFlight
	waiting [][]byte   // calls accepted, waiting for a running one to end; at most MaxQueued
	ended   bool       // the read loop has ended: no call starts any more

	wmu      sync.Mutex     // one writer at a time
	calls    sync.WaitGroup // the goroutines running calls
	active   atomic.Int64   // calls running or waiting plus watches, for the idle timer
	lastUse  atomic.Int64   // unix nanoseconds of the last message read
	unwatch  func()
	watching sync.Mutex
}

func (c *wsConn) run() {
	s := c.s
	defer c.conn.Close()
	c.conn.SetReadLimit(s.maxBody)
	deadline := func() {
		s.wsMu.Lock()
		defer s.wsMu.Unlock()
		if !s.wsClosed { // shutdown has set a deadline of now
			c.conn.SetReadDeadline(time.Now().Add(2 * s.ws.Ping))
		}
	}
	deadline()
	c.conn.SetPongHandler(func(string) error { deadline(); return nil })
	stop := make(chan struct{})
	go c.keepalive(stop)
	defer func() {
		close(stop)
		c.stopWatch()
		c.end()        // calls still waiting are answered, not run
		c.calls.Wait() // calls running answer before the close
		c.close(websocket.CloseGoingAway, "connection ends")
	}()
	c.touch()
	for {
		kind, msg, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				// The library has closed with 1009 (message too big).
				s.log.Warn("ws message over the size limit; connection closed", "remote", c.remote, "identity", c.identity, "limit_bytes", s.maxBody)
			}
			return
		}
		s.wsMu.Lock()
		closing := s.wsClosed
		s.wsMu.Unlock()
		if closing {
			return
		}
		deadline()
		if kind != websocket.TextMessage {
			c.write(errorBody([]byte("null"), errInvalidRequest()))
			continue
		}
		c.touch()
		if tooDeep(msg, s.maxDepth) {
			c.write([]byte(replyTooDeep))
			continue
		}
		if m, id, ok := watchRequest(msg); ok {
			c.write(c.watch(m, id))
			continue
		}
		if e := c.accept(msg); e != nil {
			c.refuse(msg, e)
		}
	}
}

// accept starts msg when fewer than MaxInFlight calls run, else queues it
// when fewer than MaxQueued wait. Otherwise it returns the refusal to
// answer (the limit, or the connection has failed). It never blocks, so
// the read loop keeps reading.
func (c *wsConn) accept(msg []byte) *wireError {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ended:
		return errNotRun()
	case c.running < c.s.ws.MaxInFlight:
		c.running++
	case len(c.waiting) < c.s.ws.MaxQueued:
		c.waiting = append(c.waiting, msg)
		c.active.Add(1)
		return nil
	default:
		return c.errBusy()
	}
	c.active.Add(1)
	c.calls.Add(1)
	go c.work(msg)
	return nil
}

// work runs msg, then each waiting call in turn, until none waits. The
// slot is handed on before the reply is written, so a peer that has read
// a reply finds the slot of its call free.
func (c *wsConn) work(msg []byte) {
	defer c.calls.Done()
	for {
		reply := c.exec(msg)
		c.mu.Lock()
		next := !c.ended && len(c.waiting) > 0
		if next {
			msg = c.waiting[0]
			c.waiting[0] = nil
			c.waiting = c.waiting[1:]
		} else {
			c.running--
		}
		c.mu.Unlock()
		if reply != nil {
			c.write(reply)
		}
		c.active.Add(-1)
		if !next {
			return
		}
	}
}

// exec runs one call and returns its reply (nil for a notification).
func (c *wsConn) exec(msg []byte) []byte {
	s := c.s
	start := time.Now()
	rid := newRequestID()
	caller := service.Caller{Identity: c.identity, Remote: c.remote, RequestID: rid}
	o := s.call(context.Background(), msg, caller)
	code := "ok"
	if o.werr != nil {
		code = o.werr.label()
	}
	s.metrics.observe(o.method, code, time.Since(start))
	s.logCall(context.Background(), c.log(rid), Principal{Identity: c.identity}, o, time.Since(start))
	return o.reply
}

func (c *wsConn) log(rid string) *slog.Logger {
	return c.s.log.With("request_id", rid, "remote", c.remote, "transport", "ws")
}

// end stops calls from starting: the read loop has ended (the peer left,
// the connection failed, or the server shuts down). Each call still
// waiting is answered codeNotRun; calls running finish.
func (c *wsConn) end() {
	c.mu.Lock()
	c.ended = true // a failed write may have set it already
	waiting := c.waiting
	c.waiting = nil
	c.mu.Unlock()
	for _, msg := range waiting {
		c.refuse(msg, errNotRun())
		c.active.Add(-1)
	}
}

// refuse answers msg with e without running it: logged and counted like
// a call, and not answered when msg is a notification.
func (c *wsConn) refuse(msg []byte, e *wireError) {
	req, _ := decodeRequest(msg)
	id, method, notification := []byte("null"), "", false
	if req != nil {
		if req.id != nil {
			id = pyReencode(req.id)
		}
		if _, ok := c.s.methods[req.method]; ok {
			method = req.method
		}
		notification = req.notification()
	}
	rid := newRequestID()
	c.s.metrics.observe(method, e.label(), 0)
	c.s.logCall(context.Background(), c.log(rid), Principal{Identity: c.identity},
		outcome{method: method, notification: notification, werr: e}, 0)
	if !notification {
		c.write(errorBody(id, e))
	}
}

// errBusy is the reply to a call over the connection's limits.
func (c *wsConn) errBusy() *wireError {
	w := c.s.ws
	return &wireError{code: codeBusy, kind: fault.Busy, message: fmt.Sprintf(
		"Too many calls on this WebSocket connection: %d running and %d waiting is the limit; the call was not run: wait for replies before sending more, or open another connection",
		w.MaxInFlight, w.MaxQueued)}
}

func (c *wsConn) touch() { c.lastUse.Store(time.Now().UnixNano()) }

// idle reports whether the connection has had no call and no watch for
// the idle timeout.
func (c *wsConn) idle() bool {
	return c.active.Load() == 0 && time.Since(time.Unix(0, c.lastUse.Load())) > c.s.ws.Idle
}

// keepalive pings the peer every interval until stop, and closes the
// connection once it is idle.
func (c *wsConn) keepalive(stop <-chan struct{}) {
	t := time.NewTicker(c.s.ws.Ping)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if c.idle() {
				c.close(websocket.CloseGoingAway, "idle")
				c.conn.Close() // the read loop ends
				return
			}
			c.wmu.Lock()
			err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.ws.Ping))
			c.wmu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

func (c *wsConn) write(b []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(c.s.ws.Ping))
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.mu.Lock()
		c.ended = true // the peer cannot hear replies: no waiting call starts
		c.mu.Unlock()
		c.conn.Close() // the reader then ends the connection
	}
}

func (c *wsConn) close(code int, why string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, why), time.Now().Add(time.Second))
}

// watchRequest recognises a watch call: {"method":"watch","params":{"stop"?:bool},"id":...}.
func watchRequest(msg []byte) (params watchParams, id json.RawMessage, ok bool) {
	var req struct {
		Method string          `json:"method"`
		Params watchParams     `json:"params"`
		ID     json.RawMessage `json:"id"`
	}
	if json.Unmarshal(msg, &req) != nil || req.Method != watchMethod {
		return params, nil, false
	}
	if req.ID == nil {
		req.ID = json.RawMessage("null")
	}
	return req.Params, req.ID, true
}

type watchParams struct {
	Stop bool `json:"stop,omitempty"` // end the subscription
}

// watch starts (or with stop, ends) the connection's subscription. Each
// finished operation then arrives as a notification
// {"jsonrpc":"2.0","method":"watch.record","params":{"record":{...},"lost":N}}
// where lost counts the records this watcher missed since the previous
// one because it read too slowly.
func (c *wsConn) watch(p watchParams, id json.RawMessage) []byte {
	w, ok := c.s.backend.(Watcher)
	if !ok {
		return errorBody(id, errMethodNotFound(watchMethod))
	}
	if p.Stop {
		c.stopWatch()
		return resultBody(id, []byte(`{"watching":false}`))
	}
	c.watching.Lock()
	defer c.watching.Unlock()
	if c.unwatch != nil {
		return resultBody(id, []byte(`{"watching":true}`))
	}
	records, stop := w.Subscribe()
	c.unwatch = stop
	c.active.Add(1)
	c.s.metrics.wsWatchers(1)
	go func() {
		var last uint64
		for r := range records {
			lost := uint64(0)
			if last != 0 && r.Seq > last+1 {
				lost = r.Seq - last - 1
			}
			last = r.Seq
			b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "watch.record", "params": map[string]any{"record": r, "lost": lost}})
			if err != nil {
				c.s.log.Error("watch: encode a record", "err", err)
				continue
			}
			c.write(b)
		}
	}()
	return resultBody(id, []byte(`{"watching":true}`))
}

func (c *wsConn) stopWatch() {
	c.watching.Lock()
	defer c.watching.Unlock()
	if c.unwatch != nil {
		c.unwatch()
		c.unwatch = nil
		c.active.Add(-1)
		c.s.metrics.wsWatchers(-1)
	}
}
