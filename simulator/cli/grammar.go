package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/state"
)

// FailKind says why a line does not parse.
type FailKind uint8

// Parse failure kinds, least specific first.
const (
	FailNone        FailKind = iota
	FailInvalid              // a token fits nothing
	FailIncomplete           // the line ends too early
	FailAmbiguous            // a token abbreviates several keywords
	FailRange                // a number is out of range
	FailNoInterface          // a port the device does not have
)

// ParamInput is what a parameter type sees.
type ParamInput struct {
	Tokens   []string // the remaining tokens, quotes removed
	Rest     string   // the raw remaining text, from the first of them
	Platform *Platform
	HasPort  func(name string) bool
}

// ParamFunc matches a parameter at the start of in.Tokens. It returns the
// value, how many tokens it used (on failure: up to and including the bad
// one) and FailNone, or a failure kind.
type ParamFunc func(in ParamInput) (val any, used int, fail FailKind)

func builtinParams() map[string]ParamFunc {
	return map[string]ParamFunc{
		"vlan":  vlanParam,
		"vlans": vlansParam,
		"word":  func(in ParamInput) (any, int, FailKind) { return in.Tokens[0], 1, FailNone },
		"line": func(in ParamInput) (any, int, FailKind) {
			return strings.TrimRight(in.Rest, " \t"), len(in.Tokens), FailNone
		},
		"if": func(in ParamInput) (any, int, FailKind) {
			ifc, used, f := in.Platform.ParseInterface(in.Tokens, in.HasPort)
			return ifc, used, f
		},
	}
}

func vlanParam(in ParamInput) (any, int, FailKind) {
	n, err := strconv.Atoi(in.Tokens[0])
	if err != nil || strings.HasPrefix(in.Tokens[0], "+") || strings.HasPrefix(in.Tokens[0], "-") {
		return nil, 1, FailInvalid
	}
	if n < state.MinVLAN || n > state.MaxVLAN {
		return nil, 1, FailRange
	}
	return n, 1, FailNone
}

func vlansParam(in ParamInput) (any, int, FailKind) {
	set, err := state.ParseVLANList(in.Tokens[0])
	var re *state.RangeError
	switch {
	case errors.As(err, &re):
		return nil, 1, FailRange
	case err != nil:
		return nil, 1, FailInvalid
	}
	return set, 1, FailNone
}

// rangeParam returns the parameter type "N-M" (an integer in N..M), or nil
// when typ is not of that form.
func rangeParam(typ string) ParamFunc {
	lo, hi, ok := strings.Cut(typ, "-")
	a, errA := strconv.Atoi(lo)
	b, errB := strconv.Atoi(hi)
	if !ok || errA != nil || errB != nil || a > b {
		return nil
	}
	return func(in ParamInput) (any, int, FailKind) {
		n, err := strconv.Atoi(in.Tokens[0])
		if err != nil || in.Tokens[0][0] == '+' || in.Tokens[0][0] == '-' {
			return nil, 1, FailInvalid
		}
		if n < a || n > b {
			return nil, 1, FailRange
		}
		return n, 1, FailNone
	}
}

// atom is one element of an expanded syntax: a keyword or a parameter.
type atom struct {
	word  string // keyword, lower case
	param string // parameter name
	typ   string // parameter type
}

// parseSyntax expands a syntax string into every sequence of atoms it
// allows.
func parseSyntax(syntax string) ([][]atom, error) {
	lex, err := lexSyntax(syntax)
	if err != nil {
		return nil, err
	}
	pos := 0
	seqs, err := parseSeq(lex, &pos)
	if err != nil {
		return nil, err
	}
	if pos != len(lex) {
		return nil, fmt.Errorf("unbalanced %q", lex[pos])
	}
	for _, s := range seqs {
		if len(s) == 0 {
			return nil, errors.New("a form has no words")
		}
	}
	return seqs, nil
}

func lexSyntax(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '[' || c == ']' || c == '|':
			out = append(out, string(c))
			i++
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return nil, errors.New("unclosed <")
			}
			out = append(out, s[i:i+j+1])
			i += j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" []|<", rune(s[j])) {
				j++
			}
			out = append(out, strings.ToLower(s[i:j]))
			i = j
		}
	}
	return out, nil
}

// parseSeq parses items until "]" or the end; it returns the expansions.
func parseSeq(lex []string, pos *int) ([][]atom, error) {
	seqs := [][]atom{{}}
	for *pos < len(lex) && lex[*pos] != "]" {
		var choices [][]atom
		if lex[*pos] == "[" {
			*pos++
			inner, err := parseSeq(lex, pos)
			if err != nil {
				return nil, err
			}
			if *pos >= len(lex) || lex[*pos] != "]" {
				return nil, errors.New("unclosed [")
			}
			*pos++
			choices = append([][]atom{{}}, inner...)
		} else {
			alts, err := parseAlt(lex, pos)
			if err != nil {
				return nil, err
			}
			for _, a := range alts {
				choices = append(choices, []atom{a})
			}
		}
		var next [][]atom
		for _, s := range seqs {
			for _, c := range choices {
				n := append(append([]atom{}, s...), c...)
				next = append(next, n)
			}
		}
		seqs = next
	}
	return seqs, nil
}

