package hostfuncs

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// inputRead copies the operation name followed by the JSON input into guest
// memory. len must equal their total length exactly.
//
//	input_read(ptr, len i32) -> errno
func inputRead(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	want := len(c.opts.Op) + len(c.opts.Input)
	if int(n) != want {
		stack[0] = fail(m, c, abi.FuncInputRead, abi.ErrnoInvalid,
			fault.New(fault.Invalid, "input_read: len %d, input is %d bytes", n, want), noPtr)
		return
	}
	dst := read(m, abi.FuncInputRead, ptr, n)
	copy(dst[copy(dst, c.opts.Op):], c.opts.Input)
	stack[0] = ok()
}

// outputWrite copies the operation's JSON output out of guest memory. Only
// the last call counts.
//
//	output_write(ptr, len i32) -> errno
func outputWrite(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	if n > abi.MaxOutput {
		c.mu.Lock()
		c.overflow = true
		c.mu.Unlock()
		stack[0] = fail(m, c, abi.FuncOutputWrite, abi.ErrnoTooBig,
			fault.New(fault.Driver, "output of %d bytes exceeds the cap of %d", n, abi.MaxOutput), noPtr)
		return
	}
	out := append([]byte(nil), read(m, abi.FuncOutputWrite, ptr, n)...)
	c.mu.Lock()
	c.output = out
	c.mu.Unlock()
	stack[0] = ok()
}

// resultRead copies the pending result (command output, setting value or
// error message) into guest memory and writes its total length to
// out_len_ptr. When len is smaller than the result it copies nothing,
// keeps the result and returns ErrnoTooBig, so a guest may probe with len 0.
//
//	result_read(ptr, len, out_len_ptr i32) -> errno
func resultRead(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	ptr, n, outLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	c.mu.Lock()
	res := c.result
	c.mu.Unlock()
	writeU32(m, abi.FuncResultRead, outLen, uint32(len(res)))
	if int(n) < len(res) {
		stack[0] = uint64(uint32(abi.ErrnoTooBig))
		return
	}
	copy(read(m, abi.FuncResultRead, ptr, uint32(len(res))), res)
	c.setResult(nil)
	stack[0] = ok()
}
