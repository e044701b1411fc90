package state

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MinVLAN and MaxVLAN bound the usable 802.1Q VLAN ids.
const (
	MinVLAN = 1
	MaxVLAN = 4094
)

// VLANSet is a set of VLAN ids 1-4094. The zero value is empty; it is a
// value type (copying it copies the set) and comparable with ==.
type VLANSet struct {
	w [64]uint64
}

// AllVLANs returns the set 1-4094.
func AllVLANs() VLANSet {
	var s VLANSet
	for v := MinVLAN; v <= MaxVLAN; v++ {
		s.Add(v)
	}
	return s
}

// NewVLANSet returns a set holding ids; ids outside 1-4094 are ignored.
func NewVLANSet(ids ...int) VLANSet {
	var s VLANSet
	for _, v := range ids {
		s.Add(v)
	}
	return s
}

func valid(v int) bool { return v >= MinVLAN && v <= MaxVLAN }

// Add puts v in the set; ids outside 1-4094 are ignored.
func (s *VLANSet) Add(v int) {
	if valid(v) {
		s.w[v/64] |= 1 << (v % 64)
	}
}

// Remove takes v out of the set.
func (s *VLANSet) Remove(v int) {
	if valid(v) {
		s.w[v/64] &^= 1 << (v % 64)
	}
}

// Has reports whether v is in the set.
func (s VLANSet) Has(v int) bool {
	return valid(v) && s.w[v/64]&(1<<(v%64)) != 0
}

// Len returns the number of ids in the set.
func (s VLANSet) Len() int {
	n := 0
	for _, w := range s.w {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether the set has no ids.
func (s VLANSet) IsEmpty() bool { return s == VLANSet{} }

// IsAll reports whether the set holds every id 1-4094.
func (s VLANSet) IsAll() bool { return s.Len() == MaxVLAN-MinVLAN+1 }

// Union returns s ∪ o.
func (s VLANSet) Union(o VLANSet) VLANSet {
	for i := range s.w {
		s.w[i] |= o.w[i]
	}
	return s
}

// Minus returns s \ o.
func (s VLANSet) Minus(o VLANSet) VLANSet {
	for i := range s.w {
		s.w[i] &^= o.w[i]
	}
	return s
}

// IDs returns the ids in ascending order.
func (s VLANSet) IDs() []int {
	var out []int
	for v := MinVLAN; v <= MaxVLAN; v++ {
		if s.Has(v) {
			out = append(out, v)
		}
	}
	return out
}

// Ranges renders the set as ascending ranges joined by sep, e.g. "1,5-7"
// with sep ",". An empty set renders as "".
func (s VLANSet) Ranges(sep string) string {
	var b strings.Builder
	for v := MinVLAN; v <= MaxVLAN; v++ {
		if !s.Has(v) {
			continue
		}
		end := v
		for end+1 <= MaxVLAN && s.Has(end+1) {
			end++
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strconv.Itoa(v))
		if end > v {
			b.WriteString("-")
			b.WriteString(strconv.Itoa(end))
		}
		v = end
	}
	return b.String()
}

// String renders the set as "1,5-7", or "none" when it is empty.
func (s VLANSet) String() string {
	if s.IsEmpty() {
		return "none"
	}
	return s.Ranges(",")
}

// RangeError reports a VLAN list element outside 1-4094 (or a range whose
// start exceeds its end). Offset is the byte offset of the bad element in
// the parsed text.
type RangeError struct {
	Offset int
	Text   string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("VLAN %q at offset %d is outside %d-%d", e.Text, e.Offset, MinVLAN, MaxVLAN)
}

// SyntaxError reports a VLAN list that is not digits, commas and dashes.
type SyntaxError struct {
	Offset int
	Text   string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed VLAN list element %q at offset %d", e.Text, e.Offset)
}

// ParseVLANList parses a list such as "10", "10,20" or "10-12,30". It
// returns a *SyntaxError for anything that is not a list of numbers and
// ranges, and a *RangeError for ids outside 1-4094.
func ParseVLANList(text string) (VLANSet, error) {
	var s VLANSet
	if text == "" {
		return s, &SyntaxError{Offset: 0, Text: text}
	}
	off := 0
	for _, part := range strings.Split(text, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		a, errA := parseID(lo)
		b := a
		var errB error
		if ok {
			b, errB = parseID(hi)
		}
		switch {
		case errA != nil || errB != nil:
			return VLANSet{}, &SyntaxError{Offset: off, Text: part}
		case !valid(a) || !valid(b) || a > b:
			return VLANSet{}, &RangeError{Offset: off, Text: part}
		}
		for v := a; v <= b; v++ {
			s.Add(v)
		}
		off += len(part) + 1
	}
	return s, nil
}

func parseID(s string) (int, error) {
	if s == "" || len(s) > 5 {
		return 0, strconv.ErrSyntax
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}
