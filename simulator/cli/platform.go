package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/state"
)

// Kind says what a command does, so the engine can apply faults and mode
// rules without knowing the command.
type Kind uint8

// Command kinds.
const (
	// Show reads state. It may run from configuration modes through "do",
	// or directly where Spec.ExecInConfig is set.
	Show Kind = iota
	// Config changes the configuration. It is refused while the device's
	// configuration is locked.
	Config
	// Configure enters configuration mode. It is refused while the
	// configuration is locked.
	Configure
	// Nav moves between modes (exit, end, enable) without changing
	// configuration.
	Nav
	// Save writes the configuration (copy running-config startup-config);
	// it may run from configuration modes like Show.
	Save
	// Terminal changes session settings (terminal length); it may run from
	// configuration modes like Show.
	Terminal
)

// ModeDef is one CLI mode.
type ModeDef struct {
	// Name identifies the mode in Command.Modes, e.g. "exec" or "config-if".
	Name string
	// Prompt is the prompt template. {host} is the device's hostname,
	// {user} the login name (Junos "admin@leaf1>", Linux shells) and
	// {label} the label given when the mode was entered (an interface's
	// short name, a VLAN id). It may span lines (Junos prints "[edit]"
	// above its configuration prompt).
	Prompt string
	// Parent is the mode "exit" returns to, and whose commands are tried
	// when a line does not parse here (typing "interface X" in a VLAN
	// sub-mode switches to the interface, as every IOS-like CLI does).
	// Empty for the exec modes.
	Parent string
	// Config marks a configuration mode: lines typed in it count as
	// configuration commands for the device's faults and command log.
	Config bool
}

// Errors are a platform's error texts. In each, {token} is the offending
// token, {index} its 0-based position among the line's tokens and {line}
// the whole line.
type Errors struct {
	Invalid    string // a token that fits no command
	Incomplete string // the line ends where a command needs more
	Ambiguous  string // a token abbreviates more than one keyword
	Range      string // a number outside its range ("" = Invalid)
	// NoInterface is printed for a well-formed name of a port the device
	// does not have ("" = Range).
	NoInterface string
	// Caret prints a line with '^' under the offending token before the
	// error, aligned with the echoed prompt and command (IOS, NX-OS).
	Caret bool
	// CaretAbove prints that line before every parse error, not only
	// before a text that points at the '^' marker (Junos).
	CaretAbove bool
	// Unknown is printed when the first word of a line starts no command
	// ("" = Invalid): Junos's "unknown command.".
	Unknown string
	// Locked is printed when the configuration is locked by another
	// session (the "configuration locked" fault).
	Locked string
	// SaveFailed is printed when saving fails (the "save error" fault).
	SaveFailed string
}

// Pager describes output paging.
type Pager struct {
	Prompt string // e.g. " --More-- "; "" turns paging off for the platform
	Length int    // lines per screen when the client gives no PTY size (0: 24)
}

// IfKind classifies an interface type.
type IfKind uint8

// Interface kinds.
const (
	IfPort  IfKind = iota // a physical port; it exists only if the device has it
	IfLAG                 // a port-channel, numbered Min..Max
	IfVLAN                // a VLAN interface (SVI), numbered 1-4094
	IfOther               // anything else the platform names (Vxlan1, nve1)
)

// IfType is one interface type of a platform.
type IfType struct {
	Name   string // canonical spelling as the device prints it: "Ethernet", "Port-Channel"
	Short  string // short form in prompts and tables: "Et", "Po" (also accepted as input)
	Kind   IfKind
	Number string // RE2 the number must match entirely: `\d+(/\d+)?`
	Min    int    // for single-number types (LAG, VLAN, other): the range
	Max    int
	number *regexp.Regexp
}

