package topo

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testsshd"
)

// TestSSHTargetRun checks the harness's SSH runner against a real sshd:
// output comes back, and each way of failing has its kind.
func TestSSHTargetRun(t *testing.T) {
	srv := testsshd.Start(t, testsshd.Options{})
	good := SSHTarget{Addr: srv.Addr, User: srv.User, KeyFile: srv.KeyFile, KnownHostsFile: srv.KnownHostsFile}

	otherKnownHosts := filepath.Join(t.TempDir(), "known_hosts")
	other := testsshd.Start(t, testsshd.Options{})
	b, err := os.ReadFile(other.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	// The other server's key, filed under this server's address.
	line := strings.Replace(string(b), knownHostsHost(other.Addr), knownHostsHost(srv.Addr), 1)
	if err := os.WriteFile(otherKnownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	with := func(f func(*SSHTarget)) SSHTarget { s := good; f(&s); return s }
	tests := []struct {
		name   string
		target SSHTarget
		cmd    string
		want   string // output, when ok
		kind   fault.Kind
		ok     bool
	}{
		{"key", good, "id -un", "mercury\n", 0, true},
		{"password", with(func(s *SSHTarget) { s.KeyFile, s.Password = "", srv.Password }), "echo hi", "hi\n", 0, true},
		{"stderr is kept", good, "echo oops >&2", "oops\n", 0, true},
		{"non-zero exit", good, "echo no; exit 3", "", fault.Device, false},
		{"wrong password", with(func(s *SSHTarget) { s.KeyFile, s.Password = "", "not-it" }), "true", "", fault.Auth, false},
		{"changed host key", with(func(s *SSHTarget) { s.KnownHostsFile = otherKnownHosts }), "true", "", fault.HostKey, false},
		{"nothing listening", with(func(s *SSHTarget) { s.Addr = closedAddr }), "true", "", fault.Unreachable, false},
		{"no address", SSHTarget{}, "true", "", fault.Invalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := tt.target.Run(ctx, tt.cmd)
			if tt.ok {
				if err != nil || out != tt.want {
					t.Fatalf("Run(%q) = %q, %v; want %q", tt.cmd, out, err, tt.want)
				}
				return
			}
			if err == nil || fault.KindOf(err) != tt.kind {
				t.Fatalf("Run(%q) error = %v (kind %v), want kind %v", tt.cmd, err, fault.KindOf(err), tt.kind)
			}
		})
	}
}

// knownHostsHost is how known_hosts writes addr: "[host]:port".
func knownHostsHost(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return "[" + host + "]:" + port
}
