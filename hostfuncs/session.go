package hostfuncs

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// sessionOpen opens a session to the device named by dev, which must be
// empty or the device the call names: a driver can reach no other device.
// It writes the new handle (> 0) to out_handle_ptr.
//
//	session_open(dev_ptr, dev_len, kind, out_handle_ptr i32) -> errno
func sessionOpen(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	dp, dn, kind, outH := api.DecodeU32(stack[0]), api.DecodeU32(stack[1]), int32(api.DecodeI32(stack[2])), api.DecodeU32(stack[3])
	if dn > abi.MaxSettingKey {
		stack[0] = fail(m, c, abi.FuncSessionOpen, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "device name of %d bytes exceeds the cap", dn), noPtr)
		return
	}
	dev := string(read(m, abi.FuncSessionOpen, dp, dn))
	if dev != "" && dev != c.opts.Device {
		stack[0] = fail(m, c, abi.FuncSessionOpen, abi.ErrnoDenied,
			fault.New(fault.Denied, "driver asked for a session to device %q, but this operation names %q; a driver may only reach the device its request names", dev, c.opts.Device), noPtr)
		return
	}
	if kind != abi.SessionExec && kind != abi.SessionInteractive {
		stack[0] = fail(m, c, abi.FuncSessionOpen, abi.ErrnoInvalid,
			fault.New(fault.Invalid, "unknown session kind %d", kind), noPtr)
		return
	}
	if c.opts.Dialer == nil {
		stack[0] = fail(m, c, abi.FuncSessionOpen, abi.ErrnoDenied,
			fault.New(fault.Denied, "operation %s on %s may not open sessions", c.opts.Op, c.opts.Device), noPtr)
		return
	}
	c.mu.Lock()
	full := len(c.sessions) >= abi.MaxSessions
	c.mu.Unlock()
	if full {
		stack[0] = fail(m, c, abi.FuncSessionOpen, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "more than %d sessions open at once", abi.MaxSessions), noPtr)
		return
	}
	s, err := c.opts.Dialer.Open(ctx, kind)
	if err != nil {
		stack[0] = fail(m, c, abi.FuncSessionOpen, errnoOf(err), err, noPtr)
		return
	}
	c.mu.Lock()
	c.next++
	h := c.next
	c.sessions[h] = &openSession{s: s, kind: kind}
	c.mu.Unlock()
	writeU32(m, abi.FuncSessionOpen, outH, uint32(h))
	stack[0] = ok()
}

func (c *Call) session(h int32) (*openSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[h]
	return s, ok
}

func badHandle(m api.Module, c *Call, fn string, h int32, outLen uint32) uint64 {
	return fail(m, c, fn, abi.ErrnoNotFound, fault.New(fault.Invalid, "%s: no open session with handle %d", fn, h), outLen)
}

// withTimeout bounds ctx by timeoutMS when it is positive.
func withTimeout(ctx context.Context, timeoutMS int32) (context.Context, context.CancelFunc) {
	if timeoutMS > 0 {
		return context.WithTimeout(ctx, time.Duration(timeoutMS)*time.Millisecond)
	}
	return context.WithCancel(ctx)
}

// sessionExec runs one command on an exec session and puts its combined
// output in the result buffer, its length in out_len_ptr and its exit
// status in out_status_ptr.
//
//	session_exec(h, cmd_ptr, cmd_len, timeout_ms, out_len_ptr, out_status_ptr i32) -> errno
func sessionExec(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	h, cp, cn := int32(api.DecodeI32(stack[0])), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	timeout, outLen, outStatus := int32(api.DecodeI32(stack[3])), api.DecodeU32(stack[4]), api.DecodeU32(stack[5])
	s, found := c.session(h)
	if !found {
		stack[0] = badHandle(m, c, abi.FuncSessionExec, h, outLen)
		return
	}
	if s.kind != abi.SessionExec {
		stack[0] = fail(m, c, abi.FuncSessionExec, abi.ErrnoInvalid,
			fault.New(fault.Invalid, "session_exec on interactive session %d: use session_send and session_read_until", h), outLen)
		return
	}
	if cn > abi.MaxCommand {
		stack[0] = fail(m, c, abi.FuncSessionExec, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "command of %d bytes exceeds the cap of %d", cn, abi.MaxCommand), outLen)
		return
	}
	cmd := string(read(m, abi.FuncSessionExec, cp, cn))
	c.record(cmd)
	cctx, cancel := withTimeout(ctx, timeout)
	out, status, err := s.s.Exec(cctx, cmd)
	cancel()
	if err != nil {
		stack[0] = fail(m, c, abi.FuncSessionExec, errnoOf(err), err, outLen)
		return
	}
	if len(out) > abi.MaxResult {
		stack[0] = fail(m, c, abi.FuncSessionExec, abi.ErrnoTooBig,
			fault.New(fault.Device, "output of %q is %d bytes, over the cap of %d", cmd, len(out), abi.MaxResult), outLen)
		return
	}
	c.setResult(out)
	writeU32(m, abi.FuncSessionExec, outLen, uint32(len(out)))
	writeU32(m, abi.FuncSessionExec, outStatus, uint32(int32(status)))
	stack[0] = ok()
}

