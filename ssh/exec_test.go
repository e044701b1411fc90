package ssh

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testsshd"
)

func TestExec(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.open(t, e.target(), Exec)
	defer s.Close()
	tests := []struct {
		cmd    string
		out    string
		status int
	}{
		{"echo hello", "hello\n", 0},
		{"echo err >&2; exit 3", "err\n", 3}, // stderr is in the output too
		{"printf 'a\\nb'", "a\nb", 0},
		{"no-such-command-xyz 2>/dev/null", "", 127},
		{"id -un", "mercury\n", 0},
		{"echo " + testsshd.Password, mask + "\n", 0}, // a secret in output is masked
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			out, status, err := s.Exec(ctxFor(t, 20*time.Second), tt.cmd)
			if err != nil || string(out) != tt.out || status != tt.status {
				t.Fatalf("Exec = %q, %d, %v; want %q, %d", out, status, err, tt.out, tt.status)
			}
		})
	}
	// Interactive methods are refused on an exec session.
	if err := s.Send(ctxFor(t, time.Second), []byte("x")); fault.KindOf(err) != fault.Invalid {
		t.Errorf("Send on exec session: %v", err)
	}
	if _, err := s.ReadUntil(ctxFor(t, time.Second), bashPrompt); fault.KindOf(err) != fault.Invalid {
		t.Errorf("ReadUntil on exec session: %v", err)
	}
}

func TestExecLargeOutput(t *testing.T) {
	e := newEnv(t, Options{MaxOutput: 1 << 20})
	s := e.open(t, e.target(), Exec)
	defer s.Close()
	out, status, err := s.Exec(ctxFor(t, 20*time.Second), "head -c 500000 /dev/zero | tr '\\0' x")
	if err != nil || status != 0 || len(out) != 500000 {
		t.Fatalf("Exec 500 kB = %d bytes, %d, %v", len(out), status, err)
	}
	out, _, err = s.Exec(ctxFor(t, 20*time.Second), "head -c 2000000 /dev/zero")
	wantFault(t, err, fault.Device, "more than 1048576 bytes")
	if len(out) != 1<<20 {
		t.Errorf("kept %d bytes, want the cap", len(out))
	}
}

func TestExecHangs(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.open(t, e.target(), Exec)
	defer s.Close()
	const deadline = 500 * time.Millisecond
	start := time.Now()
	out, _, err := s.Exec(ctxFor(t, deadline), "echo started; sleep 31.5")
	within(t, start, deadline)
	wantFault(t, err, fault.Timeout, "sleep 31.5", "did not finish", "started")
	if string(out) != "started\n" {
		t.Errorf("output so far = %q", out)
	}
	// The same session, on the same connection, runs the next command; the
	// hung command was killed.
	eventually(t, "the hung command to be killed", func() bool {
		out, _, err := s.Exec(ctxFor(t, 10*time.Second), "pgrep -f 'sleep 31[.]5' || echo gone")
		return err == nil && strings.TrimSpace(string(out)) == "gone"
	})
	if st := e.pool.Stats(); st.Dials != 1 || st.Devices[devName].Connections != 1 {
		t.Errorf("after a timed-out command: %+v; want the one connection kept", st)
	}
}

func TestMaxSessions(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target() // MaxSessions 0 = default 2
	s1 := e.open(t, tg, Exec)
	s2 := e.open(t, tg, Exec)
	const wait = 300 * time.Millisecond
	start := time.Now()
	_, err := e.pool.Open(ctxFor(t, wait), tg, Exec)
	within(t, start, wait)
	if time.Since(start) < wait {
		t.Errorf("gave up after %v, before the deadline %v", time.Since(start), wait)
	}
	wantFault(t, err, fault.Busy, "all 2 SSH sessions", "waited 3", "max_sessions")

	// A waiter gets the slot the moment one is closed.
	got := make(chan error, 1)
	go func() {
		s, err := e.pool.Open(ctxFor(t, 20*time.Second), tg, Exec)
		if err == nil {
			_, _, err = s.Exec(ctxFor(t, 20*time.Second), "true")
			s.Close()
		}
		got <- err
	}()
	eventually(t, "the third Open to wait", func() bool { return e.pool.Stats().Devices[devName].Waiting == 1 })
	s1.Close()
	if err := <-got; err != nil {
		t.Fatalf("waiting Open: %v", err)
	}
	s2.Close()
	if st := e.pool.Stats().Devices[devName]; st.Sessions != 0 || st.Waiting != 0 {
		t.Errorf("after all closed: %+v", st)
	}
}

