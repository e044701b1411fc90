package drivertest

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/sdk"
)

// Host returns an sdk.Host backed by d and settings, for running a driver's
// Go code natively: sdk.Dispatch(drivertest.Host(d, settings), op, input).
func Host(d *Device, settings map[string]string) sdk.Host {
	h := NativeHost(context.Background(), d, settings, func(msg string) { d.tb.Log(msg) }).(*nativeHost)
	h.noSleep = true
	return h
}

// NativeHost returns an sdk.Host whose sessions come from dialer — a
// scripted Device, or a real device reached through an ssh.Pool — so that
// a driver's Go code runs natively against it. log receives the driver's
// log lines (nil discards them). ctx bounds every session call: give it
// the operation's deadline.
func NativeHost(ctx context.Context, dialer hostfuncs.Dialer, settings map[string]string, log func(string)) sdk.Host {
	return &nativeHost{ctx: ctx, dialer: dialer, settings: settings, log: log}
}

type nativeHost struct {
	ctx      context.Context
	dialer   hostfuncs.Dialer
	settings map[string]string
	log      func(string)
	noSleep  bool // a scripted device answers at once: sleeping only slows tests
}

func (h *nativeHost) Setting(key string) (string, bool) {
	v, ok := h.settings[key]
	return v, ok
}

func (h *nativeHost) Log(level slog.Level, msg string) {
	if h.log != nil {
		h.log(fmt.Sprintf("driver log [%v]: %s", level, msg))
	}
}

func (h *nativeHost) Open(kind sdk.SessionKind) (sdk.Session, error) {
	s, err := h.dialer.Open(h.ctx, int32(kind))
	if err != nil {
		return nil, asSDK(err)
	}
	return &nativeSession{ctx: h.ctx, s: s}, nil
}

func (h *nativeHost) Sleep(d time.Duration) error {
	if h.noSleep {
		return nil
	}
	if dl, ok := h.ctx.Deadline(); ok && time.Until(dl) < d {
		// As the host's sleep_ms: a sleep that would outlast the deadline
		// fails at once.
		return sdk.Errorf("timeout", "a sleep of %v would outlast the operation's deadline", d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-h.ctx.Done():
		return sdk.Errorf("timeout", "sleep cut short by the operation's deadline")
	}
}

type nativeSession struct {
	ctx context.Context
	s   hostfuncs.Session
}

func (n *nativeSession) Exec(cmd string) (string, int, error) {
	out, status, err := n.s.Exec(n.ctx, cmd)
	return string(out), status, asSDK(err)
}

func (n *nativeSession) Send(text string) error {
	return asSDK(n.s.Send(n.ctx, []byte(text)))
}

func (n *nativeSession) SendSecret(name string) error {
	return asSDK(n.s.SendSecret(n.ctx, name))
}

func (n *nativeSession) ReadUntil(pattern string, _ time.Duration) (string, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", sdk.Errorf("driver", "bad pattern %q: %v", pattern, err)
	}
	out, err := n.s.ReadUntil(n.ctx, re)
	return string(out), asSDK(err)
}

func (n *nativeSession) Close() error { return asSDK(n.s.Close()) }

// asSDK gives a host-side error the kind a wasm guest would see.
func asSDK(err error) error {
	if err == nil {
		return nil
	}
	return &sdk.Error{Kind: fault.KindOf(err).String(), Message: err.Error()}
}
