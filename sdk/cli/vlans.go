package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FormatVLANs renders sorted VLAN IDs as a range list: 10,20-22.
func FormatVLANs(ids []int) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var b strings.Builder
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ids[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(ids[j]))
		}
		i = j + 1
	}
	return b.String()
}

// ParseVLANs reads a range list such as "10,20-22" (spaces allowed after
// commas), "none" (no VLANs) or "all" (1-4094) into sorted IDs.
func ParseVLANs(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "none":
		return nil, nil
	case "all":
		s = "1-4094"
	}
	var ids []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("VLAN list %q: %q is not a VLAN", s, part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("VLAN list %q: %q is not a VLAN range", s, part)
			}
		}
		if a < 1 || b > 4094 {
			return nil, fmt.Errorf("VLAN list %q: %q is outside 1-4094", s, part)
		}
		for v := a; v <= b; v++ {
			ids = append(ids, v)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
