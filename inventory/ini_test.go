package inventory

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func mustCompile(t *testing.T, re string) *regexp.Regexp {
	t.Helper()
	r, err := regexp.Compile(re)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// dumpINI renders parsed sections compactly: [name@line] key=value@line ...
func dumpINI(sections []iniSection) string {
	var b strings.Builder
	for _, s := range sections {
		fmt.Fprintf(&b, "[%s@%d]", s.name, s.line)
		for _, e := range s.entries {
			fmt.Fprintf(&b, " %s=%q@%d", e.key, e.value, e.line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestParseINI(t *testing.T) {
	tests := []struct {
		name, in, want, problems string
	}{
		{
			name: "basic",
			in:   "[a]\nk = v\nk2: v2\n",
			want: "[a@1] k=\"v\"@2 k2=\"v2\"@3\n",
		},
		{
			name: "first separator wins",
			in:   "[a]\nurl = http://x:1/?a=b\nt: a=b\n",
			want: "[a@1] url=\"http://x:1/?a=b\"@2 t=\"a=b\"@3\n",
		},
		{
			name: "comments, blank lines, inline # kept",
			in:   "# top\n; also\n[a]\n# c\nip = 192.0.2.1 # rack\n\n",
			want: "[a@3] ip=\"192.0.2.1 # rack\"@5\n",
		},
		{
			name: "continuation lines",
			in:   "[a]\nports = e1,\n  e2,\n\te3\nnext = x\n",
			want: "[a@1] ports=\"e1,\\ne2,\\ne3\"@2 next=\"x\"@5\n",
		},
		{
			name:     "blank line ends a continuation",
			in:       "[a]\nk = v\n\n  stray\n",
			want:     "[a@1] k=\"v\"@2\n",
			problems: "line 4: ini syntax: an indented line continues no value; fix: remove the indentation, or put the line under a key\n",
		},
		{
			name: "quotes stripped only when matching",
			in:   "[a]\na = \"x y\"\nb = 'z'\nc = \"half\nd = \"\ne = ''\n",
			want: "[a@1] a=\"x y\"@2 b=\"z\"@3 c=\"\\\"half\"@4 d=\"\\\"\"@5 e=\"\"@6\n",
		},
		{
			name: "CRLF and BOM",
			in:   "\ufeff[a]\r\nk = v\r\n",
			want: "[a@1] k=\"v\"@2\n",
		},
		{
			name: "empty value",
			in:   "[a]\nk =\n",
			want: "[a@1] k=\"\"@2\n",
		},
		{
			name:     "errors are all reported",
			in:       "x = 1\n[a\n[a]\nk = 1\nk = 2\nno separator\n[]\n[a]\n= v\n",
			want:     "[a@3] k=\"1\"@4\n",
			problems: "line 1: ini syntax: x is set before any [section] header; fix: put it under a [section] header\nline 2: ini syntax: section header \"[a\" does not end with ]; fix: write [name]\nline 5: ini syntax: [a] k is set again (first at line 4); fix: keep one of the two lines\nline 6: ini syntax: \"no separator\" is not a key = value line; fix: write key = value, or start a comment with #\nline 7: ini syntax: section header has no name; fix: write [name]\nline 8: ini syntax: section [a] appears again (first at line 3); fix: merge the two sections\nline 9: ini syntax: a value has no key; fix: write key = value\n",
		},
		{
			name: "many sections keep their entries",
			in:   "[a]\nk = 1\n[b]\nk = 2\n[c]\nk = 3\n[d]\nk = 4\n[e]\nk = 5\n",
			want: "[a@1] k=\"1\"@2\n[b@3] k=\"2\"@4\n[c@5] k=\"3\"@6\n[d@7] k=\"4\"@8\n[e@9] k=\"5\"@10\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sections, problems := parseINI([]byte(tt.in))
			if got := dumpINI(sections); got != tt.want {
				t.Errorf("sections:\n%s\nwant:\n%s", got, tt.want)
			}
			var ps strings.Builder
			for _, p := range problems {
				ps.WriteString(p.String() + "\n")
			}
			if ps.String() != tt.problems {
				t.Errorf("problems:\n%s\nwant:\n%s", ps.String(), tt.problems)
			}
		})
	}
}

func TestTranslateReSub(t *testing.T) {
	tests := []struct{ in, match, replace, msg string }{
		{`{"pattern": "^Eth(\\d+)$", "repl": "ethernet1/\\1"}`, `^Eth(\d+)$`, `ethernet1/${1}`, ""},
		{`{"pattern": "(?P<n>\\d+)", "repl": "p\\g<n>-\\g<1>"}`, `(?P<n>\d+)`, `p${n}-${1}`, ""},
		{`{"pattern": "x", "repl": "$5"}`, `x`, `$$5`, ""},
		{`{"pattern": "x"}`, "", "", `needs both "pattern" and "repl"`},
		{`[1]`, "", "", "is not a JSON object: "},
		{`not json`, "", "", "is not a JSON object: "},
	}
	for _, tt := range tests {
		rw, msg := translateReSub(tt.in)
		if !strings.HasPrefix(msg, tt.msg) || (tt.msg == "") != (msg == "") || rw.Match != tt.match || rw.Replace != tt.replace {
			t.Errorf("translateReSub(%s) = %+v, %q", tt.in, rw, msg)
		}
		if msg == "" {
			re := mustCompile(t, rw.Match)
			if m, _ := checkTemplate(rw.Replace, re); m != "" {
				t.Errorf("translated replacement %q is not valid: %s", rw.Replace, m)
			}
		}
	}
}

func TestDriverForDeviceType(t *testing.T) {
	for in, want := range map[string]string{
		"netmiko_cisco_ios":    "cisco-ios",
		"cisco_ios":            "cisco-ios",
		" NETMIKO_SONIC ":      "sonic",
		"netmiko_ovs_linux":    "ovs",
		"netmiko_juniper":      "juniper-junos",
		"netmiko_huawei":       "",
		"netconf_openconfig":   "",
		"netmiko_dell_force10": "dell-os9",
	} {
		got, ok := driverForDeviceType(in)
		if got != want || ok != (want != "") {
			t.Errorf("driverForDeviceType(%q) = %q, %v", in, got, ok)
		}
	}
}

// Every ini key is handled by exactly one row.
func TestINITablesHaveNoDuplicates(t *testing.T) {
	for name, rows := range map[string][]iniKey{"genericswitch": genericswitchKeys(), "switch": switchKeys()} {
		seen := map[string]bool{}
		for _, r := range rows {
			if seen[r.name] {
				t.Errorf("%s: %s listed twice", name, r.name)
			}
			seen[r.name] = true
			if (r.act == ignore || r.act == refuse || r.act == checkTrue) && (r.msg == "" || r.fix == "") {
				t.Errorf("%s: %s reports without a message or a fix", name, r.name)
			}
		}
	}
}

func FuzzParseINI(f *testing.F) {
	for _, s := range []string{
		"", "[a]\nk = v\n", "[genericswitch:x]\ndevice_type = netmiko_ovs_linux\nip = 1.2.3.4\n  cont\n",
		"[switch:y]\npersist = maybe\nallowed_vlans = 1-5\n", "k=v", "[", "[]\n=\n", "\ufeff[a]\r\n k",
		"[genericswitch:z]\nngs_port_id_re_sub = {\"pattern\": \"(\", \"repl\": \"\\\\g<q>\"}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sections, problems := parseINI([]byte(in))
		lines := strings.Count(in, "\n") + 1
		for _, s := range sections {
			if s.line < 1 || s.line > lines || s.name == "" {
				t.Fatalf("section %q at line %d of %d", s.name, s.line, lines)
			}
			seen := map[string]bool{}
			for _, e := range s.entries {
				if e.line < s.line || e.line > lines || e.key == "" || seen[e.key] {
					t.Fatalf("entry %q at line %d", e.key, e.line)
				}
				seen[e.key] = true
			}
		}
		for _, p := range problems {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("problem at line %d of %d", p.Line, lines)
			}
		}
		// The translation always renders to YAML that parses back to the
		// same devices, whatever the input.
		c := convertINI([]byte(in))
		for _, comments := range [][]string{nil, c.comments} {
			out, err := marshalYAML(c.file, comments, "x")
			if err != nil {
				t.Fatalf("translation does not render: %v", err)
			}
			var back fileConfig
			if err := yaml.Unmarshal(out, &back); err != nil {
				t.Fatalf("translation does not parse back: %v\n%s", err, out)
			}
			if len(back.Devices) != len(c.file.Devices) {
				t.Fatalf("translation has %d devices, parsed back %d", len(c.file.Devices), len(back.Devices))
			}
		}
	})
}