// TestMaxSessionsHammer runs many goroutines through a device limited to
// two sessions and checks that never more than two are open.
func TestMaxSessionsHammer(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	workers, iters := 6, 5
	if testing.Short() {
		iters = 2
	}
	var mu = make(chan struct{}, 1)
	open, peak := 0, 0
	errs := make(chan error, workers*iters)
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < iters; i++ {
				s, err := e.pool.Open(ctxFor(t, 30*time.Second), tg, Kind(i%2))
				if err != nil {
					errs <- err
					continue
				}
				mu <- struct{}{}
				open++
				peak = max(peak, open)
				<-mu
				if i%2 == 0 {
					_, _, err = s.Exec(ctxFor(t, 30*time.Second), "echo x")
				} else {
					err = s.Send(ctxFor(t, 30*time.Second), []byte("echo x\n"))
					if err == nil {
						_, err = s.ReadUntil(ctxFor(t, 30*time.Second), bashPrompt)
					}
				}
				if err != nil {
					errs <- err
				}
				mu <- struct{}{}
				open--
				<-mu
				s.Close()
			}
		}()
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Errorf("hammer: %v", err)
	}
	if peak > 2 {
		t.Errorf("%d sessions open at once; max is 2", peak)
	}
	st := e.pool.Stats()
	// One exec connection and at most two shells were ever needed.
	if st.Dials > 3 {
		t.Errorf("dialed %d times for 1 exec connection and 2 shells: %+v", st.Dials, st)
	}
}

func TestExecReuseAndRecovery(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	for i := 0; i < 3; i++ {
		if got := e.exec(t, tg, fmt.Sprintf("echo %d", i)); got != fmt.Sprintf("%d\n", i) {
			t.Fatalf("run %d: %q", i, got)
		}
	}
	st := e.pool.Stats()
	if st.Dials != 1 || st.Reuses != 2 || st.Devices[devName].Connections != 1 {
		t.Fatalf("three Opens: %+v; want one dial and two reuses", st)
	}
	if n := e.srv.CountLog("Accepted password for mercury"); n != 1 {
		t.Fatalf("sshd saw %d logins, want 1", n)
	}

	// The device goes down: the pooled connection is dropped and Open or
	// Exec fails as Unreachable, naming the address.
	e.srv.Stop()
	s, err := e.pool.Open(ctxFor(t, 10*time.Second), tg, Exec)
	if err == nil {
		_, _, err = s.Exec(ctxFor(t, 10*time.Second), "true")
		s.Close()
	}
	wantFault(t, err, fault.Unreachable, e.srv.Addr)
	eventually(t, "the dead connection to be dropped", func() bool { return e.pool.Stats().Devices[devName].Connections == 0 })

	// It comes back: the pool dials again.
	e.srv.Restart()
	if got := e.exec(t, tg, "echo back"); got != "back\n" {
		t.Fatalf("after restart: %q", got)
	}
}

func TestPoolClosed(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	tg.MaxSessions = 1
	s := e.open(t, tg, Exec)
	waiter := make(chan error, 1)
	go func() {
		_, err := e.pool.Open(ctxFor(t, 20*time.Second), tg, Exec)
		waiter <- err
	}()
	eventually(t, "the second Open to wait", func() bool { return e.pool.Stats().Devices[devName].Waiting == 1 })
	if err := e.pool.Close(); err != nil {
		t.Fatal(err)
	}
	wantFault(t, <-waiter, fault.Unreachable, "closed")
	_, _, err := s.Exec(ctxFor(t, 5*time.Second), "true")
	wantFault(t, err, fault.Unreachable)
	if err := s.Close(); err != nil {
		t.Errorf("Close after Pool.Close: %v", err)
	}
	if err := s.Close(); fault.KindOf(err) != fault.Invalid {
		t.Errorf("second Close: %v", err)
	}
	_, err = e.pool.Open(ctxFor(t, time.Second), tg, Exec)
	wantFault(t, err, fault.Unreachable, "closed")
}

func TestWrongKind(t *testing.T) {
	e := newEnv(t, Options{})
	_, err := e.pool.Open(ctxFor(t, time.Second), e.target(), Kind(7))
	wantFault(t, err, fault.Invalid, "kind")
	tg := e.target()
	tg.Shell = nil
	_, err = e.pool.Open(ctxFor(t, time.Second), tg, Interactive)
	wantFault(t, err, fault.Invalid, "prompt")
	if st := e.pool.Stats(); st.Dials != 0 {
		t.Errorf("an invalid Open dialed: %+v", st)
	}
}

// TestExecDeviceHangs freezes the device while a session is open: Exec
// returns at its deadline, the connection is dropped, and once the device
// answers again the pool dials a new one.
func TestExecDeviceHangs(t *testing.T) {
	e := newEnv(t, Options{Keepalive: -1})
	tg := e.target()
	s := e.open(t, tg, Exec)
	defer s.Close()
	e.srv.Pause()
	const deadline = 500 * time.Millisecond
	start := time.Now()
	_, _, err := s.Exec(ctxFor(t, deadline), "true")
	within(t, start, deadline)
	wantFault(t, err, fault.Timeout, e.srv.Addr)
	eventually(t, "the hung connection to be dropped", func() bool { return e.pool.Stats().Devices[devName].Connections == 0 })
	e.srv.Resume()
	if out, _, err := s.Exec(ctxFor(t, 20*time.Second), "echo back"); err != nil || string(out) != "back\n" {
		t.Fatalf("after resume: %q, %v", out, err)
	}
	if st := e.pool.Stats(); st.Dials != 2 {
		t.Errorf("dials = %d, want 2", st.Dials)
	}
}
