package rpc

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

// Defaults of Options.
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultMaxDepth     = 25 // Ironic's [api]max_json_body_depth
	DefaultDeadline     = 60 * time.Second
)

// Options configures a Server. Zero values take the defaults.
type Options struct {
	Backend      Backend               // required
	Auth         Authenticator         // required: NewNoAuth(), NewBasicAuth(...), NewMTLSAuth()
	Logger       *slog.Logger          // nil: logs are dropped
	MaxBodyBytes int64                 // request body limit; default 1 MiB
	MaxDepth     int                   // JSON nesting limit; default 25
	Deadline     time.Duration         // per call; default 60s (Ironic's client waits 120s)
	Registerer   prometheus.Registerer // nil: no metrics
	Ready        ReadyFunc             // nil: always ready
	Extra        map[string]http.Handler
	// Extra mounts more handlers by exact path (e.g. "/metrics"), any
	// method, without authentication.
	TLS *tls.Config // Serve listens with TLS when set (see TLSConfig)
	WS  WSOptions   // limits of JSON-RPC over WebSocket at /ws
}

// ReadyFunc says whether the service can take calls: nil when ready, else
// why not (the /readyz reply body).
type ReadyFunc func() error

// Server is Mercury's HTTP and JSON-RPC server. Build it with New; it is
// safe for concurrent use and holds no state between requests beyond the
// login cache and the metrics.
type Server struct {
	backend  Backend
	auth     Authenticator
	log      *slog.Logger
	maxBody  int64
	maxDepth int
	deadline time.Duration
	ready    ReadyFunc
	extra    map[string]http.Handler
	tls      *tls.Config
	methods  map[string]method
	metrics  *metrics
	ws       WSOptions
	wsConns  atomic.Int64
	wsMu     sync.Mutex
	wsLive   map[*wsConn]struct{} // open connections, ended on shutdown
	wsDone   sync.WaitGroup
	wsClosed bool
}

// New builds a Server from opts.
func New(opts Options) (*Server, error) {
	return newServer(opts, methods())
}

