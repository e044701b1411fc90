package drivertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/sdk"
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
		// The simulator's enable secret is also its sudo password.
		t.Secrets["enable"] = []byte(spec.EnableSecret)
		t.Secrets["sudo"] = []byte(spec.EnableSecret)
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

// SimCaller returns a function that runs an operation of the driver the
// test binary registered with sdk.Handle natively against the simulated
// device dev, over real SSH through a pool of its own (closed when the
// test ends), and returns the driver's JSON reply or error reply. Each
// call has a 10-second deadline.
func SimCaller(tb testing.TB, dev *simulator.Device) func(op string, req any) string {
	tb.Helper()
	return SimCallerWith(tb, dev, nil)
}

// SimCallerWith is SimCaller for a device with settings (device_setting
// keys such as "lag_range" or "options.NAME").
func SimCallerWith(tb testing.TB, dev *simulator.Device, settings map[string]string) func(op string, req any) string {
	tb.Helper()
	d := sdk.Registered()
	if d == nil {
		tb.Fatal("no driver registered: the test must be in the driver's package")
	}
	tgt, err := SimTarget(dev, d.Describe().Shell, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	tb.Cleanup(func() { pool.Close() })
	return func(op string, req any) string {
		tb.Helper()
		in, err := json.Marshal(req)
		if err != nil {
			tb.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, out := sdk.Dispatch(NativeHost(ctx, PoolDialer{Pool: pool, Target: tgt}, settings, func(s string) { tb.Log(s) }), op, in)
		return string(out)
	}
}

// SimStep is one operation of a driver test against a simulated device:
// the request and the exact JSON reply (or error reply) it must give.
type SimStep struct {
	Op   string
	Req  any
	Want string
}

// RunSimSteps runs steps in order with call (see SimCaller), failing at
// the first reply that differs.
func RunSimSteps(tb testing.TB, call func(op string, req any) string, steps []SimStep) {
	tb.Helper()
	for i, s := range steps {
		if got := call(s.Op, s.Req); got != s.Want {
			tb.Fatalf("step %d %s %+v:\n got %s\nwant %s", i+1, s.Op, s.Req, got, s.Want)
		}
	}
}
