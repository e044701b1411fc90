package ssh

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testsshd"
)

func TestInteractive(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	tg.Shell.Setup = []string{"export MERCURY_SETUP=done"}
	s := e.open(t, tg, Interactive)
	defer s.Close()

	if out := run(t, s, "echo hi-$((6*7))"); !strings.Contains(out, "hi-42\r\n") || !bashPrompt.MatchString(out) {
		t.Errorf("echo: %q", out)
	}
	if out := run(t, s, "echo $MERCURY_SETUP"); !strings.Contains(out, "\r\ndone\r\n") {
		t.Errorf("setup line did not run: %q", out)
	}

	// ReadUntil returns up to and including the match and leaves the rest.
	ctx := ctxFor(t, 20*time.Second)
	if err := s.Send(ctx, []byte("printf 'A\\nB\\nC\\n'\n")); err != nil {
		t.Fatal(err)
	}
	out, err := s.ReadUntil(ctx, regexp.MustCompile(`(?m)^B\r?\n`))
	if err != nil || !strings.HasSuffix(string(out), "A\r\nB\r\n") {
		t.Fatalf("ReadUntil B = %q, %v", out, err)
	}
	out, err = s.ReadUntil(ctx, bashPrompt)
	if err != nil || !strings.HasPrefix(string(out), "C\r\n") {
		t.Fatalf("rest = %q, %v", out, err)
	}

	// A pattern that never comes: Timeout, saying what was expected and
	// what was received.
	if err := s.Send(ctx, []byte("echo waiting-here\n")); err != nil {
		t.Fatal(err)
	}
	const deadline = 400 * time.Millisecond
	start := time.Now()
	_, err = s.ReadUntil(ctxFor(t, deadline), regexp.MustCompile(`never-printed`))
	within(t, start, deadline)
	wantFault(t, err, fault.Timeout, "`never-printed`", "waiting-here", e.srv.Addr)

	// The unread output is still there after a timeout.
	if out, err := s.ReadUntil(ctx, bashPrompt); err != nil || !strings.Contains(string(out), "waiting-here") {
		t.Errorf("after timeout: %q, %v", out, err)
	}
	if _, _, err := s.Exec(ctx, "true"); fault.KindOf(err) != fault.Invalid {
		t.Errorf("Exec on interactive session: %v", err)
	}
}

func TestShellReuse(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	tg.Shell.Setup = []string{"export MERCURY_SETUP=done"}
	pid := func() string {
		s := e.open(t, tg, Interactive)
		defer func() {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}()
		out := run(t, s, "echo pid=$$ setup=$MERCURY_SETUP")
		i := strings.Index(out, "\r\npid=")
		if i < 0 {
			t.Fatalf("no pid in %q", out)
		}
		return strings.Fields(out[i:])[0]
	}
	first, second := pid(), pid()
	if first != second {
		t.Errorf("second session ran in shell %s, first in %s; want the pooled shell", second, first)
	}
	st := e.pool.Stats()
	if st.Dials != 1 || st.Reuses != 1 || st.Devices[devName].IdleShells != 1 {
		t.Errorf("stats %+v; want one dial, one reuse, one idle shell", st)
	}
	if n := e.srv.CountLog("Accepted password for mercury"); n != 1 {
		t.Errorf("sshd saw %d logins, want 1", n)
	}
	// Shells and exec sessions use separate connections.
	e.exec(t, tg, "true")
	if st := e.pool.Stats().Devices[devName]; st.Connections != 2 {
		t.Errorf("connections = %d, want a shell's and the exec one", st.Connections)
	}
	// A changed shell spec (another driver) does not get the old shell.
	tg2 := e.target()
	s := e.open(t, tg2, Interactive)
	if out := run(t, s, "echo setup=$MERCURY_SETUP."); !strings.Contains(out, "setup=.") {
		t.Errorf("a shell set up for another spec was reused: %q", out)
	}
	s.Close()
}

