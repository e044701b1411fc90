package rpc

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/openmercury/mercury/fault"
)

// args reads bound keyword arguments as the Go types of the service's
// requests. It checks JSON types only, never ranges or contents: a VLAN of
// -1 or a port name full of shell metacharacters reaches the service as
// sent, and the service refuses it. A wrong JSON type is an Invalid fault
// (InvalidParameterValue on the wire) naming the parameter and what it must
// be; the texts are Ironic's where Ironic has one ("native_vlan must be an
// integer between 1 and 4094", "allowed_vlans must be a list or tuple").
//
// Where Python and JSON disagree, Mercury is stricter than Ironic: Python
// counts true as the integer 1 and accepts it as a VLAN; Mercury refuses
// booleans, and numbers written with a fraction or exponent (100.0, 1e2),
// which Python parses as floats and Ironic refuses too.
type args struct {
	vals map[string]json.RawMessage // absent: the Python default, None
	err  error                      // the first type error
}

func newArgs(o object) *args {
	a := &args{vals: make(map[string]json.RawMessage, len(o))}
	for _, m := range o {
		a.vals[m.key] = m.val
	}
	return a
}

// fail records the first type error.
func (a *args) fail(format string, v ...any) {
	if a.err == nil {
		a.err = fault.New(fault.Invalid, format, v...)
	}
}

// null reports whether name is null or absent.
func (a *args) null(name string) bool {
	raw, ok := a.vals[name]
	return !ok || jsonKind(raw) == 'n'
}

// str reads a required string; null is a type error.
func (a *args) str(name string) string {
	raw := a.vals[name]
	if jsonKind(raw) != '"' {
		a.fail("%s must be a string", name)
		return ""
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// optStr reads a string or null.
func (a *args) optStr(name string) *string {
	if a.null(name) {
		return nil
	}
	raw := a.vals[name]
	if jsonKind(raw) != '"' {
		a.fail("%s must be a string or null", name)
		return nil
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return &s
}

// vlan reads an integer or null.
func (a *args) vlan(name string) *int {
	if a.null(name) {
		return nil
	}
	n, ok := jsonInt(a.vals[name])
	if !ok {
		a.fail("%s must be an integer between 1 and 4094", name)
		return nil
	}
	return &n
}

// vlans reads a list of integers or null (nil). An empty list stays empty,
// not nil.
func (a *args) vlans(name string) []int {
	if a.null(name) {
		return nil
	}
	var items []json.RawMessage
	if jsonKind(a.vals[name]) != '[' || json.Unmarshal(a.vals[name], &items) != nil {
		a.fail("%s must be a list or tuple", name)
		return nil
	}
	out := make([]int, 0, len(items))
	for _, it := range items {
		n, ok := jsonInt(it)
		if !ok {
			a.fail("Each VLAN in %s must be an integer between 1 and 4094", name)
			return nil
		}
		out = append(out, n)
	}
	return out
}

// strs reads a list of strings; null is a type error.
func (a *args) strs(name string) []string {
	var items []json.RawMessage
	if jsonKind(a.vals[name]) != '[' || json.Unmarshal(a.vals[name], &items) != nil {
		a.fail("%s must be a list of strings", name)
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		if jsonKind(it) != '"' || json.Unmarshal(it, &s) != nil {
			a.fail("%s must be a list of strings", name)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// jsonInt reads a JSON integer literal (no fraction, no exponent) that fits
// an int.
func jsonInt(raw json.RawMessage) (int, bool) {
	switch k := jsonKind(raw); {
	case k == '-' || (k >= '0' && k <= '9'):
	default:
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
	return n, err == nil
}
