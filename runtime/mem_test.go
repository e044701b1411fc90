package runtime

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

func rssKiB(tb testing.TB) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(f)[0])
			return n
		}
	}
	tb.Fatal("no VmRSS")
	return 0
}

// BenchmarkMemory reports the process RSS with the in-tree drivers loaded
// and their pools warm, and the RSS each extra live, warmed instance costs.
func BenchmarkMemory(b *testing.B) {
	ctx := context.Background()
	wasm := wasmbuild.Driver(b, "ovs")
	for b.Loop() {
		runtime.GC()
		base := rssKiB(b)
		e, err := New(ctx, Options{CacheDir: wasmbuild.CacheDir(b), PoolSize: 2})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.LoadDir(ctx, filepath.Dir(wasm)); err != nil {
			b.Fatal(err)
		}
		d, _ := e.Driver("ovs")
		for len(d.ready) < cap(d.ready) {
			runtime.Gosched()
		}
		loaded := rssKiB(b)
		const n = 20
		var insts []*instance
		for range n {
			inst, err := d.instantiate(ctx)
			if err == nil {
				err = d.warm(ctx, inst) // as the pool keeps them
			}
			if err != nil {
				b.Fatal(err)
			}
			insts = append(insts, inst)
		}
		runtime.GC()
		per := float64(rssKiB(b)-loaded) / n / 1024
		for _, i := range insts {
			i.close()
		}
		e.Close(ctx)
		b.ReportMetric(float64(loaded)/1024, "MiB-rss-loaded")
		b.ReportMetric(float64(loaded-base)/1024, "MiB-per-driver")
		b.ReportMetric(per, "MiB/instance")
	}
}
