package topo

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestCountVLANs(t *testing.T) {
	b, err := os.ReadFile("testdata/tcpdump-trunk.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	tests := []struct {
		name  string
		lines []string
		want  map[int]int
	}{
		{"trunk capture", lines, map[int]int{100: 4, 200: 1}},
		{"untagged only", lines[5:], map[int]int{}},
		{"nothing", nil, map[int]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countVLANs(tt.lines); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("countVLANs = %v, want %v", got, tt.want)
			}
		})
	}
}