// TestShellSubMode leaves the shell where its base prompt is not shown and
// checks that Reset brings it back, or that the shell is closed and the
// next Open gets a working one.
func TestShellSubMode(t *testing.T) {
	tests := []struct {
		name    string
		reset   []string
		enter   string         // command that leaves the base prompt
		entered *regexp.Regexp // what shows it took effect
		pooled  bool           // whether the shell survives Close
	}{
		// cat says when it is in the foreground, so that ^C reaches it.
		{"cat, interrupted by reset", []string{"\x03"}, "sh -c 'echo in-cat; exec cat'", regexp.MustCompile(`(?m)^in-cat\r\n`), true},
		{"cat, no reset", nil, "sh -c 'echo in-cat; exec cat'", regexp.MustCompile(`(?m)^in-cat\r\n`), false},
		{"nested shell", nil, "PS1='sub> ' bash --norc --noprofile", regexp.MustCompile(`sub> $`), false},
		{"command still running", nil, "sleep 30", regexp.MustCompile(`sleep 30\r\n`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{ResetTimeout: time.Second})
			tg := e.target()
			tg.Shell.Reset = tt.reset
			s := e.open(t, tg, Interactive)
			first := run(t, s, "echo pid=$$")
			ctx := ctxFor(t, 20*time.Second)
			if err := s.Send(ctx, []byte(tt.enter+"\n")); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ReadUntil(ctx, tt.entered); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			within(t, start, time.Second)
			st := e.pool.Stats().Devices[devName]
			if pooled := st.IdleShells == 1; pooled != tt.pooled {
				t.Fatalf("shell pooled = %v, want %v (%+v)", pooled, tt.pooled, st)
			}
			// The next Open gets a shell at the base prompt either way.
			s2 := e.open(t, tg, Interactive)
			defer s2.Close()
			out := run(t, s2, "echo pid=$$ ok")
			if !strings.Contains(out, "ok\r\n") {
				t.Fatalf("next session: %q", out)
			}
			samePID := pidOf(first) == pidOf(out)
			if samePID != tt.pooled {
				t.Errorf("same shell = %v, want %v (%q, %q)", samePID, tt.pooled, first, out)
			}
			if want := map[bool]uint64{true: 1, false: 2}[tt.pooled]; e.pool.Stats().Dials != want {
				t.Errorf("dials = %d, want %d", e.pool.Stats().Dials, want)
			}
		})
	}
}

func pidOf(out string) string {
	i := strings.Index(out, "\r\npid=")
	if i < 0 {
		return ""
	}
	return strings.Fields(out[i:])[0]
}

func TestSendSecret(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	tg.Secrets = map[string][]byte{"sudo": []byte(testsshd.Password)}
	s := e.open(t, tg, Interactive)
	defer s.Close()
	ctx := ctxFor(t, 20*time.Second)
	var all strings.Builder

	// A real password prompt (sudo turns the terminal's echo off).
	if err := s.Send(ctx, []byte("sudo -S -p 'Password:' /usr/bin/true && echo SUDO-OK\n")); err != nil {
		t.Fatal(err)
	}
	out, err := s.ReadUntil(ctx, regexp.MustCompile(`Password:`))
	if err != nil {
		t.Fatal(err)
	}
	all.Write(out)
	if err := s.SendSecret(ctx, "sudo"); err != nil {
		t.Fatal(err)
	}
	out, err = s.ReadUntil(ctx, bashPrompt)
	if err != nil {
		t.Fatal(err)
	}
	all.Write(out)
	if !strings.Contains(string(out), "\r\nSUDO-OK\r\n") {
		t.Errorf("sudo did not accept the typed secret: %q", out)
	}

	// A prompt that echoes what is typed: the secret comes back masked.
	if err := s.Send(ctx, []byte("read -r x; echo \"got=$x\"\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.SendSecret(ctx, "password"); err != nil {
		t.Fatal(err)
	}
	out, err = s.ReadUntil(ctx, regexp.MustCompile(`(?m)^got=.*\r\n`))
	if err != nil {
		t.Fatal(err)
	}
	all.Write(out)
	if !strings.Contains(string(out), "got="+mask+"\r\n") {
		t.Errorf("echoed secret not masked: %q", out)
	}
	// And in the tail of a timeout error.
	if err := s.Send(ctx, []byte("echo \"again=$x\"\n")); err != nil {
		t.Fatal(err)
	}
	_, err = s.ReadUntil(ctxFor(t, 300*time.Millisecond), regexp.MustCompile(`never`))
	wantFault(t, err, fault.Timeout, "again="+mask)
	out, _ = s.ReadUntil(ctx, bashPrompt)
	all.Write(out)
	if strings.Contains(all.String(), testsshd.Password) {
		t.Errorf("the secret appears in output: %q", all.String())
	}

	err = s.SendSecret(ctx, "enable")
	wantFault(t, err, fault.NotFound, `"enable"`, "sudo")
}

func TestShellServerStopped(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	s := e.open(t, tg, Interactive)
	run(t, s, "true")
	s.Close()
	e.srv.Stop()
	_, err := e.pool.Open(ctxFor(t, 10*time.Second), tg, Interactive)
	wantFault(t, err, fault.Unreachable, e.srv.Addr)
	e.srv.Restart()
	s = e.open(t, tg, Interactive)
	defer s.Close()
	if out := run(t, s, "echo back"); !strings.Contains(out, "back\r\n") {
		t.Errorf("after restart: %q", out)
	}
}

// TestShellLost checks a shell whose connection dies while in use.
func TestShellLost(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	s := e.open(t, tg, Interactive)
	run(t, s, "true")
	e.srv.Stop()
	_, err := s.ReadUntil(ctxFor(t, 10*time.Second), regexp.MustCompile(`never`))
	wantFault(t, err, fault.Unreachable, "closed")
	s.Close()
	if st := e.pool.Stats().Devices[devName]; st.IdleShells != 0 || st.Connections != 0 {
		t.Errorf("a lost shell stayed in the pool: %+v", st)
	}
}
