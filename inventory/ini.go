package inventory

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// iniSection is one [section] of an oslo.config style ini file.
type iniSection struct {
	name    string
	line    int
	entries []iniEntry
}

// iniEntry is one key = value assignment; value joins continuation lines
// with "\n".
type iniEntry struct {
	key, value string
	line       int
}

// maxINISize bounds what parseINI reads; real switch files are a few KB.
const maxINISize = 4 << 20

// parseINI reads the ini syntax oslo.config reads (and so NGS and Ironic):
//
//   - "[name]" starts a section; sections of the same name are reported;
//   - "key = value" or "key: value", split at the first '=' or ':', both
//     sides trimmed; a value wholly inside matching single or double quotes
//     loses them;
//   - lines starting with '#' or ';' are comments; a '#' later in a line is
//     part of the value, as in oslo.config;
//   - an indented line continues the previous value, and a blank line ends
//     it;
//   - keys repeated within a section are reported.
//
// It reports every problem it meets and keeps going.
func parseINI(data []byte) ([]iniSection, []Problem) {
	var (
		sections []iniSection
		problems []Problem
		cur      *iniSection
		pending  *iniEntry // the assignment continuation lines extend
		cont     []string
		first    = map[string]int{} // section name → line
		keyLine  map[string]int     // key → line, in the current section
		skipping bool               // inside a section whose header was reported
	)
	bad := func(line int, msg, fix string) {
		problems = append(problems, Problem{Severity: Error, Key: "ini syntax", Line: line, Msg: msg, Fix: fix})
	}
	flush := func() {
		if pending == nil {
			return
		}
		// Joined with newlines, as oslo.config does; a value that starts on
		// the line after its key has no leading newline.
		v := strings.Trim(strings.Join(append([]string{pending.value}, cont...), "\n"), "\n")
		if n := len(v); n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n-1] == v[0] {
			v = v[1 : n-1]
		}
		pending.value = v
		if prev, dup := keyLine[pending.key]; dup {
			bad(pending.line, fmt.Sprintf("[%s] %s is set again (first at line %d)", cur.name, pending.key, prev), "keep one of the two lines")
		} else {
			keyLine[pending.key] = pending.line
			cur.entries = append(cur.entries, *pending)
		}
		pending, cont = nil, nil
	}
	if len(data) > maxINISize {
		bad(0, fmt.Sprintf("the file is larger than %d bytes", maxINISize), "split it")
		return nil, problems
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if !utf8.ValidString(line) {
			bad(n, "the line is not valid UTF-8", "save the file as UTF-8 (or ASCII)")
			line = strings.ToValidUTF8(line, "\uFFFD")
		}
		if strings.IndexFunc(line, isControl) >= 0 {
			bad(n, "the line holds control characters", "remove them")
			line = strings.Map(func(r rune) rune {
				if isControl(r) {
					return '\uFFFD'
				}
				return r
			}, line)
		}
		line = strings.TrimRight(line, " \t\r")
		switch {
		case line == "":
			flush()
		case line[0] == ' ' || line[0] == '\t':
			if pending == nil {
				bad(n, "an indented line continues no value", "remove the indentation, or put the line under a key")
				continue
			}
			cont = append(cont, strings.TrimLeft(line, " \t"))
		case line[0] == '[':
			flush()
			if !strings.HasSuffix(line, "]") {
				bad(n, fmt.Sprintf("section header %q does not end with ]", line), "write [name]")
				cur, skipping = nil, true
				continue
			}
			name := strings.TrimSpace(line[1 : len(line)-1])
			if name == "" {
				bad(n, "section header has no name", "write [name]")
				cur, skipping = nil, true
				continue
			}
			if prev, dup := first[name]; dup {
				bad(n, fmt.Sprintf("section [%s] appears again (first at line %d)", name, prev), "merge the two sections")
				cur, skipping = nil, true
				continue
			}
			first[name] = n
			sections = append(sections, iniSection{name: name, line: n})
			cur, skipping = &sections[len(sections)-1], false
			keyLine = map[string]int{}
		case line[0] == '#' || line[0] == ';':
			flush()
		default:
			flush()
			i := strings.IndexAny(line, "=:")
			if i < 0 {
				bad(n, fmt.Sprintf("%q is not a key = value line", line), "write key = value, or start a comment with #")
				continue
			}
			key, value := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
			if key == "" {
				bad(n, "a value has no key", "write key = value")
				continue
			}
			if cur == nil {
				if !skipping {
					bad(n, fmt.Sprintf("%s is set before any [section] header", key), "put it under a [section] header")
				}
				continue
			}
			pending = &iniEntry{key: key, value: value, line: n}
		}
	}
	flush()
	return sections, problems
}

// isControl reports the characters an ini line may not hold: C0 and C1
// controls other than tab (and the CR of a CRLF ending, removed earlier).
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0)
}
