package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	xssh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/inventory"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSimulateConfigOut starts `mercury simulate --config-out`, loads the
// configuration it writes as `mercury serve` would, logs in to every
// device with the credentials and host key it names, and stops it.
func TestSimulateConfigOut(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "sim.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"simulate", "--devices", "arista-eos=2,cisco-ios", "--dir", dir,
			"--config-out", cfgPath, "--drivers-dir", dir, "--listen", "127.0.0.1:18089"}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(cfgPath); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("simulate exited %d before writing the configuration:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no configuration written:\n%s", stderr.String())
		}
	}
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		b, _ := os.ReadFile(cfgPath)
		t.Fatalf("the written configuration does not load: %v\n%s", err, b)
	}
	if got := cfg.Server().Listen; got != "127.0.0.1:18089" {
		t.Errorf("server.listen = %q", got)
	}
	var names []string
	for _, d := range cfg.Devices() {
		names = append(names, d.Name+"/"+d.Driver)
		login(t, d)
	}
	if got := strings.Join(names, " "); got != "eos-1/arista-eos eos-2/arista-eos ios-1/cisco-ios" {
		t.Errorf("devices = %s", got)
	}
	if stdout.String() != "" {
		t.Errorf("with --config-out, stdout should stay empty; got %q", stdout.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("simulate did not stop when cancelled")
	}
}

// TestSimulateInventory starts `mercury simulate` without --config-out,
// loads what it prints as a configuration (no problem, not even a
// warning, allowed), checks it names every device started, where the
// stderr lines say they run, logs in to each with the credentials and
// host key it names, and stops it.
func TestSimulateInventory(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"simulate", "--devices", "arista-eos=2,cisco-nxos,cisco-ios", "--dir", dir}, &stdout, &stderr)
	}()
	waitFor(t, "four devices to start", func() bool {
		select {
		case code := <-done:
			t.Fatalf("simulate exited %d:\n%s", code, stderr.String())
		default:
		}
		return strings.Count(stderr.String(), "simulating ") == 4
	})
	snippet := stdout.String()
	if !strings.Contains(snippet, "\ndevices:\n") || strings.Contains(snippet, "server:") {
		t.Fatalf("stdout is not a devices: list to paste:\n%s", snippet)
	}
	path := filepath.Join(t.TempDir(), "devices.yaml")
	if err := os.WriteFile(path, []byte(snippet), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := inventory.Load(path, nil)
	if err != nil {
		t.Fatalf("the printed inventory does not load: %v\n%s", err, snippet)
	}
	for _, w := range cfg.Warnings() {
		t.Errorf("the printed inventory loads with a warning: %v", w)
	}
	var got []string
	for _, d := range cfg.Devices() {
		got = append(got, d.Name+"/"+d.Driver)
		line := fmt.Sprintf("simulating %s (%s) on %s:%d, switch_id %s\n", d.Name, d.Driver, d.Address, d.Port, d.MAC)
		if !strings.Contains(stderr.String(), line) {
			t.Errorf("the inventory's %s is not the device started: no %q in\n%s", d.Name, line, stderr.String())
		}
		login(t, d)
	}
	if want := "eos-1/arista-eos eos-2/arista-eos nxos-1/cisco-nxos ios-1/cisco-ios"; strings.Join(got, " ") != want {
		t.Errorf("devices = %s, want %s", strings.Join(got, " "), want)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("simulate did not stop when cancelled")
	}
}

// login opens an SSH session to d with the password file and known_hosts
// file the configuration names, and runs one command.
func login(t *testing.T, d inventory.Device) {
	t.Helper()
	cb, err := knownhosts.New(d.KnownHosts)
	if err != nil {
		t.Fatalf("%s: known_hosts %s: %v", d.Name, d.KnownHosts, err)
	}
	pw, err := os.ReadFile(d.PasswordFile)
	if err != nil {
		t.Fatalf("%s: %v", d.Name, err)
	}
	c, err := xssh.Dial("tcp", fmt.Sprintf("%s:%d", d.Address, d.Port), &xssh.ClientConfig{
		User: d.Username, Auth: []xssh.AuthMethod{xssh.Password(strings.TrimSpace(string(pw)))},
		HostKeyCallback: cb, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("%s: login with the written credentials and host key: %v", d.Name, err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if out, err := s.CombinedOutput("show vlan"); err != nil || !strings.Contains(string(out), "default") {
		t.Errorf("%s: show vlan: %v %q", d.Name, err, out)
	}
}

func TestSimulateBadDevices(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"nokia-srl", `no simulated platform "nokia-srl"`},
		{"arista-eos=0", "the count must be a number from 1 to 500"},
		{"arista-eos=x", "the count must be a number from 1 to 500"},
		{"arista-eos,arista-eos=2", "listed twice"},
		{" , ", "no devices"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"simulate", "--devices", tt.spec}, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("--devices %q: exit %d, %q; want 2 and %q", tt.spec, code, errb.String(), tt.want)
		}
	}
}

func TestSimulateServeNeedsDrivers(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"simulate", "--serve", "--drivers-dir", t.TempDir()}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "build them with 'make drivers'") {
		t.Errorf("exit %d, %q", code, errb.String())
	}
}
