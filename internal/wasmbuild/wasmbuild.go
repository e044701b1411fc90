package wasmbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// root returns the repository root.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Root returns the repository root (the directory holding go.mod).
func Root() string { return root() }

// CacheDir returns the shared wazero compile cache directory for tests.
func CacheDir(tb testing.TB) string {
	tb.Helper()
	d := filepath.Join(root(), "build", "wazero-cache")
	if err := os.MkdirAll(d, 0o755); err != nil {
		tb.Fatal(err)
	}
	return d
}

// Driver builds the in-tree driver drivers-wasm/NAME and returns the path
// of its .wasm file, named NAME.wasm.
func Driver(tb testing.TB, name string) string {
	tb.Helper()
	return Build(tb, filepath.Join(root(), "drivers-wasm", name), name)
}

// Build compiles the Go package in srcDir (absolute, inside this module)
// with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared and returns the path of
// the module, named NAME.wasm in a directory of its own so callers may load
// that directory.
func Build(tb testing.TB, srcDir, name string) string {
	tb.Helper()
	path, err := build(srcDir, name)
	if err != nil {
		tb.Fatalf("build driver %s: %v", name, err)
	}
	return path
}

func build(srcDir, name string) (string, error) {
	r := root()
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), name)
	for _, dir := range []string{srcDir, filepath.Join(r, "sdk"), filepath.Join(r, "abi")} {
		if err := hashGo(h, dir); err != nil {
			return "", err
		}
	}
	if b, err := os.ReadFile(filepath.Join(r, "go.sum")); err == nil {
		h.Write(b)
	}
	key := hex.EncodeToString(h.Sum(nil))[:16]
	outDir := filepath.Join(r, "build", "test-drivers", name+"-"+key)
	out := filepath.Join(outDir, name+".wasm")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(outDir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(out); err == nil {
		return out, nil // built by another process while we waited
	}
	tmp := out + ".tmp"
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", tmp, ".")
	cmd.Dir = srcDir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", srcDir, err, b)
	}
	return out, os.Rename(tmp, out)
}

// hashGo feeds every .go file under dir (recursively, sorted) into h.
func hashGo(h interface{ Write([]byte) (int, error) }, dir string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return nil
}

// Dir returns a fresh directory holding copies (as symlinks) of the given
// .wasm files, for Engine.LoadDir.
func Dir(tb testing.TB, wasms ...string) string {
	tb.Helper()
	d := tb.TempDir()
	for _, w := range wasms {
		if err := os.Symlink(w, filepath.Join(d, filepath.Base(w))); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}
