package service

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckIdentifier: whatever checkIdentifier accepts is printable
// ASCII free of every CLI metacharacter, so it cannot end or chain a
// command on any device.
func FuzzCheckIdentifier(f *testing.F) {
	for _, s := range []string{"swp1", "Ethernet1/1", "aa:bb:cc:dd:ee:01", "Port-Channel10", "swp1\nreload", "x;y", "a|b", "$(id)", "`id`", "a&&b", "\x1b[2J", "\xff", "port\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkIdentifier("f", s) != nil {
			return
		}
		if s == "" || len(s) > 128 || !utf8.ValidString(s) {
			t.Fatalf("accepted %q", s)
		}
		for _, r := range s {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("accepted %q with %U", s, r)
			}
		}
		for _, m := range smuggling {
			if strings.Contains(s, m) {
				t.Fatalf("accepted %q containing %q", s, m)
			}
		}
	})
}

// FuzzCheckDescription: whatever checkDescription accepts uses only the
// description alphabet and fits a device's field.
func FuzzCheckDescription(f *testing.F) {
	for _, s := range []string{"Ironic Port 5d1f0e4e-029f-491b", "node 1 (rack 4)", "a\"b", "x\ny", strings.Repeat("a", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkDescription("d", s) != nil {
			return
		}
		if len(s) > MaxDescription || !descriptionRE.MatchString(s) {
			t.Fatalf("accepted %q", s)
		}
		for _, r := range s {
			if !(r == ' ' || r == '.' || r == '_' || r == ':' || r == '/' || r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
				t.Fatalf("accepted %q with %q", s, r)
			}
		}
	})
}
