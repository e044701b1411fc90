package hostfuncs

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// Violation is the panic value of a host function whose caller broke the
// ABI (a pointer outside linear memory). It traps the guest; the runtime
// finds it in the error chain and reports the driver as broken.
type Violation struct {
	Func string
	Msg  string
}

func (v *Violation) Error() string {
	return fmt.Sprintf("driver broke the ABI in %s: %s", v.Func, v.Msg)
}

func violate(fn, format string, args ...any) {
	panic(&Violation{Func: fn, Msg: fmt.Sprintf(format, args...)})
}

// read returns a view of guest memory [ptr, ptr+n), trapping when it is out
// of bounds. The view is only valid until the guest runs again.
func read(m api.Module, fn string, ptr, n uint32) []byte {
	b, ok := m.Memory().Read(ptr, n)
	if !ok {
		violate(fn, "range [%d, %d+%d) is outside linear memory (%d bytes)", ptr, ptr, n, m.Memory().Size())
	}
	return b
}

func writeU32(m api.Module, fn string, ptr, v uint32) {
	if !m.Memory().WriteUint32Le(ptr, v) {
		violate(fn, "out pointer %d is outside linear memory (%d bytes)", ptr, m.Memory().Size())
	}
}

// errnoOf maps an error from a session or setting to the ABI code.
func errnoOf(err error) abi.Errno {
	if errors.Is(err, context.DeadlineExceeded) {
		return abi.ErrnoTimeout
	}
	switch fault.KindOf(err) {
	case fault.Timeout:
		return abi.ErrnoTimeout
	case fault.Auth:
		return abi.ErrnoAuth
	case fault.NotFound:
		return abi.ErrnoNotFound
	case fault.Denied, fault.HostKey:
		return abi.ErrnoDenied
	case fault.Invalid:
		return abi.ErrnoInvalid
	case fault.Busy:
		return abi.ErrnoBusy
	default:
		return abi.ErrnoIO
	}
}

// fail records err as the call's result buffer and last error, writes the
// message length to outLenPtr when it is not noPtr, and returns errno.
func fail(m api.Module, c *Call, fn string, errno abi.Errno, err error, outLenPtr uint32) uint64 {
	msg := []byte(err.Error())
	if len(msg) > abi.MaxResult {
		msg = msg[:abi.MaxResult]
	}
	c.mu.Lock()
	c.result = msg
	c.lastError = err
	c.mu.Unlock()
	if outLenPtr != noPtr {
		writeU32(m, fn, outLenPtr, uint32(len(msg)))
	}
	return uint64(uint32(errno))
}

// noPtr marks a function without an out_len_ptr for fail.
const noPtr = ^uint32(0)

func ok() uint64 { return uint64(uint32(abi.ErrnoOK)) }

// noCall is the answer of every host function called outside an operation.
func noCall() uint64 { return uint64(uint32(abi.ErrnoDenied)) }