// sessionSend writes data to an interactive session.
//
//	session_send(h, ptr, len i32) -> errno
func sessionSend(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	h, p, n := int32(api.DecodeI32(stack[0])), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	s, found := c.session(h)
	if !found {
		stack[0] = badHandle(m, c, abi.FuncSessionSend, h, noPtr)
		return
	}
	if n > abi.MaxCommand {
		stack[0] = fail(m, c, abi.FuncSessionSend, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "send of %d bytes exceeds the cap of %d", n, abi.MaxCommand), noPtr)
		return
	}
	data := append([]byte(nil), read(m, abi.FuncSessionSend, p, n)...)
	if line := strings.TrimRight(string(data), "\r\n"); line != "" {
		c.record(line)
	}
	if err := s.s.Send(ctx, data); err != nil {
		stack[0] = fail(m, c, abi.FuncSessionSend, errnoOf(err), err, noPtr)
		return
	}
	stack[0] = ok()
}

// sessionSendSecret types the device's secret named name (for example
// "enable"), followed by a newline, into an interactive session. The secret
// never enters guest memory.
//
//	session_send_secret(h, name_ptr, name_len i32) -> errno
func sessionSendSecret(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	h, p, n := int32(api.DecodeI32(stack[0])), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	s, found := c.session(h)
	if !found {
		stack[0] = badHandle(m, c, abi.FuncSessionSendSecret, h, noPtr)
		return
	}
	if n > abi.MaxSettingKey {
		stack[0] = fail(m, c, abi.FuncSessionSendSecret, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "secret name of %d bytes exceeds the cap", n), noPtr)
		return
	}
	name := string(read(m, abi.FuncSessionSendSecret, p, n))
	c.record("<secret " + name + ">")
	if err := s.s.SendSecret(ctx, name); err != nil {
		stack[0] = fail(m, c, abi.FuncSessionSendSecret, errnoOf(err), err, noPtr)
		return
	}
	stack[0] = ok()
}

// sessionReadUntil reads from an interactive session until the RE2 pattern
// matches, and puts everything read up to the end of the match in the
// result buffer.
//
//	session_read_until(h, pat_ptr, pat_len, timeout_ms, out_len_ptr i32) -> errno
func sessionReadUntil(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	h, pp, pn := int32(api.DecodeI32(stack[0])), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	timeout, outLen := int32(api.DecodeI32(stack[3])), api.DecodeU32(stack[4])
	s, found := c.session(h)
	if !found {
		stack[0] = badHandle(m, c, abi.FuncSessionReadUntil, h, outLen)
		return
	}
	if pn > abi.MaxPattern {
		stack[0] = fail(m, c, abi.FuncSessionReadUntil, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "pattern of %d bytes exceeds the cap of %d", pn, abi.MaxPattern), outLen)
		return
	}
	re, err := c.pattern(string(read(m, abi.FuncSessionReadUntil, pp, pn)))
	if err != nil {
		stack[0] = fail(m, c, abi.FuncSessionReadUntil, abi.ErrnoInvalid, err, outLen)
		return
	}
	cctx, cancel := withTimeout(ctx, timeout)
	out, err := s.s.ReadUntil(cctx, re)
	cancel()
	if err != nil {
		stack[0] = fail(m, c, abi.FuncSessionReadUntil, errnoOf(err), err, outLen)
		return
	}
	if len(out) > abi.MaxResult {
		out = out[len(out)-abi.MaxResult:]
	}
	c.setResult(out)
	writeU32(m, abi.FuncSessionReadUntil, outLen, uint32(len(out)))
	stack[0] = ok()
}

// pattern compiles p once per call.
func (c *Call) pattern(p string) (*regexp.Regexp, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if re, ok := c.patterns[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "bad read_until pattern %q", p)
	}
	if c.patterns == nil {
		c.patterns = make(map[string]*regexp.Regexp)
	}
	c.patterns[p] = re
	return re, nil
}

// sessionClose closes a session; the host may keep its connection for the
// next operation.
//
//	session_close(h i32) -> errno
func sessionClose(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	h := int32(api.DecodeI32(stack[0]))
	c.mu.Lock()
	s, found := c.sessions[h]
	delete(c.sessions, h)
	c.mu.Unlock()
	if !found {
		stack[0] = badHandle(m, c, abi.FuncSessionClose, h, noPtr)
		return
	}
	if err := s.s.Close(); err != nil {
		stack[0] = fail(m, c, abi.FuncSessionClose, errnoOf(err), err, noPtr)
		return
	}
	stack[0] = ok()
}
