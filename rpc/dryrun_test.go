package rpc

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/openmercury/mercury/service"
)

// withDryRun returns the request body in testdata/dryrun/<name>.request.json
// with params.dry_run set to v, or removed when v is "absent".
func withDryRun(t *testing.T, body []byte, v string) string {
	t.Helper()
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	params := req["params"].(map[string]any)
	if v == "absent" {
		delete(params, "dry_run")
	} else {
		params["dry_run"] = json.RawMessage(v)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDryRunReadOnly: each method that only reads accepts dry_run (true,
// false or null) over the wire, and it changes nothing: the reply and the
// request the backend gets are those of the same call without it. The
// reply to dry_run: true is the golden file.
func TestDryRunReadOnly(t *testing.T) {
	var readOnly []string
	for _, m := range methods() {
		if m.dryRun == readOnlyDry {
			readOnly = append(readOnly, m.name)
		}
	}
	slices.Sort(readOnly)
	files, _ := filepath.Glob(filepath.Join("testdata", "dryrun", "*.request.json"))
	var tested []string
	for _, f := range files {
		tested = append(tested, strings.TrimSuffix(filepath.Base(f), ".request.json"))
	}
	want := []string{"get_allowed_network_types", "is_link_valid", "is_port_supported", "list_devices", "list_drivers", "verify_port"}
	if !slices.Equal(readOnly, want) || !slices.Equal(tested, want) {
		t.Fatalf("read-only methods %v, with a request in testdata/dryrun %v; want both %v", readOnly, tested, want)
	}
	for _, name := range readOnly {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "dryrun", name+".request.json"))
			if err != nil {
				t.Fatal(err)
			}
			fb, base := newFake(t, Options{})
			resp, body := exchange{body: string(raw)}.do(t, base)
			golden(t, "dryrun/"+name+".reply.txt", transcript(resp, body))
			if strings.Contains(string(body), `"error"`) {
				t.Fatalf("dry_run: true was refused: %s", body)
			}
			for _, v := range []string{"false", "null", "absent"} {
				_, other := exchange{body: withDryRun(t, raw, v)}.do(t, base)
				if string(other) != string(body) {
					t.Errorf("dry_run %s: reply %s, want the same as with true: %s", v, other, body)
				}
			}
			calls := fb.Calls()
			if len(calls) != 4 {
				t.Fatalf("backend calls %d, want 4", len(calls))
			}
			for _, c := range calls[1:] {
				if c.method != name || !reflect.DeepEqual(c.req, calls[0].req) {
					t.Errorf("backend got %s %#v, want %s %#v as with dry_run: true", c.method, c.req, name, calls[0].req)
				}
			}
			// A dry_run that is not a boolean is refused before the backend.
			fb.reset()
			_, bad := exchange{body: withDryRun(t, raw, `"yes"`)}.do(t, base)
			if !strings.Contains(string(bad), `"code":400,"message":"dry_run must be a boolean"`) || len(fb.Calls()) != 0 {
				t.Errorf("dry_run \"yes\": reply %s, backend calls %d; want 400 \"dry_run must be a boolean\" and no call", bad, len(fb.Calls()))
			}
		})
	}
}

// TestDryRunReachesService: the methods that change devices pass dry_run to
// the service as sent (the service's tests check what it then does).
func TestDryRunReachesService(t *testing.T) {
	link := map[string]any{"switch_id": "tor1", "port_id": "swp1"}
	vlan := map[string]any{"type": "vlan", "segmentation_id": 200}
	tests := []struct {
		method string
		params []any
		dryRun func(req any) bool
	}{
		{"attach_port", []any{"link", link, "network", vlan}, func(r any) bool { return r.(service.AttachRequest).DryRun }},
		{"detach_port", []any{"link", link, "network", vlan}, func(r any) bool { return r.(service.DetachRequest).DryRun }},
		{"add_network", []any{"switch_id", "tor1", "network", vlan}, func(r any) bool { return r.(service.NetworkRequest).DryRun }},
		{"delete_network", []any{"switch_id", "tor1", "network", vlan, "force", true}, func(r any) bool { return r.(service.NetworkRequest).DryRun }},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			fb, base := newFake(t, Options{})
			for _, dry := range []any{true, false, nil} {
				fb.reset()
				params := tt.params
				if dry != nil {
					params = append(slices.Clone(params), "dry_run", dry)
				}
				_, body := exchange{body: rpcBody(tt.method, 1, params...)}.do(t, base)
				if !strings.Contains(string(body), `"result"`) {
					t.Fatalf("dry_run %v: reply %s", dry, body)
				}
				calls := fb.Calls()
				if len(calls) != 1 || calls[0].method != tt.method {
					t.Fatalf("dry_run %v: backend calls %+v", dry, calls)
				}
				if got, want := tt.dryRun(calls[0].req), dry == true; got != want {
					t.Errorf("dry_run %v: the service got DryRun %v, want %v", dry, got, want)
				}
			}
			fb.reset()
			_, bad := exchange{body: rpcBody(tt.method, 2, append(slices.Clone(tt.params), "dry_run", "yes")...)}.do(t, base)
			if !strings.Contains(string(bad), `"code":400,"message":"dry_run must be a boolean"`) || len(fb.Calls()) != 0 {
				t.Errorf("dry_run \"yes\": reply %s, backend calls %d; want 400 and no call", bad, len(fb.Calls()))
			}
		})
	}
}

// TestEveryMercuryMethodTakesDryRun: the table cannot hold a Mercury method
// without dry_run, nor a read-only one whose request would see it.
func TestEveryMercuryMethodTakesDryRun(t *testing.T) {
	for _, m := range methods() {
		if m.sig == nil && m.dryRun != passDryRun && m.dryRun != readOnlyDry {
			t.Errorf("%s does not take dry_run", m.name)
		}
	}
	type noDry struct {
		Link service.Link `json:"link"`
	}
	type withDry struct {
		Link   service.Link `json:"link"`
		DryRun bool         `json:"dry_run"`
	}
	noop := func(Backend, context.Context, service.Caller, noDry) (bool, error) { return true, nil }
	dry := func(Backend, context.Context, service.Caller, withDry) (bool, error) { return true, nil }
	for _, tt := range []struct {
		name string
		m    method
		ok   bool
	}{
		{"mercury with dry_run", mercury("attach_port", "Failed", dry), true},
		{"mercuryRead without", mercuryRead("is_link_valid", "Failed", noop), true},
		{"mercury without dry_run", mercury("attach_port", "Failed", noop), false},
		{"mercuryRead with dry_run", mercuryRead("is_link_valid", "Failed", dry), false},
	} {
		_, err := newServer(Options{Backend: &fakeBackend{}, Auth: NewNoAuth()}, []method{tt.m})
		if (err == nil) != tt.ok {
			t.Errorf("%s: New: %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.m.name) {
			t.Errorf("%s: %v does not name the method", tt.name, err)
		}
	}
}
