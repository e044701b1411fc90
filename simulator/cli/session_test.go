package cli

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmercury/mercury/simulator/state"
)

// fakeEnv is an in-memory device.
type fakeEnv struct {
	store  *state.Store
	secret string

	mu      sync.Mutex
	records []Record
	locked  bool
	dropAt  int
	lines   int
}

func newEnv(secret string) *fakeEnv {
	return &fakeEnv{store: state.NewStore(state.NewConfig([]string{"swp1", "swp2"}, "default", state.L2{Mode: state.Access, AccessVLAN: 1})), secret: secret}
}

func (e *fakeEnv) Hostname() string         { return "leaf1" }
func (e *fakeEnv) Store() *state.Store      { return e.store }
func (e *fakeEnv) HasPort(name string) bool { return name == "swp1" || name == "swp2" }
func (e *fakeEnv) EnableSecret() string     { return e.secret }
func (e *fakeEnv) SaveFails() bool          { return false }
func (e *fakeEnv) ConfigLocked() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.locked
}
func (e *fakeEnv) ConfigLine() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lines++
	return e.dropAt > 0 && e.lines == e.dropAt
}
func (e *fakeEnv) Record(r Record) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.records = append(e.records, r)
}

// pipeTerm runs a session's shell over in-memory pipes.
type pipeTerm struct {
	t    *testing.T
	in   *io.PipeWriter
	mu   sync.Mutex
	buf  []byte
	done chan error
}

func startShell(t *testing.T, p *Platform, env Env, opt SessionOptions) *pipeTerm {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	pt := &pipeTerm{t: t, in: inW, done: make(chan error, 1)}
	sess := p.NewSession(env, opt)
	go func() {
		err := sess.Shell(struct {
			io.Reader
			io.Writer
		}{inR, outW})
		_ = outW.Close()
		pt.done <- err
	}()
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := outR.Read(b)
			pt.mu.Lock()
			pt.buf = append(pt.buf, b[:n]...)
			pt.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { _ = inW.Close() })
	return pt
}

// expect waits until the output so far matches re, then consumes it.
func (pt *pipeTerm) expect(re string) string {
	pt.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pt.mu.Lock()
		if loc := rx.FindIndex(pt.buf); loc != nil {
			out := string(pt.buf[:loc[1]])
			pt.buf = pt.buf[loc[1]:]
			pt.mu.Unlock()
			return out
		}
		pt.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	pt.mu.Lock()
	defer pt.mu.Unlock()
	pt.t.Fatalf("waiting for %q; have %q", re, pt.buf)
	return ""
}

func (pt *pipeTerm) send(line string) {
	if _, err := io.WriteString(pt.in, line+"\n"); err != nil {
		pt.t.Fatalf("send %q: %v", line, err)
	}
}

// junosSpec is a toy commit-based platform in the style of Junos: it shows
// that a Spec can express "configure private", candidate changes that only
// a commit applies, and prompts that show the user and span lines.
func junosSpec() Spec {
	setVLAN := func(c *Call) error {
		return c.Update(func(cfg *state.Config) error {
			cfg.SetVLAN(c.Int("id"), c.Str("name"))
			return nil
		})
	}
	deleteVLAN := func(c *Call) error {
		return c.Update(func(cfg *state.Config) error {
			for id, v := range cfg.VLANs {
				if v.Name == c.Str("name") {
					cfg.DeleteVLAN(id, true)
					return nil
				}
			}
			return Fail("warning: statement not found")
		})
	}
	return Spec{
		Name:     "toy-junos",
		Modes:    []ModeDef{{Name: "op", Prompt: "{user}@{host}> "}, {Name: "edit", Prompt: "\n[edit]\n{user}@{host}# ", Config: true}},
		PrivMode: "op",
		Errors:   Errors{Invalid: "syntax error.", Incomplete: "syntax error, expecting <command>.", Ambiguous: "syntax error, ambiguous.", Locked: "error: configuration database locked by:"},
		Commands: []Command{
			{Modes: []string{"op"}, Syntax: "configure [private]", Kind: Configure, Run: func(c *Call) error {
				if c.Has("private") {
					c.SetTarget(Private)
					c.Println("warning: uncommitted changes will be discarded on exit")
				} else {
					c.SetTarget(Candidate)
				}
				c.Println("Entering configuration mode")
				c.Enter("edit", "", "")
				return nil
			}},
			{Modes: []string{"edit"}, Syntax: "set vlans <name:word> vlan-id <id:vlan>", Kind: Config, Run: setVLAN},
			{Modes: []string{"edit"}, Syntax: "delete vlans <name:word>", Kind: Config, Run: deleteVLAN},
			{Modes: []string{"edit"}, Syntax: "commit", Kind: Save, Run: func(c *Call) error {
				c.Commit()
				c.Println("commit complete")
				return nil
			}},
			{Modes: []string{"edit"}, Syntax: "exit", Kind: Nav, Run: func(c *Call) error {
				c.Discard()
				c.SetTarget(Running)
				c.Exit()
				return nil
			}},
			{Modes: []string{"op"}, Syntax: "show vlans", Kind: Show, Run: func(c *Call) error {
				c.View(func(cfg *state.Config) {
					for _, id := range cfg.VLANIDs() {
						c.Printf("%-10s %d\n", cfg.VLANs[id].Name, id)
					}
				})
				return nil
			}},
		},
	}
}

