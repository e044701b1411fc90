package ssh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/openmercury/mercury/fault"
)

// Kind is the kind of session to open. The values equal abi.SessionExec and
// abi.SessionInteractive.
type Kind int

const (
	// Exec runs one command per SSH channel (Linux devices, DPUs).
	Exec Kind = 0
	// Interactive drives a PTY shell with prompts (vendor CLIs).
	Interactive Kind = 1
)

func (k Kind) String() string {
	switch k {
	case Exec:
		return "exec"
	case Interactive:
		return "interactive"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Options configure a Pool. Zero values take the defaults.
type Options struct {
	// Logger receives connect, reuse and drop events; default discards.
	Logger *slog.Logger
	// DialTimeout bounds TCP connect plus SSH handshake and login, within
	// the caller's deadline; default 10s.
	DialTimeout time.Duration
	// IdleTimeout closes a connection (or a pooled shell) unused this long;
	// default 5m.
	IdleTimeout time.Duration
	// Keepalive is the interval of keepalive@openssh.com requests on every
	// connection; a connection that does not answer within one interval is
	// closed. Default 30s; negative turns keepalives off.
	Keepalive time.Duration
	// ResetTimeout bounds bringing a used shell back to its base prompt, and
	// checking a pooled shell before it is handed out; default 5s.
	ResetTimeout time.Duration
	// AuthHoldoff is how long a refused login is remembered: Opens with the
	// same credentials fail at once, without dialing, until it passes or the
	// credentials change. Default 1m; negative turns it off (each Open
	// still tries only once).
	AuthHoldoff time.Duration
	// MaxOutput caps one command's output, and the unread output an
	// interactive shell buffers; default 16 MiB.
	MaxOutput int
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 5 * time.Minute
	}
	if o.Keepalive == 0 {
		o.Keepalive = 30 * time.Second
	}
	if o.ResetTimeout <= 0 {
		o.ResetTimeout = 5 * time.Second
	}
	if o.AuthHoldoff == 0 {
		o.AuthHoldoff = time.Minute
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = 16 << 20
	}
	return o
}

// Pool opens sessions to devices and keeps their connections and shells
// for reuse. It is safe for concurrent use. Close it to release everything.
type Pool struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	devices map[string]*device
	closed  bool
	done    chan struct{} // closed by Close
	totals  counters
	running int        // goroutines started by spawn and not yet ended
	quiet   *sync.Cond // signalled when running drops to 0
}

// device is the pool's entry for one Target key.
type device struct {
	name string
	addr string

	inUse   int             // open sessions
	waiters []chan struct{} // Opens waiting for a session slot, first come first served

	exec    *conn         // connection shared by exec sessions, or nil
	dialing chan struct{} // closed when the exec connection being dialed is ready (or failed)
	idle    []*shell      // logged-in shells at their base prompt, most recent last
	conns   map[*conn]struct{}

	authFail *authFailure

	counters
}

type authFailure struct {
	cred  [32]byte
	at    time.Time
	cause *fault.Error
}

type counters struct {
	dials, dialFailures, authFailures, reuses, drops uint64
}

// NewPool returns an empty pool.
func NewPool(opts Options) *Pool {
	opts = opts.withDefaults()
	p := &Pool{
		opts:    opts,
		log:     opts.Logger,
		devices: map[string]*device{},
		done:    make(chan struct{}),
	}
	p.quiet = sync.NewCond(&p.mu)
	return p
}

// Open returns a session of the given kind to t's device. It waits for one
// of the device's MaxSessions slots (until ctx ends: fault.Busy), then reuses
// the device's connection (Exec) or a logged-in shell (Interactive), or dials
// a new one. A new interactive session is at the base prompt with nothing
// unread. The caller must Close or Discard the session.
func (p *Pool) Open(ctx context.Context, t *Target, kind Kind) (Session, error) {
	if kind != Exec && kind != Interactive {
		return nil, fault.New(fault.Invalid, "unknown session kind %d", int(kind)).WithDevice(t.Device)
	}
	if err := t.validate(kind); err != nil {
		return nil, err
	}
	dev, err := p.device(t)
	if err != nil {
		return nil, err
	}
	if err := p.acquire(ctx, t, dev); err != nil {
		return nil, err
	}
	var s Session
	if kind == Exec {
		s, err = p.openExec(ctx, t, dev)
	} else {
		s, err = p.openShell(ctx, t, dev)
	}
	if err != nil {
		p.release(dev)
		return nil, err
	}
	return s, nil
}

// Close closes every connection and shell, wakes Opens that wait for a
// slot (they fail), and waits for the pool's goroutines to end. Sessions
// still open fail on their next use; closing them afterwards is harmless.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.done)
	var all []*conn
	for _, d := range p.devices {
		for c := range d.conns {
			all = append(all, c)
		}
	}
	p.mu.Unlock()
	for _, c := range all {
		p.drop(c, "pool closed")
	}
	p.mu.Lock()
	for p.running > 0 {
		p.quiet.Wait()
	}
	p.mu.Unlock()
	return nil
}

// spawn runs f on a goroutine that Close waits for. Every goroutine the
// pool starts ends once its connection is closed, so Close, which closes
// them all, returns.
func (p *Pool) spawn(f func()) {
	p.mu.Lock()
	p.running++
	p.mu.Unlock()
	go func() {
		defer func() {
			p.mu.Lock()
			p.running--
			if p.running == 0 {
				p.quiet.Broadcast()
			}
			p.mu.Unlock()
		}()
		f()
	}()
}

