package sdk

import (
	"log/slog"
	"time"
)

// Host is what a driver may ask of the host during one operation.
type Host interface {
	// Setting returns a non-secret setting of the request's device (for
	// example "idle_vlan", "lag_range" or a driver option "options.db").
	Setting(key string) (string, bool)
	// Log writes to the operation's structured log.
	Log(level slog.Level, msg string)
	// Open opens a session to the request's device: SessionExec for one
	// command per channel, SessionInteractive for a CLI shell.
	Open(kind SessionKind) (Session, error)
	// Sleep pauses, returning early with an error at the deadline.
	Sleep(d time.Duration) error
}

// SessionKind selects how commands reach the device.
type SessionKind int32

// Session kinds.
const (
	SessionExec        SessionKind = 0
	SessionInteractive SessionKind = 1
)

// Session is an open session to the request's device.
type Session interface {
	// Exec runs one command (exec sessions) and returns its combined
	// output and exit status.
	Exec(cmd string) (out string, status int, err error)
	// Send writes text to an interactive shell.
	Send(text string) error
	// SendSecret types the device's named secret ("enable", "sudo") and a
	// newline. The driver never sees it.
	SendSecret(name string) error
	// ReadUntil reads until the RE2 pattern matches and returns all that
	// was read, match included. timeout 0 means the operation's deadline.
	ReadUntil(pattern string, timeout time.Duration) (string, error)
	// Close ends the session; the host may keep the connection warm.
	Close() error
}
