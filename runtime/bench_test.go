package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/openmercury/mercury/internal/wasmbuild"
	mruntime "github.com/openmercury/mercury/runtime"
	"os"
)

// BenchmarkCompileCold compiles the ovs driver with no compile cache.
func BenchmarkCompileCold(b *testing.B) {
	bin := readDriver(b, "ovs")
	ctx := context.Background()
	for b.Loop() {
		rt := wazero.NewRuntime(ctx)
		cm, err := rt.CompileModule(ctx, bin)
		if err != nil {
			b.Fatal(err)
		}
		cm.Close(ctx)
		rt.Close(ctx)
	}
}

// BenchmarkCompileCached compiles the ovs driver from a warm file cache.
func BenchmarkCompileCached(b *testing.B) {
	bin := readDriver(b, "ovs")
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	warm := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	if _, err := warm.CompileModule(ctx, bin); err != nil {
		b.Fatal(err)
	}
	warm.Close(ctx)
	for b.Loop() {
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
		cm, err := rt.CompileModule(ctx, bin)
		if err != nil {
			b.Fatal(err)
		}
		cm.Close(ctx)
		rt.Close(ctx)
	}
}

// BenchmarkStartup loads a drivers directory holding the in-tree drivers
// from a warm compile cache: what `mercury serve` does before it listens.
func BenchmarkStartup(b *testing.B) {
	for _, bc := range []struct {
		name    string
		drivers []string
	}{
		{"1-driver", []string{"ovs"}},
		{"2-drivers", []string{"ovs", "linux-bridge"}},
		{"6-drivers", []string{"ovs", "linux-bridge", "arista-eos", "cisco-ios", "cisco-nxos", "dell-os10"}},
		{"10-drivers", []string{"ovs", "linux-bridge", "arista-eos", "cisco-ios", "cisco-nxos", "dell-os10",
			"juniper-junos", "sonic", "cumulus-nvue", "dell-os9"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var paths []string
			for _, n := range bc.drivers {
				paths = append(paths, wasmbuild.Driver(b, n))
			}
			dir := wasmbuild.Dir(b, paths...)
			cache := wasmbuild.CacheDir(b)
			ctx := context.Background()
			for b.Loop() {
				e, err := mruntime.New(ctx, mruntime.Options{CacheDir: cache, PoolSize: -1})
				if err != nil {
					b.Fatal(err)
				}
				if err := e.LoadDir(ctx, dir); err != nil {
					b.Fatal(err)
				}
				e.Close(ctx)
			}
		})
	}
}

func readDriver(b *testing.B, name string) []byte {
	bin, err := os.ReadFile(wasmbuild.Driver(b, name))
	if err != nil {
		b.Fatal(err)
	}
	return bin
}

// BenchmarkInvoke runs one operation end to end on a fresh instance, with
// and without the pre-warmed pool (without, instantiate and _initialize
// are on the request path).
func BenchmarkInvoke(b *testing.B) {
	for _, bc := range []struct {
		name string
		pool int
	}{{"pooled", 2}, {"unpooled", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEngine(b, mruntime.Options{PoolSize: bc.pool})
			if err := e.LoadDir(context.Background(), hostileDir(b)); err != nil {
				b.Fatal(err)
			}
			d := &fakeDialer{}
			for b.Loop() {
				if _, err := invoke(e, d, "hostile", "ok", 10*time.Second); err != nil {
					b.Fatal(err)
				}
				if bc.pool > 0 {
					// Let the filler restore the pool, as between real
					// operations (which wait on device I/O); excluded.
					b.StopTimer()
					time.Sleep(50 * time.Millisecond)
					b.StartTimer()
				}
			}
		})
	}
}
