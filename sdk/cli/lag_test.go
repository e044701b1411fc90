package cli

import (
	"strings"
	"testing"

	"github.com/openmercury/mercury/sdk"
)

// TestLAGIfName: a Syntax's LAGName wins, else the Switch's (drivers that
// parse for themselves), else the bare number.
func TestLAGIfName(t *testing.T) {
	for _, tc := range []struct {
		sw   Switch
		want string
	}{
		{Switch{Syntax: &Syntax{LAGName: "Port-Channel%s"}, LAGName: "ae%s"}, "Port-Channel7"},
		{Switch{LAGName: "ae%s"}, "ae7"},
		{Switch{Syntax: &Syntax{}, LAGName: "bond%s"}, "bond7"},
		{Switch{}, "7"},
	} {
		if got := lagIfName(&tc.sw, 7); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.sw, got, tc.want)
		}
	}
}

// TestOnPort: LAGJoin and LAGLeave lines may name the member as {port}
// next to the port-channel's {n}; the caller's values are not changed.
func TestOnPort(t *testing.T) {
	d := &driver{sw: &Switch{Templates: Templates{Interface: []string{"interface {port}"}}}}
	v := vars{"n": "3", "mode": ""}
	got, err := d.onPort("ge-0/0/1", []string{"delete interfaces {port} unit 0", "set interfaces {port} ether-options 802.3ad ae{n}", "lacp {mode}"}, v)
	if err != nil {
		t.Fatal(err)
	}
	want := "interface ge-0/0/1|delete interfaces ge-0/0/1 unit 0|set interfaces ge-0/0/1 ether-options 802.3ad ae3"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
	if _, ok := v["port"]; ok {
		t.Error("onPort changed the caller's vars")
	}
}

// TestCheckText: a character of TextUnsafe is refused, naming it; without
// TextUnsafe anything the request checks allowed passes.
func TestCheckText(t *testing.T) {
	quoted := &driver{sw: &Switch{Info: sdk.Description{Name: "cumulus-nvue"}, Templates: Templates{TextUnsafe: "\"$`"}}}
	plain := &driver{sw: &Switch{}}
	for _, tc := range []struct {
		d    *driver
		text string
		bad  string
	}{
		{quoted, "node 7 bond", ""},
		{quoted, "$(reboot)", `"$"`},
		{quoted, "a`b`", "\"`\""},
		{quoted, `say "hi"`, `"\""`},
		{plain, "$(reboot)", ""},
	} {
		err := tc.d.checkText("LAG name", tc.text)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%q refused: %v", tc.text, err)
		case tc.bad != "" && (err == nil || kindOf(err, "") != "invalid" || !strings.Contains(err.Error(), "contains "+tc.bad)):
			t.Errorf("%q: %v, want an invalid error naming %s", tc.text, err, tc.bad)
		}
	}
}