func newServer(opts Options, table []method) (*Server, error) {
	if opts.Backend == nil {
		return nil, fault.New(fault.Invalid, "rpc: Options.Backend is required")
	}
	if opts.Auth == nil {
		return nil, fault.New(fault.Invalid, "rpc: Options.Auth is required (NewNoAuth, NewBasicAuth or NewMTLSAuth)")
	}
	if opts.MaxBodyBytes < 0 || opts.MaxDepth < 0 || opts.Deadline < 0 {
		return nil, fault.New(fault.Invalid, "rpc: Options limits must not be negative")
	}
	if w := opts.WS; w.MaxConns < 0 || w.MaxInFlight < 0 || w.MaxQueued < 0 || w.Ping < 0 || w.Idle < 0 {
		return nil, fault.New(fault.Invalid, "rpc: Options.WS limits must not be negative (zero takes the default)")
	}
	s := &Server{
		backend:  opts.Backend,
		auth:     opts.Auth,
		log:      opts.Logger,
		maxBody:  orDefault(opts.MaxBodyBytes, DefaultMaxBodyBytes),
		maxDepth: orDefault(opts.MaxDepth, DefaultMaxDepth),
		deadline: orDefault(opts.Deadline, DefaultDeadline),
		ready:    opts.Ready,
		extra:    map[string]http.Handler{},
		tls:      opts.TLS,
		methods:  map[string]method{},
		ws: WSOptions{
			MaxConns:    orDefault(opts.WS.MaxConns, DefaultWSMaxConns),
			MaxInFlight: orDefault(opts.WS.MaxInFlight, DefaultWSMaxInFlight),
			MaxQueued:   orDefault(opts.WS.MaxQueued, DefaultWSMaxQueued),
			Ping:        orDefault(opts.WS.Ping, DefaultWSPing),
			Idle:        orDefault(opts.WS.Idle, DefaultWSIdle),
		},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for p, h := range opts.Extra {
		if !strings.HasPrefix(p, "/") || p == "/healthz" || p == "/readyz" || h == nil {
			return nil, fault.New(fault.Invalid, "rpc: Options.Extra path %q is not a free absolute path with a handler", p)
		}
		s.extra[p] = h
	}
	for _, m := range table {
		if _, dup := s.methods[m.name]; dup {
			return nil, fault.New(fault.Internal, "rpc: method %s is in the table twice", m.name)
		}
		if m.sig == nil && m.dryRun != passDryRun && m.dryRun != readOnlyDry {
			return nil, fault.New(fault.Internal, "rpc: method %s does not take dry_run, which every Mercury method does: "+
				"give its request a dry_run field, or build it with mercuryRead if it only reads (and then its request must have none)", m.name)
		}
		s.methods[m.name] = m
	}
	var err error
	if s.metrics, err = newMetrics(opts.Registerer, s.Methods()); err != nil {
		return nil, err
	}
	return s, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Methods returns the names of the methods the server answers, sorted.
func (s *Server) Methods() []string {
	names := make([]string, 0, len(s.methods))
	for n := range s.methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ServeHTTP routes a request. These are all of Mercury's HTTP routes:
//
//	GET|HEAD /healthz  200 "ok" while the process serves
//	GET|HEAD /readyz   200 "ok", or 503 with the reason Options.Ready gives
//	/ws                JSON-RPC over WebSocket (authenticated at the upgrade),
//	                   the same methods plus watch (ws.go)
//	Options.Extra      each path to its handler (e.g. /metrics), any method
//	anything else      JSON-RPC: authentication, then POST on any path (as
//	                   Ironic's server, which ignores the path); other
//	                   methods get 405
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case r.URL.Path == "/healthz" && get:
		writeText(w, http.StatusOK, "ok")
		return
	case r.URL.Path == "/ws":
		s.serveWS(w, r)
		return
	case r.URL.Path == "/readyz" && get:
		if s.ready != nil {
			if err := s.ready(); err != nil {
				writeText(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
				return
			}
		}
		writeText(w, http.StatusOK, "ok")
		return
	}
	if h, ok := s.extra[r.URL.Path]; ok {
		h.ServeHTTP(w, r)
		return
	}
	s.serveRPC(w, r)
}

// Replies at the HTTP level, byte for byte as Ironic's server gives them
// (the first two come from its JsonDepthMiddleware).
const (
	replyTooDeep  = `{"faultcode": "Client", "faultstring": "Request body JSON is nested too deeply. Please contact the service administrator."}`
	replyTooLarge = `{"faultcode": "Client", "faultstring": "Request body is too large. Please contact the service administrator."}`
	replyNotPost  = `{"error":{"code":405,"message":"Only POST method can be used"}}`
)

// serveRPC answers one request on a JSON-RPC path, in Ironic's order:
// authentication, body limits, method, then the JSON-RPC call.
func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := newRequestID()
	w.Header().Set("X-Request-Id", rid)
	log := s.log.With("request_id", rid, "remote", r.RemoteAddr)

	p, err := s.auth.Authenticate(r)
	if err != nil {
		ae, ok := err.(*AuthError)
		if !ok {
			ae = &AuthError{Status: http.StatusInternalServerError, Message: "Authentication failed", Err: err}
		}
		lvl := slog.LevelInfo
		if ae.Status >= 500 {
			lvl = slog.LevelError
		}
		log.Log(r.Context(), lvl, "rpc authentication refused", "strategy", s.auth.Strategy(), "user", clip(ae.User, 256),
			"status", ae.Status, "reason", errText(ae.Err))
		if ae.Challenge {
			w.Header().Set("WWW-Authenticate", basicRealm)
		}
		writeJSON(w, ae.Status, ae.body())
		s.metrics.observe("", strconv.Itoa(ae.Status), time.Since(start))
		return
	}

	body, status, reply, rerr := s.readBody(r)
	if status == 0 && r.Method != http.MethodPost {
		status, reply = http.StatusMethodNotAllowed, replyNotPost
	}
	if status != 0 {
		log.Warn("rpc request refused", "identity", p.Identity, "http_method", r.Method, "status", status, "reason", errText(rerr))
		if status == http.StatusRequestEntityTooLarge {
			w.Header().Set("Connection", "close") // the rest of the body is not read
		}
		writeJSON(w, status, []byte(reply))
		s.metrics.observe("", strconv.Itoa(status), time.Since(start))
		return
	}

	caller := service.Caller{Identity: p.Identity, Remote: r.RemoteAddr, RequestID: rid}
	o := s.call(r.Context(), body, caller)
	elapsed := time.Since(start)
	if o.reply == nil {
		// A notification: no body, even when the call failed. The
		// Content-Type is what webob sends with Ironic's 204.
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNoContent)
	} else {
		writeJSON(w, http.StatusOK, o.reply)
	}
	code := "ok"
	if o.werr != nil {
		code = o.werr.label()
	}
	s.metrics.observe(o.method, code, elapsed)
	s.logCall(r.Context(), log, p, o, elapsed)
}

