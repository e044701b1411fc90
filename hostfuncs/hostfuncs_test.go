package hostfuncs_test

import (
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/internal/testenv"
)

// guest is the wrapper module: call_NAME calls host function NAME.
type guest struct {
	t   *testing.T
	mod api.Module
}

func newGuest(t *testing.T) *guest {
	t.Helper()
	testenv.RequireCommand(t, "wat2wasm")
	out := filepath.Join(t.TempDir(), "wrapper.wasm")
	if b, err := exec.Command("wat2wasm", "testdata/wrapper.wat", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, b)
	}
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { r.Close(context.Background()) })
	if _, err := hostfuncs.Instantiate(ctx, r); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, mod: mod}
}

// call invokes host function fn with the call state c (nil: none).
func (g *guest) call(c *hostfuncs.Call, fn string, args ...uint32) (int32, error) {
	g.t.Helper()
	ctx := context.Background()
	if c != nil {
		ctx = hostfuncs.WithCall(ctx, c)
	}
	params := make([]uint64, len(args))
	for i, a := range args {
		params[i] = uint64(a)
	}
	res, err := g.mod.ExportedFunction("call_"+fn).Call(ctx, params...)
	if err != nil {
		return 0, err
	}
	return int32(res[0]), nil
}

func (g *guest) must(c *hostfuncs.Call, fn string, want int32, args ...uint32) {
	g.t.Helper()
	got, err := g.call(c, fn, args...)
	if err != nil {
		g.t.Fatalf("%s trapped: %v", fn, err)
	}
	if got != want {
		g.t.Fatalf("%s = errno %d, want %d (result: %q)", fn, got, want, g.result(c))
	}
}

func (g *guest) write(at uint32, s string) uint32 {
	g.mod.Memory().Write(at, []byte(s))
	return uint32(len(s))
}

func (g *guest) read(at, n uint32) string {
	b, _ := g.mod.Memory().Read(at, n)
	return string(b)
}

func (g *guest) u32(at uint32) uint32 {
	b, _ := g.mod.Memory().Read(at, 4)
	return binary.LittleEndian.Uint32(b)
}

// result reads the pending result buffer the way the SDK does: probe, then
// read.
func (g *guest) result(c *hostfuncs.Call) string {
	g.t.Helper()
	const lenAt, bufAt = 60000, 40000
	rc, err := g.call(c, abi.FuncResultRead, 0, 0, lenAt)
	if err != nil || rc == abi.ErrnoOK {
		return ""
	}
	n := g.u32(lenAt)
	g.must(c, abi.FuncResultRead, abi.ErrnoOK, bufAt, n, lenAt)
	return g.read(bufAt, n)
}

// Addresses in the guest's one page of memory.
const (
	inAt   = 0
	keyAt  = 1000
	outLen = 2000
	outSt  = 2004
	outH   = 2008
	cmdAt  = 3000
)

func TestFunctionListMatchesABI(t *testing.T) {
	var names []string
	for n := range hostfuncs.Signatures() {
		names = append(names, n)
	}
	slices.Sort(names)
	want := slices.Sorted(slices.Values(abi.HostFuncs))
	if !slices.Equal(names, want) {
		t.Fatalf("host module exports %v, ABI lists %v", names, want)
	}
}

func TestBuffers(t *testing.T) {
	g := newGuest(t)
	c := hostfuncs.NewCall(hostfuncs.CallOptions{Device: "tor-1", Op: "set_port", Input: []byte(`{"port":"swp1"}`)})
	// input_read copies op then input, and insists on the exact length.
	g.must(c, abi.FuncInputRead, abi.ErrnoInvalid, inAt, 5)
	if got := g.result(c); got != "input_read: len 5, input is 23 bytes" {
		t.Fatalf("message = %q", got)
	}
	g.must(c, abi.FuncInputRead, abi.ErrnoOK, inAt, 23)
	if got := g.read(inAt, 23); got != `set_port{"port":"swp1"}` {
		t.Fatalf("input = %q", got)
	}
	// output_write keeps the last write.
	n := g.write(cmdAt, `{"changed":true}`)
	g.must(c, abi.FuncOutputWrite, abi.ErrnoOK, cmdAt, n)
	if string(c.Output()) != `{"changed":true}` {
		t.Fatalf("output = %q", c.Output())
	}
	g.must(c, abi.FuncOutputWrite, abi.ErrnoTooBig, cmdAt, abi.MaxOutput+1)
	if !c.OutputOverflow() {
		t.Fatal("overflow not recorded")
	}
	// A range outside memory traps with an ABI violation.
	if _, err := g.call(c, abi.FuncOutputWrite, 65530, 100); err == nil || !strings.Contains(err.Error(), "driver broke the ABI in output_write") {
		t.Fatalf("out-of-bounds output_write: %v", err)
	}
	// Outside an operation every function is denied.
	g.must(nil, abi.FuncInputRead, abi.ErrnoDenied, inAt, 0)
}

