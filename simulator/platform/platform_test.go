package platform

import "testing"

func TestEveryPlatformCompiles(t *testing.T) {
	for _, name := range Names() {
		if _, err := Lookup(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Lookup("no-such-os"); err == nil {
		t.Error("Lookup of an unknown platform must fail")
	}
}
