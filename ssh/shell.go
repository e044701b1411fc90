package ssh

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

// settle is how long a shell's output must stay quiet after its base
// prompt before the pool trusts that no further prompt is on its way (a
// Reset line such as ^C can print two). A new shell waits for it after its
// Setup; a pooled shell handed out within settle of its Reset waits out the
// rest before its unread output is discarded.
const settle = 25 * time.Millisecond

// PTY size requested for shells: wide, so that long commands are not
// wrapped and echoed back with line breaks.
const ptyCols, ptyRows = 511, 24

// shell is a logged-in PTY shell with its own connection. It outlives
// sessions: the pool keeps it, at its base prompt, between them.
type shell struct {
	c      *conn
	ch     *gossh.Session
	stdin  io.Writer
	spec   string         // fingerprint of the ShellSpec it was set up with
	prompt *regexp.Regexp // the base prompt, anchored at the end of output
	maxBuf int

	mu     sync.Mutex
	buf    []byte // unread output, secrets masked
	masks  [][]byte
	ended  error // why the output ended (io.EOF when the shell exited)
	over   bool  // more than maxBuf bytes were unread
	notify chan struct{}

	idleSince time.Time // (pool mu) when it went back to the pool
}

// specID fingerprints a ShellSpec: a pooled shell is handed only to
// sessions whose spec matches the one it was set up with.
func specID(s *ShellSpec) string {
	return s.Prompt.String() + "\x00" + strings.Join(s.Setup, "\x01") + "\x00" + strings.Join(s.Reset, "\x01")
}

func anchored(re *regexp.Regexp) *regexp.Regexp {
	return regexp.MustCompile(`(?:` + re.String() + `)\z`)
}

func (p *Pool) openShell(ctx context.Context, t *Target, dev *device) (Session, error) {
	id := specID(t.Shell)
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, closedErr(t)
		}
		var sh *shell
		var since time.Time
		if n := len(dev.idle); n > 0 {
			sh = dev.idle[n-1]
			dev.idle = dev.idle[:n-1]
			since = sh.idleSince
		}
		p.mu.Unlock()
		if sh == nil {
			break
		}
		if sh.spec != id {
			p.drop(sh.c, "pooled shell was set up for another shell spec")
			continue
		}
		sh.setMasks(t.masked())
		err := sh.check(ctx, since, p.opts.ResetTimeout)
		if err == nil {
			p.noteReuse(dev)
			sh.c.log.Debug("ssh reuse", "for", "shell")
			return p.newShellSession(t, dev, sh), nil
		}
		p.drop(sh.c, "pooled shell did not show its prompt: "+err.Error())
		if ctx.Err() != nil {
			return nil, err
		}
	}

	p.mu.Lock()
	err := p.checkAuthHoldoff(t, dev)
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	c, err := p.dial(ctx, t, dev, purposeShell)
	if err != nil {
		return nil, err
	}
	sh, err := p.startShell(ctx, t, c)
	if err != nil {
		p.drop(c, "shell setup failed")
		return nil, err
	}
	return p.newShellSession(t, dev, sh), nil
}

func (p *Pool) newShellSession(t *Target, dev *device, sh *shell) *shellSession {
	return &shellSession{handle: handle{p: p, t: t, dev: dev, masks: t.masked()}, sh: sh}
}

