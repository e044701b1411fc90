package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// CLI is a compiled Platform: what a driver keeps from init on.
type CLI struct {
	c *compiled
}

// New compiles p. Drivers call it once, in init, and panic on an error: a
// bad pattern is a bug in the driver's table.
func New(p Platform) (*CLI, error) {
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	return &CLI{c: c}, nil
}

// Platform returns the platform c was compiled from.
func (c *CLI) Platform() Platform { return c.c.p }

// Session is an interactive shell on the request's device, at its
// privileged prompt between calls.
type Session struct {
	c      *compiled
	h      sdk.Host
	s      sdk.Session
	prompt string // the last prompt seen
}

// Open opens a shell on the request's device and brings it to the
// privileged prompt: out of any configuration mode a pooled shell was left
// in, and through Enable (answering the secret prompt with the device's
// enable secret) when the OS logs users in unprivileged.
func (c *CLI) Open(h sdk.Host) (*Session, error) {
	raw, err := h.Open(sdk.SessionInteractive)
	if err != nil {
		return nil, err
	}
	s := &Session{c: c.c, h: h, s: raw}
	if err := s.start(); err != nil {
		raw.Close()
		return nil, err
	}
	return s, nil
}

func (s *Session) start() error {
	if _, err := s.exchange(""); err != nil {
		return err
	}
	if s.c.config != nil && s.c.config.MatchString(s.prompt) && s.c.p.ConfigLeave != "" {
		if _, err := s.exchange(s.c.p.ConfigLeave); err != nil {
			return err
		}
	}
	if s.c.unprivileged == nil || !s.c.unprivileged.MatchString(s.prompt) || s.c.p.Enable == "" {
		return nil
	}
	out, err := s.exchange(s.c.p.Enable)
	if errors.Is(err, errSecretPrompt) {
		if err := s.s.SendSecret("enable"); err != nil {
			s.unwind()
			return sdk.Errorf(kindOf(err, "auth"), "%q asked for the enable secret and none could be sent: %v (set the device's enable_secret_file)", s.c.p.Enable, err)
		}
		out, err = s.read()
		if errors.Is(err, errSecretPrompt) {
			s.unwind()
			return sdk.Errorf("auth", "the device refused the enable secret (check the device's enable_secret_file)")
		}
	}
	if err != nil {
		return err
	}
	if s.c.unprivileged.MatchString(s.prompt) {
		return sdk.Errorf("auth", "%q left the shell unprivileged: %s (check the device's enable_secret_file and the user's privilege)", s.c.p.Enable, strings.TrimSpace(body(out)))
	}
	return nil
}

// unwind answers a secret prompt with empty lines until the device gives
// up asking (IOS asks three times), so the shell goes back to the pool at
// a prompt instead of being closed after the host's reset timeout.
func (s *Session) unwind() {
	for range 4 {
		if _, err := s.exchange(""); !errors.Is(err, errSecretPrompt) {
			return
		}
	}
}

// errSecretPrompt is returned by exchange when the device asks for a secret.
var errSecretPrompt = errors.New("device asked for a secret")

// Close returns the shell to the host, which brings it back to the base
// prompt and keeps it for the next operation.
func (s *Session) Close() error { return s.s.Close() }

// Prompt returns the last prompt the device showed.
func (s *Session) Prompt() string { return s.prompt }

// Command sends one line and returns its output (echo and prompt removed),
// failing with kind "device" (or "busy") when a line of it matches the
// platform's error (or busy) patterns.
func (s *Session) Command(line string) (string, error) {
	if err := checkLine(line); err != nil {
		return "", err
	}
	raw, err := s.exchange(line)
	if err != nil {
		if errors.Is(err, errSecretPrompt) {
			if s.c.p.CommandSecret != "" {
				return "", sdk.Errorf("auth", "%q: the device refused the %s password (check the device's enable_secret_file or password_file)", line, s.c.p.CommandSecret)
			}
			return "", sdk.DeviceError("%q asked for a password, which this driver does not expect", line)
		}
		return "", err
	}
	out := body(raw)
	if err := s.check(line, out); err != nil {
		return out, err
	}
	return out, nil
}

