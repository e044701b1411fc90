package drivertest

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/hostfuncs"
	mruntime "github.com/openmercury/mercury/runtime"
)

// Runner runs a compiled driver through the real runtime.
type Runner struct {
	tb     testing.TB
	engine *mruntime.Engine
	driver string
}

// NewRunner loads the driver at wasmPath into a fresh engine, using
// cacheDir as the compile cache ("" for none).
func NewRunner(tb testing.TB, wasmPath, cacheDir string) *Runner {
	tb.Helper()
	ctx := context.Background()
	e, err := mruntime.New(ctx, mruntime.Options{CacheDir: cacheDir, PoolSize: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close(context.Background()) })
	if err := e.LoadDir(ctx, filepath.Dir(wasmPath)); err != nil {
		tb.Fatal(err)
	}
	return &Runner{tb: tb, engine: e, driver: strings.TrimSuffix(filepath.Base(wasmPath), ".wasm")}
}

// Engine returns the runner's engine.
func (r *Runner) Engine() *mruntime.Engine { return r.engine }

// Run invokes op with req (marshalled to JSON) against d and decodes the
// output into resp (when not nil). It returns the operation's error.
func (r *Runner) Run(d *Device, settings map[string]string, op string, req, resp any) error {
	r.tb.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		r.tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reply, err := r.engine.Invoke(ctx, r.driver, hostfuncs.CallOptions{
		Device: d.name, Op: op, Input: in, Dialer: d, Settings: hostfuncs.MapSettings(settings),
	})
	if err != nil {
		return err
	}
	if resp != nil {
		if err := json.Unmarshal(reply.Output, resp); err != nil {
			r.tb.Fatalf("%s: decode %s output %s: %v", r.driver, op, reply.Output, err)
		}
	}
	return nil
}
