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

func TestDriverTest(t *testing.T) {
	cache := wasmbuild.CacheDir(t)
	var out, errb bytes.Buffer
	eos := wasmbuild.Driver(t, "arista-eos")
	code := run(context.Background(), []string{"driver", "test", "--simulator", "arista-eos", "--cache-dir", cache, "--run", "attach", eos}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "attach access") || !strings.Contains(out.String(), "1 passed, 0 failed, 0 skipped") {
		t.Fatalf("arista-eos on its simulator: exit %d\n%s%s", code, out.String(), errb.String())
	}
	// The order the issue and the docs write: FILE.wasm first, then flags.
	out.Reset()
	if code := run(context.Background(), []string{"driver", "test", eos, "--simulator", "arista-eos", "--cache-dir", cache, "--run", "attach access"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "1 passed, 0 failed") {
		t.Fatalf("driver test FILE --simulator ...: exit %d\n%s%s", code, out.String(), errb.String())
	}
	// A driver for another OS fails the kit, and says where.
	out.Reset()
	code = run(context.Background(), []string{"driver", "test", "--simulator", "arista-eos", "--cache-dir", cache, "--run", "attach", wasmbuild.Driver(t, "cisco-nxos")}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "attach access") || !strings.Contains(out.String(), "fail") {
		t.Fatalf("cisco-nxos on the EOS simulator: exit %d, want 1 and a failed row\n%s%s", code, out.String(), errb.String())
	}
	// The ovs driver implements no LAGs, no save... its skips say so.
	out.Reset()
	code = run(context.Background(), []string{"driver", "test", "--simulator", "arista-eos", "--cache-dir", cache, "--run", "save", "--json", wasmbuild.Driver(t, "ovs")}, &out, &errb)
	if !strings.Contains(out.String(), `"scenario": "save"`) {
		t.Fatalf("--json output:\n%s", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"driver", "test", "--help"}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "--simulator") || !strings.Contains(out.String(), "fault: device hangs") || errb.Len() != 0 {
		t.Errorf("driver test --help: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, args := range [][]string{{"driver", "test", eos}, {"driver", "test", "--simulator", "no-such-os", eos}, {"driver", "test", "--simulator", "arista-eos", "--run", "no-such-scenario", eos}} {
		errb.Reset()
		if code := run(context.Background(), args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want a usage error", args)
		}
	}
}
