package cli_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/sdk"
	"github.com/openmercury/mercury/sdk/cli"
)

// scripted is an in-memory shell: each line sent gets the next of its
// canned replies (echo included), ending at a prompt.
type scripted struct {
	replies map[string][]string
	pending []string
	sent    []string
}

func (s *scripted) Exec(string) (string, int, error) { return "", 0, sdk.Unsupported("exec") }
func (s *scripted) SendSecret(string) error          { return sdk.Unsupported("secret") }
func (s *scripted) Close() error                     { return nil }
func (s *scripted) Send(text string) error {
	line := strings.TrimSuffix(text, "\n")
	s.sent = append(s.sent, line)
	r := s.replies[line]
	if len(r) == 0 {
		return sdk.DeviceError("unexpected line %q", line)
	}
	s.pending = append(s.pending, r[0])
	if len(r) > 1 {
		s.replies[line] = r[1:]
	}
	return nil
}
func (s *scripted) ReadUntil(string, time.Duration) (string, error) {
	if len(s.pending) == 0 {
		return "", sdk.Errorf("timeout", "nothing more to read")
	}
	out := s.pending[0]
	s.pending = s.pending[1:]
	return out, nil
}

type scriptHost struct {
	s        *scripted
	sleeps   []time.Duration
	sleepErr error // what Sleep returns: the operation's deadline came
}

func (h *scriptHost) Setting(string) (string, bool)             { return "", false }
func (h *scriptHost) Log(slog.Level, string)                    {}
func (h *scriptHost) Open(sdk.SessionKind) (sdk.Session, error) { return h.s, nil }
func (h *scriptHost) Sleep(d time.Duration) error               { h.sleeps = append(h.sleeps, d); return h.sleepErr }

// TestCommitRetriesWhenLocked: a commit refused because another session
// holds the configuration database is retried after the backoff, and
// gives up with kind busy after CommitRetries.
func TestCommitRetriesWhenLocked(t *testing.T) {
	p := cli.Platform{
		Prompt: `(?m)^admin@sw1[>#] ?`, ConfigPrompt: `(?m)^admin@sw1# ?`,
		ConfigEnter: "configure private", ConfigLeave: "exit configuration-mode",
		Commit: []string{"commit"}, CommitRetries: 2, CommitBackoff: time.Second,
		Errors: []string{`^error:`}, Busy: []string{`^error: configuration database locked`},
	}
	c, err := cli.New(p)
	if err != nil {
		t.Fatal(err)
	}
	locked := "commit\nerror: configuration database locked by:\n  netops terminal p0\n\n[edit]\nadmin@sw1# "
	for _, tc := range []struct {
		name    string
		commits []string
		kind    string
		sleeps  int
	}{
		{"locked once, then committed", []string{locked, "commit\ncommit complete\n\n[edit]\nadmin@sw1# "}, "", 1},
		{"locked throughout", []string{locked, locked, locked}, "busy", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := &scripted{replies: map[string][]string{
				"":                         {"\nadmin@sw1> "},
				"configure private":        {"configure private\nEntering configuration mode\n\n[edit]\nadmin@sw1# "},
				"set vlans v10 vlan-id 10": {"set vlans v10 vlan-id 10\n\n[edit]\nadmin@sw1# "},
				"commit":                   tc.commits,
				"exit configuration-mode":  {"exit configuration-mode\nExiting configuration mode\nadmin@sw1> "},
			}}
			h := &scriptHost{s: sh}
			s, err := c.Open(h)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Configure([]string{"set vlans v10 vlan-id 10"})
			if got := kind(err); got != tc.kind {
				t.Fatalf("Configure: %v (kind %q), want kind %q", err, got, tc.kind)
			}
			if len(h.sleeps) != tc.sleeps || (tc.sleeps > 0 && h.sleeps[0] != time.Second) {
				t.Fatalf("slept %v, want %d backoffs of 1s", h.sleeps, tc.sleeps)
			}
			if last := sh.sent[len(sh.sent)-1]; last != "exit configuration-mode" {
				t.Fatalf("the shell was left in configuration mode (last line %q)", last)
			}
		})
	}
}

// junosLike is a platform shaped like the Junos driver's, with its lock
// patterns, 2 retries 1 s apart.
func junosLike(retryEnter bool) cli.Platform {
	return cli.Platform{
		Prompt: `(?m)^admin@sw1[>#] ?`, ConfigPrompt: `(?m)^admin@sw1# ?`,
		ConfigEnter: "configure private", ConfigLeave: "exit configuration-mode",
		Commit: []string{"commit"}, CommitRetries: 2, CommitBackoff: time.Second, RetryEnter: retryEnter,
		Errors: []string{`^error:`}, Busy: []string{`^error: configuration database locked`, `^error: shared configuration database modified`},
	}
}

