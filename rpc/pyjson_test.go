package rpc

import (
	"testing"
)

// Expected values below were printed by Python 3.11's json module.

func TestPyNumber(t *testing.T) {
	tests := []struct{ lit, want string }{
		{"1e2", "100.0"}, {"1.5e-7", "1.5e-07"}, {"0.0001", "0.0001"}, {"1e16", "1e+16"}, {"-0.0", "-0.0"},
		{"12345678901234567890", "12345678901234567890"}, {"1e-5", "1e-05"}, {"-0", "0"}, {"1E400", "Infinity"},
		{"-1e400", "-Infinity"}, {"123456789012345.6", "123456789012345.6"}, {"0.1", "0.1"}, {"1e15", "1000000000000000.0"},
		{"2.50", "2.5"}, {"1e-400", "0.0"}, {"-1e-400", "-0.0"}, {"5e-324", "5e-324"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"}, {"0.30000000000000004", "0.30000000000000004"}, {"7", "7"},
	}
	for _, tt := range tests {
		if got := pyNumber(tt.lit); got != tt.want {
			t.Errorf("pyNumber(%s) = %s, want %s", tt.lit, got, tt.want)
		}
	}
}

func TestPyString(t *testing.T) {
	in := "a\u007f\x00\x1f\b\f\n\r\t\"\\/<>&\u00e9\u2028\ud7ff\ue000\U0001F600"
	want := `"a\u007f\u0000\u001f\b\f\n\r\t\"\\/<>&\u00e9\u2028\ud7ff\ue000\ud83d\ude00"`
	if got := string(pyString(in)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPyReencode(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"req-1"`, `"req-1"`},
		{` 42 `, `42`},
		{`null`, `null`},
		{`[1, "é", {"a" : 1.0}]`, `[1,"\u00e9",{"a":1.0}]`},
		{`{"x":1,"y":2,"x":3}`, `{"x":3,"y":2}`},
		{`"\u0041\/"`, `"A/"`},
	}
	for _, tt := range tests {
		if got := string(pyReencode([]byte(tt.in))); got != tt.want {
			t.Errorf("pyReencode(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestTooDeep(t *testing.T) {
	tests := []struct {
		body string
		max  int
		deep bool
	}{
		{`{}`, 1, false},
		{`{"a":[]}`, 1, true},
		{`{"a":"[[[[\"[["}`, 1, false},
		{`{"a":"\\"[`, 1, true}, // an escaped backslash, then the quote closes the string
		{nest(25), 25, false},
		{nest(26), 25, true},
		{`]]]]` + nest(5), 2, false}, // stray closers lower the count, as in Ironic; the JSON parser then refuses the body
	}
	for _, tt := range tests {
		if got := tooDeep([]byte(tt.body), tt.max); got != tt.deep {
			t.Errorf("tooDeep(%s, %d) = %v", tt.body, tt.max, got)
		}
	}
}
