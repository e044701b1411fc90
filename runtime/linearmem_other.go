//go:build !linux

package runtime

// reserve is not used off Linux: linear memory grows on the Go heap.
func reserve(uint64) ([]byte, bool) { return nil, false }

func unreserve([]byte) {}

func zero(b []byte) { clear(b) }
