package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

func TestDriverInspect(t *testing.T) {
	wasm := wasmbuild.Driver(t, "ovs")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"driver", "inspect", "--cache-dir", wasmbuild.CacheDir(t), wasm}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"validation:    ok", "name:          ovs", "operations:    describe, port_supported, set_port", "session:       exec"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "broken.wasm")
	os.WriteFile(bad, []byte("\x00asm\x01\x00\x00\x00garbage"), 0o644)
	out.Reset()
	if code := run(context.Background(), []string{"driver", "inspect", bad}, &out, &errb); code != 1 {
		t.Fatalf("broken module: exit %d, want 1", code)
	}
	if !strings.Contains(out.String(), "validation: FAILED") || !strings.Contains(out.String(), "driver broken refused") {
		t.Errorf("output:\n%s", out.String())
	}
}
