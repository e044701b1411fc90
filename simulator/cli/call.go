package cli

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/openmercury/mercury/simulator/state"
)

// Call is one command being run: its parsed words and arguments, its
// output, and the session operations a handler may use.
type Call struct {
	s         *Session
	parsed    *parsed
	line      string
	toks      []token
	promptLen int
	out       outBuf
}

type outBuf struct{ b []byte }

func (o *outBuf) String() string { return string(o.b) }

// cmdError is a refusal: verbatim text, or a parse-style error at an
// argument's token.
type cmdError struct {
	text string
	arg  string
	kind FailKind
}

func (e *cmdError) Error() string {
	if e.arg != "" {
		return fmt.Sprintf("argument %s refused", e.arg)
	}
	return e.text
}

// Fail returns an error that refuses the command; the device prints text
// (one or more lines, no trailing newline).
func Fail(format string, args ...any) error {
	return &cmdError{text: fmt.Sprintf(format, args...)}
}

// ArgError refuses the command with the platform's parse error of kind at
// the token of argument name (with a caret where the platform prints one).
func (c *Call) ArgError(name string, kind FailKind) error {
	return &cmdError{arg: name, kind: kind}
}

// Line returns the command line as typed (without pipes).
func (c *Call) Line() string { return c.line }

// Has reports whether keyword kw (its full spelling) was given.
func (c *Call) Has(kw string) bool { return slices.Contains(c.parsed.words, kw) }

// Given reports whether parameter name was given.
func (c *Call) Given(name string) bool {
	_, ok := c.parsed.args[name]
	return ok
}

// Int returns integer parameter name (vlan, N-M types), or 0.
func (c *Call) Int(name string) int {
	v, _ := c.parsed.args[name].(int)
	return v
}

// Str returns string parameter name (word, line types), or "".
func (c *Call) Str(name string) string {
	v, _ := c.parsed.args[name].(string)
	return v
}

// VLANs returns VLAN-list parameter name (vlans type); a vlan parameter is
// returned as a one-element set.
func (c *Call) VLANs(name string) state.VLANSet {
	switch v := c.parsed.args[name].(type) {
	case state.VLANSet:
		return v
	case int:
		return state.NewVLANSet(v)
	}
	return state.VLANSet{}
}

// Iface returns interface parameter name (if type).
func (c *Call) Iface(name string) Iface {
	v, _ := c.parsed.args[name].(Iface)
	return v
}

// Arg returns parameter name of a platform-defined type.
func (c *Call) Arg(name string) any { return c.parsed.args[name] }

// Printf appends formatted output.
func (c *Call) Printf(format string, args ...any) {
	c.out.b = fmt.Appendf(c.out.b, format, args...)
}

// Println appends one line of output.
func (c *Call) Println(line string) {
	c.out.b = append(append(c.out.b, line...), '\n')
}

// Platform returns the session's platform.
func (c *Call) Platform() *Platform { return c.s.p }

// User returns the session's login name.
func (c *Call) User() string { return c.s.opt.User }

// Host returns the device's hostname.
func (c *Call) Host() string { return c.s.env.Hostname() }

// Mode returns the current mode's name and target (the interface or VLAN
// it configures).
func (c *Call) Mode() (name, target string) {
	m := c.s.cur()
	return m.def.Name, m.target
}

// Enter moves into mode, configuring target, shown as label in the prompt.
// When mode's parent is below the current mode, the session first returns
// to it (typing "vlan 10" inside an interface moves to the VLAN).
func (c *Call) Enter(mode, target, label string) {
	def := c.s.p.modes[mode]
	if def == nil {
		return
	}
	for i := len(c.s.modes) - 1; i > 0; i-- {
		if c.s.modes[i].def.Name == def.Parent {
			c.s.modes = c.s.modes[:i+1]
			break
		}
	}
	c.s.modes = append(c.s.modes, modeInst{def: def, target: target, label: label})
}

// SetExec replaces the exec mode the session rests in (enable, disable),
// leaving any configuration mode.
func (c *Call) SetExec(mode string) {
	if def := c.s.p.modes[mode]; def != nil {
		c.s.modes = []modeInst{{def: def}}
	}
}

// Exit leaves the current mode; in an exec mode it logs out.
func (c *Call) Exit() {
	if len(c.s.modes) == 1 {
		c.s.done = true
		return
	}
	c.s.modes = c.s.modes[:len(c.s.modes)-1]
}

// End returns to exec mode.
func (c *Call) End() { c.s.modes = c.s.modes[:1] }

// Logout ends the session after this command.
func (c *Call) Logout() { c.s.done = true }

// InConfig reports whether the session is in a configuration mode.
func (c *Call) InConfig() bool { return c.s.cur().def.Config }

