package cli

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/state"
)

// ErrDropped is returned by a session when a fault tells it to drop the
// connection; the caller closes the transport at once.
var ErrDropped = errors.New("cli: connection dropped by fault")

// Env is the device a session runs on.
type Env interface {
	Hostname() string
	Store() *state.Store
	// HasPort reports whether the device has the physical port name.
	HasPort(name string) bool
	// EnableSecret is the enable password; "" means enable asks for none.
	EnableSecret() string
	// ConfigLocked reports whether configuration is locked by "another
	// session" (the configuration-locked fault).
	ConfigLocked() bool
	// SaveFails reports whether saving fails (the save-error fault).
	SaveFails() bool
	// ConfigLine is called for each line typed in a configuration mode,
	// before it runs; true means drop the connection now.
	ConfigLine() bool
	// Record logs one line the session received.
	Record(Record)
}

// LineRejecter is an Env that can refuse a configuration line (the
// rejected-line fault). An Env without it accepts every line it can parse.
type LineRejecter interface {
	// RejectConfigLine is called for each configuration command typed in
	// a configuration mode (not a show, save or navigation line), before
	// it runs; true means refuse it as invalid input.
	RejectConfigLine() bool
}

// CommitLocker is an Env that can refuse a commit as locked by another
// session (the commit-lock fault). An Env without it never does.
type CommitLocker interface {
	// CommitLocked is called for each commit, before it applies anything;
	// true means refuse it with the platform's Errors.Locked.
	CommitLocked() bool
}

// Record is one line a session received, for the device's command log.
// Secrets typed at a password prompt are never recorded.
type Record struct {
	Session int    // connection number on the device
	Mode    string // the mode the line was typed in
	Line    string
	Error   string // the error the device printed; "" when it accepted the line
	Read    bool   // the line was a show or terminal command: it changed nothing
}

// SessionOptions configure a session.
type SessionOptions struct {
	ID         int    // connection number, for the command log
	User       string // login name, for prompts that show it
	Privileged bool   // the user lands in privileged exec (else UserMode)
	PTY        bool   // the client asked for a terminal: echo input, CRLF output
	Rows       int    // terminal height from the PTY request (0: unknown)
	// ExactKeywords refuses abbreviated keywords. The devices accept any
	// unique prefix ("sw acc vl 10"); drivers should send keywords in full,
	// and this catches those that do not.
	ExactKeywords bool
}

// Target is which configuration a session's changes go to.
type Target uint8

// Configuration targets.
const (
	Running   Target = iota // changes apply at once (IOS-like platforms)
	Candidate               // the device's shared candidate, applied by Commit
	Private                 // the session's own candidate, applied by Commit
)

type modeInst struct {
	def    *ModeDef
	target string
	label  string
}

// Session is one shell or exec request on a device. It is not safe for
// concurrent use; each SSH channel gets its own.
type Session struct {
	lastRead bool // the last line ran a show or terminal command
	p        *Platform
	env      Env
	opt      SessionOptions
	r        *bufio.Reader
	w        io.Writer
	rows     int // lines per screen; 0 = no paging
	modes    []modeInst
	skipLF   bool
	done     bool
	target   Target
	private  *state.Config
	exec     bool // an exec request: no input, no prompts, no paging
	refused  bool // the last line was refused
}

// NewSession returns a session on env.
func (p *Platform) NewSession(env Env, opt SessionOptions) *Session {
	s := &Session{p: p, env: env, opt: opt}
	base := p.spec.PrivMode
	if !opt.Privileged && p.spec.UserMode != "" {
		base = p.spec.UserMode
	}
	s.modes = []modeInst{{def: p.modes[base]}}
	if p.spec.Pager.Prompt != "" {
		s.rows = opt.Rows
		if s.rows <= 0 {
			s.rows = p.spec.Pager.Length
		}
		if s.rows <= 0 {
			s.rows = 24
		}
	}
	return s
}