// Spec is everything a platform author writes. NewPlatform checks it.
type Spec struct {
	Name        string // "arista-eos"
	SSHVersion  string // identification string, "SSH-2.0-..."
	Banner      string // printed after login, before the first prompt; {host} is replaced
	MaxChannels int    // session channels per SSH connection (0: no limit)
	MaxSessions int    // concurrent SSH connections, the device's vty lines (0: no limit)

	Modes    []ModeDef
	UserMode string // where a non-privileged user lands ("": every user lands in PrivMode)
	PrivMode string // privileged exec mode
	// EnablePrompt is the password prompt of "enable" when the device has
	// an enable secret.
	EnablePrompt string

	Errors Errors
	Pager  Pager
	// ExecErrorStatus is the exit status of an exec request whose command
	// the device refused: 0 on the IOS-like CLIs, which report errors
	// only in their output; 1 on Linux-based ones.
	ExecErrorStatus int
	// ExecInConfig lets Show, Save and Terminal commands run directly in
	// configuration modes (EOS, NX-OS); "do" works everywhere regardless.
	ExecInConfig bool
	// Filters enables output filters after a bar ("show vlan | include
	// Et1"): each key is a word the platform accepts (by unique prefix) and
	// its value the filter it means: "include", "exclude", "begin" or
	// "no-more". Nil means the platform has no pipes.
	Filters map[string]string

	IfTypes         []IfType
	DefaultPorts    []string // ports when a device spec lists none
	DefaultVLANName string   // the name of VLAN 1
	DefaultL2       state.L2 // factory settings of a port and of a new port-channel
	// NameCompare orders interface names for display; nil means natural
	// order (Ethernet2 before Ethernet10).
	NameCompare func(a, b string) int

	Commands []Command
	// Params adds platform parameter types to the built-in ones (vlan,
	// vlans, word, line, if, and numeric ranges such as 1-4096).
	Params map[string]ParamFunc
}

// Command is one line of a platform's grammar.
type Command struct {
	Modes []string
	// Syntax is the command's form: keywords (matched case-insensitively by
	// unique prefix), "a|b" alternatives, "[...]" optional groups, and
	// parameters "<name>" or "<name:type>" where type is a built-in
	// (vlan, vlans, word, line, if, N-M) or one of Spec.Params; a bare
	// "<vlan>" is a parameter named and typed vlan.
	Syntax string
	Kind   Kind
	Run    func(c *Call) error
}

// Platform is a compiled Spec, immutable and safe for concurrent use.
type Platform struct {
	spec    Spec
	modes   map[string]*ModeDef
	grammar map[string]*node // per mode
	params  map[string]ParamFunc
}

// NewPlatform checks spec and compiles its grammar. It fails when a mode is
// unknown or a command's syntax is malformed or collides with another's.
func NewPlatform(spec Spec) (*Platform, error) {
	p := &Platform{spec: spec, modes: map[string]*ModeDef{}, grammar: map[string]*node{}, params: builtinParams()}
	if spec.Name == "" {
		return nil, fault.New(fault.Invalid, "platform has no name")
	}
	for name, f := range spec.Params {
		p.params[name] = f
	}
	for i := range spec.Modes {
		m := &p.spec.Modes[i]
		p.modes[m.Name] = m
		p.grammar[m.Name] = newNode()
	}
	for _, m := range spec.Modes {
		if m.Parent != "" && p.modes[m.Parent] == nil {
			return nil, fault.New(fault.Invalid, "platform %s: mode %s has unknown parent %s", spec.Name, m.Name, m.Parent)
		}
	}
	if p.modes[spec.PrivMode] == nil || (spec.UserMode != "" && p.modes[spec.UserMode] == nil) {
		return nil, fault.New(fault.Invalid, "platform %s: user or privileged mode is not defined", spec.Name)
	}
	for i := range p.spec.IfTypes {
		t := &p.spec.IfTypes[i]
		re, err := regexp.Compile(`^(?:` + t.Number + `)$`)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "platform %s: interface type %s", spec.Name, t.Name)
		}
		t.number = re
	}
	for i := range p.spec.Commands {
		c := &p.spec.Commands[i]
		seqs, err := parseSyntax(c.Syntax)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "platform %s: command %q", spec.Name, c.Syntax)
		}
		for _, mode := range c.Modes {
			root := p.grammar[mode]
			if root == nil {
				return nil, fault.New(fault.Invalid, "platform %s: command %q names unknown mode %s", spec.Name, c.Syntax, mode)
			}
			for _, seq := range seqs {
				if err := p.insert(root, seq, c); err != nil {
					return nil, fault.Wrap(fault.Invalid, err, "platform %s: command %q in mode %s", spec.Name, c.Syntax, mode)
				}
			}
		}
	}
	return p, nil
}

// Name returns the platform's name.
func (p *Platform) Name() string { return p.spec.Name }

// Spec returns the platform's description. Its slices and maps are shared:
// treat them as read-only.
func (p *Platform) Spec() Spec { return p.spec }

// Mode returns the mode named name.
func (p *Platform) Mode(name string) (ModeDef, bool) {
	m, ok := p.modes[name]
	if !ok {
		return ModeDef{}, false
	}
	return *m, true
}

// Prompt renders mode's prompt for host, user and label.
func (p *Platform) Prompt(mode, host, user, label string) string {
	m := p.modes[mode]
	if m == nil {
		return host + "#"
	}
	return strings.NewReplacer("{host}", host, "{user}", user, "{label}", label).Replace(m.Prompt)
}

