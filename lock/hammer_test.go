package lock

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
)

// TestHammer runs P goroutines × N operations over a few devices, each on a
// random, overlapping set of one to three of them; a fifth of the
// operations are impatient and may time out. It asserts that no device ever
// has two holders, that patient operations all succeed (no deadlock, no
// lost wake-up) and that nothing is held at the end.
func TestHammer(t *testing.T) {
	tests := []struct {
		name    string
		lockers int  // Lockers sharing the devices; more than one needs files
		files   bool // use lock files
		p, n    int
		shortN  int
	}{
		{name: "in process", lockers: 1, p: 16, n: 500, shortN: 50},
		{name: "in process with lock files", lockers: 1, files: true, p: 8, n: 150, shortN: 20},
		{name: "two lockers on one directory", lockers: 2, files: true, p: 8, n: 150, shortN: 20},
	}
	devices := []string{"tor-1", "tor-2", "tor-3", "dpu-1", "dpu-2"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, n := tt.p, tt.n
			if testing.Short() {
				p, n = 4, tt.shortN
			}
			var opts Options
			if tt.files {
				opts.Dir = t.TempDir()
			}
			lockers := make([]*Locker, tt.lockers)
			for i := range lockers {
				lockers[i] = New(opts)
			}
			busy := make(map[string]*atomic.Int32, len(devices))
			for _, d := range devices {
				busy[d] = new(atomic.Int32)
			}
			// Patient operations get a deadline far beyond any fair wait:
			// missing it means a deadlock or a lost wake-up.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()

			var (
				wg                  sync.WaitGroup
				timeouts, completed atomic.Int64
				failOnce            sync.Once
				failure             error
			)
			fail := func(err error) { failOnce.Do(func() { failure = err }) }
			for g := range p {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(g), 42))
					for i := range n {
						set := make([]string, 1+rng.IntN(3)) // may repeat a device
						for j := range set {
							set[j] = devices[rng.IntN(len(devices))]
						}
						l := lockers[rng.IntN(len(lockers))]
						opCtx, opCancel := ctx, context.CancelFunc(func() {})
						impatient := rng.IntN(5) == 0
						if impatient {
							opCtx, opCancel = context.WithTimeout(ctx, time.Duration(rng.IntN(2000))*time.Microsecond)
						}
						h, err := l.Lock(opCtx, fmt.Sprintf("g%d-op%d", g, i), set...)
						opCancel()
						if err != nil {
							if impatient && fault.Is(err, fault.Timeout) {
								timeouts.Add(1)
								continue
							}
							fail(fmt.Errorf("goroutine %d op %d on %v: %w", g, i, set, err))
							return
						}
						for _, d := range h.Devices() {
							if c := busy[d].Add(1); c != 1 {
								fail(fmt.Errorf("%s has %d holders at once", d, c))
							}
						}
						if rng.IntN(4) == 0 {
							time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
						} else {
							runtime.Gosched()
						}
						for _, d := range h.Devices() {
							busy[d].Add(-1)
						}
						h.Release()
						completed.Add(1)
					}
				}()
			}
			wg.Wait()
			if failure != nil {
				t.Fatal(failure)
			}
			for i, l := range lockers {
				if hs := l.Holders(); len(hs) != 0 {
					t.Fatalf("locker %d still has holders: %+v", i, hs)
				}
			}
			if completed.Load() == 0 {
				t.Fatal("no operation completed")
			}
			t.Logf("%d operations completed, %d impatient ones timed out", completed.Load(), timeouts.Load())
		})
	}
}
