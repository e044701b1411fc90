package ssh

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
)

func TestKeyAuth(t *testing.T) {
	e := newEnv(t, Options{})
	signer, err := LoadSigner(e.srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	tg := e.target()
	tg.Password = nil
	tg.Signer = signer
	if got := e.exec(t, tg, "id -un"); got != "mercury\n" {
		t.Fatalf("id -un = %q", got)
	}
	s := e.open(t, tg, Interactive)
	defer s.Close()
	run(t, s, "true")
	if n := e.srv.CountLog("Accepted publickey for mercury"); n != 2 {
		t.Errorf("sshd logged %d key logins, want 2 (exec and shell)", n)
	}
}

func TestAuthFailure(t *testing.T) {
	for _, k := range []Kind{Exec, Interactive} {
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			bad := e.target()
			bad.Password = []byte("not-the-password")
			for i := 0; i < 3; i++ {
				_, err := e.pool.Open(ctxFor(t, 10*time.Second), bad, k)
				wantFault(t, err, fault.Auth, `"mercury"`, "not retried")
			}
			// One try reached the device; the other Opens failed at once.
			st := e.pool.Stats()
			if st.Dials != 1 || st.AuthFailures != 1 || st.Devices[devName].Connections != 0 {
				t.Errorf("stats %+v; want one dial and one auth failure", st)
			}
			if n := e.srv.CountLog("Failed password for mercury"); n != 1 {
				t.Errorf("sshd saw %d failed passwords, want 1", n)
			}
			// Fixed credentials are tried at once.
			s := e.open(t, e.target(), k)
			s.Close()
		})
	}
}

func TestAuthHoldoffExpires(t *testing.T) {
	e := newEnv(t, Options{AuthHoldoff: 200 * time.Millisecond})
	bad := e.target()
	bad.Password = []byte("not-the-password")
	_, err := e.pool.Open(ctxFor(t, 10*time.Second), bad, Exec)
	wantFault(t, err, fault.Auth)
	time.Sleep(300 * time.Millisecond)
	_, err = e.pool.Open(ctxFor(t, 10*time.Second), bad, Exec)
	wantFault(t, err, fault.Auth)
	if st := e.pool.Stats(); st.Dials != 2 {
		t.Errorf("dials = %d; want a second try once the hold-off passed", st.Dials)
	}
}

func TestHostKeys(t *testing.T) {
	e := newEnv(t, Options{})
	dir := t.TempDir()
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := gossh.NewPublicKey(otherPub)
	hostport := knownhosts.Normalize(e.srv.Addr)
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	offered := gossh.FingerprintSHA256(e.srv.HostPublicKey)
	empty := file("empty", "")
	changed := file("changed", knownhosts.Line([]string{hostport}, other)+"\n")
	revoked := file("revoked", "@revoked * "+string(gossh.MarshalAuthorizedKey(e.srv.HostPublicKey)))
	otherHost := file("otherhost", knownhosts.Line([]string{"[192.0.2.7]:22"}, e.srv.HostPublicKey)+"\n")
	tests := []struct {
		name       string
		knownHosts string
		insecure   bool
		want       fault.Kind // Internal = connects
		has        []string
	}{
		{"known", e.srv.KnownHostsFile, false, fault.Internal, nil},
		{"unknown host", empty, false, fault.HostKey,
			[]string{"not in " + empty, offered, fmt.Sprintf("ssh-keyscan -p %d 127.0.0.1 >> %s", e.srv.Port, empty)}},
		{"other host only", otherHost, false, fault.HostKey, []string{"not in", "ssh-keyscan"}},
		{"changed key", changed, false, fault.HostKey,
			[]string{"HAS CHANGED", "man-in-the-middle", "offered ssh-ed25519 " + offered, gossh.FingerprintSHA256(other), changed + ":1", "ssh-keygen -R " + hostport}},
		{"revoked key", revoked, false, fault.HostKey, []string{"revoked", offered}},
		{"missing file", filepath.Join(dir, "nope"), false, fault.HostKey, []string{"cannot read known_hosts", "ssh-keyscan"}},
		{"no file", "", false, fault.HostKey, []string{"no known_hosts"}},
		{"no file, insecure", "", true, fault.Internal, nil},
		{"changed key, insecure", changed, true, fault.Internal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.srv.CountLog("Accepted password")
			tg := e.target()
			tg.KnownHosts = tt.knownHosts
			tg.InsecureIgnoreHostKey = tt.insecure
			s, err := e.pool.Open(ctxFor(t, 10*time.Second), tg, Exec)
			if tt.want == fault.Internal {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				s.Discard() // the next case must dial again
				return
			}
			wantFault(t, err, tt.want, tt.has...)
			if after := e.srv.CountLog("Accepted password"); after != before {
				t.Errorf("logged in despite a refused host key")
			}
		})
	}
	if n := strings.Count(e.logs.String(), "host key NOT checked"); n != 2 {
		t.Errorf("%d insecure warnings, want one per insecure connect (2)", n)
	}
}

