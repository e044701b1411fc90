package topo

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSlotNames(t *testing.T) {
	tests := []struct {
		slot, link int
		prefix     string
		subnet     string
	}{
		{0, 0, "me000", "10.99.16.0/30"},
		{0, 7, "me000", "10.99.16.28/30"},
		{1, 0, "me001", "10.99.16.32/30"},
		{35, 1, "me00z", "10.99.20.100/30"},
		{maxSlots - 1, 7, "me1hb", "10.99.255.252/30"},
	}
	for _, tt := range tests {
		if got := slotPrefix(tt.slot); got != tt.prefix {
			t.Errorf("slotPrefix(%d) = %q, want %q", tt.slot, got, tt.prefix)
		}
		if got := slotLink(tt.slot, tt.link); got != netip.MustParsePrefix(tt.subnet) {
			t.Errorf("slotLink(%d, %d) = %v, want %s", tt.slot, tt.link, got, tt.subnet)
		}
	}
	// The longest root-namespace link name must fit IFNAMSIZ-1.
	if n := len(slotPrefix(maxSlots-1) + "-u7"); n > 15 {
		t.Errorf("root link names reach %d characters", n)
	}
	// No slot's addresses leave the range or reach the recipes' 10.99.0.0/20.
	last := slotLink(maxSlots-1, linksPerSlot-1)
	if !mgmtRange.Contains(last.Addr()) || netip.MustParsePrefix("10.99.0.0/20").Contains(slotLink(0, 0).Addr()) {
		t.Errorf("slot addresses escape the plan: first %v, last %v", slotLink(0, 0), last)
	}
}

func TestLeases(t *testing.T) {
	a, b, c := owner{pid: 101, start: 1}, owner{pid: 102, start: 1}, owner{pid: 103, start: 1}
	dead := map[owner]bool{}
	ls := leases{path: filepath.Join(t.TempDir(), "run", "leases"), alive: func(o owner) bool { return !dead[o] }}
	acquire := func(o owner, want int) {
		t.Helper()
		got, err := ls.acquire(o)
		if err != nil || got != want {
			t.Fatalf("acquire(%v) = %d, %v; want slot %d", o, got, err, want)
		}
	}
	acquire(a, 0)
	acquire(b, 1)
	acquire(a, 2) // one process may hold several labs
	if err := ls.release(b, 1); err != nil {
		t.Fatal(err)
	}
	acquire(c, 1) // a released slot is reused first
	if err := ls.release(a, 1); err != nil {
		t.Fatal(err)
	}
	acquire(b, 3) // releasing someone else's slot does nothing
	dead[a] = true
	acquire(b, 0) // a dead owner's slot is free again

	text, err := os.ReadFile(ls.path)
	if err != nil {
		t.Fatal(err)
	}
	want := "0 102 1\n1 103 1\n2 101 1\n3 102 1\n"
	if string(text) != want {
		t.Errorf("lease file:\n%s\nwant:\n%s", text, want)
	}
}

// TestLeasesConcurrent hammers the file lock: every acquirer, each on its
// own open file as separate processes would be, gets a distinct slot.
func TestLeasesConcurrent(t *testing.T) {
	const n = 40
	ls := newLeases(filepath.Join(t.TempDir(), "leases"))
	ls.alive = func(owner) bool { return true }
	slots := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := ls.acquire(owner{pid: 1000 + i, start: 7})
			if err != nil {
				t.Error(err)
			}
			slots[i] = s
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for _, s := range slots {
		if seen[s] || s < 0 || s >= n {
			t.Fatalf("slots %v: want each of 0..%d once", slots, n-1)
		}
		seen[s] = true
	}
	b, _ := os.ReadFile(ls.path)
	if got := strings.Count(string(b), "\n"); got != n {
		t.Errorf("lease file has %d lines, want %d", got, n)
	}
}

func TestSelfIsAlive(t *testing.T) {
	o, err := self()
	if err != nil {
		t.Fatal(err)
	}
	if !o.alive() {
		t.Fatal("this process is not alive by its own lease")
	}
	if (owner{pid: o.pid, start: o.start + 1}).alive() {
		t.Fatal("a recycled pid (other start time) counts as alive")
	}
}
