package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerify runs Mercury on a simulated EOS switch, configures two ports,
// and checks `mercury verify` reports one in sync, one drifted and one
// unreadable, with exit 1; and exit 0 when all are in sync.
func TestVerify(t *testing.T) {
	url := serveSimulated(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"attach_port", `link={"switch_id":"eos-1","port_id":"Ethernet1"}`, `network={"type":"vlan","segmentation_id":100}`},
		{"attach_port", `link={"switch_id":"eos-1","port_id":"Ethernet2"}`, `network={"type":"vlan","segmentation_id":200}`, "mode=trunk"},
	} {
		if code := run(ctx, append([]string{"call", "--url", url}, args...), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errb.String())
		}
	}
	dir := t.TempDir()
	intents := filepath.Join(dir, "intents.yaml")
	os.WriteFile(intents, []byte(`
- link: {switch_id: eos-1, port_id: Ethernet1}
  expect: {mode: access, native_vlan: 100}
- link: {switch_id: eos-1, port_id: Ethernet2}
  expect: {mode: trunk, allowed_vlans: [200, 300]}
- link: {switch_id: eos-9, port_id: Ethernet1}
  expect: {mode: access, native_vlan: 100}
`), 0o644)
	out.Reset()
	code := run(ctx, []string{"verify", "--url", url, intents}, &out, &errb)
	got := out.String()
	if code != 1 || !strings.Contains(got, "Ethernet1         in sync") ||
		!strings.Contains(got, "DRIFT     allowed_vlans: expected [200, 300], actual [200]") ||
		!strings.Contains(got, "error     Switch eos-9 could not be found") ||
		!strings.Contains(got, "3 ports, 1 in sync, 2 drifted or unreadable") {
		t.Fatalf("exit %d, output:\n%s", code, got)
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("- link: {switch_id: eos-1, port_id: Ethernet1}\n  expect: {mode: access, native_vlan: 100}\n"), 0o644)
	if code := run(ctx, []string{"verify", "--url", url, good}, &out, &errb); code != 0 {
		t.Fatalf("all in sync: exit %d", code)
	}
	for _, bad := range []string{"- link: {switch_id: eos-1}\n", "- lnk: {}\n", "not: [a list\n"} {
		p := filepath.Join(dir, "bad.yaml")
		os.WriteFile(p, []byte(bad), 0o644)
		errb.Reset()
		if code := run(ctx, []string{"verify", "--url", url, p}, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("intents %q: exit %d %q, want 2 and a message", bad, code, errb.String())
		}
	}
}
