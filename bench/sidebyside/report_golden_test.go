package sidebyside

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestTable renders fixed results and compares them with golden tables:
// medians of odd and even counts, ratios to the warm attach, every target
// met or missed, and paths without results left out.
func TestTable(t *testing.T) {
	// ms makes samples of the given wall times in ms, each with a tenth
	// of it as CPU time.
	ms := func(vs ...float64) []sample {
		ss := make([]sample, len(vs))
		for i, v := range vs {
			ss[i] = sample{Wall: time.Duration(v * float64(time.Millisecond)), CPU: time.Duration(v * float64(time.Microsecond) * 100)}
		}
		return ss
	}
	cases := []struct {
		name    string
		results map[string][]sample
	}{
		{"all-met", map[string][]sample{
			netmikoDefault: ms(4500, 4400, 4600),
			netmikoFast:    ms(800, 700, 900),
			floorFresh:     ms(150, 140, 160),
			floorKept:      ms(60, 50, 70),
			mercuryCold:    ms(180, 170, 190),
			mercuryWarm:    ms(70, 60, 80, 75), // even count: the mean of the middle two
			ironicWarm:     ms(75, 74, 76),
		}},
		{"missed", map[string][]sample{
			netmikoDefault: ms(5000),
			netmikoFast:    ms(900),
			floorFresh:     ms(270),
			floorKept:      ms(90),
			mercuryCold:    ms(450),
			mercuryWarm:    ms(120),
			ironicWarm:     ms(160),
		}},
		{"partial", map[string][]sample{
			floorKept:   ms(90, 95, 85),
			mercuryWarm: ms(100, 110, 105),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := table(tc.results)
			path := filepath.Join("testdata", "table-"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("table differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3}, 3},
		{[]time.Duration{5, 1, 3}, 3},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
		{[]time.Duration{10, 20}, 15},
	} {
		in := append([]time.Duration(nil), tc.in...)
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", in, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.in[i] {
				t.Fatalf("median reordered its input: %v", tc.in)
			}
		}
	}
}
