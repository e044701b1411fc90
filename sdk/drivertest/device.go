package drivertest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
)

// Device is a scripted fake device. It is safe for one driver call at a
// time.
type Device struct {
	tb     testing.TB
	name   string
	banner string // printed when an interactive session opens

	mu      sync.Mutex
	script  Script
	pos     int
	sent    []string
	pending strings.Builder // interactive output not yet read
	opened  int
	errs    []string
}

// NewDevice returns a device named name that expects script.
func NewDevice(tb testing.TB, name string, script Script) *Device {
	return &Device{tb: tb, name: name, script: script}
}

// WithBanner sets what an interactive session prints on open (a prompt).
func (d *Device) WithBanner(s string) *Device {
	d.banner = s
	return d
}

// Sent returns every command and line the driver sent.
func (d *Device) Sent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.sent...)
}

// Opened returns how many sessions the driver opened.
func (d *Device) Opened() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opened
}

// Check fails the test unless the driver sent exactly the script.
func (d *Device) Check() {
	d.tb.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range d.errs {
		d.tb.Error(e)
	}
	if d.pos < len(d.script) {
		var rest []string
		for _, s := range d.script[d.pos:] {
			rest = append(rest, s.Cmd)
		}
		d.tb.Errorf("%s: driver did not send the rest of the script:\n  %s\nit sent:\n  %s", d.name, strings.Join(rest, "\n  "), strings.Join(d.sent, "\n  "))
	}
}

// next consumes the next step, which must be cmd.
func (d *Device) next(cmd string) (Step, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, cmd)
	if d.pos >= len(d.script) {
		e := fmt.Sprintf("%s: unexpected command %q after the script ended", d.name, cmd)
		d.errs = append(d.errs, e)
		return Step{}, fault.New(fault.Device, "%s", e)
	}
	st := d.script[d.pos]
	if st.Cmd != cmd {
		e := fmt.Sprintf("%s: step %d: driver sent %q, script expects %q", d.name, d.pos+1, cmd, st.Cmd)
		d.errs = append(d.errs, e)
		return Step{}, fault.New(fault.Device, "%s", e)
	}
	d.pos++
	return st, st.Fail
}

// Open implements hostfuncs.Dialer.
func (d *Device) Open(_ context.Context, kind int32) (hostfuncs.Session, error) {
	d.mu.Lock()
	d.opened++
	if kind == 1 {
		d.pending.WriteString(d.banner)
	}
	d.mu.Unlock()
	return &session{d: d}, nil
}

type session struct{ d *Device }

func (s *session) Exec(_ context.Context, cmd string) ([]byte, int, error) {
	st, err := s.d.next(cmd)
	if err != nil {
		return nil, -1, err
	}
	return []byte(st.Out), st.Status, nil
}

func (s *session) Send(_ context.Context, data []byte) error {
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		st, err := s.d.next(strings.TrimRight(line, "\r\n"))
		if err != nil {
			return err
		}
		s.d.mu.Lock()
		s.d.pending.WriteString(st.Out)
		s.d.mu.Unlock()
	}
	return nil
}

func (s *session) SendSecret(ctx context.Context, name string) error {
	return s.Send(ctx, []byte("<secret "+name+">\n"))
}

func (s *session) ReadUntil(_ context.Context, re *regexp.Regexp) ([]byte, error) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	buf := s.d.pending.String()
	loc := re.FindStringIndex(buf)
	if loc == nil {
		return nil, fault.New(fault.Timeout, "%s: waiting for %q, device printed %q", s.d.name, re.String(), buf)
	}
	s.d.pending.Reset()
	s.d.pending.WriteString(buf[loc[1]:])
	return []byte(buf[:loc[1]]), nil
}

func (s *session) Close() error { return nil }
func (s *session) Discard()     {}
