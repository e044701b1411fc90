package simulator

import (
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// waitFor bounds every wait on a simulated device; generous, since it only
// fires when something is wrong.
const waitFor = 15 * time.Second

// newServer returns a server that is closed when the test ends.
func newServer(t testing.TB) *Server {
	t.Helper()
	s := NewServer(nil)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func addDevice(t testing.TB, s *Server, spec DeviceSpec) *Device {
	t.Helper()
	d, err := s.Add(spec)
	if err != nil {
		t.Fatalf("Add(%s): %v", spec.Name, err)
	}
	return d
}

// clientConfig authenticates with a password and pins the device's key.
func clientConfig(d *Device, user, password string) *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.Password(password)},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey()),
		Timeout:         waitFor,
	}
}

func dial(t testing.TB, d *Device, cfg *ssh.ClientConfig) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", d.Addr(), cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", d.Name(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// term is an interactive shell over a real SSH client with a PTY.
type term struct {
	t      testing.TB
	host   string
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	buf    []byte // output not yet consumed by expect
	all    []byte // everything received
	eof    bool
	notify chan struct{}
}

// shell logs in as admin/admin (or user/password) and opens a PTY shell of
// rows lines (0: none given).
func shell(t testing.TB, d *Device, user, password string, rows int) *term {
	t.Helper()
	c := dial(t, d, clientConfig(d, user, password))
	return shellOn(t, d, c, rows)
}

func shellOn(t testing.TB, d *Device, c *ssh.Client, rows int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session on %s: %v", d.Name(), err)
	}
	if err := sess.RequestPty("vt100", rows, 200, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	tm := &term{t: t, host: d.Name(), client: c, sess: sess, stdin: stdin, notify: make(chan struct{}, 1)}
	go tm.read(stdout)
	t.Cleanup(func() { _ = sess.Close() })
	return tm
}

func (tm *term) read(r io.Reader) {
	b := make([]byte, 4096)
	for {
		n, err := r.Read(b)
		tm.mu.Lock()
		tm.buf = append(tm.buf, b[:n]...)
		tm.all = append(tm.all, b[:n]...)
		if err != nil {
			tm.eof = true
		}
		tm.mu.Unlock()
		select {
		case tm.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

var errEOF = errors.New("output ended")

// expectErr waits until the unread output matches re and consumes it up to
// the end of the match.
func (tm *term) expectErr(re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		if loc := re.FindIndex(tm.buf); loc != nil {
			out := string(tm.buf[:loc[1]])
			tm.buf = tm.buf[loc[1]:]
			tm.mu.Unlock()
			return out, nil
		}
		eof, pending := tm.eof, string(tm.buf)
		tm.mu.Unlock()
		if eof {
			return pending, errEOF
		}
		select {
		case <-tm.notify:
		case <-deadline.C:
			return pending, errors.New("timed out")
		}
	}
}

func (tm *term) expect(re *regexp.Regexp) string {
	tm.t.Helper()
	out, err := tm.expectErr(re, waitFor)
	if err != nil {
		tm.t.Fatalf("%s: waiting for %s: %v; got %q", tm.host, re, err, out)
	}
	return out
}

// promptRE matches any prompt of the device at the end of the output.
func (tm *term) promptRE() *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(tm.host) + `(\([^)]*\))?[>#] ?\z`)
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("%s: send %q: %v", tm.host, s, err)
	}
}

// cmd types line, waits for the next prompt and returns what came between
// the echoed line and the prompt.
func (tm *term) cmd(line string) string {
	tm.t.Helper()
	tm.send(line + "\n")
	out := tm.expect(tm.promptRE())
	out = strings.ReplaceAll(out, "\r\n", "\n")
	if i := strings.Index(out, "\n"); i >= 0 {
		out = out[i+1:]
	}
	if i := strings.LastIndex(out, "\n"); i >= 0 {
		return out[:i+1]
	} else {
		return ""
	}
}

// transcript returns everything received, with CRLF as LF.
func (tm *term) transcript() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return strings.ReplaceAll(string(tm.all), "\r\n", "\n")
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// rawDial opens a TCP connection to the device, for tests below SSH.
func rawDial(t testing.TB, d *Device) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", d.Addr(), waitFor)
	if err != nil {
		t.Fatalf("tcp dial %s: %v", d.Name(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func rawNetDial(d *Device) (net.Conn, error) {
	return net.DialTimeout("tcp", d.Addr(), waitFor)
}
