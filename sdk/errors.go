package sdk

import "fmt"

// Error is an error with a kind the host understands. Kinds are the names
// of the host's error kinds: "device" (the device rejected a command),
// "invalid", "unsupported", "not_found", "conflict", "busy", "timeout",
// "unreachable", "auth", "denied", "driver".
//
// A plain error returned by a handler is reported as kind "device".
type Error struct {
	Kind    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// DeviceError reports that the device rejected a command.
func DeviceError(format string, args ...any) *Error { return Errorf("device", format, args...) }

// Invalid reports a request the driver cannot accept (bad port name, say).
func Invalid(format string, args ...any) *Error { return Errorf("invalid", format, args...) }

// Unsupported reports an operation or mode this driver or device lacks.
func Unsupported(format string, args ...any) *Error { return Errorf("unsupported", format, args...) }

// Conflict reports a request that contradicts the device's state.
func Conflict(format string, args ...any) *Error { return Errorf("conflict", format, args...) }
