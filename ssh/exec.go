package ssh

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

// execSession runs commands on the device's shared exec connection.
type execSession struct {
	handle
	c *conn // nil after the connection was lost and not yet replaced
}

func (p *Pool) openExec(ctx context.Context, t *Target, dev *device) (Session, error) {
	c, err := p.execConn(ctx, t, dev)
	if err != nil {
		return nil, err
	}
	return &execSession{handle: handle{p: p, t: t, dev: dev, masks: t.masked()}, c: c}, nil
}

// execConn returns dev's exec connection, held for one more user, dialing
// it if there is none. Concurrent callers wait for one dial.
func (p *Pool) execConn(ctx context.Context, t *Target, dev *device) (*conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, closedErr(t)
		}
		if c := dev.exec; c != nil {
			if c.alive() && !c.doomed {
				c.users++
				p.totals.reuses++
				dev.reuses++
				p.mu.Unlock()
				c.log.Debug("ssh reuse", "for", "exec")
				return c, nil
			}
			dev.exec = nil
		}
		if ch := dev.dialing; ch != nil {
			p.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, fault.Wrap(fault.Timeout, ctx.Err(), "deadline passed while waiting for the connection to %s", dev.addr).WithDevice(t.Device)
			}
		}
		if err := p.checkAuthHoldoff(t, dev); err != nil {
			p.mu.Unlock()
			return nil, err
		}
		ch := make(chan struct{})
		dev.dialing = ch
		p.mu.Unlock()

		c, err := p.dial(ctx, t, dev, purposeExec)
		p.mu.Lock()
		dev.dialing = nil
		close(ch)
		if err == nil {
			dev.exec = c
			c.users++
		}
		p.mu.Unlock()
		return c, err
	}
}

// releaseConn lets go of an exec connection. A discarded connection is
// handed to no one else and closes when its last user lets go.
func (p *Pool) releaseConn(c *conn, discard bool) {
	p.mu.Lock()
	c.users--
	c.lastUsed = time.Now()
	if discard {
		c.doomed = true
		if c.dev.exec == c {
			c.dev.exec = nil
		}
	}
	closeNow := c.doomed && c.users == 0
	p.mu.Unlock()
	if closeNow {
		p.drop(c, "discarded after a failed operation")
	}
}

func (s *execSession) Exec(ctx context.Context, cmd string) ([]byte, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, -1, s.closedErr()
	}
	// A connection that died while idle (the device closed it, or
	// rebooted) is replaced once: the command has not been sent yet.
	for attempt := 0; ; attempt++ {
		if s.c == nil || !s.c.alive() {
			if s.c != nil {
				s.p.releaseConn(s.c, false)
				s.c = nil
			}
			c, err := s.p.execConn(ctx, s.t, s.dev)
			if err != nil {
				return nil, -1, err
			}
			s.c = c
		}
		ch, err := s.c.newChannel(ctx)
		if err == nil {
			return s.run(ctx, ch, cmd)
		}
		if attempt > 0 || !fault.Is(err, fault.Unreachable) || ctx.Err() != nil {
			return nil, -1, err
		}
	}
}

// newChannel opens a session channel, within ctx. A connection that fails
// to open one, or does not answer before ctx ends, is dropped.
func (c *conn) newChannel(ctx context.Context) (*gossh.Session, error) {
	type result struct {
		s   *gossh.Session
		err error
	}
	res := make(chan result, 1)
	c.p.spawn(func() {
		s, err := c.client.NewSession()
		res <- result{s, err}
	})
	select {
	case r := <-res:
		if r.err == nil {
			return r.s, nil
		}
		var oce *gossh.OpenChannelError
		if errors.As(r.err, &oce) {
			return nil, fault.Wrap(fault.Busy, r.err, "%s refused a new SSH channel; lower the device's max_sessions", c.addr).WithDevice(c.device)
		}
		c.p.drop(c, "opening a channel failed: "+r.err.Error())
		return nil, c.lostErr(r.err, "SSH connection to %s was lost", c.addr)
	case <-ctx.Done():
		c.p.drop(c, "no answer to a channel open before the deadline")
		if r := <-res; r.s != nil {
			r.s.Close()
		}
		return nil, fault.Wrap(fault.Timeout, ctx.Err(), "deadline passed while opening an SSH channel to %s", c.addr).WithDevice(c.device)
	}
}

// startError marks an error from starting the command, not from its run.
type startError struct{ err error }