// readBody reads the body within the size limit and checks its depth.
// A non-zero status is the refusal to send, with its reply.
func (s *Server) readBody(r *http.Request) (body []byte, status int, reply string, err error) {
	if r.ContentLength > s.maxBody {
		return nil, http.StatusRequestEntityTooLarge, replyTooLarge, fmt.Errorf("Content-Length %d exceeds %d bytes", r.ContentLength, s.maxBody)
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, s.maxBody+1))
	if err != nil {
		// The client went away or stalled; the reply will rarely be read.
		return nil, http.StatusBadRequest, string(errorBody([]byte("null"), errParse())), err
	}
	if int64(len(body)) > s.maxBody {
		return nil, http.StatusRequestEntityTooLarge, replyTooLarge, fmt.Errorf("body exceeds %d bytes", s.maxBody)
	}
	if tooDeep(body, s.maxDepth) {
		return nil, http.StatusBadRequest, replyTooDeep, fmt.Errorf("JSON nesting deeper than %d", s.maxDepth)
	}
	return body, 0, "", nil
}

// outcome is what a JSON-RPC call came to.
type outcome struct {
	method       string // "" when the request named no valid method
	notification bool
	context      *service.RequestContext
	werr         *wireError // nil on success
	reply        []byte     // nil: answer 204
}

// call decodes, binds and runs one JSON-RPC request.
func (s *Server) call(ctx context.Context, body []byte, c service.Caller) outcome {
	req, werr := decodeRequest(body)
	id := []byte("null")
	if req != nil && req.id != nil {
		id = pyReencode(req.id)
	}
	if werr != nil {
		// Malformed requests are answered even without an id, as Ironic does.
		return outcome{werr: werr, reply: errorBody(id, werr)}
	}
	o := outcome{notification: req.notification()}
	var result []byte
	m, ok := s.methods[req.method]
	if !ok {
		o.werr = errMethodNotFound(req.method)
	} else {
		o.method = m.name
		b, err := m.bind(req.params)
		o.context = b.context
		if err == nil {
			c.Method, c.Context = m.name, b.context
			var res any
			if res, err = s.invoke(ctx, b.invoke, c); err == nil {
				if result, err = pyMarshal(res); err != nil {
					err = fault.Wrap(fault.Internal, err, "encode the result")
				}
			}
		}
		if err != nil {
			o.werr = toWire(err, m.failure)
		}
	}
	switch {
	case o.notification:
	case o.werr != nil:
		o.reply = errorBody(id, o.werr)
	default:
		o.reply = resultBody(id, result)
	}
	return o
}

// invoke runs a bound call under the deadline. The call is not cancelled
// when the client disconnects; a panic becomes an Internal fault.
func (s *Server) invoke(ctx context.Context, inv invoker, c service.Caller) (res any, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.deadline)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("rpc method panicked", "request_id", c.RequestID, "method", c.Method,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res, err = nil, fault.New(fault.Internal, "internal error (request %s); see the Mercury log", c.RequestID)
		}
	}()
	return inv(ctx, s.backend, c)
}

// logCall writes the one log record of a call. It never includes params
// or params.context beyond the audit fields (no auth_token).
func (s *Server) logCall(ctx context.Context, log *slog.Logger, p Principal, o outcome, d time.Duration) {
	attrs := []any{"method", o.method, "identity", p.Identity, "duration", d}
	if o.notification {
		attrs = append(attrs, "notification", true)
	}
	if rc := o.context; rc != nil {
		attrs = append(attrs, "ironic_request_id", rc.RequestID, "global_request_id", rc.GlobalRequestID,
			"ironic_user", rc.User, "project", rc.Project)
	}
	lvl := slog.LevelInfo
	if e := o.werr; e != nil {
		attrs = append(attrs, "code", e.code, "kind", e.kind.String(), "error", clip(e.message, 1024))
		if e.cause != nil {
			var fe *fault.Error
			if errors.As(e.cause, &fe) && fe.Device != "" {
				attrs = append(attrs, "device", fe.Device, "port", fe.Port)
			}
		}
		lvl = slog.LevelWarn
		if e.code >= 500 {
			lvl = slog.LevelError
		}
	}
	log.Log(ctx, lvl, "rpc call", attrs...)
}

// Serve answers requests on l until ctx is done, then stops accepting and
// waits (up to the call deadline and a little more) for calls in flight.
// With Options.TLS it speaks TLS on l. It returns nil after a clean stop.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + s.deadline + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.tls != nil {
		l = tls.NewListener(l, s.tls)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return fault.Wrap(fault.Unreachable, err, "serve JSON-RPC on %s", l.Addr())
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.deadline+5*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if werr := s.shutdownWS(sctx); err == nil {
		err = werr
	}
	<-errc
	if err != nil {
		return fault.Wrap(fault.Timeout, err, "stop JSON-RPC on %s: calls still running", l.Addr())
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeText(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}

// newRequestID returns Mercury's id for one request: "mer-" and a random
// UUID.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("mer-%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// clip shortens s to at most n bytes (on a rune boundary) for the log: a
// method name or user name is whatever the caller sent.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