const (
	enterRefused = "configure private\nerror: shared configuration database modified\nUsers currently editing the configuration:\n  netops terminal p1\nadmin@sw1> "
	entered      = "configure private\nEntering configuration mode\n\n[edit]\nadmin@sw1# "
	committed    = "commit\ncommit complete\n\n[edit]\nadmin@sw1# "
)

// TestConfigEnterRetriesWhenLocked: with RetryEnter, entering configuration
// mode refused as busy (another session's lock or uncommitted shared
// changes) is retried like a commit; without it, the first refusal fails
// the block with kind busy and nothing else is sent.
func TestConfigEnterRetriesWhenLocked(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryEnter bool
		enters     []string
		kind       string
		sleeps     int
		sent       []string
	}{
		{"refused once, retried", true, []string{enterRefused, entered}, "", 1,
			[]string{"", "configure private", "configure private", "set vlans v10 vlan-id 10", "commit", "exit configuration-mode"}},
		{"refused throughout", true, []string{enterRefused, enterRefused, enterRefused}, "busy", 2,
			[]string{"", "configure private", "configure private", "configure private"}},
		{"not retried without RetryEnter", false, []string{enterRefused, entered}, "busy", 0,
			[]string{"", "configure private"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cli.New(junosLike(tc.retryEnter))
			if err != nil {
				t.Fatal(err)
			}
			sh := &scripted{replies: map[string][]string{
				"":                         {"\nadmin@sw1> "},
				"configure private":        tc.enters,
				"set vlans v10 vlan-id 10": {"set vlans v10 vlan-id 10\n\n[edit]\nadmin@sw1# "},
				"commit":                   {committed},
				"exit configuration-mode":  {"exit configuration-mode\nExiting configuration mode\nadmin@sw1> "},
			}}
			h := &scriptHost{s: sh}
			s, err := c.Open(h)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Configure([]string{"set vlans v10 vlan-id 10"})
			if got := kind(err); got != tc.kind {
				t.Fatalf("Configure: %v (kind %q), want kind %q", err, got, tc.kind)
			}
			if tc.kind == "busy" && tc.retryEnter && !strings.Contains(err.Error(), "refused 3 times, 1s apart") {
				t.Errorf("the error %q does not say how often the device refused", err)
			}
			if len(h.sleeps) != tc.sleeps {
				t.Errorf("slept %v, want %d backoffs", h.sleeps, tc.sleeps)
			}
			if strings.Join(sh.sent, "|") != strings.Join(tc.sent, "|") {
				t.Errorf("sent %q, want %q", sh.sent, tc.sent)
			}
		})
	}
}

// TestRetryStopsAtTheDeadline: when the operation's deadline cuts the
// backoff short, the block fails with kind busy (the device was locked),
// not timeout, and says so; the shell still leaves configuration mode.
func TestRetryStopsAtTheDeadline(t *testing.T) {
	c, err := cli.New(junosLike(true))
	if err != nil {
		t.Fatal(err)
	}
	locked := "commit\nerror: configuration database locked by:\n  netops terminal p0\n\n[edit]\nadmin@sw1# "
	sh := &scripted{replies: map[string][]string{
		"":                         {"\nadmin@sw1> "},
		"configure private":        {entered},
		"set vlans v10 vlan-id 10": {"set vlans v10 vlan-id 10\n\n[edit]\nadmin@sw1# "},
		"commit":                   {locked, committed},
		"exit configuration-mode":  {"exit configuration-mode\nExiting configuration mode\nadmin@sw1> "},
	}}
	h := &scriptHost{s: sh, sleepErr: sdk.Errorf("timeout", "sleep interrupted by the operation's deadline")}
	s, err := c.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Configure([]string{"set vlans v10 vlan-id 10"})
	if kind(err) != "busy" || !strings.Contains(err.Error(), "refused 1 of 3 times; the operation's deadline came") {
		t.Fatalf("Configure: %v (kind %q), want busy saying the deadline came", err, kind(err))
	}
	if want := "configure private|set vlans v10 vlan-id 10|commit|exit configuration-mode"; strings.Join(sh.sent[1:], "|") != want {
		t.Errorf("sent %q, want %q", sh.sent[1:], want)
	}
}