func parseAlt(lex []string, pos *int) ([]atom, error) {
	var alts []atom
	for {
		if *pos >= len(lex) {
			return nil, errors.New("expected a word")
		}
		a, err := parseAtom(lex[*pos])
		if err != nil {
			return nil, err
		}
		alts = append(alts, a)
		*pos++
		if *pos < len(lex) && lex[*pos] == "|" {
			*pos++
			continue
		}
		return alts, nil
	}
}

func parseAtom(s string) (atom, error) {
	switch {
	case s == "[" || s == "]" || s == "|":
		return atom{}, fmt.Errorf("unexpected %q", s)
	case strings.HasPrefix(s, "<"):
		body := strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
		name, typ, ok := strings.Cut(body, ":")
		if !ok {
			typ = name
		}
		if name == "" || typ == "" {
			return atom{}, fmt.Errorf("empty parameter %q", s)
		}
		return atom{param: name, typ: typ}, nil
	default:
		return atom{word: s}, nil
	}
}

// node is a grammar trie node.
type node struct {
	kw     map[string]*node
	kws    []string // keywords in insertion order
	params []*paramEdge
	cmd    *Command // the command a line ending here means
}

type paramEdge struct {
	name, typ string
	match     ParamFunc
	next      *node
}

func newNode() *node { return &node{kw: map[string]*node{}} }

// token is one word of an input line.
type token struct {
	text  string // without quotes
	lower string
	off   int // byte offset in the line
	end   int // byte offset just past it
}

// tokenize splits a line on blanks; double quotes group a token.
func tokenize(line string) []token {
	var out []token
	for i := 0; i < len(line); {
		if line[i] == ' ' || line[i] == '\t' {
			i++
			continue
		}
		start := i
		var text string
		if line[i] == '"' {
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				text, i = line[i+1:], len(line)
			} else {
				text, i = line[i+1:i+1+j], i+j+2
			}
		} else {
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				i++
			}
			text = line[start:i]
		}
		out = append(out, token{text: text, lower: strings.ToLower(text), off: start, end: i})
	}
	return out
}

// failure is where and why a line stopped parsing.
type failure struct {
	at   int // token index (len(tokens) for Incomplete)
	kind FailKind
}

func (f *failure) note(g failure) {
	if g.at > f.at || (g.at == f.at && g.kind > f.kind) {
		*f = g
	}
}

// parsed is a line matched to a command.
type parsed struct {
	cmd   *Command
	words []string       // resolved keywords
	args  map[string]any // parameter values
	argAt map[string]int // parameter token index
}

// match finds the command line means in mode.
func (p *Platform) match(mode string, line string, toks []token, hasPort func(string) bool, exact bool) (*parsed, failure) {
	best := failure{at: -1}
	root := p.grammar[mode]
	if root == nil {
		return nil, failure{at: 0, kind: FailInvalid}
	}
	res := &parsed{args: map[string]any{}, argAt: map[string]int{}}
	w := walker{p: p, line: line, toks: toks, res: res, best: &best, hasPort: hasPort, exact: exact}
	if w.walk(root, 0) {
		return res, failure{}
	}
	return nil, best
}

// walker matches one line against a grammar trie, backtracking over
// parameters and keeping the deepest failure.
type walker struct {
	p       *Platform
	line    string
	toks    []token
	res     *parsed
	best    *failure
	hasPort func(string) bool
	exact   bool // keywords must be typed in full
}

func (w *walker) walk(n *node, i int) bool {
	toks := w.toks
	if i == len(toks) {
		if n.cmd != nil {
			w.res.cmd = n.cmd
			return true
		}
		w.best.note(failure{at: i, kind: FailIncomplete})
		return false
	}
	t := toks[i]
	tried := false
	if child, ok := n.kw[t.lower]; ok {
		tried = true
		if w.descend(child, t.lower, i) {
			return true
		}
	} else if !w.exact {
		var cands []string
		for _, kw := range n.kws {
			if strings.HasPrefix(kw, t.lower) {
				cands = append(cands, kw)
			}
		}
		switch {
		case len(cands) == 1:
			tried = true
			if w.descend(n.kw[cands[0]], cands[0], i) {
				return true
			}
		case len(cands) > 1:
			w.best.note(failure{at: i, kind: FailAmbiguous})
			return false
		}
	}
	rest := make([]string, 0, len(toks)-i)
	for _, x := range toks[i:] {
		rest = append(rest, x.text)
	}
	in := ParamInput{Tokens: rest, Rest: w.line[t.off:], Platform: w.p, HasPort: w.hasPort}
	for _, e := range n.params {
		val, used, fail := e.match(in)
		tried = true
		if fail != FailNone {
			at := i + max(used, 1) - 1
			if fail == FailIncomplete {
				at = len(toks)
			}
			w.best.note(failure{at: at, kind: fail})
			continue
		}
		w.res.args[e.name], w.res.argAt[e.name] = val, i
		if w.walk(e.next, i+max(used, 1)) {
			return true
		}
		delete(w.res.args, e.name)
		delete(w.res.argAt, e.name)
	}
	if !tried {
		w.best.note(failure{at: i, kind: FailInvalid})
	}
	return false
}

func (w *walker) descend(child *node, kw string, i int) bool {
	w.res.words = append(w.res.words, kw)
	if w.walk(child, i+1) {
		return true
	}
	w.res.words = w.res.words[:len(w.res.words)-1]
	return false
}
