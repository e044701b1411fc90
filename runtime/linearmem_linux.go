package runtime

import "syscall"

// reserve maps size bytes of zero-filled, private, lazily committed memory.
func reserve(size uint64) ([]byte, bool) {
	if size == 0 || size > 1<<34 {
		return nil, false
	}
	b, err := syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, false
	}
	return b, true
}

func unreserve(b []byte) { _ = syscall.Munmap(b) }

// zeroInPlace is the most a released memory keeps committed: up to it the
// bytes are cleared where they are (what a typical driver uses, a few MiB);
// past it they are handed back to the kernel, which reads them as zero
// again, so a guest that grew its memory large does not keep it resident.
const zeroInPlace = 16 << 20

// zero makes b all zero bytes.
func zero(b []byte) {
	if len(b) > zeroInPlace && syscall.Madvise(b, syscall.MADV_DONTNEED) == nil {
		return
	}
	clear(b)
}
