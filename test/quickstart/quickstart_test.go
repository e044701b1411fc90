package quickstart

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// root is the repository root, where the README's commands run.
const root = "../.."

// runRecipe returns the command the Makefile's run target ends with.
func runRecipe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "run:") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			return strings.TrimSpace(lines[i+1])
		}
	}
	t.Fatal("the Makefile has no run target with a recipe")
	return ""
}

// readmeCalls returns the README's shell lines that call a running Mercury.
func readmeCalls(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var calls []string
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			inBlock = !inBlock && strings.HasPrefix(l, "```sh")
		case inBlock && strings.HasPrefix(l, "build/mercury call "):
			calls = append(calls, l)
		}
	}
	if len(calls) == 0 {
		t.Fatal("the README shows no build/mercury call line")
	}
	return calls
}

func TestReadmeQuickStart(t *testing.T) {
	recipe := runRecipe(t)
	if !strings.HasPrefix(recipe, "build/mercury simulate --serve") {
		t.Fatalf("make run runs %q; the README promises simulated switches (build/mercury simulate --serve)", recipe)
	}
	for _, p := range []string{"build/mercury", "build/drivers/arista-eos.wasm", "build/drivers/dell-os10.wasm"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Fatalf("%s is missing: run `make build drivers` (make test does) first", p)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	// What `make run` runs, on a free port instead of 8089.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := append(strings.Fields(recipe)[1:], "--listen", addr, "--dir", t.TempDir())
	top, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	serve := exec.CommandContext(ctx, filepath.Join(top, "build/mercury"), args...)
	serve.Dir = top
	var log bytes.Buffer
	serve.Stdout, serve.Stderr = &log, &log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		serve.Wait()
		if t.Failed() {
			t.Logf("make run output:\n%s", log.String())
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mercury did not listen on %s within a minute", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}

	for _, line := range readmeCalls(t) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "MERCURY_URL=http://"+addr+"/")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s\n%s\nfailed: %v", line, out, err)
		}
		if strings.Contains(line, "update_port") && !strings.Contains(string(out), `"configured"`) || strings.Contains(line, "attach_port") && !strings.Contains(string(out), "changed  true") {
			t.Fatalf("%s\n%s\ndid not configure the port", line, out)
		}
		t.Logf("%s\n%s", line, out)
	}
}
