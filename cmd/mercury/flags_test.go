package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		sim  string
		pos  []string
	}{
		{[]string{"--simulator", "eos", "a.wasm"}, "eos", []string{"a.wasm"}},
		{[]string{"a.wasm", "--simulator", "eos"}, "eos", []string{"a.wasm"}},
		{[]string{"a.wasm", "--simulator=eos", "b.wasm"}, "eos", []string{"a.wasm", "b.wasm"}},
		{[]string{"a.wasm", "--", "--simulator", "eos"}, "", []string{"a.wasm", "--simulator", "eos"}},
		{nil, "", nil},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		sim := fs.String("simulator", "", "")
		pos, err := parseInterspersed(fs, tc.args)
		if err != nil || *sim != tc.sim || !slices.Equal(pos, tc.pos) {
			t.Errorf("%q: simulator %q, positional %q, err %v; want %q, %q", tc.args, *sim, pos, err, tc.sim, tc.pos)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseInterspersed(fs, []string{"a.wasm", "--nope"}); err == nil {
		t.Error("an unknown flag after a positional argument was accepted")
	}
}