// Configure enters configuration mode, sends lines one by one, checking
// each line's output, runs the platform's commit step and leaves
// configuration mode. On any error it leaves configuration mode too, so
// the shell is never left mid-block, and reports the line that failed.
func (s *Session) Configure(lines []string) error {
	for _, l := range lines {
		if err := checkLine(l); err != nil {
			return err
		}
	}
	if s.c.p.ConfigEnter == "" {
		// No configuration mode (a Linux shell): the lines run one by one,
		// between the platform's discard and commit steps.
		discard := func() {
			for _, l := range s.c.p.Discard {
				s.Command(l)
			}
		}
		for _, l := range s.c.p.Discard {
			if _, err := s.Command(l); err != nil {
				return err
			}
		}
		for _, l := range lines {
			if _, err := s.Command(l); err != nil {
				discard()
				return err
			}
		}
		if err := s.commit(); err != nil {
			discard()
			return err
		}
		return nil
	}
	enter := s.Command
	if s.c.p.RetryEnter {
		enter = s.retryBusy
	}
	if _, err := enter(s.c.p.ConfigEnter); err != nil {
		return err
	}
	if s.c.config != nil && !s.c.config.MatchString(s.prompt) {
		return sdk.DeviceError("%q did not enter configuration mode (prompt %q)", s.c.p.ConfigEnter, strings.TrimSpace(s.prompt))
	}
	for _, l := range lines {
		if _, err := s.Command(l); err != nil {
			s.leave()
			return err
		}
	}
	if err := s.commit(); err != nil {
		s.leave()
		return err
	}
	return s.leave()
}

// commit runs the platform's commit lines, retrying a commit the device
// refuses as busy.
func (s *Session) commit() error {
	for _, l := range s.c.p.Commit {
		if _, err := s.retryBusy(l); err != nil {
			return err
		}
	}
	return nil
}

// retryBusy sends line like Command, and while the device refuses it as
// busy (another session holds the configuration), sends it again up to
// CommitRetries times, CommitBackoff apart. The error after the last try,
// or when the operation's deadline cuts a wait short, keeps kind "busy"
// and says how many tries were made: the device was locked, not slow.
func (s *Session) retryBusy(line string) (string, error) {
	tries := s.c.p.CommitRetries + 1
	for try := 1; ; try++ {
		out, err := s.Command(line)
		if err == nil || kindOf(err, "") != "busy" || tries == 1 {
			return out, err
		}
		if try == tries {
			return out, sdk.Errorf("busy", "%v (refused %d times, %v apart)", err, tries, s.c.p.CommitBackoff)
		}
		s.h.Log(slog.LevelWarn, fmt.Sprintf("%q refused as busy (attempt %d of %d); retrying in %v: %v", line, try, tries, s.c.p.CommitBackoff, err))
		if s.h.Sleep(s.c.p.CommitBackoff) != nil {
			// The host's sleep error (a timeout) stays out of the message:
			// the runtime would take its kind for the operation's.
			return out, sdk.Errorf("busy", "%v (refused %d of %d times; the operation's deadline came before the next try)", err, try, tries)
		}
	}
}

// leave returns from configuration mode to the privileged prompt.
func (s *Session) leave() error {
	if s.c.p.ConfigLeave == "" {
		return nil
	}
	_, err := s.Command(s.c.p.ConfigLeave)
	return err
}

// Save runs the platform's save step and checks its output.
func (s *Session) Save() error {
	if len(s.c.p.Save) == 0 {
		return sdk.Unsupported("this driver has no save command")
	}
	var all strings.Builder
	for _, l := range s.c.p.Save {
		out, err := s.Command(l)
		if err != nil {
			return err
		}
		all.WriteString(out)
	}
	if s.c.saveOK != nil && !s.c.saveOK.MatchString(all.String()) {
		return sdk.DeviceError("saving the configuration did not confirm success: %q", strings.TrimSpace(all.String()))
	}
	return nil
}