// DefaultConfig returns the factory configuration of a device with ports.
func (p *Platform) DefaultConfig(ports []string) state.Config {
	return state.NewConfig(ports, p.spec.DefaultVLANName, p.spec.DefaultL2)
}

// Compare orders interface names for display.
func (p *Platform) Compare(a, b string) int {
	if p.spec.NameCompare != nil {
		return p.spec.NameCompare(a, b)
	}
	return NaturalCompare(a, b)
}

func (p *Platform) insert(root *node, seq []atom, c *Command) error {
	n := root
	for _, a := range seq {
		if a.param == "" {
			child := n.kw[a.word]
			if child == nil {
				child = newNode()
				n.kw[a.word] = child
				n.kws = append(n.kws, a.word)
			}
			n = child
			continue
		}
		f := p.params[a.typ]
		if f == nil {
			f = rangeParam(a.typ)
		}
		if f == nil {
			return fmt.Errorf("unknown parameter type %q", a.typ)
		}
		var child *node
		for _, e := range n.params {
			if e.name == a.param && e.typ == a.typ {
				child = e.next
			}
		}
		if child == nil {
			child = newNode()
			n.params = append(n.params, &paramEdge{name: a.param, typ: a.typ, match: f, next: child})
		}
		n = child
	}
	if n.cmd != nil && n.cmd != c {
		return fmt.Errorf("same form as %q", n.cmd.Syntax)
	}
	n.cmd = c
	return nil
}

// ParseInterface resolves an interface name typed as one token
// ("Ethernet1", "Et1", "ethernet1/1/1") or two ("ethernet 1/1/1",
// "port-channel 10"). It returns the interface, how many tokens it used,
// and a failure kind when the text is not a name of this platform.
func (p *Platform) ParseInterface(toks []string, hasPort func(string) bool) (Iface, int, FailKind) {
	if len(toks) == 0 {
		return Iface{}, 0, FailIncomplete
	}
	word, num := splitIfName(toks[0])
	used := 1
	if num == "" {
		if len(toks) < 2 {
			if matchIfType(p.spec.IfTypes, word) != nil {
				return Iface{}, 0, FailIncomplete
			}
			return Iface{}, 0, FailInvalid
		}
		num = toks[1]
		used = 2
	}
	t := matchIfType(p.spec.IfTypes, word)
	if t == nil {
		return Iface{}, 0, FailInvalid
	}
	if !t.number.MatchString(num) {
		return Iface{}, used, FailInvalid
	}
	ifc := Iface{Name: t.Name + num, Type: *t, Num: num}
	switch t.Kind {
	case IfPort:
		if hasPort != nil && !hasPort(ifc.Name) {
			return Iface{}, used, FailNoInterface
		}
	default:
		n := 0
		if _, err := fmt.Sscanf(num, "%d", &n); err != nil || fmt.Sprint(n) != num {
			return Iface{}, used, FailInvalid
		}
		if n < t.Min || n > t.Max {
			return Iface{}, used, FailRange
		}
		ifc.Number = n
	}
	return ifc, used, FailNone
}

// ShortName returns name with its type abbreviated ("Ethernet1" → "Et1").
func (p *Platform) ShortName(name string) string {
	for _, t := range p.spec.IfTypes {
		if strings.HasPrefix(name, t.Name) {
			return t.Short + strings.TrimPrefix(name, t.Name)
		}
	}
	return name
}

// Iface is a parsed interface name.
type Iface struct {
	Name   string // canonical: "Ethernet1", "Port-Channel10"
	Type   IfType
	Num    string // the number as typed: "1/1/1"
	Number int    // for LAG, VLAN and other single-number types
}

func splitIfName(tok string) (word, num string) {
	i := strings.IndexFunc(tok, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return tok, ""
	}
	return tok[:i], tok[i:]
}

func matchIfType(types []IfType, word string) *IfType {
	if word == "" {
		return nil
	}
	lw := strings.ToLower(word)
	var found *IfType
	for i := range types {
		t := &types[i]
		if strings.ToLower(t.Name) == lw || strings.ToLower(t.Short) == lw {
			return t
		}
		if strings.HasPrefix(strings.ToLower(t.Name), lw) {
			if found != nil {
				return nil // ambiguous
			}
			found = t
		}
	}
	return found
}

// NaturalCompare orders strings with embedded numbers numerically:
// "Ethernet2" < "Ethernet10", "Ethernet1/2" < "Ethernet1/10".
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := leadingNumber(a)
			nb, rb := leadingNumber(b)
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	default:
		return 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}
