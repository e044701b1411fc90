package hostfuncs

import (
	"context"
	"log/slog"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// logMessage writes one line to the operation's structured log, tagged with
// the device and operation. Messages beyond abi.MaxLog bytes, or beyond
// maxLogsPerCall lines in one operation, are refused with ErrnoTooBig.
//
//	log(level, ptr, len i32) -> errno
func logMessage(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	level, ptr, n := int32(api.DecodeI32(stack[0])), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	if n > abi.MaxLog {
		stack[0] = fail(m, c, abi.FuncLog, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "log message of %d bytes exceeds the cap of %d", n, abi.MaxLog), noPtr)
		return
	}
	c.mu.Lock()
	c.logCount++
	over := c.logCount > maxLogsPerCall
	c.mu.Unlock()
	if over {
		stack[0] = fail(m, c, abi.FuncLog, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "more than %d log lines in one operation", maxLogsPerCall), noPtr)
		return
	}
	msg := string(read(m, abi.FuncLog, ptr, n))
	c.logger.Log(ctx, slog.Level(level), msg, "source", "driver", "device", c.opts.Device, "op", c.opts.Op)
	stack[0] = ok()
}
