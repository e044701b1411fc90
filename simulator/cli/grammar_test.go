package cli

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/state"
)

func TestParseSyntax(t *testing.T) {
	cases := []struct {
		syntax string
		want   []string
	}{
		{"show vlan", []string{"show vlan"}},
		{"switchport mode access|trunk", []string{"switchport mode access", "switchport mode trunk"}},
		{"no switchport access vlan [<vlan>]", []string{"no switchport access vlan", "no switchport access vlan <vlan:vlan>"}},
		{"allowed [add|remove] <list:vlans>", []string{"allowed <list:vlans>", "allowed add <list:vlans>", "allowed remove <list:vlans>"}},
		{"show vlan [id <id:vlans>] [brief]", []string{"show vlan", "show vlan brief", "show vlan id <id:vlans>", "show vlan id <id:vlans> brief"}},
		{"Channel-Group <n:1-128>", []string{"channel-group <n:1-128>"}},
	}
	for _, tc := range cases {
		seqs, err := parseSyntax(tc.syntax)
		if err != nil {
			t.Errorf("%q: %v", tc.syntax, err)
			continue
		}
		var got []string
		for _, s := range seqs {
			var parts []string
			for _, a := range s {
				if a.param != "" {
					parts = append(parts, fmt.Sprintf("<%s:%s>", a.param, a.typ))
				} else {
					parts = append(parts, a.word)
				}
			}
			got = append(got, strings.Join(parts, " "))
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q expands to %q, want %q", tc.syntax, got, tc.want)
		}
	}
	for _, bad := range []string{"", "[a", "a ]", "<x", "a |", "[]", "<>"} {
		if _, err := parseSyntax(bad); err == nil {
			t.Errorf("%q parsed; want an error", bad)
		}
	}
}

func testSpec(cmds ...Command) Spec {
	return Spec{
		Name:     "test",
		Modes:    []ModeDef{{Name: "exec", Prompt: "{host}#"}, {Name: "config", Prompt: "{host}(config)#", Config: true}},
		PrivMode: "exec",
		Errors:   Errors{Invalid: "invalid {index} '{token}'", Incomplete: "incomplete", Ambiguous: "ambiguous", Range: "range {token}", NoInterface: "no such port {token}"},
		IfTypes: []IfType{
			{Name: "Ethernet", Short: "Et", Kind: IfPort, Number: `\d+(/\d+)?`},
			{Name: "Port-Channel", Short: "Po", Kind: IfLAG, Number: `\d+`, Min: 1, Max: 2000},
			{Name: "Vxlan", Short: "Vx", Kind: IfOther, Number: `\d+`, Min: 1, Max: 1},
		},
		Commands: cmds,
	}
}

func TestNewPlatformRejects(t *testing.T) {
	run := func(*Call) error { return nil }
	cases := map[string]Spec{
		"unknown mode":   testSpec(Command{Modes: []string{"nowhere"}, Syntax: "x", Run: run}),
		"collision":      testSpec(Command{Modes: []string{"exec"}, Syntax: "a [b]", Run: run}, Command{Modes: []string{"exec"}, Syntax: "a b", Run: run}),
		"bad syntax":     testSpec(Command{Modes: []string{"exec"}, Syntax: "a [b", Run: run}),
		"unknown type":   testSpec(Command{Modes: []string{"exec"}, Syntax: "a <x:frob>", Run: run}),
		"no name":        {Modes: []ModeDef{{Name: "exec"}}, PrivMode: "exec"},
		"no priv mode":   {Name: "x", Modes: []ModeDef{{Name: "exec"}}, PrivMode: "enable"},
		"unknown parent": {Name: "x", Modes: []ModeDef{{Name: "exec"}, {Name: "sub", Parent: "nope"}}, PrivMode: "exec"},
		"bad if number":  {Name: "x", Modes: []ModeDef{{Name: "exec"}}, PrivMode: "exec", IfTypes: []IfType{{Name: "E", Number: "("}}},
	}
	for name, spec := range cases {
		if _, err := NewPlatform(spec); err == nil {
			t.Errorf("%s: NewPlatform succeeded", name)
		}
	}
}

