package topo

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
)

// SSHTarget says how to log in to a device of a topology: what a test
// puts in the device's inventory entry (address, user, password or key,
// known_hosts) for Mercury to use.
type SSHTarget struct {
	Addr           string // host:port
	User           string
	Password       string
	KeyFile        string // client private key the device accepts for User
	KnownHostsFile string // trusts the device's host key at Addr
}

// Run logs in with the key (the password when there is no key), runs cmd
// in one exec channel and returns its combined output. A failed login is
// Unreachable or Auth, a non-zero exit Device; the error quotes the output.
func (s SSHTarget) Run(ctx context.Context, cmd string) (string, error) {
	if s.Addr == "" {
		return "", fault.New(fault.Invalid, "no SSH address: the device was started without SSH")
	}
	cfg, err := s.clientConfig()
	if err != nil {
		return "", err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return "", fault.Wrap(fault.Unreachable, err, "dial").WithDevice(s.Addr)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, s.Addr, cfg)
	if err != nil {
		conn.Close()
		k := fault.Unreachable
		var keyErr *knownhosts.KeyError
		switch {
		case errors.As(err, &keyErr):
			k = fault.HostKey
		case strings.Contains(err.Error(), "unable to authenticate"):
			k = fault.Auth
		}
		return "", fault.Wrap(k, err, "log in as %s", s.User).WithDevice(s.Addr)
	}
	client := ssh.NewClient(c, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return "", fault.Wrap(fault.Unreachable, err, "open session").WithDevice(s.Addr)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	if err != nil {
		var exit *ssh.ExitError
		if errors.As(err, &exit) {
			return string(out), fault.Wrap(fault.Device, err, "%s: %s", cmd, strings.TrimSpace(string(out))).WithDevice(s.Addr)
		}
		return string(out), fault.Wrap(fault.Unreachable, err, "%s", cmd).WithDevice(s.Addr)
	}
	return string(out), nil
}

// MustRun is Run that fails the test on error, with a 60 s deadline.
func (s SSHTarget) MustRun(t testing.TB, cmd string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := s.Run(ctx, cmd)
	if err != nil {
		t.Fatalf("topo: ssh: %v", err)
	}
	return out
}

func (s SSHTarget) clientConfig() (*ssh.ClientConfig, error) {
	hk, err := knownhosts.New(s.KnownHostsFile)
	if err != nil {
		return nil, fault.Wrap(fault.HostKey, err, "known_hosts").WithDevice(s.Addr)
	}
	cfg := &ssh.ClientConfig{User: s.User, HostKeyCallback: hk, Timeout: 30 * time.Second}
	if s.KeyFile != "" {
		b, err := os.ReadFile(s.KeyFile)
		if err != nil {
			return nil, fault.Wrap(fault.Auth, err, "client key").WithDevice(s.Addr)
		}
		signer, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fault.Wrap(fault.Auth, err, "client key %s", s.KeyFile).WithDevice(s.Addr)
		}
		cfg.Auth = append(cfg.Auth, ssh.PublicKeys(signer))
	}
	if s.Password != "" {
		cfg.Auth = append(cfg.Auth, ssh.Password(s.Password))
	}
	return cfg, nil
}