func TestDeviceSetting(t *testing.T) {
	g := newGuest(t)
	c := hostfuncs.NewCall(hostfuncs.CallOptions{Device: "tor-1", Settings: hostfuncs.MapSettings{"idle_vlan": "42"}})
	n := g.write(keyAt, "idle_vlan")
	g.must(c, abi.FuncDeviceSetting, abi.ErrnoOK, keyAt, n, outLen)
	if g.u32(outLen) != 2 || g.result(c) != "42" {
		t.Fatalf("idle_vlan: len %d", g.u32(outLen))
	}
	n = g.write(keyAt, "password")
	g.must(c, abi.FuncDeviceSetting, abi.ErrnoNotFound, keyAt, n, outLen)
	if got := g.result(c); got != `device tor-1 has no setting "password"` {
		t.Fatalf("message = %q", got)
	}
}

// recorder is a fake device session that records what it is asked.
type recorder struct {
	opened []int32
	trace  []string
	closed int
}

func (r *recorder) Open(_ context.Context, kind int32) (hostfuncs.Session, error) {
	r.opened = append(r.opened, kind)
	return &recSession{r: r}, nil
}

type recSession struct{ r *recorder }

func (s *recSession) Exec(_ context.Context, cmd string) ([]byte, int, error) {
	s.r.trace = append(s.r.trace, "exec "+cmd)
	if cmd == "fail" {
		return nil, 0, fault.New(fault.Auth, "tor-1: permission denied")
	}
	return []byte("out:" + cmd), 3, nil
}
func (s *recSession) Send(_ context.Context, b []byte) error {
	s.r.trace = append(s.r.trace, "send "+string(b))
	return nil
}
func (s *recSession) SendSecret(_ context.Context, name string) error {
	s.r.trace = append(s.r.trace, "secret "+name)
	return nil
}
func (s *recSession) ReadUntil(ctx context.Context, re *regexp.Regexp) ([]byte, error) {
	s.r.trace = append(s.r.trace, "read "+re.String())
	if re.String() == "never" {
		<-ctx.Done()
		return nil, fault.Wrap(fault.Timeout, ctx.Err(), "waiting for never")
	}
	return []byte("switch# "), nil
}
func (s *recSession) Close() error { s.r.closed++; return nil }
func (s *recSession) Discard()     { s.r.trace = append(s.r.trace, "discard") }

