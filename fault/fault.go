package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so callers can branch on it without parsing text.
type Kind uint8

// The kinds, from the caller's point of view.
const (
	// Internal is a bug or an unexpected condition inside Mercury.
	Internal Kind = iota
	// Invalid means the request itself is malformed or out of range.
	Invalid
	// NotFound means a named thing (device, driver, port, VLAN) does not exist.
	NotFound
	// Denied means policy forbids the request (VLAN deny-list, protected port,
	// a session to a device the call did not name).
	Denied
	// Unsupported means the driver or device cannot do what was asked.
	Unsupported
	// Timeout means the operation's deadline passed (lock wait included).
	Timeout
	// Unreachable means the device could not be reached or the connection broke.
	Unreachable
	// Auth means the device refused Mercury's credentials; never retried.
	Auth
	// HostKey means the device's SSH host key is unknown or has changed.
	HostKey
	// Device means the device rejected a command or reported an error.
	Device
	// Driver means the driver misbehaved: trapped, panicked, ran out of
	// memory, broke the ABI or returned a malformed reply.
	Driver
	// Busy means a resource (lock, pool, device configuration database) is held.
	Busy
	// Conflict means the request contradicts the device's state (for example
	// deleting a VLAN a port still carries without force).
	Conflict
)

var kindNames = [...]string{
	Internal:    "internal",
	Invalid:     "invalid",
	NotFound:    "not_found",
	Denied:      "denied",
	Unsupported: "unsupported",
	Timeout:     "timeout",
	Unreachable: "unreachable",
	Auth:        "auth",
	HostKey:     "host_key",
	Device:      "device",
	Driver:      "driver",
	Busy:        "busy",
	Conflict:    "conflict",
}

// String returns the kind's stable snake_case name, used in logs and metrics.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind returns the Kind named s, and false if there is none.
func ParseKind(s string) (Kind, bool) {
	for k, n := range kindNames {
		if n == s {
			return Kind(k), true
		}
	}
	return Internal, false
}

// Error is Mercury's error. Build one with New or Wrap; add context with the
// With methods, which return a copy.
type Error struct {
	Kind   Kind
	Device string // device name, when the error concerns one
	Port   string // port name, when the error concerns one
	Msg    string // what went wrong and, where known, the fix
	Err    error  // the cause, if any
}

// New returns an Error of kind k with a formatted message.
func New(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of kind k whose cause is err.
func Wrap(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...), Err: err}
}

// WithDevice returns a copy of e that names the device.
func (e *Error) WithDevice(device string) *Error {
	c := *e
	c.Device = device
	return &c
}

// WithPort returns a copy of e that names the port.
func (e *Error) WithPort(port string) *Error {
	c := *e
	c.Port = port
	return &c
}

// Error renders "device port: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Device != "" {
		b.WriteString(e.Device)
		if e.Port != "" {
			b.WriteString(" ")
			b.WriteString(e.Port)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the first *Error in err's chain, or Internal
// when there is none. A nil err has no kind; KindOf(nil) returns Internal.
func KindOf(err error) Kind {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return Internal
}

// Is reports whether err's chain holds an *Error of kind k.
func Is(err error, k Kind) bool {
	var fe *Error
	return errors.As(err, &fe) && fe.Kind == k
}
