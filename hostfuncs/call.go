package hostfuncs

import (
	"context"
	"log/slog"
	"regexp"
	"sync"
)

// Settings reads the non-secret settings of the device a call names.
type Settings interface {
	// Setting returns the value of key and whether the device has it.
	Setting(key string) (string, bool)
}

// MapSettings is a Settings backed by a map.
type MapSettings map[string]string

// Setting implements Settings.
func (m MapSettings) Setting(key string) (string, bool) {
	v, ok := m[key]
	return v, ok
}

// Dialer opens sessions to the one device a call names.
type Dialer interface {
	// Open returns a session of kind abi.SessionExec or abi.SessionInteractive.
	Open(ctx context.Context, kind int32) (Session, error)
}

// Session is an open session to a device. Implementations mask secrets in
// everything they return and honour ctx's deadline on every read and write.
type Session interface {
	Exec(ctx context.Context, cmd string) (out []byte, exitStatus int, err error)
	Send(ctx context.Context, data []byte) error
	SendSecret(ctx context.Context, name string) error
	ReadUntil(ctx context.Context, re *regexp.Regexp) ([]byte, error)
	// Close ends the caller's use; the implementation may keep the
	// underlying connection or shell for the next operation.
	Close() error
	// Discard ends the session and never reuses what it held.
	Discard()
}

// CallOptions describe one driver operation.
type CallOptions struct {
	Device   string       // the one device this call may open sessions to
	Op       string       // operation name, passed to the guest
	Input    []byte       // JSON request, passed to the guest
	Settings Settings     // the device's non-secret settings; nil = none
	Dialer   Dialer       // nil = sessions are refused
	Logger   *slog.Logger // the operation's log; nil = discard
}

// Call is the host-side state of one driver operation. It is used by one
// guest call at a time; its methods are safe to call after the guest
// returns.
type Call struct {
	opts   CallOptions
	logger *slog.Logger

	mu        sync.Mutex
	output    []byte
	overflow  bool // the guest tried to write more than abi.MaxOutput
	result    []byte
	sessions  map[int32]*openSession
	next      int32
	commands  []string
	logCount  int
	lastError error
	patterns  map[string]*regexp.Regexp
}

type openSession struct {
	s    Session
	kind int32
}

// NewCall returns the state for one operation.
func NewCall(opts CallOptions) *Call {
	l := opts.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Call{opts: opts, logger: l, sessions: make(map[int32]*openSession)}
}

// Device returns the device this call names.
func (c *Call) Device() string { return c.opts.Device }

// Op returns the operation name.
func (c *Call) Op() string { return c.opts.Op }

// Input returns the operation's JSON input.
func (c *Call) Input() []byte { return c.opts.Input }

// Output returns what the guest wrote with output_write.
func (c *Call) Output() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.output
}

// OutputOverflow reports whether the guest tried to write more output than
// abi.MaxOutput.
func (c *Call) OutputOverflow() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.overflow
}

// Commands returns what the guest sent to the device, in order: each
// session_exec command and each session_send line; a secret appears as
// "<secret NAME>".
func (c *Call) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.commands...)
}

// LastHostError returns the error behind the last host function that
// failed, with its kind, or nil.
func (c *Call) LastHostError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastError
}

// Finish releases every session the guest left open: returned to their pool
// when ok, discarded otherwise. It is safe to call more than once.
func (c *Call) Finish(ok bool) {
	c.mu.Lock()
	sessions := c.sessions
	c.sessions = make(map[int32]*openSession)
	c.mu.Unlock()
	for _, s := range sessions {
		if ok {
			if err := s.s.Close(); err != nil {
				c.logger.Warn("session close failed", "device", c.opts.Device, "err", err)
			}
		} else {
			s.s.Discard()
		}
	}
}

func (c *Call) record(cmd string) {
	c.mu.Lock()
	c.commands = append(c.commands, cmd)
	c.mu.Unlock()
}

func (c *Call) setResult(b []byte) {
	c.mu.Lock()
	c.result = b
	c.mu.Unlock()
}

type callKey struct{}

// WithCall returns a context carrying c for the host functions.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

func callFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// maxLogsPerCall bounds how many log lines one operation may write.
const maxLogsPerCall = 1000
