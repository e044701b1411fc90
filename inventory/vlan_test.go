package inventory

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseVLANSet(t *testing.T) {
	tests := []struct {
		in      string
		want    string // String() of the result
		list    []int
		wantErr string
	}{
		{in: "", want: ""},
		{in: "  ", want: ""},
		{in: "100", want: "100", list: []int{100}},
		{in: "100-102,300", want: "100-102,300", list: []int{100, 101, 102, 300}},
		{in: " 300 , 100-102 ", want: "100-102,300", list: []int{100, 101, 102, 300}},
		{in: "1-4094", want: "1-4094"},
		{in: "5,4,3,2,1", want: "1-5", list: []int{1, 2, 3, 4, 5}},
		{in: "10-20,15-25,26", want: "10-26"},
		{in: "7-7", want: "7", list: []int{7}},
		{in: "0", wantErr: "VLAN 0 is out of range 1-4094"},
		{in: "4095", wantErr: "VLAN 4095 is out of range 1-4094"},
		{in: "300-200", wantErr: `range "300-200" runs backwards (write 200-300)`},
		{in: "100-x", wantErr: `"x" is not a VLAN number`},
		{in: "-5", wantErr: `"" is not a VLAN number`},
		{in: "1--5", wantErr: `"-5" is not a VLAN number`},
		{in: "100,,200", wantErr: `empty item in "100,,200"`},
		{in: "100,", wantErr: `empty item in "100,"`},
		{in: "+5", wantErr: `"+5" is not a VLAN number`},
		{in: "99999999999999999999", wantErr: `"99999999999999999999" is not a VLAN number`},
	}
	for _, tt := range tests {
		got, err := ParseVLANSet(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseVLANSet(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseVLANSet(%q): %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseVLANSet(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.list != nil && !slices.Equal(got.List(), tt.list) {
			t.Errorf("ParseVLANSet(%q).List() = %v, want %v", tt.in, got.List(), tt.list)
		}
	}
}

func TestVLANSetContains(t *testing.T) {
	s, err := ParseVLANSet("10-20,30,4094")
	if err != nil {
		t.Fatal(err)
	}
	for v := -1; v <= 4096; v++ {
		want := (v >= 10 && v <= 20) || v == 30 || v == 4094
		if s.Contains(v) != want {
			t.Errorf("Contains(%d) = %v", v, !want)
		}
	}
	if s.Len() != 13 || s.IsEmpty() {
		t.Errorf("Len = %d, IsEmpty = %v", s.Len(), s.IsEmpty())
	}
	if (VLANSet{}).Contains(1) || !(VLANSet{}).IsEmpty() || AllVLANs().Len() != 4094 {
		t.Error("zero value or AllVLANs wrong")
	}
	if got := s.Ranges(); !slices.Equal(got, [][2]int{{10, 20}, {30, 30}, {4094, 4094}}) {
		t.Errorf("Ranges() = %v", got)
	}
}

func TestNewVLANSet(t *testing.T) {
	s, err := NewVLANSet(5, 3, 4, 100)
	if err != nil || s.String() != "3-5,100" {
		t.Fatalf("NewVLANSet = %q, %v", s, err)
	}
	if _, err := NewVLANSet(1, 0); err == nil {
		t.Error("NewVLANSet accepted 0")
	}
}

// The set algebra agrees with a brute-force model on random sets.
func TestVLANSetAlgebra(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() (VLANSet, map[int]bool) {
		var parts []string
		m := map[int]bool{}
		for range rng.IntN(6) {
			lo := 1 + rng.IntN(4094)
			hi := min(MaxVLAN, lo+rng.IntN(50))
			parts = append(parts, strconv.Itoa(lo)+"-"+strconv.Itoa(hi))
			for v := lo; v <= hi; v++ {
				m[v] = true
			}
		}
		s, err := ParseVLANSet(strings.Join(parts, ","))
		if err != nil {
			t.Fatal(err)
		}
		return s, m
	}
	for range 300 {
		a, am := random()
		b, bm := random()
		u, in, mi := a.Union(b), a.Intersect(b), a.Minus(b)
		for v := MinVLAN; v <= MaxVLAN; v++ {
			if u.Contains(v) != (am[v] || bm[v]) || in.Contains(v) != (am[v] && bm[v]) || mi.Contains(v) != (am[v] && !bm[v]) {
				t.Fatalf("a=%s b=%s: at %d union %v intersect %v minus %v", a, b, v, u.Contains(v), in.Contains(v), mi.Contains(v))
			}
		}
		for _, s := range []VLANSet{u, in, mi} {
			back, err := ParseVLANSet(s.String())
			if err != nil || !back.Equal(s) {
				t.Fatalf("%s does not parse back: %v", s, err)
			}
		}
	}
}

func FuzzParseVLANSet(f *testing.F) {
	for _, s := range []string{"", "1", "100-200,300", "1-4094", "4094-1", " 5 , 6-7", "0", "1,,2", "-", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseVLANSet(in)
		if err != nil {
			return
		}
		list := s.List()
		if len(list) != s.Len() {
			t.Fatalf("%q: Len %d, List has %d", in, s.Len(), len(list))
		}
		if !slices.IsSorted(list) {
			t.Fatalf("%q: List not sorted", in)
		}
		for i, v := range list {
			if v < MinVLAN || v > MaxVLAN || !s.Contains(v) || (i > 0 && list[i-1] == v) {
				t.Fatalf("%q: bad element %d", in, v)
			}
		}
		back, err := ParseVLANSet(s.String())
		if err != nil || !back.Equal(s) {
			t.Fatalf("%q: String %q does not parse back: %v", in, s.String(), err)
		}
	})
}