// Shell runs an interactive shell on rw until the user logs out or the
// input ends (nil), or a fault drops the connection (ErrDropped).
func (s *Session) Shell(rw io.ReadWriter) error {
	s.r, s.w = bufio.NewReader(rw), rw
	if b := s.p.spec.Banner; b != "" {
		if err := s.write(strings.ReplaceAll(b, "{host}", s.env.Hostname())); err != nil {
			return nil
		}
	}
	for !s.done {
		prompt := s.prompt()
		if err := s.write(prompt); err != nil {
			return nil
		}
		line, err := s.readLine(true)
		if err != nil {
			return nil
		}
		// The caret lines up under the prompt's last line (Junos's prompt
		// has "[edit]" above it).
		if err := s.handle(line, len(prompt)-strings.LastIndex(prompt, "\n")-1); err != nil {
			if errors.Is(err, ErrDropped) {
				return err
			}
			return nil
		}
	}
	return nil
}

// Exec runs one command line, as an SSH exec request does, writing its
// output to w without prompts or paging. It returns the exit status: 0, or
// the platform's ExecErrorStatus when the device refused the line.
func (s *Session) Exec(line string, w io.Writer) (int, error) {
	s.r, s.w, s.rows, s.exec = bufio.NewReader(strings.NewReader("")), w, 0, true
	s.refused = false
	err := s.handle(line, 0)
	if s.refused {
		return s.p.spec.ExecErrorStatus, err
	}
	return 0, err
}

func (s *Session) cur() *modeInst { return &s.modes[len(s.modes)-1] }

func (s *Session) prompt() string {
	m := s.cur()
	return s.p.Prompt(m.def.Name, s.env.Hostname(), s.opt.User, m.label)
}

// write sends text, turning "\n" into "\r\n" on a terminal.
func (s *Session) write(text string) error {
	if s.opt.PTY {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	_, err := io.WriteString(s.w, text)
	return err
}

// readByte reads one input byte, swallowing the LF of a CR LF pair.
func (s *Session) readByte() (byte, error) {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if b == '\n' && s.skipLF {
			s.skipLF = false
			continue
		}
		s.skipLF = b == '\r'
		return b, nil
	}
}

// readLine reads one line, echoing it when echo is set and the session has
// a terminal. ^C discards the line, ^Z acts as "end".
func (s *Session) readLine(echo bool) (string, error) {
	echo = echo && s.opt.PTY
	var buf []byte
	for {
		b, err := s.readByte()
		if err != nil {
			return "", err
		}
		switch {
		case b == '\r' || b == '\n':
			if s.opt.PTY {
				if err := s.write("\n"); err != nil {
					return "", err
				}
			}
			return string(buf), nil
		case b == 0x7f || b == 0x08:
			if len(buf) > 0 {
				buf = buf[:len(buf)-1]
				if echo {
					_ = s.write("\b \b")
				}
			}
		case b == 0x15: // ^U
			if echo {
				_ = s.write(strings.Repeat("\b \b", len(buf)))
			}
			buf = buf[:0]
		case b == 0x03: // ^C
			if echo {
				_ = s.write("^C\n" + s.prompt())
			}
			buf = buf[:0]
		case b == 0x1a: // ^Z
			if echo {
				_ = s.write("^Z\n")
			}
			buf = buf[:0]
			if len(s.modes) > 1 {
				s.modes = s.modes[:1]
			}
			if echo {
				_ = s.write(s.prompt())
			}
		case b == 0x1b: // an escape sequence (arrow keys): swallow it
			if s.r.Buffered() >= 2 {
				if n, _ := s.r.Peek(2); n[0] == '[' {
					_, _ = s.r.Discard(2)
				}
			}
		case b >= 0x20 || b == '\t':
			if b == '\t' {
				b = ' '
			}
			buf = append(buf, b)
			if echo {
				_ = s.write(string([]byte{b}))
			}
		}
	}
}

// handle runs one line typed after a prompt promptLen bytes long.
func (s *Session) handle(line string, promptLen int) error {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	mode := s.cur().def
	rec := Record{Session: s.opt.ID, Mode: mode.Name, Line: strings.TrimSpace(line)}
	if mode.Config && s.env.ConfigLine() {
		rec.Error = "connection dropped"
		s.env.Record(rec)
		return ErrDropped
	}
	s.lastRead = false
	out, errText, err := s.run(line, promptLen)
	rec.Error, rec.Read = errText, s.lastRead
	s.refused = errText != ""
	s.env.Record(rec)
	if err != nil {
		return err
	}
	if errText != "" {
		out += errText + "\n"
	}
	return s.emit(out)
}

