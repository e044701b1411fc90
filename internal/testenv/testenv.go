package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where every
// real-peer test must run.
func InCI() bool { return os.Getenv("CI") == "true" }

// unavailable skips the test with why, or fails it under CI.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("REAL-PEER TEST CANNOT RUN under CI=true: %s", why)
	}
	t.Skipf("SKIPPED real-peer test: %s (CI=true turns this skip into a failure)", why)
}

// RequireRoot skips (or fails under CI) unless the test runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		unavailable(t, "needs root (network namespaces, sshd, Open vSwitch); run as root or through .ci/run")
	}
}

// RequireCommand skips (or fails under CI) unless each named command is on
// PATH or at the given absolute path. It returns the resolved paths.
func RequireCommand(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, 0, len(names))
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			unavailable(t, "needs "+n+" (installed by .ci/run from Debian packages)")
		}
		paths = append(paths, p)
	}
	return paths
}

// RepoRoot returns the repository's top directory (the one holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}
