package cli_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/ssh"
)

// iosLike is an IOS-style platform, as a driver's table would give it.
var iosLike = cli.Platform{
	Prompt:       `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`,
	Unprivileged: `>\s*`,
	ConfigPrompt: `\(config[\w./-]*\)# ?`,
	Enable:       "enable",
	SecretPrompt: `[Pp]assword: ?`,
	Paging:       []string{"terminal length 0"},
	More:         ` ?--More-- ?`,
	ConfigEnter:  "configure terminal",
	ConfigLeave:  "end",
	Save:         []string{"copy running-config startup-config"},
	SaveOK:       `\[OK\]`,
	Confirm:      []cli.Answer{{Prompt: `Destination filename \[startup-config\]\? ?`}},
	Errors:       []string{`^% `, `^%\w`},
	Busy:         []string{`^Configuration mode locked`},
	Ignore:       []string{`^% Access VLAN does not exist`},
}

// fixture is a simulated IOS switch and a way to open cli sessions on it.
type fixture struct {
	dev  *simulator.Device
	tgt  *ssh.Target
	pool *ssh.Pool
	cli  *cli.CLI
}

// newFixture starts an IOS simulator whose login user is unprivileged;
// tweak adjusts the target (secrets, shell setup) before use.
func newFixture(t *testing.T, p cli.Platform, tweak func(*ssh.Target)) *fixture {
	t.Helper()
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "ios-1", Platform: "cisco-ios", EnableSecret: "en-secret",
		Users: []simulator.User{{Name: "ops", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := drivertest.SimTarget(dev, p.Shell(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(tgt)
	}
	c, err := cli.New(p)
	if err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	return &fixture{dev: dev, tgt: tgt, pool: pool, cli: c}
}

// host returns an sdk.Host on the fixture's device with deadline d.
func (f *fixture) host(t *testing.T, d time.Duration) sdk.Host {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return drivertest.NativeHost(ctx, drivertest.PoolDialer{Pool: f.pool, Target: f.tgt}, nil, func(s string) { t.Log(s) })
}

func (f *fixture) open(t *testing.T) *cli.Session {
	t.Helper()
	s, err := f.cli.Open(f.host(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func kind(err error) string {
	var se *sdk.Error
	if errors.As(err, &se) {
		return se.Kind
	}
	return ""
}

func TestOpenEnables(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s := f.open(t)
	if !strings.HasSuffix(s.Prompt(), "#") {
		t.Fatalf("prompt %q after Open, want the privileged prompt", s.Prompt())
	}
	out, err := s.Command("show running-config interface GigabitEthernet1/0/1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "show running-config") || strings.Contains(out, "ios-1#") || !strings.Contains(out, "interface GigabitEthernet1/0/1\n") {
		t.Fatalf("output keeps the echo or the prompt, or lacks the interface:\n%s", out)
	}
}

func TestOpenEnableRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		secrets map[string][]byte
		kind    string
		text    string
	}{
		{"wrong secret", map[string][]byte{"enable": []byte("not-it")}, "auth", "refused the enable secret"},
		{"no secret", map[string][]byte{}, "not_found", "enable_secret_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, iosLike, func(tg *ssh.Target) { tg.Secrets = tc.secrets })
			_, err := f.cli.Open(f.host(t, 10*time.Second))
			if kind(err) != tc.kind || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Open: %v (kind %q), want kind %q mentioning %q", err, kind(err), tc.kind, tc.text)
			}
		})
	}
}

func TestConfigureErrorLeavesConfigMode(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s := f.open(t)
	err := s.Configure([]string{"interface GigabitEthernet1/0/1", "switchport mode bogus", "shutdown"})
	if kind(err) != "device" || !strings.Contains(err.Error(), `"switchport mode bogus"`) || !strings.Contains(err.Error(), "% Invalid input") {
		t.Fatalf("Configure: %v (kind %q), want a device error naming the line and quoting the device", err, kind(err))
	}
	if !strings.HasSuffix(s.Prompt(), "ios-1#") {
		t.Fatalf("prompt %q after a failed block, want the privileged prompt", s.Prompt())
	}
	cmds := f.dev.ConfigCommands()
	if slices.Contains(cmds, "shutdown") || cmds[len(cmds)-1] != "end" {
		t.Fatalf("config lines %q: the block must stop at the error and end with \"end\"", cmds)
	}
	if f.dev.State().Running.Ports["GigabitEthernet1/0/1"].Shutdown {
		t.Fatal("a line after the failing one ran")
	}
}

func TestNoticeIsNotAnError(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s := f.open(t)
	if err := s.Configure([]string{"interface GigabitEthernet1/0/1", "switchport access vlan 55"}); err != nil {
		t.Fatalf("IOS's %q notice failed the block: %v", "% Access VLAN does not exist", err)
	}
	if v := f.dev.State().Running.Ports["GigabitEthernet1/0/1"].AccessVLAN; v != 55 {
		t.Fatalf("access VLAN %d, want 55", v)
	}
}

func TestBusy(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s := f.open(t)
	f.dev.SetFault(simulator.Fault{ConfigLocked: true})
	err := s.Configure([]string{"vlan 10"})
	if kind(err) != "busy" || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("Configure on a locked device: %v (kind %q), want busy", err, kind(err))
	}
}

func TestHangTimesOut(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s, err := f.cli.Open(f.host(t, 2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.dev.SetFault(simulator.Fault{Hang: true})
	defer f.dev.SetFault(simulator.Fault{})
	_, err = s.Command("show running-config")
	if kind(err) != "timeout" {
		t.Fatalf("Command on a hung device: %v (kind %q), want timeout", err, kind(err))
	}
}

func TestPagerAnswered(t *testing.T) {
	f := newFixture(t, iosLike, func(tg *ssh.Target) { tg.Shell.Setup = nil }) // paging left on
	s := f.open(t)
	out, err := s.Command("show running-config")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "More") || !strings.Contains(out, "interface GigabitEthernet1/0/48\n") {
		t.Fatalf("paged output not read through (or pager text left in):\n%s", out)
	}
}

// TestPagingOff: the platform's paging command reaches the device once per
// shell, when the host sets the shell up, not once per operation.
func TestPagingOff(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	for range 3 {
		s := f.open(t)
		if _, err := s.Command("show running-config"); err != nil {
			t.Fatal(err)
		}
		s.Close() // the shell goes back to the pool
	}
	n := 0
	for _, c := range f.dev.Commands() {
		if c.Line == "terminal length 0" && c.Error == "" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("terminal length 0 sent %d times over three operations on one pooled shell, want 1\n%+v", n, f.dev.Commands())
	}
}

// TestPlatformRefused: a platform that could not work is refused at New.
func TestPlatformRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*cli.Platform)
		want string
	}{
		{"no prompt", func(p *cli.Platform) { p.Prompt = "" }, "no prompt pattern"},
		{"no error patterns", func(p *cli.Platform) { p.Errors = nil }, "no error patterns"},
		{"bad pattern", func(p *cli.Platform) { p.Busy = []string{"("} }, `busy "("`},
	} {
		p := iosLike
		tc.edit(&p)
		if _, err := cli.New(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestSaveAnswersQuestion(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	if err := f.open(t).Save(); err != nil {
		t.Fatal(err)
	}
	if n := f.dev.State().Saves; n != 1 {
		t.Fatalf("saves %d, want 1", n)
	}
	f.dev.SetFault(simulator.Fault{SaveError: true})
	if err := f.open(t).Save(); kind(err) != "device" {
		t.Fatalf("Save with the save fault: %v (kind %q), want a device error", err, kind(err))
	}
}

func TestControlCharactersRefused(t *testing.T) {
	f := newFixture(t, iosLike, nil)
	s := f.open(t)
	before := len(f.dev.Commands())
	for _, line := range []string{"show version\nreload", "show\rversion", "show \x1b[A", "show \x00"} {
		if _, err := s.Command(line); kind(err) != "invalid" {
			t.Errorf("Command(%q): %v, want invalid", line, err)
		}
		if err := s.Configure([]string{"vlan 10", line}); kind(err) != "invalid" {
			t.Errorf("Configure(%q): %v, want invalid", line, err)
		}
	}
	if n := len(f.dev.Commands()); n != before {
		t.Fatalf("the device received %d lines from refused input", n-before)
	}
}
