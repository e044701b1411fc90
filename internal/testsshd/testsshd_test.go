package testsshd

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// dial logs in to s with the given auth, checking the host key against
// s.KnownHostsFile.
func dial(t *testing.T, s *Server, auth ssh.AuthMethod) (*ssh.Client, error) {
	t.Helper()
	hk, err := knownhosts.New(s.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{
		User:            s.User,
		Auth:            []ssh.AuthMethod{auth},
		HostKeyCallback: hk,
		Timeout:         5 * time.Second,
	})
}

func keyAuth(t *testing.T, s *Server) ssh.AuthMethod {
	t.Helper()
	b, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.PublicKeys(signer)
}

func runCmd(t *testing.T, c *ssh.Client, cmd string) string {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	if err != nil {
		t.Fatalf("%s: %v: %s", cmd, err, out)
	}
	return string(out)
}

func TestLogins(t *testing.T) {
	s := Start(t, Options{})
	for _, tt := range []struct {
		name string
		auth ssh.AuthMethod
		ok   bool
	}{
		{"password", ssh.Password(s.Password), true},
		{"key", keyAuth(t, s), true},
		{"wrong password", ssh.Password("not-it"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dial(t, s, tt.auth)
			if !tt.ok {
				if err == nil {
					c.Close()
					t.Fatal("login succeeded with a wrong password")
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v\n%s", err, s.Log())
			}
			defer c.Close()
			if got := strings.TrimSpace(runCmd(t, c, "id -un")); got != User {
				t.Fatalf("id -un = %q, want %q", got, User)
			}
		})
	}
	if n := s.CountLog("Accepted password for " + User); n != 1 {
		t.Errorf("sshd logged %d password logins, want 1\n%s", n, s.Log())
	}
}

func TestUserSetup(t *testing.T) {
	s := Start(t, Options{})
	c, err := dial(t, s, keyAuth(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := runCmd(t, c, "cat ~/.inputrc"); !strings.Contains(got, "enable-bracketed-paste off") {
		t.Errorf("~/.inputrc = %q", got)
	}
	// NOPASSWD commands run without a password; true needs one.
	runCmd(t, c, "sudo -n /usr/sbin/ip -br link show lo")
	sess, _ := c.NewSession()
	defer sess.Close()
	if out, err := sess.CombinedOutput("sudo -n /usr/bin/true"); err == nil {
		t.Errorf("sudo -n true ran without a password: %s", out)
	}
	sess2, _ := c.NewSession()
	defer sess2.Close()
	sess2.Stdin = strings.NewReader(s.Password + "\n")
	if out, err := sess2.CombinedOutput("sudo -S -p '' /usr/bin/true"); err != nil {
		t.Errorf("sudo -S true with the password: %v: %s", err, out)
	}
}

func TestStopRestart(t *testing.T) {
	s := Start(t, Options{ExtraConfig: []string{"ClientAliveInterval 0"}})
	c, err := dial(t, s, keyAuth(t, s))
	if err != nil {
		t.Fatal(err)
	}
	// A command that would outlive the test if Stop missed sshd's children.
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Start("sleep 300"); err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	kids := descendants(pid)
	if len(kids) == 0 {
		t.Fatal("no processes below sshd while a session runs")
	}
	s.Stop()
	if s.PID() != 0 {
		t.Fatal("PID after Stop")
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- sess.Wait() }()
	select {
	case <-waitErr: // the connection died with sshd
	case <-time.After(10 * time.Second):
		t.Fatal("session survived Stop")
	}
	c.Close()
	// SIGKILLed processes are gone (or zombies) once the kernel has
	// finished with them; give it a moment.
	for _, p := range append(kids, pid) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
			if err != nil || strings.Contains(string(st), ") Z") {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("process %d still alive 5s after Stop: %s", p, st)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := dial(t, s, keyAuth(t, s)); err == nil {
		t.Fatal("login succeeded after Stop")
	}
	s.Restart()
	c2, err := dial(t, s, keyAuth(t, s))
	if err != nil {
		t.Fatalf("login after Restart: %v", err)
	}
	defer c2.Close()
	runCmd(t, c2, "true")
}

func TestNetNS(t *testing.T) {
	s0 := Start(t, Options{}) // skips early when not root or no sshd
	_ = s0
	ns := fmt.Sprintf("tsshd-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("lo up: %v: %s", err, out)
	}
	s := Start(t, Options{NetNS: ns, ListenAddr: "127.0.0.1:0"})
	if s.Port != 22 || s.Addr != "127.0.0.1:22" {
		t.Fatalf("Addr = %s, want 127.0.0.1:22", s.Addr)
	}
	if kh, _ := os.ReadFile(s.KnownHostsFile); !strings.HasPrefix(string(kh), "127.0.0.1 ssh-ed25519 ") {
		t.Fatalf("known_hosts line for port 22 = %q", kh)
	}
	out, err := exec.Command("ip", "netns", "exec", ns, "ssh", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile="+s.KnownHostsFile, "-o", "StrictHostKeyChecking=yes",
		"-o", "IdentitiesOnly=yes", "-i", s.KeyFile, "-p", "22", User+"@127.0.0.1", "id -un").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != User {
		t.Fatalf("ssh inside %s: %v: %s\n%s", ns, err, out, s.Log())
	}
}

func TestPauseResume(t *testing.T) {
	s := Start(t, Options{})
	c, err := dial(t, s, keyAuth(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.Pause()
	res := make(chan error, 1)
	go func() {
		_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
		res <- err
	}()
	select {
	case err := <-res:
		t.Fatalf("a paused server answered a keepalive (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	s.Resume()
	select {
	case <-res:
	case <-time.After(5 * time.Second):
		t.Fatal("no answer to the keepalive after Resume")
	}
	if got := strings.TrimSpace(runCmd(t, c, "id -un")); got != User {
		t.Fatalf("id -un after Resume = %q", got)
	}
}
