package lock

import (
	"context"
	"sync"
	"testing"
)

func BenchmarkLock(b *testing.B) {
	ctx := context.Background()
	b.Run("uncontended", func(b *testing.B) {
		l := New(Options{})
		for b.Loop() {
			h, err := l.Lock(ctx, "update_port", "tor-1")
			if err != nil {
				b.Fatal(err)
			}
			h.Release()
		}
	})
	b.Run("uncontended with lock file", func(b *testing.B) {
		l := New(Options{Dir: b.TempDir()})
		for b.Loop() {
			h, err := l.Lock(ctx, "update_port", "tor-1")
			if err != nil {
				b.Fatal(err)
			}
			h.Release()
		}
	})
	b.Run("two devices", func(b *testing.B) {
		l := New(Options{})
		for b.Loop() {
			h, err := l.Lock(ctx, "update_lag", "tor-2", "tor-1")
			if err != nil {
				b.Fatal(err)
			}
			h.Release()
		}
	})
	// b.N operations shared by 8 goroutines on one device: each hand-over
	// wakes the next goroutine in line.
	b.Run("contended by 8", func(b *testing.B) {
		const goroutines = 8
		l := New(Options{})
		var wg sync.WaitGroup
		b.ResetTimer()
		for g := range goroutines {
			ops := b.N / goroutines
			if g < b.N%goroutines {
				ops++
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range ops {
					h, err := l.Lock(ctx, "update_port", "tor-1")
					if err != nil {
						b.Error(err)
						return
					}
					h.Release()
				}
			}()
		}
		wg.Wait()
	})
}
