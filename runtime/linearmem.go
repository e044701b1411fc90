package runtime

import (
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// linearMemory is the backing store of one instance's linear memory. Where
// the platform allows it, the instance's whole memory cap is reserved up
// front as an anonymous mapping that the kernel fills with zero pages on
// first touch: growing the memory is then a re-slice, not an allocation and
// a copy, and the bytes stay off the Go heap, so the collector neither
// zeroes nor scans nor reclaims them. Elsewhere it grows on the heap.
//
// wazero calls Free when the module closes, which can happen (Runtime.Close)
// while a guest still runs; unmapping then would fault the guest. So Free
// does nothing and the instance calls release after its last call returns.
type linearMemory struct {
	buf    []byte // len is the memory's size, cap its reservation
	mapped bool   // buf is a mapping to unmap, not heap
	max    uint64
	spare  *spares
}

// spares keeps released mappings, zeroed, for the next instances: a
// mapping's pages, once touched, stay committed, so reusing one costs a
// clear of the bytes the last guest used instead of a page fault per page.
type spares struct {
	mu   sync.Mutex
	free [][]byte
	keep int
}

func (s *spares) get(size uint64) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, b := range s.free {
		if uint64(cap(b)) == size {
			s.free = append(s.free[:i], s.free[i+1:]...)
			return b, true
		}
	}
	return reserve(size)
}

// drain unmaps the kept memories and keeps none from now on.
func (s *spares) drain() {
	s.mu.Lock()
	free := s.free
	s.free, s.keep = nil, 0
	s.mu.Unlock()
	for _, b := range free {
		unreserve(b[:cap(b)])
	}
}

func (s *spares) put(b []byte) {
	zero(b)
	s.mu.Lock()
	if len(s.free) < s.keep {
		s.free = append(s.free, b[:0])
		b = nil
	}
	s.mu.Unlock()
	if b != nil {
		unreserve(b[:cap(b)])
	}
}

// Allocate implements experimental.MemoryAllocator; wazero calls it once per
// instantiation with the memory's maximum size (the instance cap).
func (m *linearMemory) Allocate(capacity, max uint64) experimental.LinearMemory {
	m.max = max
	if b, ok := m.spare.get(max); ok {
		m.buf, m.mapped = b[:0], true
	} else {
		m.buf = make([]byte, 0, capacity)
	}
	return m
}

// Reallocate implements experimental.LinearMemory: it returns the memory at
// size bytes, or nil past the cap (the guest's memory.grow then fails).
func (m *linearMemory) Reallocate(size uint64) []byte {
	switch {
	case size > m.max:
		return nil
	case size <= uint64(cap(m.buf)):
		m.buf = m.buf[:size]
	default:
		grown := make([]byte, size, min(max(size, 2*uint64(cap(m.buf))), m.max))
		copy(grown, m.buf)
		m.buf = grown
	}
	return m.buf
}

// Free implements experimental.LinearMemory; see release.
func (m *linearMemory) Free() {}

// release returns the memory to the system. Call it only once no guest can
// run on it any more.
func (m *linearMemory) release() {
	if m.mapped {
		m.spare.put(m.buf)
	}
	m.buf, m.mapped = nil, false
}
