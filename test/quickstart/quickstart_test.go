package quickstart

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
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

// readmeOpening returns the commands (comments dropped) of the README's
// first code block.
func readmeOpening(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```sh\n")
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("the README has no sh code block")
	}
	var cmds []string
	for l := range strings.SplitSeq(block, "\n") {
		if c, _, _ := strings.Cut(l, "#"); strings.TrimSpace(c) != "" {
			cmds = append(cmds, strings.TrimSpace(c))
		}
	}
	return cmds
}

// TestReadmeQuickStart runs the README as written: its opening block is
// `make run` and `make test`; `make run` itself is started, and each
// `build/mercury call` line of the README runs against it on the default
// URL. When port 8089 is taken (a developer's own `make run`), the run
// recipe is started on a free port instead and the test says so; under
// CI=true that is a failure.
func TestReadmeQuickStart(t *testing.T) {
	if got, want := readmeOpening(t), []string{"make run", "make test"}; !slices.Equal(got, want) {
		t.Fatalf("the README opens with %q; it must open with %q", got, want)
	}
	recipe := runRecipe(t)
	if !strings.HasPrefix(recipe, "build/mercury simulate --serve") {
		t.Fatalf("make run runs %q; the README promises simulated switches (build/mercury simulate --serve)", recipe)
	}
	top, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	const defaultAddr = "127.0.0.1:8089"
	addr, env := defaultAddr, []string(nil)
	serve := exec.Command("make", "run")
	if l, err := net.Listen("tcp", defaultAddr); err == nil {
		l.Close()
	} else {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is taken, so the README's make run cannot be run as written: %v", defaultAddr, err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		l.Close()
		t.Logf("NOT AS WRITTEN: %s is taken (%v); running make run's recipe on %s instead", defaultAddr, err, addr)
		serve = exec.Command(filepath.Join(top, "build/mercury"), append(strings.Fields(recipe)[1:], "--listen", addr)...)
		env = []string{"MERCURY_URL=http://" + addr + "/"}
	}
	serve.Dir = top
	serve.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // make and its child, stopped together
	var log bytes.Buffer
	serve.Stdout, serve.Stderr = &log, &log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-serve.Process.Pid, syscall.SIGTERM)
		serve.Wait()
		if t.Failed() {
			t.Logf("make run output:\n%s", log.String())
		}
	}()
	// make run first brings the build up to date; bounded for a hung test.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("make run did not listen on %s within 3 minutes", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}

	for _, line := range readmeCalls(t) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = root
		cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MERCURY_URL=") }), env...)
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
