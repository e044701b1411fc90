package ssh

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sync"
	"unicode/utf8"

	"github.com/openmercury/mercury/fault"
)

// Session is an open session to one device, from Pool.Open. A session is
// used by one goroutine at a time. Every method honours ctx's deadline: when
// it passes, the method returns a fault.Timeout error. A broken connection is
// fault.Unreachable. Errors name the device.
//
// Exec works on Exec sessions; Send, SendSecret and ReadUntil on
// Interactive ones; the others return fault.Invalid.
type Session interface {
	// Exec runs cmd on its own channel and returns stdout and stderr
	// combined, and the exit status. A command that ran and exited non-zero
	// is not an error: err is nil and exitStatus says how it ended.
	Exec(ctx context.Context, cmd string) (out []byte, exitStatus int, err error)
	// Send writes data to the shell as is (add "\n" to end a line).
	Send(ctx context.Context, data []byte) error
	// SendSecret types the Target's secret called name, then "\n". The
	// secret never appears in output ReadUntil returns (it reads
	// "********"), in logs or in errors. An unknown name is fault.NotFound.
	SendSecret(ctx context.Context, name string) error
	// ReadUntil returns the shell's output up to and including the first
	// match of re, consuming it; output after the match stays unread. When
	// ctx ends first, the error says what was expected and shows the tail of
	// what was received.
	ReadUntil(ctx context.Context, re *regexp.Regexp) ([]byte, error)
	// Close ends the session and keeps what it used for the next Open: the
	// exec connection, or the shell once Reset brings back its base prompt
	// (otherwise the shell is closed). It returns an error only when the
	// session was already closed.
	Close() error
	// Discard ends the session and closes the shell or connection it used
	// (an exec connection closes once no other session uses it). Use it
	// after a failure that leaves the session's state unknown.
	Discard()
}

// handle is the part every session kind shares: its device slot, and
// whether it has been closed.
type handle struct {
	p      *Pool
	t      *Target
	dev    *device
	masks  [][]byte
	mu     sync.Mutex // serialises the session's operations
	closed bool
}

// wrongKind refuses a method the session's kind does not have.
func (h *handle) wrongKind(method string, have Kind) error {
	if have == Interactive {
		return fault.New(fault.Invalid, "%s needs an exec session; this one is interactive (use Send and ReadUntil)", method).WithDevice(h.t.Device)
	}
	return fault.New(fault.Invalid, "%s needs an interactive session; this one is exec (use Exec)", method).WithDevice(h.t.Device)
}

func (h *handle) closedErr() error {
	return fault.New(fault.Invalid, "session to %s is already closed", h.dev.addr).WithDevice(h.t.Device)
}

// maskSecrets replaces every secret in b, in place when lengths allow.
func maskSecrets(b []byte, secrets [][]byte) []byte {
	for _, s := range secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(mask))
		}
	}
	return b
}

// tail returns the end of b, at most n bytes, for error messages.
func tail(b []byte, n int) string {
	if len(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	b = b[len(b)-n:]
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return fmt.Sprintf("…%q", b)
}

// short returns s cut to n bytes for error messages.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
