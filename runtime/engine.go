package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
)

// Options configure an Engine. The zero value is usable.
type Options struct {
	// CacheDir keeps compiled drivers across restarts; "" compiles in memory.
	CacheDir string
	// MemoryLimitMiB caps each instance's linear memory (default 64).
	MemoryLimitMiB int
	// PoolSize is how many initialised instances each driver keeps ready
	// (default 2; 0 uses the default, a negative value disables the pool).
	PoolSize int
	// MaxInstances bounds the operations in flight per driver (default 16);
	// more wait for a slot until their deadline.
	MaxInstances int
	// Pins maps a driver name to the sha256 (hex) its file must have.
	Pins map[string]string
	// Only restricts loading to these driver names (those the inventory
	// binds); nil loads every .wasm in the directory.
	Only []string
	// Logger receives load, reload and failure records; nil discards.
	Logger *slog.Logger
	// Registerer receives the runtime's metrics; nil registers none.
	Registerer prometheus.Registerer
}

func (o Options) withDefaults() Options {
	if o.MemoryLimitMiB <= 0 {
		o.MemoryLimitMiB = 64
	}
	if o.PoolSize == 0 {
		o.PoolSize = 2
	}
	if o.PoolSize < 0 {
		o.PoolSize = 0
	}
	if o.MaxInstances <= 0 {
		o.MaxInstances = 16
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Engine loads drivers and runs their operations.
type Engine struct {
	opts    Options
	rt      wazero.Runtime
	cache   wazero.CompilationCache
	metrics *metrics
	spares  *spares

	loadMu sync.Mutex // serialises LoadDir
	set    atomic.Pointer[driverSet]
	closed atomic.Bool
}

type driverSet struct {
	drivers map[string]*Driver
}

// New returns an Engine with no drivers loaded.
func New(ctx context.Context, opts Options) (*Engine, error) {
	opts = opts.withDefaults()
	cfg := wazero.NewRuntimeConfigCompiler().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(opts.MemoryLimitMiB) * 16)
	var cache wazero.CompilationCache
	if opts.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "compile cache %s", opts.CacheDir)
		}
		cache = c
		cfg = cfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("instantiate WASI: %w", err)
	}
	if _, err := hostfuncs.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	e := &Engine{opts: opts, rt: rt, cache: cache, metrics: newMetrics(opts.Registerer), spares: &spares{keep: spareMemories}}
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(newInstances(e)); err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "register runtime metrics")
		}
	}
	e.set.Store(&driverSet{drivers: map[string]*Driver{}})
	return e, nil
}

// LoadDir loads the drivers in dir and, only if every one of them loads,
// makes them the engine's driver set; otherwise the current set stays and
// the error lists each refused driver. Drivers of the old set are released
// once their running operations finish.
func (e *Engine) LoadDir(ctx context.Context, dir string) error {
	return e.LoadDirOnly(ctx, dir, e.opts.Only)
}

// LoadDirOnly is LoadDir restricted to the drivers named in only (nil: all),
// for a reload whose inventory binds another set of drivers.
func (e *Engine) LoadDirOnly(ctx context.Context, dir string, only []string) error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	paths, err := driverFiles(dir, only)
	if err != nil {
		return err
	}
	// Drivers compile and probe concurrently, as many at once as there are
	// CPUs: with a dozen drivers, loading one after another took longer than
	// a restart should (docs/performance.md). Errors keep the files' order.
	loaded := make([]*Driver, len(paths))
	failed := make([]error, len(paths))
	sem := make(chan struct{}, max(goruntime.GOMAXPROCS(0), 1))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			loaded[i], failed[i] = e.load(ctx, p)
		}()
	}
	wg.Wait()
	next := &driverSet{drivers: make(map[string]*Driver, len(paths))}
	var errs []error
	for i := range paths {
		if failed[i] != nil {
			errs = append(errs, failed[i])
			continue
		}
		next.drivers[loaded[i].name] = loaded[i]
	}
	if len(errs) > 0 {
		for _, d := range next.drivers {
			d.retire()
		}
		return errors.Join(errs...)
	}
	old := e.set.Swap(next)
	for name, d := range old.drivers {
		d.retire()
		e.opts.Logger.Info("driver replaced", "driver", name, "sha256", d.sha256)
	}
	for name, d := range next.drivers {
		e.opts.Logger.Info("driver loaded", "driver", name, "version", d.desc.Version, "sha256", d.sha256)
	}
	return nil
}

// driverFiles lists dir's .wasm files, restricted to only when non-nil; a
// name in only without a file is an error.
func driverFiles(dir string, only []string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fault.Wrap(fault.NotFound, err, "drivers directory %s (build the drivers with `make drivers`)", dir)
	}
	var paths []string
	found := map[string]bool{}
	for _, ent := range entries {
		name, ok := strings.CutSuffix(ent.Name(), ".wasm")
		if !ok || ent.IsDir() {
			continue
		}
		if only != nil && !slices.Contains(only, name) {
			continue
		}
		found[name] = true
		paths = append(paths, filepath.Join(dir, ent.Name()))
	}
	var missing []string
	for _, n := range only {
		if !found[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fault.New(fault.NotFound, "drivers %s are bound by the inventory but have no .wasm file in %s (build them with `make drivers`)", strings.Join(missing, ", "), dir)
	}
	sort.Strings(paths)
	return paths, nil
}

// LoadFile loads and validates one driver without adding it to the
// engine's set, for `mercury driver inspect` and tests. Close it when done.
func (e *Engine) LoadFile(ctx context.Context, path string) (*Driver, error) {
	return e.load(ctx, path)
}

// Drivers returns the loaded drivers' names, sorted.
func (e *Engine) Drivers() []string {
	set := e.set.Load()
	names := make([]string, 0, len(set.drivers))
	for n := range set.drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Driver returns the loaded driver called name.
func (e *Engine) Driver(name string) (*Driver, bool) {
	d, ok := e.set.Load().drivers[name]
	return d, ok
}

// Invoke runs one operation on the driver called driverName, on a fresh
// instance, under ctx's deadline. It returns the operation's JSON output
// and the commands the driver sent.
func (e *Engine) Invoke(ctx context.Context, driverName string, call hostfuncs.CallOptions) (Reply, error) {
	for range 3 {
		d, ok := e.Driver(driverName)
		if !ok {
			return Reply{}, fault.New(fault.NotFound, "no driver %q is loaded (loaded: %s)", driverName, strings.Join(e.Drivers(), ", ")).WithDevice(call.Device)
		}
		if !d.acquire() {
			continue // swapped out between lookup and acquire: look again
		}
		r, err := d.invoke(ctx, call)
		d.release()
		return r, err
	}
	return Reply{}, fault.New(fault.Busy, "driver %q is being reloaded; try again", driverName).WithDevice(call.Device)
}

// Close stops every pool and releases the wazero runtime. Operations still
// running fail.
func (e *Engine) Close(ctx context.Context) error {
	if e.closed.Swap(true) {
		return nil
	}
	set := e.set.Swap(&driverSet{drivers: map[string]*Driver{}})
	for _, d := range set.drivers {
		d.retire()
	}
	for _, d := range set.drivers {
		d.waitRetired(ctx)
	}
	err := e.rt.Close(ctx)
	e.spares.drain()
	if e.cache != nil {
		if cerr := e.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// spareMemories is how many released linear memories an engine keeps for
// reuse: enough for the instances closed and made between two operations
// under load, each a few MiB resident.
const spareMemories = 8

// poolFillTimeout bounds how long a background instantiation may take.
const poolFillTimeout = 30 * time.Second
