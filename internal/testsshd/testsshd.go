package testsshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/internal/testenv"
)

// The test login every Server accepts.
const (
	User     = "mercury"
	Password = "Merc-test-pw1"
)

// SSHD is the OpenSSH server binary Start runs.
const SSHD = "/usr/sbin/sshd"

// readyTimeout bounds how long Start waits for sshd to listen.
const readyTimeout = 15 * time.Second

// Options configure one server. The zero value is a server on a free
// loopback port in the test's own network namespace.
type Options struct {
	// ListenAddr is host:port to listen on. Default "127.0.0.1:0", which
	// picks a free port. Inside a NetNS, port 0 means 22 (a fresh namespace
	// has it free) and the host must be an address clients can dial.
	ListenAddr string
	// NetNS, when set, runs sshd with `ip netns exec NetNS`. The namespace
	// must exist and have the listen address configured and up.
	NetNS string
	// ExtraConfig lines go into sshd_config ahead of the defaults, so they
	// override them (sshd keeps the first value of a keyword). Lines from
	// the first "Match" on go at the end, as sshd requires.
	ExtraConfig []string
}

// Server is one running sshd owned by the test that started it.
type Server struct {
	Addr           string        // host:port clients dial
	Host           string        // host part of Addr
	Port           int           // port part of Addr
	User           string        // login name (User)
	Password       string        // login password (Password)
	KeyFile        string        // client private key (OpenSSH format, mode 0600) that sshd accepts for User
	KnownHostsFile string        // known_hosts file with one line trusting this server's host key at Addr
	HostPublicKey  ssh.PublicKey // the server's host key
	Dir            string        // the server's private directory (config, keys, log)

	t       testing.TB
	netns   string
	config  string // absolute path of sshd_config
	logFile string

	mu   sync.Mutex
	proc *exec.Cmd
	done chan struct{} // closed when proc has been waited for
}

// Start starts sshd for t and registers its teardown with t.Cleanup. It
// fails the test if sshd does not come up.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, SSHD)
	if opts.NetNS != "" {
		testenv.RequireCommand(t, "ip")
	}
	ensureUser(t)

	dir := t.TempDir()
	// sshd reads authorized_keys as the user: let it traverse the temp dirs.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatalf("testsshd: %v", err)
		}
	}
	s := &Server{
		User:     User,
		Password: Password,
		Dir:      dir,
		t:        t,
		netns:    opts.NetNS,
		config:   filepath.Join(dir, "sshd_config"),
		logFile:  filepath.Join(dir, "sshd.log"),
	}

	hostKey := filepath.Join(dir, "ssh_host_ed25519_key")
	hostPub := writeKey(t, hostKey)
	s.HostPublicKey = hostPub
	s.KeyFile = filepath.Join(dir, "id_ed25519")
	clientPub := writeKey(t, s.KeyFile)
	akDir := filepath.Join(dir, "authorized_keys")
	if err := os.Mkdir(akDir, 0o755); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	if err := os.WriteFile(filepath.Join(akDir, User), ssh.MarshalAuthorizedKey(clientPub), 0o644); err != nil {
		t.Fatalf("testsshd: %v", err)
	}

	listen := opts.ListenAddr
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		t.Fatalf("testsshd: ListenAddr %q: %v", listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		t.Fatalf("testsshd: ListenAddr %q: bad port", listen)
	}
	if port == 0 && opts.NetNS != "" {
		port = 22
	}
	s.Host = host
	t.Cleanup(s.Stop)

	// A free port picked here may be taken before sshd binds it; try again.
	const attempts = 3
	for i := 1; ; i++ {
		p := port
		if p == 0 {
			p = freePort(t, host)
		}
		s.Port = p
		s.Addr = net.JoinHostPort(host, strconv.Itoa(p))
		s.writeConfig(hostKey, akDir, opts.ExtraConfig)
		err := s.start()
		if err == nil {
			break
		}
		if port != 0 || i == attempts {
			t.Fatalf("testsshd: %v\n--- sshd log ---\n%s", err, s.Log())
		}
	}

	s.KnownHostsFile = filepath.Join(dir, "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, hostPub) + "\n"
	if err := os.WriteFile(s.KnownHostsFile, []byte(line), 0o600); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	return s
}