// run runs cmd on ch and waits for it, within ctx.
func (s *execSession) run(ctx context.Context, ch *gossh.Session, cmd string) ([]byte, int, error) {
	out := &capped{max: s.p.opts.MaxOutput}
	ch.Stdout, ch.Stderr = out, out
	done := make(chan any, 1)
	s.p.spawn(func() {
		if err := ch.Start(cmd); err != nil {
			done <- startError{err}
			return
		}
		done <- ch.Wait()
	})
	var res any
	select {
	case res = <-done:
		ch.Close()
	case <-ctx.Done():
		// Return at the deadline; stopping the command and, on a device that
		// no longer answers, dropping the connection go on in the background.
		c := s.c
		s.p.spawn(func() { c.abandon(ch, done) })
		b, _ := out.snapshot()
		b = maskSecrets(b, s.masks)
		return b, -1, fault.Wrap(fault.Timeout, ctx.Err(), "command %q did not finish before the deadline; its output so far: %s",
			short(string(maskSecrets([]byte(cmd), s.masks)), 200), tail(b, 300)).WithDevice(s.t.Device)
	}
	b, over := out.snapshot()
	b = maskSecrets(b, s.masks)
	qcmd := short(string(maskSecrets([]byte(cmd), s.masks)), 200)
	if over {
		return b, -1, fault.New(fault.Device, "command %q printed more than %d bytes", qcmd, s.p.opts.MaxOutput).WithDevice(s.t.Device)
	}
	var ee *gossh.ExitError
	var missing *gossh.ExitMissingError
	switch err := res.(type) {
	case nil:
		return b, 0, nil
	case startError:
		if !s.c.alive() {
			return b, -1, s.c.lostErr(err.err, "SSH connection to %s was lost starting command %q", s.c.addr, qcmd)
		}
		return b, -1, fault.Wrap(fault.Device, err.err, "%s refused to run command %q", s.c.addr, qcmd).WithDevice(s.t.Device)
	case error:
		switch {
		case errors.As(err, &ee) && ee.Signal() != "":
			return b, -1, fault.New(fault.Device, "command %q was killed by signal %s", qcmd, ee.Signal()).WithDevice(s.t.Device)
		case errors.As(err, &ee):
			return b, ee.ExitStatus(), nil
		case errors.As(err, &missing) && !s.c.lostSoon():
			return b, -1, fault.New(fault.Device, "command %q ended without an exit status", qcmd).WithDevice(s.t.Device)
		}
		s.p.drop(s.c, "lost while running a command")
		return b, -1, s.c.lostErr(err, "SSH connection to %s was lost while running command %q", s.c.addr, qcmd)
	}
	return b, -1, fault.New(fault.Internal, "unexpected result %T", res).WithDevice(s.t.Device)
}

// abandonGrace is how long a command past its deadline gets to stop once
// killed and its channel closed, before its connection is dropped.
const abandonGrace = 2 * time.Second

// abandon kills a command whose caller gave up, closes its channel, and
// drops the connection if the device does not confirm within abandonGrace
// (a hung device never would, and the connection is no use then).
func (c *conn) abandon(ch *gossh.Session, done <-chan any) {
	_ = ch.Signal(gossh.SIGKILL)
	ch.Close()
	t := time.NewTimer(abandonGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		c.p.drop(c, "no answer after stopping a command that passed its deadline")
		<-done
	}
}

// lostSoon reports whether the connection ends within a moment: a channel
// that closes without an exit status is usually the connection going down,
// which the pool notices a little later.
func (c *conn) lostSoon() bool {
	select {
	case <-c.down:
		return true
	case <-time.After(200 * time.Millisecond):
		return !c.alive()
	}
}

func (s *execSession) Send(context.Context, []byte) error { return s.wrongKind("Send", Exec) }
func (s *execSession) SendSecret(context.Context, string) error {
	return s.wrongKind("SendSecret", Exec)
}
func (s *execSession) ReadUntil(context.Context, *regexp.Regexp) ([]byte, error) {
	return nil, s.wrongKind("ReadUntil", Exec)
}

func (s *execSession) Close() error { return s.end(false) }
func (s *execSession) Discard()     { _ = s.end(true) }

func (s *execSession) end(discard bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	s.closed = true
	if s.c != nil {
		s.p.releaseConn(s.c, discard)
		s.c = nil
	}
	s.p.release(s.dev)
	return nil
}

// capped is a writer shared by stdout and stderr that keeps at most max
// bytes and notes whether more came.
type capped struct {
	mu   sync.Mutex
	buf  []byte
	max  int
	over bool
}

func (w *capped) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	room := w.max - len(w.buf)
	if len(b) > room {
		w.over = true
		w.buf = append(w.buf, b[:max(room, 0)]...)
	} else {
		w.buf = append(w.buf, b...)
	}
	return len(b), nil
}

// snapshot returns a copy of what was kept and whether more came.
func (w *capped) snapshot() ([]byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf), w.over
}
