package topo

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// MercuryBinary builds cmd/mercury into a directory of the test's and
// returns its path.
func MercuryBinary(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "mercury")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/mercury")
	cmd.Dir = wasmbuild.Root()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("topo: build mercury: %v\n%s", err, b)
	}
	return out
}

// Serve runs `bin serve --config cfg`, whose server.listen is addr, and
// returns its PID once http://addr/healthz answers 200 (within 30 s).
// When the test ends it is stopped (SIGINT, killed after 10 s), and its
// output is logged if the test failed.
func Serve(t testing.TB, bin, cfg, addr string) int {
	t.Helper()
	var logs syncBuilder // exec writes both streams from its own goroutines
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("mercury serve log:\n%s", logs.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r, err := http.Get("http://" + addr + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return cmd.Process.Pid
			}
		}
	}
	t.Fatalf("topo: mercury serve did not come up on %s:\n%s", addr, logs.String())
	return 0
}

// syncBuilder is a strings.Builder safe for concurrent writers.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
