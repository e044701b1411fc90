package rpc

import (
	"fmt"
	"strings"
	"unicode"
)

// Ironic's server calls the manager method with the params as keyword
// arguments and turns any TypeError into -32602 "Params <keys> are invalid
// for <method>: <TypeError text>". pySig reproduces those texts, so a
// conductor (or an operator reading its log) sees what Ironic would show.
//
// Two binding styles exist, because two of NetworkingManager's methods sit
// behind the validate_vlan_configuration decorator:
//   - direct: CPython's own call check. Unknown keywords are reported first
//     ("Q() got an unexpected keyword argument 'k'"), then every missing
//     required argument ("Q() missing 2 required positional arguments: 'a'
//     and 'b'").
//   - wrapped: the decorator's wrapper(self, context, *args, **kwargs)
//     first needs context, then inspect.Signature.bind reports the first
//     missing argument ("missing a required argument: 'a'") before the
//     first unknown keyword ("got an unexpected keyword argument 'k'"),
//     both without the method name and with repr() quoting.

// pySig is a Python method signature (without self).
type pySig struct {
	qualname string // Class.method, as Python prints it
	params   []pyParam
	wrapped  bool
}

type pyParam struct {
	name     string
	optional bool // has a default (=None)
}

// parsePySig parses spec, a Python parameter list such as
// "context, switch_id, allowed_vlans=None". It panics on a malformed spec:
// the specs are constants of the method table.
func parsePySig(qualname, spec string, wrapped bool) pySig {
	s := pySig{qualname: qualname, wrapped: wrapped}
	seenOptional := false
	for _, p := range strings.Split(spec, ",") {
		p = strings.TrimSpace(p)
		name, def, optional := strings.Cut(p, "=")
		if name == "" || (optional && def != "None") || (seenOptional && !optional) || s.has(name) || name == "self" {
			panic(fmt.Sprintf("rpc: bad Python signature %q for %s", spec, qualname))
		}
		seenOptional = seenOptional || optional
		s.params = append(s.params, pyParam{name: name, optional: optional})
	}
	if !wrapped {
		return s
	}
	if len(s.params) == 0 || s.params[0].name != "context" || s.params[0].optional {
		panic("rpc: a wrapped signature starts with context: " + qualname)
	}
	return s
}

func (s pySig) has(name string) bool {
	for _, p := range s.params {
		if p.name == name {
			return true
		}
	}
	return false
}

// bind returns the TypeError text Python raises when the method is called
// with these keyword arguments, in this order, or "" when the call binds.
func (s pySig) bind(keys []string) string {
	given := make(map[string]bool, len(keys))
	for _, k := range keys {
		given[k] = true
	}
	if s.wrapped {
		return s.bindWrapped(keys, given)
	}
	for _, k := range keys {
		if k == "self" {
			return s.qualname + "() got multiple values for argument 'self'"
		}
		if !s.has(k) {
			return s.qualname + "() got an unexpected keyword argument '" + k + "'"
		}
	}
	var missing []string
	for _, p := range s.params {
		if !p.optional && !given[p.name] {
			missing = append(missing, pyRepr(p.name))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	plural := ""
	if len(missing) > 1 {
		plural = "s"
	}
	return fmt.Sprintf("%s() missing %d required positional argument%s: %s", s.qualname, len(missing), plural, pyEnumerate(missing))
}

func (s pySig) bindWrapped(keys []string, given map[string]bool) string {
	// wrapper(self, context, *args, **kwargs)
	if given["self"] {
		return s.qualname + "() got multiple values for argument 'self'"
	}
	if !given["context"] {
		return s.qualname + "() missing 1 required positional argument: 'context'"
	}
	// inspect.signature(func).bind(self, context, **kwargs)
	for _, p := range s.params {
		if !p.optional && !given[p.name] {
			return "missing a required argument: " + pyRepr(p.name)
		}
	}
	for _, k := range keys {
		if !s.has(k) {
			return "got an unexpected keyword argument " + pyRepr(k)
		}
	}
	return ""
}

// pyEnumerate joins names as CPython lists missing arguments:
// "a", "a and b", "a, b, and c".
func pyEnumerate(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1]
}

// pyRepr is Python's repr() of a str.
func pyRepr(s string) string {
	q := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteRune(q)
	for _, r := range s {
		switch {
		case r == q || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteRune(q)
	return b.String()
}
