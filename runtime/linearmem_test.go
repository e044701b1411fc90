package runtime

import (
	"bytes"
	"testing"
	"unsafe"
)

func TestLinearMemory(t *testing.T) {
	for _, tc := range []struct {
		name       string
		max, first uint64
		grown      uint64
	}{
		{"cleared in place", 8 << 20, 1 << 20, 2 << 20},
		{"handed back to the kernel", 64 << 20, 1 << 20, 32 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &spares{keep: 1}
			m := &linearMemory{spare: s}
			m.Allocate(64<<10, tc.max)
			b := m.Reallocate(tc.first)
			if uint64(len(b)) != tc.first {
				t.Fatalf("len %d, want %d", len(b), tc.first)
			}
			for i := range b {
				b[i] = 0xAB
			}
			g := m.Reallocate(tc.grown)
			if !bytes.Equal(g[:tc.first], b) || !zeroed(g[tc.first:]) {
				t.Fatal("growing lost the contents or exposed non-zero bytes")
			}
			for i := range g {
				g[i] = 0xCD
			}
			if m.Reallocate(tc.max+1) != nil {
				t.Fatal("memory grew past its maximum")
			}
			base := unsafe.SliceData(g)
			m.release()
			if m.buf != nil {
				t.Fatal("released memory still held")
			}

			// The next instance reuses the mapping, and sees only zeros.
			n := &linearMemory{spare: s}
			n.Allocate(64<<10, tc.max)
			r := n.Reallocate(tc.max)
			if !n.mapped {
				t.Skip("this platform grows memory on the heap; nothing is reused")
			}
			if unsafe.SliceData(r) != base {
				t.Fatal("a released mapping was not reused")
			}
			if !zeroed(r) {
				t.Fatal("a reused memory holds the last guest's bytes")
			}
			n.release()
		})
	}
}

func TestSparesBounded(t *testing.T) {
	s := &spares{keep: 2}
	var ms []*linearMemory
	for range 3 {
		m := &linearMemory{spare: s}
		m.Allocate(0, 1<<20)
		m.Reallocate(64 << 10)
		ms = append(ms, m)
	}
	for _, m := range ms {
		m.release()
	}
	if len(s.free) > 2 {
		t.Fatalf("%d spare memories kept, want at most 2", len(s.free))
	}
}

func zeroed(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func TestSparesDrain(t *testing.T) {
	s := &spares{keep: 2}
	m := &linearMemory{spare: s}
	m.Allocate(0, 1<<20)
	m.release()
	s.drain()
	n := &linearMemory{spare: s}
	n.Allocate(0, 1<<20)
	n.release()
	if len(s.free) != 0 {
		t.Fatalf("%d memories kept after drain, want none", len(s.free))
	}
}
