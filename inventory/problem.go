package inventory

import (
	"fmt"
	"strings"
)

// Severity says whether a Problem stops the configuration from loading.
type Severity uint8

const (
	// Error makes Load fail.
	Error Severity = iota
	// Warning is reported but the configuration still loads.
	Warning
)

// Problem is one thing wrong with a configuration: where it is, the value
// found there, what is wrong and how to fix it.
type Problem struct {
	Severity Severity
	// Key is the setting's path in the YAML model: "server.deadline",
	// "devices.tor-1.idle_vlan", or "devices[2].name" while the device has no
	// usable name. For an ini section or key with no YAML equivalent it is
	// "[genericswitch:tor-1] ngs_trunk_ports".
	Key string
	// Origin names where the value was written when that is not the YAML
	// file: the environment variable, or the ini section and key.
	Origin string
	// Line is the line in the ini file, 0 when unknown (YAML, environment).
	Line int
	// Value is the offending value as written; empty when there is none or
	// when it might be a secret.
	Value string
	// Msg says what is wrong.
	Msg string
	// Fix says what to do, when there is something to say.
	Fix string
}

// String renders the problem on one line:
//
//	[warning: ][line N: ]WHERE[ = VALUE]: MSG[; fix: FIX]
//
// where WHERE is the Key, or "Origin (Key)" when the value came from the
// environment or an ini file.
func (p Problem) String() string {
	var b strings.Builder
	if p.Severity == Warning {
		b.WriteString("warning: ")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	switch {
	case p.Origin != "" && p.Key != "" && p.Origin != p.Key:
		fmt.Fprintf(&b, "%s (%s)", p.Origin, p.Key)
	case p.Origin != "":
		b.WriteString(p.Origin)
	default:
		b.WriteString(p.Key)
	}
	if p.Value != "" {
		b.WriteString(" = ")
		b.WriteString(p.Value)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	if p.Fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(p.Fix)
	}
	return b.String()
}

// LoadError is every problem found in one configuration file. Load returns
// it wrapped in a *fault.Error of kind Invalid; find it with errors.As.
type LoadError struct {
	Path     string
	Problems []Problem // errors and warnings, in the order found
}

// Errors counts the problems of severity Error.
func (e *LoadError) Errors() int {
	n := 0
	for _, p := range e.Problems {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// Error renders a summary line and then one problem per line.
func (e *LoadError) Error() string {
	var b strings.Builder
	errs := e.Errors()
	warns := len(e.Problems) - errs
	fmt.Fprintf(&b, "config %s: %s", e.Path, plural(errs, "error"))
	if warns > 0 {
		fmt.Fprintf(&b, ", %s", plural(warns, "warning"))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// report collects problems while a configuration is read. Keys named in
// suppressed have been reported already (by the ini mapping) and further
// problems about them are dropped; origins annotates keys whose value came
// from somewhere other than the YAML file.
type report struct {
	problems   []Problem
	origins    map[string]origin
	suppressed map[string]bool
}

// origin is where a YAML-model key was written: an environment variable or
// an ini section and key with its line.
type origin struct {
	text string
	line int
}

func newReport() *report {
	return &report{origins: map[string]origin{}, suppressed: map[string]bool{}}
}

// add records a problem. alias is the key under which origins and
// suppressions are recorded (devices[i].field), which may differ from the
// displayed key (devices.NAME.field).
func (r *report) add(sev Severity, key, alias, value, msg, fix string) {
	if alias == "" {
		alias = key
	}
	for k := alias; k != ""; k = parentKey(k) {
		if r.suppressed[k] {
			return
		}
	}
	p := Problem{Severity: sev, Key: key, Value: value, Msg: msg, Fix: fix}
	for k := alias; k != ""; k = parentKey(k) {
		if o, ok := r.origins[k]; ok {
			p.Origin, p.Line = o.text, o.line
			break
		}
	}
	r.problems = append(r.problems, p)
}

func (r *report) errorCount() int {
	n := 0
	for _, p := range r.problems {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// parentKey strips the last path element: "a.b[2]" → "a.b", "a.b" → "a",
// "a" → "".
func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i > 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i]
	}
	return ""
}
