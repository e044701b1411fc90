package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
)

// Driver is one loaded, validated driver module and its instance pool.
type Driver struct {
	e        *Engine
	name     string
	path     string
	sha256   string
	compiled wazero.CompiledModule
	desc     abi.Description
	port     *regexp.Regexp // desc.PortPattern, anchored

	slots chan struct{}  // bounds instances in flight
	ready chan *instance // pre-warmed instances
	stop  chan struct{}  // closes the filler
	wg    sync.WaitGroup // the filler

	mu       sync.Mutex
	inflight int
	retired  bool
	done     chan struct{} // closed when retired and idle, after cleanup
}

// Name returns the driver's name (its file name without .wasm).
func (d *Driver) Name() string { return d.name }

// SHA256 returns the hex sha256 of the driver's file.
func (d *Driver) SHA256() string { return d.sha256 }

// Path returns the file the driver was loaded from.
func (d *Driver) Path() string { return d.path }

// Description returns what the driver's describe operation returned.
func (d *Driver) Description() abi.Description { return d.desc }

// PortPattern matches a whole port name the driver accepts, compiled once
// at load from its description's port_pattern.
func (d *Driver) PortPattern() *regexp.Regexp { return d.port }

// Close releases a driver returned by LoadFile.
func (d *Driver) Close(ctx context.Context) {
	d.retire()
	d.waitRetired(ctx)
}

func (e *Engine) load(ctx context.Context, path string) (*Driver, error) {
	name := strings.TrimSuffix(filepath.Base(path), ".wasm")
	refuse := func(format string, args ...any) error {
		return fault.New(fault.Driver, "driver %s refused: %s", name, fmt.Sprintf(format, args...))
	}
	bin, err := os.ReadFile(path)
	if err != nil {
		return nil, fault.Wrap(fault.NotFound, err, "driver %s", name)
	}
	sum := sha256.Sum256(bin)
	digest := hex.EncodeToString(sum[:])
	if pin, ok := e.opts.Pins[name]; ok && !strings.EqualFold(pin, digest) {
		return nil, refuse("%s has sha256 %s, but it is pinned to %s (update the pin if this version is intended)", path, digest, pin)
	}
	start := time.Now()
	cm, err := e.rt.CompileModule(ctx, bin)
	if err != nil {
		if strings.Contains(err.Error(), "over limit") {
			return nil, refuse("needs more memory at start than the cap of %d MiB: %v", e.opts.MemoryLimitMiB, err)
		}
		return nil, refuse("%s is not a valid wasm module: %v", path, err)
	}
	e.metrics.compiled(name, time.Since(start))
	if problems := validateModule(cm, uint32(e.opts.MemoryLimitMiB)*16); len(problems) > 0 {
		cm.Close(ctx)
		return nil, refuse("%s", strings.Join(problems, "; "))
	}
	d := &Driver{
		e: e, name: name, path: path, sha256: digest, compiled: cm,
		slots: make(chan struct{}, e.opts.MaxInstances),
		ready: make(chan *instance, max(e.opts.PoolSize, 1)),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	if err := d.probe(ctx); err != nil {
		cm.Close(ctx)
		return nil, err
	}
	if e.opts.PoolSize > 0 {
		d.wg.Add(1)
		go d.fill()
	}
	return d, nil
}

// probe checks the ABI version and reads the description on one instance.
func (d *Driver) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, poolFillTimeout)
	defer cancel()
	inst, err := d.instantiate(ctx)
	if err != nil {
		return fault.Wrap(fault.Driver, err, "driver %s refused: initialisation failed", d.name)
	}
	defer inst.close()
	res, err := inst.version.Call(ctx)
	if err != nil {
		return fault.Wrap(fault.Driver, err, "driver %s refused: %s failed", d.name, abi.ExportABIVersion)
	}
	if v := int32(res[0]); v != abi.Version {
		return fault.New(fault.Driver, "driver %s refused: it speaks driver ABI v%d, this host speaks v%d (rebuild it against this SDK)", d.name, v, abi.Version)
	}
	r, err := d.run(ctx, inst, hostfuncs.CallOptions{Device: "", Op: abi.OpDescribe, Input: []byte("{}")})
	if err != nil {
		return fault.Wrap(fault.Driver, err, "driver %s refused: describe failed", d.name)
	}
	if err := json.Unmarshal(r.Output, &d.desc); err != nil {
		return fault.New(fault.Driver, "driver %s refused: describe returned malformed JSON: %v", d.name, err)
	}
	if problems := validateDescription(d.name, d.desc); len(problems) > 0 {
		return fault.New(fault.Driver, "driver %s refused: %s", d.name, strings.Join(problems, "; "))
	}
	port, err := regexp.Compile("^(?:" + d.desc.PortPattern + ")$")
	if err != nil {
		return fault.New(fault.Driver, "driver %s refused: port_pattern %q: %v", d.name, d.desc.PortPattern, err)
	}
	d.port = port
	return nil
}