// writeKey writes a fresh ed25519 private key to path (mode 0600) and its
// public half to path.pub, and returns the public key.
func writeKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "testsshd")
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(sshPub), 0o644); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	return sshPub
}

// freePort returns a port on host that was free a moment ago.
func freePort(t testing.TB, host string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatalf("testsshd: pick a free port on %s: %v", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *Server) writeConfig(hostKey, akDir string, extra []string) {
	var head, tail []string
	for i, l := range extra {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], "Match") {
			tail = extra[i:]
			break
		}
		head = append(head, l)
	}
	lines := append([]string{}, head...)
	lines = append(lines,
		"ListenAddress "+s.Addr,
		"HostKey "+hostKey,
		"PidFile "+filepath.Join(s.Dir, "sshd.pid"),
		"UsePAM no",
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"PubkeyAuthentication yes",
		"PermitRootLogin no",
		"StrictModes no",
		"AuthorizedKeysFile "+filepath.Join(akDir, "%u"),
		"UseDNS no",
		"PrintMotd no",
		"PrintLastLog no",
		"MaxStartups 50:30:100",
		"MaxSessions 50",
		"LogLevel VERBOSE",
		"X11Forwarding no",
	)
	lines = append(lines, tail...)
	if err := os.WriteFile(s.config, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		s.t.Fatalf("testsshd: %v", err)
	}
}

// start runs sshd and waits until it listens; it returns an error (and
// leaves no process behind) if sshd exits or does not come up in time.
func (s *Server) start() error {
	args := []string{SSHD, "-D", "-f", s.config, "-E", s.logFile}
	if s.netns != "" {
		args = append([]string{"ip", "netns", "exec", s.netns}, args...)
	}
	logf, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	mark, _ := logf.Seek(0, 2) // only log lines written after this start count
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.proc, s.done = cmd, done
	s.mu.Unlock()

	want := fmt.Sprintf("Server listening on %s port %d", s.Host, s.Port)
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-done:
			s.Stop()
			return fmt.Errorf("sshd exited before listening on %s", s.Addr)
		default:
		}
		if strings.Contains(s.logSince(mark), want) && s.accepts() {
			return nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("sshd not listening on %s after %v", s.Addr, readyTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// accepts reports whether the port takes a TCP connection; inside another
// network namespace it cannot be dialled from here, so the log line decides.
func (s *Server) accepts() bool {
	if s.netns != "" {
		return true
	}
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func (s *Server) logSince(off int64) string {
	b, _ := os.ReadFile(s.logFile)
	if int64(len(b)) < off {
		return ""
	}
	return string(b[off:])
}

// Log returns everything sshd has logged so far (all runs of this Server).
func (s *Server) Log() string { return s.logSince(0) }

// PID returns the listening sshd's process id, or 0 when it is stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.Process.Pid
}

// Stop kills sshd and every process it started (sessions, shells, commands)
// at once, as a device that loses power would, and waits for sshd to exit.
// It is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.proc, s.done
	s.proc, s.done = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	killTree(cmd.Process.Pid)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.t.Errorf("testsshd: sshd pid %d did not exit after SIGKILL", cmd.Process.Pid)
	}
}

// Pause freezes sshd and every process it started with SIGSTOP, as a hung
// device would: connections stay open but nothing answers, and new ones
// are accepted by the kernel but never greeted. Resume undoes it; Stop and
// the test's cleanup kill a paused server too.
func (s *Server) Pause() {
	if pid := s.PID(); pid != 0 {
		stopTree(pid)
	}
}

// Resume continues a paused sshd and its processes.
func (s *Server) Resume() {
	pid := s.PID()
	if pid == 0 {
		return
	}
	for _, p := range append([]int{pid}, descendants(pid)...) {
		_ = syscall.Kill(p, syscall.SIGCONT)
	}
}

// Restart stops sshd (if running) and starts it again on the same address
// with the same host key, config and users. Existing connections are gone.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("testsshd: restart: %v\n--- sshd log ---\n%s", err, s.Log())
	}
}

// CountLog returns how many lines of sshd's log contain substr, e.g.
// "Accepted password for mercury" to count logins.
func (s *Server) CountLog(substr string) int {
	n := 0
	for _, l := range strings.Split(s.Log(), "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}