func TestCommitPlatformPrivateCandidate(t *testing.T) {
	p, err := NewPlatform(junosSpec())
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv("")
	a := startShell(t, p, env, SessionOptions{ID: 1, User: "admin", PTY: true})
	b := startShell(t, p, env, SessionOptions{ID: 2, User: "ops", PTY: true})
	a.expect(`admin@leaf1> $`)
	b.expect(`ops@leaf1> $`)

	a.send("configure private")
	a.expect(`Entering configuration mode\r\n\r\n\[edit\]\r\nadmin@leaf1# $`)
	a.send("set vlans web vlan-id 10")
	a.expect(`admin@leaf1# $`)
	if _, ok := env.store.Snapshot().Running.VLANs[10]; ok {
		t.Fatal("an uncommitted private change reached the running configuration")
	}
	b.send("show vlans")
	if out := b.expect(`ops@leaf1> $`); strings.Contains(out, "web") {
		t.Fatalf("another session sees an uncommitted change: %q", out)
	}
	a.send("commit")
	a.expect(`commit complete\r\n\r\n\[edit\]\r\nadmin@leaf1# $`)
	b.send("show vlans")
	if out := b.expect(`ops@leaf1> $`); !strings.Contains(out, "web        10") {
		t.Fatalf("the committed VLAN is missing: %q", out)
	}
	// Uncommitted private changes are discarded on exit.
	a.send("set vlans db vlan-id 20")
	a.expect(`admin@leaf1# $`)
	a.send("exit")
	a.expect(`admin@leaf1> $`)
	if _, ok := env.store.Snapshot().Running.VLANs[20]; ok {
		t.Fatal("a discarded private change was applied")
	}
	// The shared candidate is visible in snapshots until committed.
	a.send("configure")
	a.expect(`admin@leaf1# $`)
	a.send("delete vlans web")
	a.expect(`admin@leaf1# $`)
	snap := env.store.Snapshot()
	if snap.Candidate == nil || snap.Candidate.VLANs[10].Name != "" || snap.Running.VLANs[10].Name != "web" {
		t.Fatalf("shared candidate: %+v, running VLAN 10 %+v", snap.Candidate, snap.Running.VLANs[10])
	}
	a.send("commit")
	a.expect(`commit complete\r\n\r\n\[edit\]\r\nadmin@leaf1# $`)
	if snap := env.store.Snapshot(); snap.Candidate != nil || snap.Commits != 2 {
		t.Fatalf("after commit: candidate %v, commits %d", snap.Candidate, snap.Commits)
	}
	a.send("delete vlans nothing")
	if out := a.expect(`admin@leaf1# $`); !strings.Contains(out, "warning: statement not found") {
		t.Errorf("deleting a missing statement: %q", out)
	}
}

// linuxSpec is a toy Linux-shell platform (in the style of SONiC or Cumulus
// NVUE): "sudo -s" asks for the password and becomes root, exec requests
// report refused commands in their exit status.
func linuxSpec() Spec {
	return Spec{
		Name:            "toy-linux",
		Modes:           []ModeDef{{Name: "user", Prompt: "{user}@{host}:~$ "}, {Name: "root", Prompt: "root@{host}:/home/{user}# "}},
		UserMode:        "user",
		PrivMode:        "root",
		Errors:          Errors{Invalid: "-bash: {token}: command not found", Incomplete: "Usage: nv [OPTIONS] COMMAND [ARGS]..."},
		ExecErrorStatus: 1,
		Commands: []Command{
			{Modes: []string{"user"}, Syntax: "sudo -s", Kind: Nav, Run: func(c *Call) error {
				pw, err := c.ReadSecret("[sudo] password for admin: ")
				if err != nil {
					return err
				}
				if pw != c.EnableSecret() {
					return Fail("Sorry, try again.")
				}
				c.SetExec("root")
				return nil
			}},
			{Modes: []string{"user", "root"}, Syntax: "nv set interface <port:word> bridge domain br_default access <vlan>", Kind: Config, Run: func(c *Call) error {
				port := c.Str("port")
				if !c.HasPort(port) {
					return Fail("Error: Invalid parameter: %s", port)
				}
				return c.Update(func(cfg *state.Config) error {
					return cfg.EditInterface(port, func(l *state.L2) error { l.AccessVLAN = c.Int("vlan"); return nil })
				})
			}},
			{Modes: []string{"user", "root"}, Syntax: "exit", Kind: Nav, Run: func(c *Call) error { c.Exit(); return nil }},
		},
	}
}

