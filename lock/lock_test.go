package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
)

// slack is how much later than its deadline a waiter may return.
const slack = 2 * time.Second

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr string // substring of the Invalid error; "" means success
	}{
		{in: []string{"tor-1"}, want: []string{"tor-1"}},
		{in: []string{"tor-2", "tor-1"}, want: []string{"tor-1", "tor-2"}},
		{in: []string{"b", "a", "b", "c", "a"}, want: []string{"a", "b", "c"}},
		{in: []string{"dpu_7.lab", "Leaf-A", "leaf-a"}, want: []string{"Leaf-A", "dpu_7.lab", "leaf-a"}},
		{in: []string{strings.Repeat("x", maxNameLen)}, want: []string{strings.Repeat("x", maxNameLen)}},
		{in: nil, wantErr: "no device named"},
		{in: []string{}, wantErr: "no device named"},
		{in: []string{""}, wantErr: `device name ""`},
		{in: []string{"."}, wantErr: `device name "."`},
		{in: []string{".."}, wantErr: `device name ".."`},
		{in: []string{"../etc/passwd"}, wantErr: `has '/'`},
		{in: []string{"a/b"}, wantErr: `has '/'`},
		{in: []string{`a\b`}, wantErr: `has '\\'`},
		{in: []string{"tor 1"}, wantErr: `has ' '`},
		{in: []string{"tör"}, wantErr: `has 'ö'`},
		{in: []string{"tor-1", "bad\x00"}, wantErr: `has '\x00'`},
		{in: []string{strings.Repeat("x", maxNameLen+1)}, wantErr: "must be 1-128 characters"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := normalize(tt.in)
			if tt.wantErr != "" {
				if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("normalize(%q) = %v, %v; want Invalid error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestLockRejects(t *testing.T) {
	dir := t.TempDir() + "/locks"
	tests := []struct {
		name    string
		op      string
		devices []string
		kind    fault.Kind
	}{
		{"empty op", "", []string{"tor-1"}, fault.Invalid},
		{"no devices", "update_port", nil, fault.Invalid},
		{"path in name", "update_port", []string{"tor-1", "../x"}, fault.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(Options{Dir: dir})
			h, err := l.Lock(context.Background(), tt.op, tt.devices...)
			if h != nil || fault.KindOf(err) != tt.kind {
				t.Fatalf("Lock = %v, %v; want kind %v", h, err, tt.kind)
			}
			if hs := l.Holders(); len(hs) != 0 {
				t.Fatalf("a rejected Lock left holders: %+v", hs)
			}
		})
	}
	// Names are checked before any file is touched.
	if _, err := New(Options{Dir: dir}).Lock(context.Background(), "x", "tor-1", "a/b"); err == nil {
		t.Fatal("Lock accepted a/b")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		t.Fatalf("rejected names created files: %v", entries)
	}
}

func TestLockSortedDeduped(t *testing.T) {
	l := New(Options{})
	h, err := l.Lock(context.Background(), "update_lag", "tor-b", "tor-a", "tor-b")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Devices(); !slices.Equal(got, []string{"tor-a", "tor-b"}) {
		t.Fatalf("Devices() = %q", got)
	}
	hs := l.Holders()
	if len(hs) != 2 || hs[0].Device != "tor-a" || hs[1].Device != "tor-b" {
		t.Fatalf("Holders() = %+v", hs)
	}
	for _, x := range hs {
		if x.Op != "update_lag" || x.Acquiring || x.Waiting != 0 || x.Since.IsZero() {
			t.Fatalf("holder %+v", x)
		}
	}
	h.Release()
	if hs := l.Holders(); len(hs) != 0 {
		t.Fatalf("after Release, Holders() = %+v", hs)
	}
}

func TestReleaseTwiceIsHarmless(t *testing.T) {
	l := New(Options{})
	ctx := context.Background()
	h1, err := l.Lock(ctx, "first", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	h1.Release()
	h2, err := l.Lock(ctx, "second", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Release()
	h1.Release() // must not release second's lock
	if hs := l.Holders(); len(hs) != 1 || hs[0].Op != "second" {
		t.Fatalf("Holders() = %+v", hs)
	}
}

func TestDifferentDevicesInParallel(t *testing.T) {
	l := New(Options{})
	h1, err := l.Lock(context.Background(), "a", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	defer h1.Release()
	// tor-2 is free: this must succeed even with an already tight deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h2, err := l.Lock(ctx, "b", "tor-2")
	if err != nil {
		t.Fatalf("tor-2 blocked behind tor-1: %v", err)
	}
	h2.Release()
}

// queued waits until device has n operations queued behind its holder.
func queued(t *testing.T, l *Locker, device string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, h := range l.Holders() {
			if h.Device == device && h.Waiting == n {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s never had %d waiters: %+v", device, n, l.Holders())
}

func TestFIFO(t *testing.T) {
	for _, cancelled := range []int{-1, 0, 4, 9} { // which waiter gives up; -1: none
		t.Run(fmt.Sprintf("cancel=%d", cancelled), func(t *testing.T) {
			const n = 10
			l := New(Options{})
			first, err := l.Lock(context.Background(), "holder", "tor-1")
			if err != nil {
				t.Fatal(err)
			}
			var (
				mu    sync.Mutex
				order []int
				wg    sync.WaitGroup
				errs  = make([]error, n)
			)
			var cancelIt context.CancelFunc
			for i := range n {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if i == cancelled {
					cancelIt = cancel
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					h, err := l.Lock(ctx, "op"+strconv.Itoa(i), "tor-1")
					if err != nil {
						errs[i] = err
						return
					}
					mu.Lock()
					order = append(order, i)
					mu.Unlock()
					h.Release()
				}()
				queued(t, l, "tor-1", i+1) // i+1 queued: arrival order is fixed
			}
			var want []int
			for i := range n {
				if i != cancelled {
					want = append(want, i)
				}
			}
			if cancelIt != nil {
				cancelIt()
				queued(t, l, "tor-1", n-1)
			}
			first.Release()
			wg.Wait()
			if !slices.Equal(order, want) {
				t.Fatalf("acquired in order %v, want %v", order, want)
			}
			for i, err := range errs {
				switch {
				case i == cancelled && (!fault.Is(err, fault.Timeout) || !errors.Is(err, context.Canceled)):
					t.Errorf("cancelled waiter %d: err = %v, want Timeout wrapping context.Canceled", i, err)
				case i != cancelled && err != nil:
					t.Errorf("waiter %d: %v", i, err)
				}
			}
			if hs := l.Holders(); len(hs) != 0 {
				t.Fatalf("left holders: %+v", hs)
			}
		})
	}
}

// waitMsg matches a timeout error's text and captures the seconds waited.
var waitMsg = regexp.MustCompile(`^(\S+): waited (\d+\.\d)s for the device lock, (.*): context deadline exceeded$`)

func TestTimeout(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, l *Locker) // takes the locks the waiter will wait behind
		lock   []string
		device string         // the device named in the error
		behind *regexp.Regexp // the "held by ..." part
	}{
		{
			name: "behind holder",
			setup: func(t *testing.T, l *Locker) {
				hold(t, l, "update_port", "tor-1")
			},
			lock:   []string{"tor-1"},
			device: "tor-1",
			behind: regexp.MustCompile(`^held by update_port for \d+\.\ds$`),
		},
		{
			name: "behind holder and a queue",
			setup: func(t *testing.T, l *Locker) {
				hold(t, l, "update_port", "tor-1")
				wait(t, l, "reset_port", "tor-1")
				queued(t, l, "tor-1", 1)
				wait(t, l, "update_lag", "tor-1")
				queued(t, l, "tor-1", 2)
			},
			lock:   []string{"tor-1"},
			device: "tor-1",
			behind: regexp.MustCompile(`^held by update_port for \d+\.\ds, 2 more queued ahead$`),
		},
		{
			name: "second device of a multi-device lock",
			setup: func(t *testing.T, l *Locker) {
				hold(t, l, "update_port", "tor-2")
			},
			lock:   []string{"tor-2", "dpu-1"},
			device: "tor-2",
			behind: regexp.MustCompile(`^held by update_port for \d+\.\ds$`),
		},
		{
			name: "behind a holder that itself waits",
			setup: func(t *testing.T, l *Locker) {
				hold(t, l, "update_port", "tor-2")
				wait(t, l, "update_lag", "tor-1", "tor-2") // holds tor-1, waits for tor-2
				queued(t, l, "tor-2", 1)
			},
			lock:   []string{"tor-1"},
			device: "tor-1",
			behind: regexp.MustCompile(`^held by update_lag for \d+\.\ds \(itself still waiting for another lock\)$`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(Options{})
			tt.setup(t, l)
			before := l.Holders()

			const timeout = 200 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			start := time.Now()
			h, err := l.Lock(ctx, "waiter", tt.lock...)
			took := time.Since(start)
			if err == nil {
				h.Release()
				t.Fatal("Lock succeeded behind a holder")
			}
			if took > timeout+slack {
				t.Errorf("Lock returned %v after its deadline", took-timeout)
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Timeout || fe.Device != tt.device {
				t.Fatalf("err = %#v, want fault.Timeout for %s", err, tt.device)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err does not wrap context.DeadlineExceeded: %v", err)
			}
			m := waitMsg.FindStringSubmatch(err.Error())
			if m == nil || m[1] != tt.device || !tt.behind.MatchString(m[3]) {
				t.Fatalf("error text %q\nwant %s: waited N.Ns for the device lock, %s", err, tt.device, tt.behind)
			}
			if w, _ := strconv.ParseFloat(m[2], 64); w < timeout.Seconds()-0.05 || w > (timeout+slack).Seconds() {
				t.Errorf("error says waited %ss, the deadline was %v", m[2], timeout)
			}
			// The waiter left no trace: every lock it took is back.
			if after := l.Holders(); !slices.Equal(before, after) {
				t.Fatalf("holders before %+v, after %+v", before, after)
			}
		})
	}
}

func TestExpiredContext(t *testing.T) {
	l := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Lock(ctx, "update_port", "tor-1")
	if !fault.Is(err, fault.Timeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock with a done context = %v", err)
	}
	if hs := l.Holders(); len(hs) != 0 {
		t.Fatalf("holders: %+v", hs)
	}
}

func TestWaited(t *testing.T) {
	l := New(Options{})
	h1, err := l.Lock(context.Background(), "first", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *Held)
	go func() {
		h, err := l.Lock(context.Background(), "second", "tor-1")
		if err != nil {
			t.Error(err)
		}
		done <- h
	}()
	queued(t, l, "tor-1", 1)
	const held = 50 * time.Millisecond
	time.Sleep(held)
	h1.Release()
	h2 := <-done
	if h2 == nil {
		return
	}
	defer h2.Release()
	if h2.Waited() < held {
		t.Fatalf("Waited() = %v, but it waited at least %v", h2.Waited(), held)
	}
}

// TestCancelAtGrant races a waiter's cancellation against the release that
// grants it the lock. Whichever wins, the lock must reach the next waiter.
func TestCancelAtGrant(t *testing.T) {
	iterations := 2000
	if testing.Short() {
		iterations = 200
	}
	l := New(Options{})
	var gaveUp, got int
	for i := range iterations {
		first, err := l.Lock(context.Background(), "first", "tor-1")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		racer := make(chan error, 1)
		go func() {
			h, err := l.Lock(ctx, "racer", "tor-1")
			if err == nil {
				h.Release()
			}
			racer <- err
		}()
		queued(t, l, "tor-1", 1)
		next := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			h, err := l.Lock(ctx, "next", "tor-1")
			if err == nil {
				h.Release()
			}
			next <- err
		}()
		queued(t, l, "tor-1", 2)
		if i%2 == 0 {
			first.Release()
			cancel()
		} else {
			cancel()
			first.Release()
		}
		if err := <-racer; err == nil {
			got++
		} else if fault.Is(err, fault.Timeout) {
			gaveUp++
		} else {
			t.Fatalf("racer: %v", err)
		}
		if err := <-next; err != nil {
			t.Fatalf("iteration %d: the waiter behind a cancelled one never got the lock: %v", i, err)
		}
		if hs := l.Holders(); len(hs) != 0 {
			t.Fatalf("iteration %d: lock leaked: %+v", i, hs)
		}
	}
	t.Logf("racer got the lock %d times, gave up %d times", got, gaveUp)
}

// hold takes devices for op until the test ends.
func hold(t *testing.T, l *Locker, op string, devices ...string) {
	t.Helper()
	h, err := l.Lock(context.Background(), op, devices...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Release)
}

// wait starts op waiting for devices in the background; it gives up (or
// releases) when the test ends.
func wait(t *testing.T, l *Locker, op string, devices ...string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if h, err := l.Lock(ctx, op, devices...); err == nil {
			h.Release()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func TestNewHeld(t *testing.T) {
	devices := []string{"tor-1", "tor-2"}
	calls := 0
	h := NewHeld(devices, 3*time.Second, func() { calls++ })
	devices[0] = "changed"
	if got := h.Devices(); !slices.Equal(got, []string{"tor-1", "tor-2"}) || h.Waited() != 3*time.Second {
		t.Fatalf("Devices() = %q, Waited() = %v", got, h.Waited())
	}
	h.Devices()[0] = "changed"
	if h.Devices()[0] != "tor-1" {
		t.Fatal("Devices() exposes its slice")
	}
	h.Release()
	h.Release()
	if calls != 1 {
		t.Fatalf("release ran %d times, want 1", calls)
	}
}