// attempt is one way to run a line: a mode to match in and what follows.
type attempt struct {
	mode    string
	pop     int  // modes to pop before running
	exec    bool // only Show, Save, Terminal commands
	skipTok int  // leading tokens to skip ("do")
}

// run matches and runs line. It returns the command's output, the error
// text the device prints (if the line was refused) and a session error.
func (s *Session) run(line string, promptLen int) (string, string, error) {
	cmdLine, filters := line, []string(nil)
	if s.p.spec.Filters != nil {
		cmdLine, filters = splitPipes(line)
	}
	toks := tokenize(cmdLine)
	attempts := s.attempts(toks)
	best, first := failure{at: -1}, failure{at: -1}
	for i, a := range attempts {
		res, f := s.p.match(a.mode, cmdLine, toks[a.skipTok:], s.env.HasPort, s.opt.ExactKeywords)
		if res == nil {
			f.at += a.skipTok
			best.note(f)
			if i == 0 {
				first = f
			}
			continue
		}
		if a.exec && res.cmd.Kind != Show && res.cmd.Kind != Save && res.cmd.Kind != Terminal {
			best.note(failure{at: a.skipTok, kind: FailInvalid})
			continue
		}
		for range a.pop {
			s.modes = s.modes[:len(s.modes)-1]
		}
		s.lastRead = res.cmd.Kind == Show || res.cmd.Kind == Terminal
		if s.env.ConfigLocked() && (res.cmd.Kind == Configure || (res.cmd.Kind == Config && s.cur().def.Config)) {
			return "", s.p.spec.Errors.Locked, nil
		}
		if r, ok := s.env.(LineRejecter); ok && res.cmd.Kind == Config && s.cur().def.Config && r.RejectConfigLine() {
			return "", s.failText(failure{at: a.skipTok, kind: FailInvalid}, toks, cmdLine, promptLen), nil
		}
		c := &Call{s: s, parsed: res, line: cmdLine, toks: toks[a.skipTok:], promptLen: promptLen}
		err := res.cmd.Run(c)
		out := c.out.String()
		if len(filters) > 0 {
			var ferr failure
			out, ferr = applyFilters(out, filters, s.p.spec.Filters)
			if ferr.kind != FailNone {
				// Point past the command's tokens and the bar.
				ferr.at += len(toks) + 1
				return "", s.failText(ferr, tokenize(line), line, promptLen), nil
			}
		}
		var ce *cmdError
		switch {
		case err == nil:
			return out, "", nil
		case errors.As(err, &ce):
			if ce.arg != "" {
				return out, s.failText(failure{at: res.argAt[ce.arg] + a.skipTok, kind: ce.kind}, toks, cmdLine, promptLen), nil
			}
			return out, ce.text, nil
		default:
			return out, "", err
		}
	}
	if best.at < 0 {
		best = failure{at: 0, kind: FailInvalid}
	}
	if first.kind == FailAmbiguous {
		// An abbreviation the current mode finds ambiguous stays ambiguous,
		// whatever a parent or exec mode makes of it.
		best = first
	}
	return "", s.failText(best, toks, cmdLine, promptLen), nil
}

// attempts lists where a line may match, in order: the current mode, each
// parent mode, then privileged exec for show commands ("do" or
// ExecInConfig).
func (s *Session) attempts(toks []token) []attempt {
	cur := s.cur().def
	if cur.Config && len(toks) > 1 && toks[0].lower == "do" {
		return []attempt{{mode: s.p.spec.PrivMode, exec: true, skipTok: 1}}
	}
	out := []attempt{{mode: cur.Name}}
	pop := 0
	for i := len(s.modes) - 2; i >= 0 && s.modes[i+1].def.Parent == s.modes[i].def.Name; i-- {
		pop++
		out = append(out, attempt{mode: s.modes[i].def.Name, pop: pop})
	}
	if cur.Config && s.p.spec.ExecInConfig {
		out = append(out, attempt{mode: s.p.spec.PrivMode, exec: true})
	}
	return out
}