func TestLinuxShellPlatform(t *testing.T) {
	p, err := NewPlatform(linuxSpec())
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv("hunter2")
	sh := startShell(t, p, env, SessionOptions{ID: 1, User: "admin", PTY: true})
	sh.expect(`admin@leaf1:~\$ $`)
	sh.send("sudo -s")
	sh.expect(`\[sudo\] password for admin: $`)
	sh.send("wrong")
	sh.expect(`Sorry, try again.\r\nadmin@leaf1:~\$ $`)
	sh.send("sudo -s")
	sh.expect(`password for admin: $`)
	sh.send("hunter2")
	sh.expect(`root@leaf1:/home/admin# $`)
	sh.send("nv set interface swp2 bridge domain br_default access 30")
	sh.expect(`# $`)
	if got := env.store.Snapshot().Running.Ports["swp2"].AccessVLAN; got != 30 {
		t.Errorf("swp2 access VLAN = %d", got)
	}
	sh.send("frob")
	sh.expect(`-bash: frob: command not found\r\nroot@`)
	for _, r := range env.records {
		if strings.Contains(r.Line, "hunter2") || strings.Contains(r.Line, "wrong") {
			t.Errorf("a password reached the log: %+v", r)
		}
	}
	sh.send("exit")
	if err := <-sh.done; err != nil {
		t.Errorf("shell ended with %v", err)
	}

	// Exec requests: output without a prompt, exit status on refusal.
	for _, tc := range []struct {
		line   string
		status int
		out    string
	}{
		{"nv set interface swp1 bridge domain br_default access 20", 0, ""},
		{"nv set interface swp9 bridge domain br_default access 20", 1, "Error: Invalid parameter: swp9\n"},
		{"frob --now", 1, "-bash: frob: command not found\n"},
	} {
		var out bytes.Buffer
		status, err := p.NewSession(env, SessionOptions{ID: 2, User: "admin"}).Exec(tc.line, &out)
		if err != nil || status != tc.status || out.String() != tc.out {
			t.Errorf("exec %q = %d %v %q; want %d %q", tc.line, status, err, out.String(), tc.status, tc.out)
		}
	}
}

// TestFaultsInEngine: the engine refuses configuration while locked and
// reports a drop before running the line.
func TestFaultsInEngine(t *testing.T) {
	p, err := NewPlatform(junosSpec())
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv("")
	env.locked = true
	sh := startShell(t, p, env, SessionOptions{ID: 1, User: "admin", PTY: true})
	sh.expect(`> $`)
	sh.send("configure")
	sh.expect(`error: configuration database locked by:\r\nadmin@leaf1> $`)
	env.mu.Lock()
	env.locked, env.dropAt, env.lines = false, 2, 0
	env.mu.Unlock()
	sh.send("configure")
	sh.expect(`# $`)
	sh.send("set vlans a vlan-id 5")
	sh.expect(`# $`)
	sh.send("set vlans b vlan-id 6")
	if err := <-sh.done; !errors.Is(err, ErrDropped) {
		t.Fatalf("shell ended with %v, want ErrDropped", err)
	}
	if snap := env.store.Snapshot(); snap.Candidate == nil || snap.Candidate.VLANs[6].ID != 0 || snap.Candidate.VLANs[5].ID != 5 {
		t.Errorf("candidate after the drop: %+v", snap.Candidate)
	}
}

// TestUnknownCommandAndCaretAbove: with Errors.Unknown a first word that
// starts no command gets its own text, a later bad token the Invalid one;
// with CaretAbove every parse error has the caret line, under the bad
// token as typed after the prompt's last line (the "[edit]" line above it
// does not count).
func TestUnknownCommandAndCaretAbove(t *testing.T) {
	spec := junosSpec()
	spec.Errors.Unknown, spec.Errors.CaretAbove = "unknown command.", true
	p, err := NewPlatform(spec)
	if err != nil {
		t.Fatal(err)
	}
	a := startShell(t, p, newEnv(""), SessionOptions{ID: 1, User: "admin", PTY: true})
	a.expect(`admin@leaf1> $`)
	a.send("shw vlans")
	if out := a.expect(`admin@leaf1> $`); !strings.Contains(out, "\r\n             ^\r\nunknown command.\r\n") {
		t.Errorf("an unknown first word: %q", out)
	}
	a.send("show vlanz")
	if out := a.expect(`admin@leaf1> $`); !strings.Contains(out, "\r\n                  ^\r\nsyntax error.\r\n") {
		t.Errorf("a bad second word: %q", out)
	}
	a.send("configure")
	a.expect(`admin@leaf1# $`)
	a.send("set vlans web vlan-idd 10")
	if out := a.expect(`admin@leaf1# $`); !strings.Contains(out, "\r\n"+strings.Repeat(" ", len("admin@leaf1# set vlans web "))+"^\r\nsyntax error.\r\n") {
		t.Errorf("a bad keyword in configuration mode: %q", out)
	}
	a.send("set vlans web")
	if out := a.expect(`admin@leaf1# $`); !strings.Contains(out, "\r\n"+strings.Repeat(" ", len("admin@leaf1# set vlans web"))+"^\r\nsyntax error, expecting <command>.\r\n") {
		t.Errorf("an incomplete line: %q", out)
	}
}
