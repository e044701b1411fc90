package drivertest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/ssh"
)

// SimTarget returns the ssh.Target that reaches a simulated device over
// real SSH as the device's first user, with its enable secret, for a driver
// whose describe gave shell (nil for exec-only drivers). The device's host
// key is written to a known_hosts file in dir.
func SimTarget(dev *simulator.Device, shell *abi.Shell, dir string) (*ssh.Target, error) {
	kh := filepath.Join(dir, dev.Name()+".known_hosts")
	if err := os.WriteFile(kh, []byte(dev.KnownHostsLine()+"\n"), 0o600); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "write %s", kh)
	}
	spec := dev.Spec()
	t := &ssh.Target{
		Device:      dev.Name(),
		Addr:        dev.Addr(),
		User:        spec.Users[0].Name,
		Password:    []byte(spec.Users[0].Password),
		KnownHosts:  kh,
		MaxSessions: 2,
		Secrets:     map[string][]byte{},
	}
	if spec.EnableSecret != "" {
		t.Secrets["enable"] = []byte(spec.EnableSecret)
	}
	if shell != nil {
		re, err := regexp.Compile(shell.Prompt)
		if err != nil {
			return nil, fault.Wrap(fault.Driver, err, "shell prompt %q", shell.Prompt)
		}
		t.Shell = &ssh.ShellSpec{Prompt: re, Setup: shell.Setup, Reset: shell.Reset}
	}
	return t, nil
}

// PoolDialer is a hostfuncs.Dialer that opens sessions to one Target
// through an ssh.Pool, as the service does.
type PoolDialer struct {
	Pool   *ssh.Pool
	Target *ssh.Target
}

// Open implements hostfuncs.Dialer.
func (d PoolDialer) Open(ctx context.Context, kind int32) (hostfuncs.Session, error) {
	return d.Pool.Open(ctx, d.Target, ssh.Kind(kind))
}