// startShell opens a PTY shell on c, waits for its base prompt and sends
// the Setup lines.
func (p *Pool) startShell(ctx context.Context, t *Target, c *conn) (*shell, error) {
	ch, err := c.newChannel(ctx)
	if err != nil {
		return nil, err
	}
	sh := &shell{
		c:      c,
		ch:     ch,
		spec:   specID(t.Shell),
		prompt: anchored(t.Shell.Prompt),
		maxBuf: p.opts.MaxOutput,
		masks:  t.masked(),
		notify: make(chan struct{}, 1),
	}
	// The PTY and shell requests wait for the device's answer; run them
	// where a deadline can cut them off (by closing the connection).
	started := make(chan error, 1)
	p.spawn(func() { started <- sh.request(p) })
	select {
	case err = <-started:
	case <-ctx.Done():
		p.drop(c, "shell request not answered before the deadline")
		<-started
		return nil, fault.Wrap(fault.Timeout, ctx.Err(), "deadline passed while starting a shell on %s", c.addr).WithDevice(t.Device)
	}
	if err != nil {
		if !c.alive() {
			return nil, c.lostErr(err, "SSH connection to %s was lost starting a shell", c.addr)
		}
		return nil, fault.Wrap(fault.Unsupported, err, "%s refused a PTY shell; use an exec driver for this device", c.addr).WithDevice(t.Device)
	}
	p.mu.Lock()
	c.sh = sh
	p.mu.Unlock()

	if err := sh.waitPrompt(ctx, true); err != nil {
		return nil, sh.promptErr(t, err, "the new shell's prompt")
	}
	for i, line := range t.Shell.Setup {
		if err := sh.write(ctx, []byte(line+"\n")); err != nil {
			return nil, sh.promptErr(t, err, "sending setup line")
		}
		if err := sh.waitPrompt(ctx, i == len(t.Shell.Setup)-1); err != nil {
			return nil, sh.promptErr(t, err, "the prompt after setup line "+quote(line))
		}
	}
	return sh, nil
}

// request asks for the PTY and the shell and starts the output reader.
func (sh *shell) request(p *Pool) error {
	modes := gossh.TerminalModes{gossh.ECHO: 1, gossh.TTY_OP_ISPEED: 38400, gossh.TTY_OP_OSPEED: 38400}
	if err := sh.ch.RequestPty("vt100", ptyRows, ptyCols, modes); err != nil {
		return err
	}
	in, err := sh.ch.StdinPipe()
	if err != nil {
		return err
	}
	out, err := sh.ch.StdoutPipe()
	if err != nil {
		return err
	}
	if err := sh.ch.Shell(); err != nil {
		return err
	}
	sh.stdin = in
	p.spawn(func() { sh.read(out) })
	return nil
}

// read moves the shell's output into buf until it ends.
func (sh *shell) read(r io.Reader) {
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			sh.mu.Lock()
			if len(sh.buf)+n > sh.maxBuf {
				sh.over = true
			} else {
				old := len(sh.buf)
				sh.buf = append(sh.buf, chunk[:n]...)
				sh.maskFrom(old)
			}
			sh.mu.Unlock()
			sh.wake()
		}
		if err != nil {
			sh.mu.Lock()
			sh.ended = err
			sh.mu.Unlock()
			sh.wake()
			return
		}
	}
}

func (sh *shell) wake() {
	select {
	case sh.notify <- struct{}{}:
	default:
	}
}

// maskFrom masks secrets in output that arrived from offset old on,
// including a secret split across the previous chunk. Caller holds sh.mu.
func (sh *shell) maskFrom(old int) {
	for _, s := range sh.masks {
		from := max(0, old-len(s)+1)
		if bytes.Contains(sh.buf[from:], s) {
			masked := bytes.ReplaceAll(sh.buf[from:], s, []byte(mask))
			sh.buf = append(sh.buf[:from], masked...)
		}
	}
}

func (sh *shell) setMasks(m [][]byte) {
	sh.mu.Lock()
	sh.masks = m
	sh.mu.Unlock()
}

func (sh *shell) clear() {
	sh.mu.Lock()
	sh.buf = sh.buf[:0]
	sh.mu.Unlock()
}

// errEnded and errOverflow are the causes waitFor reports besides ctx's.
var (
	errEnded    = errors.New("the shell's output ended")
	errOverflow = errors.New("too much unread output")
)

