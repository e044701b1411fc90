package ssh

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testsshd"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const devName = "tor-1"

// bashPrompt matches the test user's bash prompt ("mercury@HOST:~$ ").
var bashPrompt = regexp.MustCompile(`\$ $`)

// logBuf collects the pool's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is one test's sshd and pool.
type env struct {
	srv  *testsshd.Server
	pool *Pool
	logs *logBuf
}

// newEnv starts sshd and a pool. At cleanup it closes the pool, checks
// that no goroutine outlived it and that the password never reached a log.
func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	srv := testsshd.Start(t, testsshd.Options{})
	logs := &logBuf{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ign := goleak.IgnoreCurrent()
	p := NewPool(opts)
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Pool.Close: %v", err)
		}
		// testsshd's own goroutine, started again by Restart, is not ours.
		goleak.VerifyNone(t, ign, goleak.IgnoreAnyFunction("github.com/openmercury/mercury/internal/testsshd.(*Server).start.func1"))
		if strings.Contains(logs.String(), testsshd.Password) {
			t.Errorf("the password appears in the pool's log")
		}
		if t.Failed() {
			t.Logf("pool log:\n%s", logs)
			t.Logf("sshd log:\n%s", srv.Log())
		}
	})
	return &env{srv: srv, pool: p, logs: logs}
}

// target reaches the test sshd with the password and its known_hosts.
func (e *env) target() *Target {
	return &Target{
		Device:     devName,
		Addr:       e.srv.Addr,
		User:       e.srv.User,
		Password:   []byte(e.srv.Password),
		KnownHosts: e.srv.KnownHostsFile,
		Shell:      &ShellSpec{Prompt: bashPrompt},
	}
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// open opens a session or fails the test.
func (e *env) open(t testing.TB, tg *Target, k Kind) Session {
	t.Helper()
	s, err := e.pool.Open(ctxFor(t, 20*time.Second), tg, k)
	if err != nil {
		t.Fatalf("Open %v: %v", k, err)
	}
	return s
}

// exec runs cmd on a fresh exec session and closes it.
func (e *env) exec(t testing.TB, tg *Target, cmd string) string {
	t.Helper()
	s := e.open(t, tg, Exec)
	defer s.Close()
	out, status, err := s.Exec(ctxFor(t, 20*time.Second), cmd)
	if err != nil || status != 0 {
		t.Fatalf("Exec %q = %q, %d, %v", cmd, out, status, err)
	}
	return string(out)
}

// run sends a command line to an interactive session and returns the
// output up to the next prompt.
func run(t testing.TB, s Session, line string) string {
	t.Helper()
	ctx := ctxFor(t, 20*time.Second)
	if err := s.Send(ctx, []byte(line+"\n")); err != nil {
		t.Fatalf("Send %q: %v", line, err)
	}
	out, err := s.ReadUntil(ctx, bashPrompt)
	if err != nil {
		t.Fatalf("ReadUntil prompt after %q: %v", line, err)
	}
	return string(out)
}

// wantFault checks err's kind, that it names the device, and that its
// message holds each of has.
func wantFault(t testing.TB, err error, k fault.Kind, has ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", k)
	}
	if got := fault.KindOf(err); got != k {
		t.Fatalf("error kind %v, want %v: %v", got, k, err)
	}
	if !strings.HasPrefix(err.Error(), devName+": ") {
		t.Errorf("error does not name device %s: %v", devName, err)
	}
	for _, h := range has {
		if !strings.Contains(err.Error(), h) {
			t.Errorf("error does not contain %q: %v", h, err)
		}
	}
	if strings.Contains(err.Error(), testsshd.Password) {
		t.Errorf("error shows the password: %v", err)
	}
}

// eventually polls cond for up to 10s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// within checks that a call that should stop at its deadline did so,
// allowing generous slack.
func within(t testing.TB, start time.Time, deadline time.Duration) {
	t.Helper()
	if took := time.Since(start); took > deadline+2*time.Second {
		t.Errorf("returned after %v; deadline was %v", took, deadline)
	}
}

func runLocal(name string, args ...string) ([]byte, error) {
	return exec.Command(name, args...).CombinedOutput()
}