// exchange sends line and reads up to the next prompt, answering pagers
// and the platform's questions on the way. It returns everything read.
func (s *Session) exchange(line string) (string, error) {
	if err := s.s.Send(line + "\n"); err != nil {
		return "", err
	}
	return s.read()
}

func (s *Session) read() (string, error) {
	var all strings.Builder
	answeredSecret := false
	for {
		chunk, err := s.s.ReadUntil(s.c.readUntil, 0)
		chunk = strings.ReplaceAll(chunk, "\r", "")
		if err != nil {
			return all.String() + chunk, err
		}
		switch {
		case s.c.prompt.MatchString(chunk):
			all.WriteString(chunk)
			text := all.String()
			s.prompt = text[strings.LastIndexByte(text, '\n')+1:]
			return text, nil
		case s.c.more != nil && s.c.more.MatchString(chunk):
			all.WriteString(s.c.more.ReplaceAllString(chunk, ""))
			if err := s.s.Send(" "); err != nil {
				return all.String(), err
			}
			continue
		case s.c.secret != nil && s.c.secret.MatchString(chunk):
			all.WriteString(chunk)
			if s.c.p.CommandSecret == "" || answeredSecret {
				return all.String(), errSecretPrompt
			}
			// sudo asking mid-command: type the device's secret, once.
			if err := s.s.SendSecret(s.c.p.CommandSecret); err != nil {
				return all.String(), sdk.Errorf(kindOf(err, "auth"), "the device asked for its %s password and none could be sent: %v (set the device's enable_secret_file, or its password_file)", s.c.p.CommandSecret, err)
			}
			answeredSecret = true
			continue
		}
		answered := false
		for i, re := range s.c.confirm {
			if re.MatchString(chunk) {
				all.WriteString(chunk + "\n")
				if err := s.s.Send(s.c.p.Confirm[i].Reply + "\n"); err != nil {
					return all.String(), err
				}
				answered = true
				break
			}
		}
		if !answered {
			return all.String() + chunk, sdk.DeviceError("read stopped on output no pattern explains: %q", chunk)
		}
	}
}

// check fails when a line of a command's output matches the platform's
// busy or error patterns.
func (s *Session) check(cmd, out string) error {
lines:
	for _, l := range strings.Split(out, "\n") {
		for _, re := range s.c.ignore {
			if re.MatchString(l) {
				continue lines
			}
		}
		for _, re := range s.c.busy {
			if re.MatchString(l) {
				return sdk.Errorf("busy", "device is busy: %q answered %q; retry when the other session is done", cmd, strings.TrimSpace(l))
			}
		}
		for _, re := range s.c.errors {
			if re.MatchString(l) {
				return sdk.DeviceError("device rejected %q: %s", cmd, strings.TrimSpace(errorText(out)))
			}
		}
	}
	return nil
}

// errorText is a command's output trimmed to its non-blank lines.
func errorText(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) != "" && strings.Trim(l, " ^") != "" {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, " / ")
}

// body strips the echoed command (the first line) and the prompt (the
// last line) from a command's output.
func body(raw string) string {
	if i := strings.IndexByte(raw, '\n'); i >= 0 {
		raw = raw[i+1:]
	} else {
		return ""
	}
	if i := strings.LastIndexByte(raw, '\n'); i >= 0 {
		return raw[:i+1]
	}
	return ""
}

// checkLine refuses a line that could smuggle more than one command:
// control characters (newline, carriage return, escape...).
func checkLine(l string) error {
	for _, r := range l {
		if r < 0x20 || r == 0x7f {
			return sdk.Invalid("command %q contains a control character", l)
		}
	}
	return nil
}

// kindOf returns err's sdk kind, or def.
func kindOf(err error, def string) string {
	var se *sdk.Error
	if errors.As(err, &se) && se.Kind != "" {
		return se.Kind
	}
	return def
}