// waitFor waits until match finds an end offset in the unread output, then
// returns the output up to it and, when consume is set, removes it.
func (sh *shell) waitFor(ctx context.Context, match func([]byte) (int, bool), consume bool) ([]byte, error) {
	for {
		sh.mu.Lock()
		if n, ok := match(sh.buf); ok {
			out := bytes.Clone(sh.buf[:n])
			if consume {
				sh.buf = append(sh.buf[:0], sh.buf[n:]...)
			}
			sh.mu.Unlock()
			return out, nil
		}
		ended, over := sh.ended, sh.over
		sh.mu.Unlock()
		switch {
		case over:
			return nil, errOverflow
		case ended != nil:
			return nil, errEnded
		}
		select {
		case <-sh.notify:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// waitPrompt waits until the output ends with the base prompt and, with
// settle, stays quiet for a moment; then it clears the output.
func (sh *shell) waitPrompt(ctx context.Context, quiet bool) error {
	atEnd := func(b []byte) (int, bool) { return len(b), sh.prompt.Match(b) }
	for {
		if _, err := sh.waitFor(ctx, atEnd, false); err != nil {
			return err
		}
		if !quiet {
			sh.clear()
			return nil
		}
		sh.mu.Lock()
		n := len(sh.buf)
		sh.mu.Unlock()
		t := time.NewTimer(settle)
		select {
		case <-t.C:
			sh.mu.Lock()
			same := len(sh.buf) == n
			if same {
				sh.buf = sh.buf[:0]
			}
			sh.mu.Unlock()
			if same {
				return nil
			}
		case <-sh.notify:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// check makes sure a pooled shell still answers: it discards what arrived
// while it was idle (waiting until settle has passed since its reset), sends
// an empty line and waits for the base prompt.
func (sh *shell) check(ctx context.Context, idleSince time.Time, bound time.Duration) error {
	if !sh.c.alive() {
		return errEnded
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	if wait := settle - time.Since(idleSince); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	sh.clear()
	if err := sh.write(ctx, []byte("\n")); err != nil {
		return err
	}
	return sh.waitPrompt(ctx, false)
}

// reset sends the Reset lines (or an empty line) and waits for the base
// prompt after each, within bound. Output still on its way (a second
// prompt) is discarded when the shell is next handed out.
func (sh *shell) reset(lines []string, bound time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	if len(lines) == 0 {
		lines = []string{""}
	}
	for _, line := range lines {
		sh.clear()
		if err := sh.write(ctx, []byte(line+"\n")); err != nil {
			return err
		}
		if err := sh.waitPrompt(ctx, false); err != nil {
			return err
		}
	}
	return nil
}

// write sends data within ctx. A write still blocked when ctx ends drops
// the connection (which unblocks it).
func (sh *shell) write(ctx context.Context, data []byte) error {
	done := make(chan error, 1)
	sh.c.p.spawn(func() {
		_, err := sh.stdin.Write(data)
		done <- err
	})
	select {
	case err := <-done:
		if err != nil {
			sh.c.p.drop(sh.c, "writing to the shell failed")
			return sh.c.lostErr(err, "SSH connection to %s was lost writing to the shell", sh.c.addr)
		}
		return nil
	case <-ctx.Done():
		sh.c.p.drop(sh.c, "write to the shell blocked past the deadline")
		<-done
		return fault.Wrap(fault.Timeout, ctx.Err(), "deadline passed while writing to the shell on %s", sh.c.addr).WithDevice(sh.c.device)
	}
}

// promptErr explains a prompt that did not come.
func (sh *shell) promptErr(t *Target, err error, what string) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	sh.mu.Lock()
	got := tail(sh.buf, 300)
	sh.mu.Unlock()
	k := fault.Timeout
	switch {
	case errors.Is(err, errEnded):
		k = fault.Unreachable
	case errors.Is(err, errOverflow):
		k = fault.Device
	}
	return fault.Wrap(k, err, "waiting for %s on %s: expected output ending with %s; received %s",
		what, sh.c.addr, quote(t.Shell.Prompt.String()), got).WithDevice(t.Device)
}

func quote(s string) string { return "`" + s + "`" }

// shellSession is one session's use of a shell.
type shellSession struct {
	handle
	sh     *shell
	broken bool // the shell's state is unknown: never pool it again
}

func (s *shellSession) Exec(context.Context, string) ([]byte, int, error) {
	return nil, -1, s.wrongKind("Exec", Interactive)
}

func (s *shellSession) Send(ctx context.Context, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	if err := s.sh.write(ctx, data); err != nil {
		s.broken = true
		return err
	}
	return nil
}

func (s *shellSession) SendSecret(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	secret, ok := s.t.secret(name)
	if !ok {
		var names []string
		for n := range s.t.Secrets {
			names = append(names, n)
		}
		slices.Sort(names)
		return fault.New(fault.NotFound, "the device has no secret named %q (it has: %s); configure it in the inventory (e.g. enable_secret_file)",
			name, strings.Join(names, ", ")).WithDevice(s.t.Device)
	}
	line := make([]byte, 0, len(secret)+1)
	line = append(append(line, secret...), '\n')
	err := s.sh.write(ctx, line)
	clear(line)
	if err != nil {
		s.broken = true
		return err
	}
	s.sh.c.log.Debug("ssh secret typed", "secret", name)
	return nil
}

func (s *shellSession) ReadUntil(ctx context.Context, re *regexp.Regexp) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, s.closedErr()
	}
	if re == nil {
		return nil, fault.New(fault.Invalid, "ReadUntil needs a pattern").WithDevice(s.t.Device)
	}
	start := time.Now()
	out, err := s.sh.waitFor(ctx, func(b []byte) (int, bool) {
		if loc := re.FindIndex(b); loc != nil {
			return loc[1], true
		}
		return 0, false
	}, true)
	if err == nil {
		return out, nil
	}
	s.sh.mu.Lock()
	got := tail(s.sh.buf, 300)
	s.sh.mu.Unlock()
	switch {
	case errors.Is(err, errEnded):
		s.broken = true
		return nil, fault.Wrap(fault.Unreachable, err, "the shell on %s closed while waiting for %s; received %s",
			s.dev.addr, quote(re.String()), got).WithDevice(s.t.Device)
	case errors.Is(err, errOverflow):
		s.broken = true
		return nil, fault.New(fault.Device, "more than %d bytes of output on %s without a match for %s; received %s",
			s.p.opts.MaxOutput, s.dev.addr, quote(re.String()), got).WithDevice(s.t.Device)
	}
	return nil, fault.Wrap(fault.Timeout, err, "waited %s on %s for output matching %s; received %s",
		time.Since(start).Round(time.Millisecond), s.dev.addr, quote(re.String()), got).WithDevice(s.t.Device)
}

func (s *shellSession) Close() error { return s.end(false) }
func (s *shellSession) Discard()     { _ = s.end(true) }

// end resets the shell and returns it to the pool, or closes it.
func (s *shellSession) end(discard bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	s.closed = true
	defer s.p.release(s.dev)
	sh := s.sh
	switch {
	case discard:
		s.p.drop(sh.c, "discarded after a failed operation")
		return nil
	case s.broken || !sh.c.alive():
		s.p.drop(sh.c, "shell broken")
		return nil
	}
	if err := sh.reset(s.t.Shell.Reset, s.p.opts.ResetTimeout); err != nil {
		sh.mu.Lock()
		got := tail(sh.buf, 200)
		sh.mu.Unlock()
		s.p.drop(sh.c, "shell did not return to its base prompt after reset ("+err.Error()+"); last output "+got)
		return nil
	}
	s.p.mu.Lock()
	closed := s.p.closed
	if !closed {
		sh.idleSince = time.Now()
		s.dev.idle = append(s.dev.idle, sh)
	}
	s.p.mu.Unlock()
	if closed {
		s.p.drop(sh.c, "pool closed")
	}
	return nil
}
