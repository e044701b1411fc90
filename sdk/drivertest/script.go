package drivertest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Step is one command the driver must send and the device's answer.
type Step struct {
	Cmd    string // exact command (exec) or line sent (interactive), without the newline
	Out    string // what the device prints in reply
	Status int    // exec exit status
	Fail   error  // when set, the session operation fails with this error
}

// Script is a sequence of steps.
type Script []Step

// ParseScript reads a script in the recorded-output format:
//
//	> ovs-vsctl get port swp1 tag      a command the driver sends
//	100                                its output, any number of lines
//	! status 1                         optional: the command's exit status
//
// Lines starting with "#" before the first command are comments.
func ParseScript(text string) (Script, error) {
	var s Script
	var out []string
	flush := func() {
		if len(s) > 0 {
			s[len(s)-1].Out = strings.Join(out, "\n")
			if len(out) > 0 {
				s[len(s)-1].Out += "\n"
			}
		}
		out = nil
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "> "):
			flush()
			s = append(s, Step{Cmd: strings.TrimPrefix(line, "> ")})
		case strings.HasPrefix(line, "! status "):
			if len(s) == 0 {
				return nil, fmt.Errorf("line %d: status before any command", n)
			}
			v, err := strconv.Atoi(strings.TrimPrefix(line, "! status "))
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			s[len(s)-1].Status = v
		case len(s) == 0 && (strings.HasPrefix(line, "#") || strings.TrimSpace(line) == ""):
		case len(s) == 0:
			return nil, fmt.Errorf("line %d: output before any command: %q", n, line)
		default:
			out = append(out, line)
		}
	}
	flush()
	return s, sc.Err()
}

// LoadScript reads a script file (see ParseScript).
func LoadScript(path string) (Script, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseScript(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