// instance is one instantiated, initialised module.
type instance struct {
	mod     api.Module
	invoke  api.Function
	version api.Function
	stderr  *tailBuffer
	memory  *linearMemory
}

// close closes the module and then releases its memory; no call runs on
// an instance being closed.
func (i *instance) close() {
	i.mod.Close(context.Background())
	i.memory.release()
}

func (d *Driver) instantiate(ctx context.Context) (*instance, error) {
	stderr := &tailBuffer{max: 8 << 10}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(stderr).
		WithStderr(stderr)
	memory := &linearMemory{spare: d.e.spares}
	start := time.Now()
	mod, err := d.e.rt.InstantiateModule(experimental.WithMemoryAllocator(ctx, memory), d.compiled, cfg)
	if err != nil {
		memory.release()
		return nil, classify(d.name, "", "_initialize", err, stderr, d.e.opts.MemoryLimitMiB)
	}
	d.e.metrics.instantiated(d.name, time.Since(start))
	return &instance{
		mod:     mod,
		invoke:  mod.ExportedFunction(abi.ExportInvoke),
		version: mod.ExportedFunction(abi.ExportABIVersion),
		stderr:  stderr,
		memory:  memory,
	}, nil
}

// fill keeps the ready pool full until the driver is retired.
func (d *Driver) fill() {
	defer d.wg.Done()
	for {
		select {
		case <-d.stop:
			return
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), poolFillTimeout)
		inst, err := d.instantiate(ctx)
		if err == nil {
			err = d.warm(ctx, inst)
		}
		cancel()
		if err != nil {
			d.e.opts.Logger.Error("driver pool: instantiate failed", "driver", d.name, "err", err)
			select {
			case <-d.stop:
				return
			case <-time.After(time.Second):
			}
			continue
		}
		select {
		case d.ready <- inst:
		case <-d.stop:
			inst.close()
			return
		}
	}
}

// discard closes an instance after its operation, off the request path:
// releasing its linear memory is work the caller need not wait for.
// cleanup waits for discards in progress.
func (d *Driver) discard(inst *instance) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		inst.close()
	}()
}

// warm runs describe once on a new pooled instance, off the request path,
// so the Go runtime's first-call costs (heap growth, encoding/json's type
// caches) are paid before a request arrives. describe carries no device
// data, so the instance stays fresh: nothing of one operation reaches
// another.
func (d *Driver) warm(ctx context.Context, inst *instance) error {
	_, err := d.run(ctx, inst, hostfuncs.CallOptions{Op: abi.OpDescribe, Input: []byte("{}")})
	if err != nil {
		inst.close()
	}
	return err
}

// get returns a fresh instance: a pre-warmed one, or a new one on a miss.
func (d *Driver) get(ctx context.Context) (*instance, error) {
	select {
	case inst := <-d.ready:
		return inst, nil
	default:
	}
	d.e.metrics.poolMiss(d.name)
	return d.instantiate(ctx)
}

func (d *Driver) acquire() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.retired {
		return false
	}
	d.inflight++
	return true
}

func (d *Driver) release() {
	d.mu.Lock()
	d.inflight--
	last := d.retired && d.inflight == 0
	d.mu.Unlock()
	if last {
		d.cleanup()
	}
}

// retire stops new operations; the driver is cleaned up when idle.
func (d *Driver) retire() {
	d.mu.Lock()
	if d.retired {
		d.mu.Unlock()
		return
	}
	d.retired = true
	idle := d.inflight == 0
	d.mu.Unlock()
	close(d.stop)
	if idle {
		d.cleanup()
	}
}

func (d *Driver) cleanup() {
	d.wg.Wait()
	for {
		select {
		case inst := <-d.ready:
			inst.close()
			continue
		default:
		}
		break
	}
	d.compiled.Close(context.Background())
	close(d.done)
}

func (d *Driver) waitRetired(ctx context.Context) {
	select {
	case <-d.done:
	case <-ctx.Done():
	}
}

