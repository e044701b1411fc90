package ssh

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

// conn is one SSH connection in the pool: either the device's shared exec
// connection or the connection of one shell. Fields marked (mu) are guarded
// by the pool's mutex.
type conn struct {
	p      *Pool
	dev    *device
	device string // device name, for errors
	addr   string
	log    *slog.Logger
	client *gossh.Client

	users    int       // (mu) exec sessions holding it
	lastUsed time.Time // (mu) when the last exec session let go of it
	doomed   bool      // (mu) close when the last user lets go; hand it to no one
	forShell bool      // it carries one shell, not exec sessions
	sh       *shell    // (mu) the shell it carries, once started

	dropOnce sync.Once
	gone     atomic.Bool   // set when the pool dropped it
	down     chan struct{} // closed when the connection has ended
}

// What a connection is dialed for.
const (
	purposeExec  = "exec"
	purposeShell = "shell"
)

// dial connects and logs in to t, and starts the connection's keepalive
// and idle watch. Errors are *fault.Error naming the device.
func (p *Pool) dial(ctx context.Context, t *Target, dev *device, purpose string) (*conn, error) {
	c, err := p.dialOnce(ctx, t, dev, purpose)
	p.noteDial(t, dev, err)
	return c, err
}

func (p *Pool) dialOnce(ctx context.Context, t *Target, dev *device, purpose string) (*conn, error) {
	log := p.logger(t)
	addr := t.addr()
	hk, hostAlgos, err := hostKeyCheck(t)
	if err != nil {
		return nil, err
	}
	cfg := &gossh.ClientConfig{
		User:              t.User,
		Auth:              authMethods(t),
		HostKeyCallback:   hk,
		HostKeyAlgorithms: hostAlgos,
	}
	cfg.KeyExchanges = t.Algorithms.KeyExchanges
	cfg.Ciphers = t.Algorithms.Ciphers
	cfg.MACs = t.Algorithms.MACs
	if len(t.Algorithms.HostKeyAlgorithms) > 0 {
		cfg.HostKeyAlgorithms = t.Algorithms.HostKeyAlgorithms
	}
	if t.InsecureIgnoreHostKey {
		log.Warn("ssh host key NOT checked (insecure_ignore_host_key is set); the connection can be intercepted")
	}

	dctx, cancel := context.WithTimeout(ctx, p.opts.DialTimeout)
	defer cancel()
	start := time.Now()
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, p.dialError(ctx, dctx, t, err, "cannot connect to %s (is the device up and its SSH server listening?)", addr)
	}
	stop := context.AfterFunc(dctx, func() { nc.Close() })
	if dl, ok := dctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, cfg)
	if !stop() && err == nil {
		cc.Close()
		err = context.DeadlineExceeded
	}
	if err != nil {
		nc.Close()
		var fe *fault.Error
		var ane *gossh.AlgorithmNegotiationError
		switch {
		case errors.As(err, &fe):
			log.Warn("ssh host key refused", "error", fe.Msg)
			return nil, fe
		case strings.Contains(err.Error(), "unable to authenticate"):
			log.Warn("ssh login refused; not retrying")
			return nil, fault.Wrap(fault.Auth, err, "%s refused SSH login as %q; check the device's username and "+
				"password_file/key_file (a refused login is not retried)", addr, t.User).WithDevice(t.Device)
		case errors.As(err, &ane):
			return nil, fault.Wrap(fault.Unsupported, err, "%s and Mercury share no %s algorithm; "+
				"set the device's ssh_algorithms to one it offers", addr, ane.What).WithDevice(t.Device)
		}
		return nil, p.dialError(ctx, dctx, t, err, "SSH handshake with %s failed", addr)
	}
	_ = nc.SetDeadline(time.Time{})

	c := &conn{
		p:        p,
		dev:      dev,
		device:   t.Device,
		addr:     addr,
		log:      log,
		client:   gossh.NewClient(cc, chans, reqs),
		forShell: purpose == purposeShell,
		down:     make(chan struct{}),
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.client.Close()
		return nil, closedErr(t)
	}
	dev.conns[c] = struct{}{}
	c.lastUsed = time.Now()
	p.mu.Unlock()
	p.spawn(c.run)
	log.Info("ssh connected", "for", purpose, "took", time.Since(start).Round(time.Millisecond))
	return c, nil
}