// TestMatch checks which command a line means, or where and why it fails.
func TestMatch(t *testing.T) {
	var ran []string
	mk := func(syntax string) Command {
		return Command{Modes: []string{"exec"}, Syntax: syntax, Run: func(*Call) error { ran = append(ran, syntax); return nil }}
	}
	p, err := NewPlatform(testSpec(
		mk("show interfaces <name:if>"),
		mk("show interfaces <name:if> switchport"),
		mk("show interfaces switchport"),
		mk("show vlan [id <id:vlans>]"),
		mk("shutdown"),
		mk("switchport access vlan <vlan>"),
		mk("switchport trunk allowed vlan [add|remove] <list:vlans>"),
		mk("channel-group <n:1-2000> mode active|on"),
		mk("description <text:line>"),
	))
	if err != nil {
		t.Fatal(err)
	}
	hasPort := func(n string) bool { return n == "Ethernet1" || n == "Ethernet1/2" }
	cases := []struct {
		line, want string // want: the syntax matched, or "fail:KIND@INDEX"
		args       string
	}{
		{"show interfaces Ethernet1", "show interfaces <name:if>", "name=Ethernet1"},
		{"sho int et1 sw", "show interfaces <name:if> switchport", "name=Ethernet1"},
		{"show interfaces ethernet 1/2 switchport", "show interfaces <name:if> switchport", "name=Ethernet1/2"},
		{"show interfaces switchport", "show interfaces switchport", ""},
		{"show interfaces Po 10", "show interfaces <name:if>", "name=Port-Channel10"},
		{"SHOW VLAN ID 10-12,20", "show vlan [id <id:vlans>]", "id=10-12,20"},
		{"sw acc vlan 10", "switchport access vlan <vlan>", "vlan=10"},
		{"switchport trunk allowed vlan remove 5", "switchport trunk allowed vlan [add|remove] <list:vlans>", "list=5"},
		{"channel-group 7 mode on", "channel-group <n:1-2000> mode active|on", "n=7"},
		{`description  uplink to "spine 1"`, "description <text:line>", `text=uplink to "spine 1"`},
		{"s", "fail:ambiguous@0", ""},
		{"sh", "fail:ambiguous@0", ""},
		{"show", "fail:incomplete@1", ""},
		{"show vlna", "fail:invalid@1", ""},
		{"show interfaces Ethernet9", "fail:noif@2", ""},
		{"show interfaces Port-Channel2001", "fail:range@2", ""},
		{"show interfaces ethernet", "fail:incomplete@3", ""},
		{"show interfaces Vxlan2", "fail:range@2", ""},
		{"switchport access vlan 4095", "fail:range@3", ""},
		{"switchport access vlan ten", "fail:invalid@3", ""},
		{"switchport access vlan 10 20", "fail:invalid@4", ""},
		{"switchport trunk allowed vlan add 30-20", "fail:range@5", ""},
		{"channel-group 7 mode passive", "fail:invalid@3", ""},
		{"description", "fail:incomplete@1", ""},
	}
	kinds := map[FailKind]string{FailInvalid: "invalid", FailIncomplete: "incomplete", FailAmbiguous: "ambiguous", FailRange: "range", FailNoInterface: "noif"}
	for _, tc := range cases {
		toks := tokenize(tc.line)
		res, f := p.match("exec", tc.line, toks, hasPort, false)
		got := ""
		if res == nil {
			got = fmt.Sprintf("fail:%s@%d", kinds[f.kind], f.at)
		} else {
			got = res.cmd.Syntax
		}
		if got != tc.want {
			t.Errorf("%q matched %s, want %s", tc.line, got, tc.want)
			continue
		}
		if res != nil && tc.args != "" {
			name, want, _ := strings.Cut(tc.args, "=")
			var v string
			switch x := res.args[name].(type) {
			case Iface:
				v = x.Name
			case state.VLANSet:
				v = x.Ranges(",")
			default:
				v = fmt.Sprint(x)
			}
			if v != want {
				t.Errorf("%q: %s = %q, want %q", tc.line, name, v, want)
			}
		}
	}
	// Exact keywords refuse abbreviations, but not interface short names.
	if res, _ := p.match("exec", "sw acc vlan 10", tokenize("sw acc vlan 10"), hasPort, true); res != nil {
		t.Error("an abbreviation matched with exact keywords")
	}
	if res, _ := p.match("exec", "show interfaces Et1", tokenize("show interfaces Et1"), hasPort, true); res == nil {
		t.Error("an interface short name failed with exact keywords")
	}
}

func TestTokenize(t *testing.T) {
	got := tokenize(`  show run | include "member vni 5000"  x`)
	var texts []string
	for _, tk := range got {
		texts = append(texts, tk.text)
	}
	want := []string{"show", "run", "|", "include", "member vni 5000", "x"}
	if !slices.Equal(texts, want) {
		t.Errorf("tokens %q, want %q", texts, want)
	}
	if got[0].off != 2 || got[4].off != 21 {
		t.Errorf("offsets %d %d", got[0].off, got[4].off)
	}
}

func TestFilters(t *testing.T) {
	words := map[string]string{"include": "include", "exclude": "exclude", "begin": "begin", "no-more": "no-more", "grep": "include"}
	out := "interface Ethernet1\n   description a\ninterface Ethernet2\n   shutdown\n"
	cases := []struct {
		filters []string
		want    string
		fail    FailKind
	}{
		{[]string{" include interface"}, "interface Ethernet1\ninterface Ethernet2\n", FailNone},
		{[]string{" grep Ethernet2"}, "interface Ethernet2\n", FailNone},
		{[]string{" ex interface"}, "   description a\n   shutdown\n", FailNone},
		{[]string{" begin Ethernet2", " no-more"}, "interface Ethernet2\n   shutdown\n", FailNone},
		{[]string{` include "description a"`}, "   description a\n", FailNone},
		{[]string{" frobnicate x"}, "", FailInvalid},
		{[]string{" include"}, "", FailIncomplete},
	}
	for _, tc := range cases {
		got, f := applyFilters(out, tc.filters, words)
		if f.kind != tc.fail || (tc.fail == FailNone && got != tc.want) {
			t.Errorf("%q: got %q (fail %d), want %q (fail %d)", tc.filters, got, f.kind, tc.want, tc.fail)
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	in := []string{"Ethernet10", "Ethernet2", "Ethernet1/10", "Ethernet1/2", "Ethernet1", "Port-Channel3"}
	slices.SortFunc(in, NaturalCompare)
	want := []string{"Ethernet1", "Ethernet1/2", "Ethernet1/10", "Ethernet2", "Ethernet10", "Port-Channel3"}
	if !slices.Equal(in, want) {
		t.Errorf("sorted %q, want %q", in, want)
	}
}