// Reply is the result of one operation.
type Reply struct {
	Output   []byte   // the operation's JSON response
	Commands []string // what the driver sent to the device, secrets masked
}

// invoke runs one operation on a fresh instance and closes it afterwards.
func (d *Driver) invoke(ctx context.Context, call hostfuncs.CallOptions) (Reply, error) {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return Reply{}, fault.Wrap(fault.Timeout, ctx.Err(), "driver %s: all %d instances busy until the deadline", d.name, cap(d.slots)).WithDevice(call.Device)
	}
	defer func() { <-d.slots }()
	inst, err := d.get(ctx)
	if err != nil {
		d.e.metrics.failed(d.name, call.Op, fault.KindOf(err))
		return Reply{}, withDevice(err, call.Device)
	}
	defer d.discard(inst)
	start := time.Now()
	r, err := d.run(ctx, inst, call)
	d.e.metrics.invoked(d.name, call.Op, err, time.Since(start))
	return r, withDevice(err, call.Device)
}

// run calls mercury_invoke on inst with the call's state in the context.
func (d *Driver) run(ctx context.Context, inst *instance, opts hostfuncs.CallOptions) (Reply, error) {
	if len(opts.Op) > abi.MaxOpName || len(opts.Input) > abi.MaxInput {
		return Reply{}, fault.New(fault.Invalid, "operation %q input of %d bytes exceeds the ABI caps", opts.Op, len(opts.Input))
	}
	call := hostfuncs.NewCall(opts)
	res, err := inst.invoke.Call(hostfuncs.WithCall(ctx, call), uint64(len(opts.Op)), uint64(len(opts.Input)))
	reply := Reply{Commands: call.Commands()}
	if err != nil {
		call.Finish(false)
		return reply, classify(d.name, opts.Device, opts.Op, err, inst.stderr, d.e.opts.MemoryLimitMiB)
	}
	out := call.Output()
	status := int32(res[0])
	switch {
	case call.OutputOverflow():
		err = &fault.Error{Kind: fault.Driver, Msg: fmt.Sprintf("driver %s: %s output exceeded the cap of %d bytes", d.name, opts.Op, abi.MaxOutput)}
	case status == abi.StatusOK && !json.Valid(out):
		err = &fault.Error{Kind: fault.Driver, Msg: fmt.Sprintf("driver %s: %s returned malformed JSON (%d bytes)", d.name, opts.Op, len(out))}
	case status == abi.StatusOK:
		reply.Output = out
	case status == abi.StatusError:
		err = driverError(d.name, opts.Op, out, call.LastHostError())
	case status == abi.StatusUnsupported:
		err = &fault.Error{Kind: fault.Unsupported, Msg: fmt.Sprintf("driver %s does not support %s", d.name, opts.Op)}
	default:
		err = &fault.Error{Kind: fault.Driver, Msg: fmt.Sprintf("driver %s: %s returned unknown status %d", d.name, opts.Op, status)}
	}
	call.Finish(err == nil)
	return reply, err
}

// driverError turns a driver's ErrorReply into a *fault.Error. When the
// driver passed on a host function's failure, the host's own error (with
// its exact kind) is kept as the cause.
func driverError(name, op string, out []byte, hostErr error) error {
	var er abi.ErrorReply
	if err := json.Unmarshal(out, &er); err != nil || er.Message == "" {
		return &fault.Error{Kind: fault.Driver, Msg: fmt.Sprintf("driver %s: %s failed with a malformed error reply", name, op)}
	}
	if hostErr != nil && fault.KindOf(hostErr) == fault.Denied {
		// A sandbox refusal is reported as such, whatever the driver made of it.
		return &fault.Error{Kind: fault.Denied, Msg: fmt.Sprintf("driver %s: %s (the driver reported: %s)", name, hostErr.Error(), er.Message)}
	}
	if hostErr != nil && strings.Contains(er.Message, hostErr.Error()) {
		return &fault.Error{Kind: fault.KindOf(hostErr), Msg: er.Message}
	}
	k, ok := fault.ParseKind(er.Kind)
	if !ok {
		k = fault.Device
	}
	return &fault.Error{Kind: k, Msg: er.Message}
}

func withDevice(err error, device string) error {
	if err == nil || device == "" {
		return err
	}
	if fe, ok := err.(*fault.Error); ok && fe.Device == "" {
		return fe.WithDevice(device)
	}
	return err
}

// tailBuffer keeps the last max bytes written: a guest's stderr, for error
// messages (a Go guest prints "fatal error: ..." there before exiting).
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
