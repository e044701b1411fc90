package hostfuncs

import (
	"context"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// sleepMS sleeps for up to abi.MaxSleepMS milliseconds. A sleep that would
// end after the operation's deadline returns ErrnoTimeout at once: waiting
// for the deadline would only close the instance before the guest could
// report why it was waiting (a device lock, say). Guests must
// sleep through it: the Go runtime's own timers make no progress between
// calls and do not honour the host's deadline.
//
//	sleep_ms(ms i32) -> errno
func sleepMS(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	ms := int32(api.DecodeI32(stack[0]))
	if ms < 0 || ms > abi.MaxSleepMS {
		stack[0] = fail(m, c, abi.FuncSleepMS, abi.ErrnoInvalid,
			fault.New(fault.Invalid, "sleep_ms(%d) is outside 0..%d", ms, abi.MaxSleepMS), noPtr)
		return
	}
	dur := time.Duration(ms) * time.Millisecond
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < dur {
		stack[0] = fail(m, c, abi.FuncSleepMS, abi.ErrnoTimeout,
			fault.New(fault.Timeout, "sleep of %v would outlast the operation's deadline (%v left)", dur, time.Until(dl).Round(time.Millisecond)), noPtr)
		return
	}
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-t.C:
		stack[0] = ok()
	case <-ctx.Done():
		stack[0] = fail(m, c, abi.FuncSleepMS, abi.ErrnoTimeout,
			fault.Wrap(fault.Timeout, ctx.Err(), "sleep interrupted by the operation's deadline"), noPtr)
	}
}