// dialError classifies a failed connect or handshake: the caller's
// deadline is a Timeout, anything else (refused, reset, our own dial
// timeout) leaves the device Unreachable.
func (p *Pool) dialError(ctx, dctx context.Context, t *Target, err error, format string, args ...any) error {
	switch {
	case expired(ctx):
		return fault.Wrap(fault.Timeout, context.DeadlineExceeded, "deadline passed while connecting to %s", t.addr()).WithDevice(t.Device)
	case expired(dctx):
		return fault.Wrap(fault.Unreachable, err, "no SSH answer from %s within %s", t.addr(), p.opts.DialTimeout).WithDevice(t.Device)
	}
	return fault.Wrap(fault.Unreachable, err, format, args...).WithDevice(t.Device)
}

// authMethods offers the key first, then the password (plain and through
// keyboard-interactive, which many devices use instead).
func authMethods(t *Target) []gossh.AuthMethod {
	var m []gossh.AuthMethod
	if t.Signer != nil {
		m = append(m, gossh.PublicKeys(t.Signer))
	}
	if len(t.Password) > 0 {
		pw := string(t.Password)
		m = append(m, gossh.Password(pw))
		m = append(m, gossh.KeyboardInteractive(func(_, _ string, questions []string, echos []bool) ([]string, error) {
			answers := make([]string, len(questions))
			for i := range questions {
				if echos[i] {
					answers[i] = t.User
				} else {
					answers[i] = pw
				}
			}
			return answers, nil
		}))
	}
	return m
}

// run watches the connection: it sends keepalives, closes the connection
// when it has been idle too long, and drops it from the pool when it ends.
func (c *conn) run() {
	ended := make(chan error, 1)
	c.p.spawn(func() { ended <- c.client.Wait() })
	idle := time.NewTicker(min(max(c.p.opts.IdleTimeout/4, 5*time.Millisecond), 30*time.Second))
	defer idle.Stop()
	var keepalive <-chan time.Time
	if c.p.opts.Keepalive > 0 {
		k := time.NewTicker(c.p.opts.Keepalive)
		defer k.Stop()
		keepalive = k.C
	}
	for {
		select {
		case err := <-ended:
			reason := "closed by the device"
			if err != nil && !errors.Is(err, net.ErrClosed) {
				reason = "connection lost: " + err.Error()
			}
			c.p.drop(c, reason)
			close(c.down)
			return
		case <-keepalive:
			c.keepalive()
		case <-idle.C:
			if c.p.takeIfIdle(c) {
				c.p.drop(c, "idle for "+c.p.opts.IdleTimeout.String())
			}
		}
	}
}

// keepalive sends one keepalive@openssh.com request and drops the
// connection if it fails or gets no answer within one interval.
func (c *conn) keepalive() {
	res := make(chan error, 1)
	c.p.spawn(func() {
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		res <- err
	})
	t := time.NewTimer(c.p.opts.Keepalive)
	defer t.Stop()
	select {
	case err := <-res:
		if err != nil {
			c.p.drop(c, "keepalive failed: "+err.Error())
		}
	case <-t.C:
		c.p.drop(c, "no answer to keepalive within "+c.p.opts.Keepalive.String())
	}
}

// alive reports whether the connection is still in use by the pool.
func (c *conn) alive() bool { return !c.gone.Load() }

// takeIfIdle removes c from its device's idle places if it has been idle
// for IdleTimeout, and reports whether it did; the caller then drops it.
func (p *Pool) takeIfIdle(c *conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	dev := c.dev
	if c.forShell { // idle only while its shell waits in the pool
		for i, s := range dev.idle {
			if s == c.sh && time.Since(s.idleSince) >= p.opts.IdleTimeout {
				dev.idle = append(dev.idle[:i], dev.idle[i+1:]...)
				return true
			}
		}
		return false
	}
	if c.users == 0 && time.Since(c.lastUsed) >= p.opts.IdleTimeout {
		if dev.exec == c {
			dev.exec = nil
		}
		return true
	}
	return false
}

// drop closes c and forgets it; only the first call does anything.
func (p *Pool) drop(c *conn, reason string) {
	first := false
	c.dropOnce.Do(func() { first = true })
	if !first {
		return
	}
	c.gone.Store(true)
	p.mu.Lock()
	dev := c.dev
	delete(dev.conns, c)
	if dev.exec == c {
		dev.exec = nil
	}
	for i, s := range dev.idle {
		if s.c == c {
			dev.idle = append(dev.idle[:i], dev.idle[i+1:]...)
			break
		}
	}
	p.totals.drops++
	dev.drops++
	p.mu.Unlock()
	c.client.Close()
	c.log.Info("ssh connection closed", "reason", reason)
}

// lostErr is the error for an operation that found its connection gone.
func (c *conn) lostErr(err error, format string, args ...any) error {
	return fault.Wrap(fault.Unreachable, err, format, args...).WithDevice(c.device)
}

// expired reports whether ctx has ended or its deadline has passed (a
// socket deadline set from it can fire a moment before ctx's own timer).
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}