// Stats is a snapshot of the pool, for metrics and tests.
type Stats struct {
	Dials        uint64 // connections dialed (successful or not)
	DialFailures uint64 // dials that failed, any reason
	AuthFailures uint64 // logins the device refused
	Reuses       uint64 // Opens served by a pooled connection or shell
	Drops        uint64 // connections closed (idle, broken, discarded, pool closed)
	Devices      map[string]DeviceStats
}

// DeviceStats describes one device in the pool. Entries for the same device
// name reached at different addresses or users are summed.
type DeviceStats struct {
	Connections  int // open connections, exec and shell
	IdleShells   int // logged-in shells waiting in the pool
	Sessions     int // open sessions
	Waiting      int // Opens waiting for a slot
	Dials        uint64
	DialFailures uint64
	AuthFailures uint64
	Reuses       uint64
	Drops        uint64
}

// Stats returns a snapshot of the pool's counters and connections.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{
		Dials: p.totals.dials, DialFailures: p.totals.dialFailures, AuthFailures: p.totals.authFailures,
		Reuses: p.totals.reuses, Drops: p.totals.drops,
		Devices: map[string]DeviceStats{},
	}
	for _, d := range p.devices {
		ds := s.Devices[d.name]
		ds.Connections += len(d.conns)
		ds.IdleShells += len(d.idle)
		ds.Sessions += d.inUse
		ds.Waiting += len(d.waiters)
		ds.Dials += d.dials
		ds.DialFailures += d.dialFailures
		ds.AuthFailures += d.authFailures
		ds.Reuses += d.reuses
		ds.Drops += d.drops
		s.Devices[d.name] = ds
	}
	return s
}

// closedErr is the error of an Open on a closed pool.
func closedErr(t *Target) error {
	return fault.New(fault.Unreachable, "ssh pool is closed (Mercury is shutting down)").WithDevice(t.Device)
}

func (p *Pool) device(t *Target) (*device, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, closedErr(t)
	}
	k := t.key()
	d := p.devices[k]
	if d == nil {
		d = &device{name: t.Device, addr: t.addr(), conns: map[*conn]struct{}{}}
		p.devices[k] = d
	}
	return d, nil
}

// acquire takes one of dev's session slots, waiting in line until ctx ends.
func (p *Pool) acquire(ctx context.Context, t *Target, dev *device) error {
	max := t.maxSessions()
	p.mu.Lock()
	if dev.inUse < max && len(dev.waiters) == 0 {
		dev.inUse++
		p.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	dev.waiters = append(dev.waiters, ch)
	p.mu.Unlock()

	start := time.Now()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	case <-p.done:
	}
	p.mu.Lock()
	handed := true
	for i, w := range dev.waiters {
		if w == ch {
			dev.waiters = append(dev.waiters[:i], dev.waiters[i+1:]...)
			handed = false
			break
		}
	}
	closed := p.closed
	p.mu.Unlock()
	if handed { // a slot arrived as we gave up: pass it on
		p.release(dev)
	}
	if closed {
		return closedErr(t)
	}
	return fault.Wrap(fault.Busy, ctx.Err(), "all %d SSH sessions to %s are in use; waited %s for one (raise max_sessions if the device allows more)",
		max, dev.addr, time.Since(start).Round(time.Millisecond)).WithDevice(t.Device)
}

// release frees a slot, handing it to the first waiter if there is one.
func (p *Pool) release(dev *device) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(dev.waiters) > 0 {
		ch := dev.waiters[0]
		dev.waiters = dev.waiters[1:]
		close(ch)
		return
	}
	dev.inUse--
}

// checkAuthHoldoff fails at once if t's credentials were refused recently.
// The caller holds p.mu.
func (p *Pool) checkAuthHoldoff(t *Target, dev *device) error {
	f := dev.authFail
	if f == nil || p.opts.AuthHoldoff < 0 {
		return nil
	}
	if f.cred != t.credID() || time.Since(f.at) >= p.opts.AuthHoldoff {
		dev.authFail = nil
		return nil
	}
	return fault.Wrap(fault.Auth, f.cause, "not retrying a refused login for %s (until %s or until the credentials change)",
		(p.opts.AuthHoldoff - time.Since(f.at)).Round(time.Second), f.at.Add(p.opts.AuthHoldoff).Format(time.TimeOnly)).WithDevice(t.Device)
}

// noteDial records a dial's outcome.
func (p *Pool) noteDial(t *Target, dev *device, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.totals.dials++
	dev.dials++
	if err == nil {
		return
	}
	p.totals.dialFailures++
	dev.dialFailures++
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Kind == fault.Auth {
		p.totals.authFailures++
		dev.authFailures++
		dev.authFail = &authFailure{cred: t.credID(), at: time.Now(), cause: fe}
	}
}

func (p *Pool) noteReuse(dev *device) {
	p.mu.Lock()
	p.totals.reuses++
	dev.reuses++
	p.mu.Unlock()
}

func (p *Pool) logger(t *Target) *slog.Logger {
	return p.log.With("device", t.Device, "addr", t.addr(), "user", t.User)
}