// SetLength sets the terminal length; 0 turns paging off.
func (c *Call) SetLength(n int) {
	if c.s.p.spec.Pager.Prompt != "" && !c.s.exec {
		c.s.rows = n
	}
}

// ReadSecret prints prompt and reads a line without echo (a password). In
// an exec request, where there is no input, it returns "".
func (c *Call) ReadSecret(prompt string) (string, error) {
	if c.s.exec {
		return "", nil
	}
	if err := c.flush(); err != nil {
		return "", err
	}
	return c.s.readSecret(prompt)
}

// ReadLine prints prompt and reads an echoed answer (a confirmation). In an
// exec request it returns "", the default answer.
func (c *Call) ReadLine(prompt string) (string, error) {
	if c.s.exec {
		return "", nil
	}
	if err := c.flush(); err != nil {
		return "", err
	}
	if err := c.s.write(prompt); err != nil {
		return "", err
	}
	return c.s.readLine(true)
}

func (c *Call) flush() error {
	if len(c.out.b) == 0 {
		return nil
	}
	err := c.s.write(string(c.out.b))
	c.out.b = c.out.b[:0]
	return err
}

// EnableSecret returns the device's enable password ("" for none).
func (c *Call) EnableSecret() string { return c.s.env.EnableSecret() }

// Save copies the running configuration to the startup configuration, or
// refuses with the platform's Errors.SaveFailed while the device's
// save-error fault is set.
func (c *Call) Save() error {
	if c.s.env.SaveFails() {
		return Fail("%s", c.s.p.spec.Errors.SaveFailed)
	}
	c.s.env.Store().Save()
	return nil
}

// CheckCommit says whether a commit may go ahead: it refuses with the
// platform's Errors.Locked while the device's commit-lock fault holds, and,
// for a platform whose commit is also its save (saves), with
// Errors.SaveFailed while the save-error fault is set. A platform's commit
// calls it before applying anything, so a refused commit changes nothing.
func (c *Call) CheckCommit(saves bool) error {
	if l, ok := c.s.env.(CommitLocker); ok && l.CommitLocked() {
		return Fail("%s", c.s.p.spec.Errors.Locked)
	}
	if saves && c.s.env.SaveFails() {
		return Fail("%s", c.s.p.spec.Errors.SaveFailed)
	}
	return nil
}

// Store returns the device's configuration store.
func (c *Call) Store() *state.Store { return c.s.env.Store() }

// HasPort reports whether the device has physical port name.
func (c *Call) HasPort(name string) bool { return c.s.env.HasPort(name) }

// SetTarget chooses where this session's changes go from now on. Choosing
// Private checks out a copy of the running configuration.
func (c *Call) SetTarget(t Target) {
	c.s.target = t
	if t == Private {
		cfg := c.s.env.Store().Checkout()
		c.s.private = &cfg
	} else {
		c.s.private = nil
	}
}

// Target returns where this session's changes go.
func (c *Call) Target() Target { return c.s.target }

// Update applies fn to the session's target configuration, atomically.
func (c *Call) Update(fn func(cfg *state.Config) error) error {
	switch c.s.target {
	case Candidate:
		return c.s.env.Store().UpdateCandidate(fn)
	case Private:
		next := c.s.private.Clone()
		if err := fn(&next); err != nil {
			return err
		}
		c.s.private = &next
		return nil
	default:
		return c.s.env.Store().Update(fn)
	}
}

// View calls fn with the session's target configuration; fn must not keep
// or change it.
func (c *Call) View(fn func(cfg *state.Config)) {
	switch c.s.target {
	case Candidate:
		c.s.env.Store().ViewCandidate(fn)
	case Private:
		fn(c.s.private)
	default:
		c.s.env.Store().View(fn)
	}
}

// Commit applies the session's candidate to the running configuration and
// reports whether there was anything to apply.
func (c *Call) Commit() bool {
	switch c.s.target {
	case Candidate:
		return c.s.env.Store().Commit()
	case Private:
		c.s.env.Store().Install(*c.s.private)
		cfg := c.s.env.Store().Checkout()
		c.s.private = &cfg
		return true
	}
	return false
}

// Uncommitted reports whether the session's candidate holds changes that
// were not committed.
func (c *Call) Uncommitted() bool {
	switch c.s.target {
	case Candidate:
		return c.s.env.Store().Snapshot().Candidate != nil
	case Private:
		return !reflect.DeepEqual(c.s.private.Clone(), c.s.env.Store().Snapshot().Running)
	}
	return false
}

// Discard drops the session's uncommitted changes.
func (c *Call) Discard() {
	switch c.s.target {
	case Candidate:
		c.s.env.Store().Discard()
	case Private:
		cfg := c.s.env.Store().Checkout()
		c.s.private = &cfg
	}
}
