package drivertest

import (
	"context"
	"log/slog"
	"regexp"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/sdk"
)

// Host returns an sdk.Host backed by d and settings, for running a driver's
// Go code natively: sdk.Dispatch(drivertest.Host(d, settings), op, input).
func Host(d *Device, settings map[string]string) sdk.Host {
	return &nativeHost{d: d, settings: settings}
}

type nativeHost struct {
	d        *Device
	settings map[string]string
}

func (h *nativeHost) Setting(key string) (string, bool) {
	v, ok := h.settings[key]
	return v, ok
}

func (h *nativeHost) Log(level slog.Level, msg string) {
	h.d.tb.Logf("driver log [%v]: %s", level, msg)
}

func (h *nativeHost) Open(kind sdk.SessionKind) (sdk.Session, error) {
	s, err := h.d.Open(context.Background(), int32(kind))
	if err != nil {
		return nil, err
	}
	return &nativeSession{s: s.(*session)}, nil
}

func (h *nativeHost) Sleep(time.Duration) error { return nil }

type nativeSession struct{ s *session }

func (n *nativeSession) Exec(cmd string) (string, int, error) {
	out, status, err := n.s.Exec(context.Background(), cmd)
	return string(out), status, asSDK(err)
}

func (n *nativeSession) Send(text string) error {
	return asSDK(n.s.Send(context.Background(), []byte(text)))
}

func (n *nativeSession) SendSecret(name string) error {
	return asSDK(n.s.SendSecret(context.Background(), name))
}

func (n *nativeSession) ReadUntil(pattern string, _ time.Duration) (string, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", sdk.Errorf("driver", "bad pattern %q: %v", pattern, err)
	}
	out, err := n.s.ReadUntil(context.Background(), re)
	return string(out), asSDK(err)
}

func (n *nativeSession) Close() error { return nil }

// asSDK gives a host-side error the kind a wasm guest would see.
func asSDK(err error) error {
	if err == nil {
		return nil
	}
	return &sdk.Error{Kind: fault.KindOf(err).String(), Message: err.Error()}
}
