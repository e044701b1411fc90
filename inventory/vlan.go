package inventory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The usable 802.1Q VLAN ids.
const (
	MinVLAN = 1
	MaxVLAN = 4094
)

// VLANSet is an immutable set of VLAN ids (1-4094). The zero value is the
// empty set. It is a small value: copy it freely.
type VLANSet struct {
	r []span // sorted, non-overlapping, non-adjacent; never mutated once built
}

// span is an inclusive range of integers.
type span struct{ lo, hi int }

// AllVLANs returns the set 1-4094.
func AllVLANs() VLANSet { return VLANSet{r: []span{{MinVLAN, MaxVLAN}}} }

// ParseVLANSet parses a comma-separated list of VLAN ids and inclusive
// ranges, such as "100-200,300". Spaces around items are allowed; an empty
// string is the empty set. Every id must lie in 1-4094 and every range must
// run low to high.
func ParseVLANSet(s string) (VLANSet, error) {
	var spans []span
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			if strings.TrimSpace(s) == "" {
				break
			}
			return VLANSet{}, fmt.Errorf("empty item in %q", s)
		}
		sp, err := parseSpan(item, MinVLAN, MaxVLAN, "VLAN")
		if err != nil {
			return VLANSet{}, err
		}
		spans = append(spans, sp)
	}
	return VLANSet{r: normalise(spans)}, nil
}

// NewVLANSet returns the set holding ids; every id must lie in 1-4094.
func NewVLANSet(ids ...int) (VLANSet, error) {
	spans := make([]span, 0, len(ids))
	for _, id := range ids {
		if id < MinVLAN || id > MaxVLAN {
			return VLANSet{}, fmt.Errorf("VLAN %d is out of range %d-%d", id, MinVLAN, MaxVLAN)
		}
		spans = append(spans, span{id, id})
	}
	return VLANSet{r: normalise(spans)}, nil
}

// Contains reports whether id is in the set.
func (s VLANSet) Contains(id int) bool {
	_, found := slices.BinarySearchFunc(s.r, id, func(sp span, id int) int {
		switch {
		case sp.hi < id:
			return -1
		case sp.lo > id:
			return 1
		}
		return 0
	})
	return found
}

// Len returns the number of ids in the set.
func (s VLANSet) Len() int {
	n := 0
	for _, sp := range s.r {
		n += sp.hi - sp.lo + 1
	}
	return n
}

// IsEmpty reports whether the set holds no id.
func (s VLANSet) IsEmpty() bool { return len(s.r) == 0 }

// List returns the ids in ascending order.
func (s VLANSet) List() []int {
	out := make([]int, 0, s.Len())
	for _, sp := range s.r {
		for v := sp.lo; v <= sp.hi; v++ {
			out = append(out, v)
		}
	}
	return out
}

// Ranges returns the set as ascending, non-overlapping inclusive ranges
// [first, last].
func (s VLANSet) Ranges() [][2]int {
	out := make([][2]int, len(s.r))
	for i, sp := range s.r {
		out[i] = [2]int{sp.lo, sp.hi}
	}
	return out
}

// String renders the set in the form ParseVLANSet reads: "100-200,300".
// The empty set renders as "".
func (s VLANSet) String() string {
	var b strings.Builder
	for i, sp := range s.r {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(sp.String())
	}
	return b.String()
}

// Equal reports whether s and o hold the same ids.
func (s VLANSet) Equal(o VLANSet) bool { return slices.Equal(s.r, o.r) }

// Union returns the ids in s or o.
func (s VLANSet) Union(o VLANSet) VLANSet {
	return VLANSet{r: normalise(slices.Concat(s.r, o.r))}
}

// Intersect returns the ids in both s and o.
func (s VLANSet) Intersect(o VLANSet) VLANSet {
	var out []span
	i, j := 0, 0
	for i < len(s.r) && j < len(o.r) {
		lo, hi := max(s.r[i].lo, o.r[j].lo), min(s.r[i].hi, o.r[j].hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
		if s.r[i].hi < o.r[j].hi {
			i++
		} else {
			j++
		}
	}
	return VLANSet{r: out}
}

// Minus returns the ids in s and not in o.
func (s VLANSet) Minus(o VLANSet) VLANSet {
	var out []span
	for _, sp := range s.r {
		lo := sp.lo
		for _, cut := range o.r {
			if cut.hi < lo || cut.lo > sp.hi {
				continue
			}
			if cut.lo > lo {
				out = append(out, span{lo, cut.lo - 1})
			}
			lo = cut.hi + 1
			if lo > sp.hi {
				break
			}
		}
		if lo <= sp.hi {
			out = append(out, span{lo, sp.hi})
		}
	}
	return VLANSet{r: out}
}

// Range is an inclusive range of integers, such as a device's LAG ids.
type Range struct {
	First, Last int
}

// Contains reports whether n lies in the range.
func (r Range) Contains(n int) bool { return n >= r.First && n <= r.Last }

// String renders "first-last".
func (r Range) String() string { return span{r.First, r.Last}.String() }

func (sp span) String() string {
	if sp.lo == sp.hi {
		return strconv.Itoa(sp.lo)
	}
	return strconv.Itoa(sp.lo) + "-" + strconv.Itoa(sp.hi)
}

// parseSpan reads "N" or "N-M" with min <= N <= M <= max. what names the
// numbers in messages ("VLAN", "LAG id").
func parseSpan(item string, lo, hi int, what string) (span, error) {
	a, b, isRange := strings.Cut(item, "-")
	first, err := parseID(a, lo, hi, what)
	if err != nil {
		return span{}, err
	}
	last := first
	if isRange {
		if last, err = parseID(b, lo, hi, what); err != nil {
			return span{}, err
		}
		if last < first {
			return span{}, fmt.Errorf("range %q runs backwards (write %d-%d)", item, last, first)
		}
	}
	return span{first, last}, nil
}

func parseID(s string, lo, hi int, what string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 6 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a %s number", s, what)
	}
	n, _ := strconv.Atoi(s)
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s %d is out of range %d-%d", what, n, lo, hi)
	}
	return n, nil
}

// normalise sorts spans and merges overlapping and adjacent ones. It may
// reorder its argument, which callers own.
func normalise(spans []span) []span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	out := []span{spans[0]}
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.lo <= last.hi+1 {
			last.hi = max(last.hi, sp.hi)
			continue
		}
		out = append(out, sp)
	}
	return out
}
