package bench

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// BenchmarkSixtyPorts attaches 60 ports of one switch, one after another,
// each iteration moving all 60 to the other of two VLANs (so every attach
// changes the port). Target (issue: vendor CLIs II): 60 ports in ≤ 3 s.
func BenchmarkSixtyPorts(b *testing.B) {
	l := newLab(b, 1, 60)
	l.warm(b)
	m := newMeter()
	i := 0
	for b.Loop() {
		i++
		for _, p := range l.ports {
			start := time.Now()
			if err := l.attach("eos-1", p, 100+i%2); err != nil {
				b.Fatal(err)
			}
			m.lat = append(m.lat, time.Since(start))
		}
	}
	m.report(b)
}

// BenchmarkAttach1000 runs 1,000 attaches spread over 50 switches (20
// ports each) with 1, 8 and 64 concurrent callers. Target (issue: vendor
// CLIs II): ≤ 6 s wall for the 1,000 on 2 cores, ≤ 8 CPU ms per operation.
func BenchmarkAttach1000(b *testing.B) {
	l := newLab(b, 50, 20)
	l.warm(b)
	type job struct {
		dev, port string
	}
	var jobs []job
	for _, p := range l.ports {
		for _, d := range l.devices {
			jobs = append(jobs, job{d, p})
		}
	}
	for _, callers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("callers-%d", callers), func(b *testing.B) {
			m := newMeter()
			var mu sync.Mutex
			i := 0
			for b.Loop() {
				i++
				vlan := 100 + i%2
				work := make(chan job)
				errs := make(chan error, callers)
				var wg sync.WaitGroup
				for range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := range work {
							start := time.Now()
							if err := l.attach(j.dev, j.port, vlan); err != nil {
								errs <- err
								return
							}
							mu.Lock()
							m.lat = append(m.lat, time.Since(start))
							mu.Unlock()
						}
					}()
				}
			feed:
				for _, j := range jobs {
					select {
					case work <- j:
					case err := <-errs:
						close(work)
						wg.Wait()
						b.Fatal(err)
						break feed
					}
				}
				close(work)
				wg.Wait()
				select {
				case err := <-errs:
					b.Fatal(err)
				default:
				}
			}
			m.report(b)
		})
	}
}
