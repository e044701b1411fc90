package service

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/openmercury/mercury/fault"
)

// MaxDescription is the longest description or name sent to a device.
const MaxDescription = 64

// descriptionRE is what a description may contain when it reaches a CLI.
var descriptionRE = regexp.MustCompile(`^[A-Za-z0-9 ._:/-]*$`)

// smuggling lists text that could end or chain a CLI command.
var smuggling = []string{";", "|", "`", "$(", "&&", ">", "<"}

// checkIdentifier refuses an identifier (switch id, port, LAG name) that
// is empty, too long, not UTF-8, or carries control bytes or CLI
// metacharacters. field names the parameter in the error.
func checkIdentifier(field, v string) error {
	switch {
	case v == "":
		return fault.New(fault.Invalid, "%s is empty", field)
	case len(v) > 128:
		return fault.New(fault.Invalid, "%s is %d bytes long; at most 128 are accepted", field, len(v))
	case !utf8.ValidString(v):
		return fault.New(fault.Invalid, "%s is not valid UTF-8", field)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fault.New(fault.Invalid, "%s %s contains the control character %U; identifiers may not carry control bytes, newlines or escape sequences", field, shown(v), r)
		}
		if r > 0x7e {
			return fault.New(fault.Invalid, "%s %s contains the non-ASCII character %q; identifiers are ASCII", field, shown(v), r)
		}
	}
	for _, s := range smuggling {
		if strings.Contains(v, s) {
			return fault.New(fault.Invalid, "%s %s contains %q, which could smuggle a command into a device CLI", field, shown(v), s)
		}
	}
	return nil
}

// checkLAGName refuses a LAG name: an identifier that drivers also write
// as the port-channel's description, so the description rule applies too.
func checkLAGName(field, v string) error {
	if err := checkIdentifier(field, v); err != nil {
		return err
	}
	return checkDescription(field, v)
}

// checkDescription refuses a description a device CLI could misread.
func checkDescription(field, v string) error {
	if len(v) > MaxDescription {
		return fault.New(fault.Invalid, "%s is %d characters long; at most %d reach a device", field, len(v), MaxDescription)
	}
	if !descriptionRE.MatchString(v) {
		for _, r := range v {
			if !descriptionRE.MatchString(string(r)) {
				return fault.New(fault.Invalid, "%s %s contains %q; descriptions may use only letters, digits, space and . _ : / -", field, shown(v), r)
			}
		}
	}
	return nil
}

// shown quotes a refused value for an error message, cut to its first 32
// bytes when it is long, so an overlong value does not make an overlong
// message and audit line.
func shown(v string) string {
	if len(v) <= 64 {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%q... (%d bytes)", v[:32], len(v))
}

// checkVLANRange refuses a VLAN id outside 1-4094.
func checkVLANRange(field string, v int) error {
	if v < 1 || v > 4094 {
		return fault.New(fault.Invalid, "%s %d is out of range 1-4094", field, v)
	}
	return nil
}

// checkVNI refuses a VXLAN network identifier outside 1-16777215.
func checkVNI(field string, v int) error {
	if v < 1 || v > 1<<24-1 {
		return fault.New(fault.Invalid, "%s %d is out of range 1-16777215", field, v)
	}
	return nil
}

// checkPortName checks a port name against the driver's pattern.
func checkPortName(field, port string, pattern *regexp.Regexp, driver string) error {
	if err := checkIdentifier(field, port); err != nil {
		return err
	}
	if pattern != nil && !pattern.MatchString(port) {
		return fault.New(fault.Invalid, "%s %q is not a port name driver %s accepts (pattern %s); check the port name or the device's port_name_rewrite", field, port, driver, strings.TrimSuffix(strings.TrimPrefix(pattern.String(), "^(?:"), ")$"))
	}
	return nil
}

func vlanList(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}
