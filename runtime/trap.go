package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/sys"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
)

// TrapKind names how a guest call failed, for errors and metrics.
type TrapKind string

// Trap kinds.
const (
	TrapDeadline TrapKind = "deadline" // stopped at the operation's deadline
	TrapMemory   TrapKind = "memory"   // ran out of its linear-memory cap
	TrapPanic    TrapKind = "panic"    // a Go panic escaped the SDK
	TrapDeadlock TrapKind = "deadlock" // the Go runtime found every goroutine asleep
	TrapExit     TrapKind = "exit"     // the guest exited
	TrapABI      TrapKind = "abi"      // a host function caught an ABI violation
	TrapWasm     TrapKind = "wasm"     // a wasm trap: unreachable, out-of-bounds access, stack overflow
)

// Trap is the cause of a *fault.Error for a guest call that did not return.
type Trap struct {
	Kind   TrapKind
	Detail string // the runtime's error and the tail of the guest's stderr
}

func (t *Trap) Error() string { return string(t.Kind) + ": " + t.Detail }

// classify turns an error from a guest call into a *fault.Error: Timeout
// for a deadline, Driver for everything else, with a *Trap as its cause.
func classify(name, device, op string, err error, stderr *tailBuffer, memMiB int) error {
	tail := strings.TrimSpace(stderr.String())
	var exit *sys.ExitError
	var vio *hostfuncs.Violation
	var t *Trap
	var msg string
	kind := fault.Driver
	switch {
	case errors.As(err, &exit) && (exit.ExitCode() == sys.ExitCodeDeadlineExceeded || exit.ExitCode() == sys.ExitCodeContextCanceled):
		kind = fault.Timeout
		t = &Trap{Kind: TrapDeadline, Detail: err.Error()}
		msg = fmt.Sprintf("driver %s did not finish %s before the operation's deadline and was stopped", name, op)
	case strings.Contains(tail, "out of memory"):
		t = &Trap{Kind: TrapMemory, Detail: firstLines(tail, 3)}
		msg = fmt.Sprintf("driver %s exceeded its memory cap of %d MiB in %s and was stopped", name, memMiB, op)
	case strings.Contains(tail, "all goroutines are asleep"):
		t = &Trap{Kind: TrapDeadlock, Detail: firstLines(tail, 3)}
		msg = fmt.Sprintf("driver %s deadlocked in %s (every goroutine asleep) and was stopped", name, op)
	case strings.Contains(tail, "panic:"):
		t = &Trap{Kind: TrapPanic, Detail: firstLines(tail[strings.Index(tail, "panic:"):], 3)}
		msg = fmt.Sprintf("driver %s panicked in %s: %s", name, op, firstLines(t.Detail, 1))
	case errors.As(err, &vio):
		t = &Trap{Kind: TrapABI, Detail: vio.Error()}
		msg = fmt.Sprintf("driver %s in %s: %s", name, op, vio.Error())
	case errors.As(err, &exit):
		t = &Trap{Kind: TrapExit, Detail: strings.TrimSpace(err.Error() + "\n" + firstLines(tail, 3))}
		msg = fmt.Sprintf("driver %s exited with code %d in %s: %s", name, exit.ExitCode(), op, firstLines(tail, 1))
	default:
		t = &Trap{Kind: TrapWasm, Detail: firstLines(err.Error(), 1)}
		msg = fmt.Sprintf("driver %s trapped in %s: %s", name, op, t.Detail)
	}
	return &fault.Error{Kind: kind, Device: device, Msg: strings.TrimSuffix(msg, ": "), Err: t}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
