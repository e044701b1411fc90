package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestPrintTable prints each result in testdata/table/NAME.json as
// `mercury call` does without --json and compares it with NAME.golden.
func TestPrintTable(t *testing.T) {
	for _, name := range []string{"object", "empty-object", "array-of-objects", "array-of-scalars", "empty-array", "mixed-array", "scalar"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "table", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			printTable(&b, in)
			golden := filepath.Join("testdata", "table", name+".golden")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("printed:\n%s\nwant (%s):\n%s", b.String(), golden, want)
			}
		})
	}
}

// TestCallOutput calls a Mercury serving a simulated EOS switch: the
// array results come out as tables and lists, and --json prints the
// reply as it came.
func TestCallOutput(t *testing.T) {
	url := serveSimulated(t)
	call := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(context.Background(), append([]string{"call", "--url", url}, args...), &out, &errb); code != 0 {
			t.Fatalf("call %v: exit %d %s", args, code, errb.String())
		}
		return out.String()
	}

	devices := strings.Split(strings.TrimRight(call("list_devices"), "\n"), "\n")
	if len(devices) != 2 || !strings.HasPrefix(devices[0], "NAME   MAC ") || !strings.Contains(devices[0], "  DRIVER  ") ||
		!strings.HasPrefix(devices[1], "eos-1  ") || !strings.Contains(devices[1], "  arista-eos  ") {
		t.Errorf("list_devices table:\n%s", strings.Join(devices, "\n"))
	}
	drivers := strings.Split(call("list_drivers"), "\n")
	if !strings.HasPrefix(drivers[0], "NAME ") || !strings.HasPrefix(drivers[1], "arista-eos ") || !strings.Contains(drivers[1], `["eos-1"]`) {
		t.Errorf("list_drivers table:\n%s", strings.Join(drivers, "\n"))
	}
	if got := call("get_allowed_network_types", "switch_id=eos-1"); got != "vlan\nvxlan\n" {
		t.Errorf("get_allowed_network_types printed %q, want one type a line", got)
	}

	raw := call("--json", "get_allowed_network_types", "switch_id=eos-1")
	var reply struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  json.RawMessage `json:"result"`
		ID      string          `json:"id"`
	}
	if err := json.Unmarshal([]byte(raw), &reply); err != nil || strings.Count(raw, "\n") != 1 {
		t.Fatalf("--json printed %q: want one line of JSON (%v)", raw, err)
	}
	if reply.JSONRPC != "2.0" || string(reply.Result) != `["vlan","vxlan"]` || reply.ID != "mercury-get_allowed_network_types" {
		t.Errorf("--json printed %s", raw)
	}
}