// TestHostKeyAlgorithm checks that a device with several host keys is
// asked for the one known_hosts holds, not the client's favourite.
func TestHostKeyAlgorithm(t *testing.T) {
	e := newEnv(t, Options{})
	// Give sshd a second (ECDSA) host key; known_hosts knows only ed25519.
	ecdsaKey := filepath.Join(e.srv.Dir, "ssh_host_ecdsa_key")
	if out, err := runLocal("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", ecdsaKey); err != nil {
		t.Skipf("ssh-keygen: %v %s", err, out)
	}
	cfg, err := os.ReadFile(filepath.Join(e.srv.Dir, "sshd_config"))
	if err != nil {
		t.Fatal(err)
	}
	// ECDSA first: x/crypto's default preference would pick it.
	cfg = []byte("HostKey " + ecdsaKey + "\n" + string(cfg))
	if err := os.WriteFile(filepath.Join(e.srv.Dir, "sshd_config"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	e.srv.Restart()
	if got := e.exec(t, e.target(), "echo ok"); got != "ok\n" {
		t.Fatalf("exec = %q", got)
	}
}

func TestDialFailures(t *testing.T) {
	e := newEnv(t, Options{})
	tg := e.target()
	short := NewPool(Options{DialTimeout: 500 * time.Millisecond})
	defer short.Close()

	// Nothing listens: refused at once.
	closed := e.target()
	closed.Addr = "127.0.0.1:1"
	_, err := e.pool.Open(ctxFor(t, 10*time.Second), closed, Exec)
	wantFault(t, err, fault.Unreachable, "127.0.0.1:1", "cannot connect")

	// The device accepts TCP but never greets: the pool's DialTimeout.
	e.srv.Pause()
	defer e.srv.Resume()
	start := time.Now()
	_, err = short.Open(ctxFor(t, 10*time.Second), tg, Exec)
	within(t, start, 500*time.Millisecond)
	wantFault(t, err, fault.Unreachable, "no SSH answer", e.srv.Addr)

	// The same, cut short by the caller's deadline: Timeout.
	start = time.Now()
	_, err = e.pool.Open(ctxFor(t, 400*time.Millisecond), tg, Exec)
	within(t, start, 400*time.Millisecond)
	wantFault(t, err, fault.Timeout, "deadline", e.srv.Addr)

	e.srv.Resume()
	if got := e.exec(t, tg, "echo ok"); got != "ok\n" {
		t.Fatalf("after resume: %q", got)
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newEnv(t, Options{IdleTimeout: 300 * time.Millisecond})
	tg := e.target()
	e.exec(t, tg, "true")
	s := e.open(t, tg, Interactive)
	run(t, s, "true")
	s.Close()
	eventually(t, "idle connections to close", func() bool { return e.pool.Stats().Devices[devName].Connections == 0 })
	eventually(t, "both idle closes to be logged", func() bool {
		return strings.Count(e.logs.String(), "reason=\"idle for 300ms\"") == 2
	})
	// A connection in use is not idle, however long the session lasts.
	s = e.open(t, tg, Exec)
	time.Sleep(600 * time.Millisecond)
	if _, _, err := s.Exec(ctxFor(t, 10*time.Second), "true"); err != nil {
		t.Fatalf("exec on a long-held session: %v", err)
	}
	s.Close()
	if st := e.pool.Stats(); st.Dials != 3 {
		t.Errorf("dials = %d, want 3", st.Dials)
	}
}

func TestKeepalive(t *testing.T) {
	// The interval is also the reply window: generous enough that a loaded
	// machine's sshd answers in time, short enough to see two rounds.
	const interval = 2 * time.Second
	e := newEnv(t, Options{Keepalive: interval})
	tg := e.target()
	e.exec(t, tg, "true")
	// Keepalives are answered: the connection stays.
	time.Sleep(2*interval + interval/2)
	if st := e.pool.Stats().Devices[devName]; st.Connections != 1 {
		t.Fatalf("a healthy connection was closed: %+v", st)
	}
	// The device hangs: keepalives go unanswered and the pool drops it.
	e.srv.Pause()
	eventually(t, "the hung connection to be dropped", func() bool { return e.pool.Stats().Devices[devName].Connections == 0 })
	if !strings.Contains(e.logs.String(), "no answer to keepalive") {
		t.Errorf("drop reason not logged")
	}
	e.srv.Resume()
	if got := e.exec(t, tg, "echo ok"); got != "ok\n" {
		t.Fatalf("after resume: %q", got)
	}
}