// failText renders a parse failure in the platform's words.
func (s *Session) failText(f failure, toks []token, line string, promptLen int) string {
	e := s.p.spec.Errors
	tmpl := e.Invalid
	switch f.kind {
	case FailInvalid:
		if f.at == 0 && e.Unknown != "" {
			tmpl = e.Unknown
		}
	case FailIncomplete:
		tmpl = e.Incomplete
	case FailAmbiguous:
		tmpl = e.Ambiguous
	case FailRange:
		if e.Range != "" {
			tmpl = e.Range
		}
	case FailNoInterface:
		switch {
		case e.NoInterface != "":
			tmpl = e.NoInterface
		case e.Range != "":
			tmpl = e.Range
		}
	}
	tok, col := "", len(line)
	if f.at >= 0 && f.at < len(toks) {
		tok, col = toks[f.at].text, toks[f.at].off
	}
	text := strings.NewReplacer("{token}", tok, "{index}", strconv.Itoa(f.at), "{line}", strings.TrimSpace(line)).Replace(tmpl)
	if e.CaretAbove || e.Caret && strings.Contains(text, "'^'") {
		text = strings.Repeat(" ", promptLen+col) + "^\n" + text
	}
	return text
}

// emit writes command output, paging it when the session pages.
func (s *Session) emit(out string) error {
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	lines := strings.SplitAfter(out, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	per := s.rows - 1
	if per < 1 || len(lines) <= per {
		return s.write(out)
	}
	more := s.p.spec.Pager.Prompt
	show := per
	for len(lines) > 0 {
		n := min(show, len(lines))
		if err := s.write(strings.Join(lines[:n], "")); err != nil {
			return err
		}
		lines = lines[n:]
		if len(lines) == 0 {
			return nil
		}
		if err := s.write(more); err != nil {
			return err
		}
		b, err := s.readByte()
		if err != nil {
			return err
		}
		erase := "\r" + strings.Repeat(" ", len(more)) + "\r"
		if _, err := io.WriteString(s.w, erase); err != nil {
			return err
		}
		switch b {
		case ' ':
			show = per
		case '\r', '\n':
			show = 1
		default:
			return nil
		}
	}
	return nil
}

// readSecret prompts and reads a line without echo.
func (s *Session) readSecret(prompt string) (string, error) {
	if err := s.write(prompt); err != nil {
		return "", err
	}
	return s.readLine(false)
}

// splitPipes splits "show x | include y | no-more" at unquoted bars.
func splitPipes(line string) (string, []string) {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case '|':
			if !inQuote {
				parts = append(parts, line[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, line[start:])
	return parts[0], parts[1:]
}

// applyFilters runs output through the filters after the bars; words maps
// the platform's filter words to "include", "exclude", "begin", "no-more".
func applyFilters(out string, filters []string, words map[string]string) (string, failure) {
	for _, f := range filters {
		toks := tokenize(f)
		if len(toks) == 0 {
			return "", failure{at: 0, kind: FailIncomplete}
		}
		verb := words[toks[0].lower]
		if verb == "" {
			for w, v := range words {
				if strings.HasPrefix(w, toks[0].lower) {
					if verb != "" && verb != v {
						return "", failure{at: 0, kind: FailAmbiguous}
					}
					verb = v
				}
			}
		}
		if verb == "" {
			return "", failure{at: 0, kind: FailInvalid}
		}
		if verb == "no-more" {
			continue
		}
		if len(toks) < 2 {
			return "", failure{at: 1, kind: FailIncomplete}
		}
		pat := strings.TrimSpace(f[toks[1].off:])
		pat = strings.Trim(pat, `"`)
		var kept []string
		begun := false
		for _, l := range strings.SplitAfter(out, "\n") {
			if l == "" {
				continue
			}
			has := strings.Contains(l, pat)
			switch verb {
			case "include":
				if has {
					kept = append(kept, l)
				}
			case "exclude":
				if !has {
					kept = append(kept, l)
				}
			case "begin":
				begun = begun || has
				if begun {
					kept = append(kept, l)
				}
			}
		}
		out = strings.Join(kept, "")
	}
	return out, failure{}
}