func TestSessions(t *testing.T) {
	g := newGuest(t)
	rec := &recorder{}
	c := hostfuncs.NewCall(hostfuncs.CallOptions{Device: "tor-1", Op: "set_port", Dialer: rec})

	// Another device is refused and the dialer never asked.
	n := g.write(keyAt, "tor-2")
	g.must(c, abi.FuncSessionOpen, abi.ErrnoDenied, keyAt, n, uint32(abi.SessionExec), outH)
	if len(rec.opened) != 0 || !strings.Contains(g.result(c), `session to device "tor-2", but this operation names "tor-1"`) {
		t.Fatalf("opened %v", rec.opened)
	}
	g.must(c, abi.FuncSessionOpen, abi.ErrnoInvalid, keyAt, 0, 7, outH)

	// Exec session: output in the result buffer, status out.
	g.must(c, abi.FuncSessionOpen, abi.ErrnoOK, keyAt, 0, uint32(abi.SessionExec), outH)
	h := g.u32(outH)
	n = g.write(cmdAt, "show vlan")
	g.must(c, abi.FuncSessionExec, abi.ErrnoOK, h, cmdAt, n, 0, outLen, outSt)
	if g.u32(outLen) != 13 || g.u32(outSt) != 3 || g.result(c) != "out:show vlan" {
		t.Fatalf("exec: len %d status %d", g.u32(outLen), g.u32(outSt))
	}
	n = g.write(cmdAt, "fail")
	g.must(c, abi.FuncSessionExec, abi.ErrnoAuth, h, cmdAt, n, 0, outLen, outSt)
	if got := g.result(c); got != "tor-1: permission denied" {
		t.Fatalf("message %q", got)
	}
	g.must(c, abi.FuncSessionSend, abi.ErrnoNotFound, 99, cmdAt, 1)

	// Interactive session: send, secret, read until.
	g.must(c, abi.FuncSessionOpen, abi.ErrnoOK, keyAt, 0, uint32(abi.SessionInteractive), outH)
	ih := g.u32(outH)
	n = g.write(cmdAt, "enable\n")
	g.must(c, abi.FuncSessionSend, abi.ErrnoOK, ih, cmdAt, n)
	n = g.write(keyAt, "enable")
	g.must(c, abi.FuncSessionSendSecret, abi.ErrnoOK, ih, keyAt, n)
	n = g.write(keyAt, `[#>] $`)
	g.must(c, abi.FuncSessionReadUntil, abi.ErrnoOK, ih, keyAt, n, 0, outLen)
	if g.result(c) != "switch# " {
		t.Fatal("read_until result")
	}
	n = g.write(keyAt, `(`)
	g.must(c, abi.FuncSessionReadUntil, abi.ErrnoInvalid, ih, keyAt, n, 0, outLen)
	n = g.write(keyAt, `never`)
	start := time.Now()
	g.must(c, abi.FuncSessionReadUntil, abi.ErrnoTimeout, ih, keyAt, n, 50, outLen)
	if time.Since(start) > 5*time.Second {
		t.Fatal("timeout_ms not honoured")
	}
	g.must(c, abi.FuncSessionExec, abi.ErrnoInvalid, ih, cmdAt, 1, 0, outLen, outSt)

	g.must(c, abi.FuncSessionClose, abi.ErrnoOK, h)
	g.must(c, abi.FuncSessionClose, abi.ErrnoNotFound, h)
	c.Finish(false) // the interactive one is still open: discarded
	want := []string{"exec show vlan", "exec fail", "send enable\n", "secret enable", `read [#>] $`, "read never", "discard"}
	if !slices.Equal(rec.trace, want) || rec.closed != 1 {
		t.Fatalf("trace %q closed %d\nwant %q closed 1", rec.trace, rec.closed, want)
	}
	if got := c.Commands(); !slices.Equal(got, []string{"show vlan", "fail", "enable", "<secret enable>"}) {
		t.Fatalf("commands %q", got)
	}
}

func TestSleep(t *testing.T) {
	g := newGuest(t)
	c := hostfuncs.NewCall(hostfuncs.CallOptions{Device: "tor-1"})
	g.must(c, abi.FuncSleepMS, abi.ErrnoOK, 1)
	g.must(c, abi.FuncSleepMS, abi.ErrnoInvalid, abi.MaxSleepMS+1)
	ctx, cancel := context.WithTimeout(hostfuncs.WithCall(context.Background(), c), 20*time.Millisecond)
	defer cancel()
	res, err := g.mod.ExportedFunction("call_sleep_ms").Call(ctx, 10000)
	if err != nil || int32(res[0]) != abi.ErrnoTimeout {
		t.Fatalf("sleep past the deadline: %v %v", res, err)
	}
	// A sleep that cannot end before the deadline fails at once, leaving
	// the guest its remaining time: the deadline has not passed when it
	// returns.
	ctx, cancel = context.WithTimeout(hostfuncs.WithCall(context.Background(), c), 30*time.Second)
	defer cancel()
	res, err = g.mod.ExportedFunction("call_sleep_ms").Call(ctx, abi.MaxSleepMS)
	if err != nil || int32(res[0]) != abi.ErrnoTimeout || ctx.Err() != nil {
		t.Fatalf("sleep of %d ms under a 30 s deadline: %v %v (deadline passed: %v), want ErrnoTimeout at once", abi.MaxSleepMS, res, err, ctx.Err())
	}
}

func TestLog(t *testing.T) {
	g := newGuest(t)
	c := hostfuncs.NewCall(hostfuncs.CallOptions{Device: "tor-1"})
	n := g.write(cmdAt, "hello")
	g.must(c, abi.FuncLog, abi.ErrnoOK, uint32(abi.LogInfo), cmdAt, n)
	g.must(c, abi.FuncLog, abi.ErrnoTooBig, uint32(abi.LogInfo), cmdAt, abi.MaxLog+1)
}
