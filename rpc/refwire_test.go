package rpc

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/service"
)

// The reference capture in testdata/reference/ is what Ironic's own
// JSON-RPC server (ironic_lib 5.3.0, run here with a fake manager "Mgr")
// answered to a set of requests. These tests send the same requests to a
// Server whose method table mirrors that fake manager, and compare status,
// headers and body bytes. The transport, envelope, auth and error encoding
// are Mercury's real code; only the three methods are the fake's.

const refCapture = "testdata/reference/ironic-lib-5.3.0-server-wire.txt"

// refSection is one "--- name" section of the capture.
type refSection struct {
	name    string
	status  string            // "" when the capture shows only the body
	headers map[string]string // as captured, Date excluded
	body    string
}

func parseRefCapture(t *testing.T) []refSection {
	t.Helper()
	data, err := os.ReadFile(refCapture)
	if err != nil {
		t.Fatal(err)
	}
	var out []refSection
	for _, chunk := range strings.Split(string(data), "--- ")[1:] {
		lines := strings.Split(chunk, "\n")
		sec := refSection{name: lines[0], headers: map[string]string{}}
		rest := lines[1:]
		if len(rest) > 0 && strings.HasPrefix(rest[0], "HTTP/1.1 ") {
			sec.status = strings.TrimSuffix(rest[0], "\r")
			rest = rest[1:]
			for len(rest) > 0 && strings.HasSuffix(rest[0], "\r") {
				h := strings.TrimSuffix(rest[0], "\r")
				rest = rest[1:]
				if h == "" {
					break
				}
				k, v, _ := strings.Cut(h, ": ")
				if k != "Date" {
					sec.headers[k] = v
				}
			}
		}
		sec.body = strings.TrimRight(strings.Join(rest, "\n"), "\n")
		out = append(out, sec)
	}
	return out
}

// refManager mirrors ironic_ref_server.py's Mgr:
//
//	update_port(self, context, switch_id, port_name, native_vlan=None, allowed_vlans=None)
//	boom(self, context)   raises RuntimeError('unexpected')
//	known(self, context)  raises IronicException('known failure')
func refManager() []method {
	type port struct {
		SwitchID   string `json:"switch_id"`
		PortName   string `json:"port_name"`
		NativeVLAN *int   `json:"native_vlan"`
	}
	fail := func(e *wireError) func(*args) invoker {
		return func(*args) invoker {
			return func(context.Context, Backend, service.Caller) (any, error) { return nil, e }
		}
	}
	return []method{
		pyMethod("Mgr", "update_port", direct, "context, switch_id, port_name, native_vlan=None, allowed_vlans=None", "", func(a *args) invoker {
			p := port{SwitchID: a.str("switch_id"), PortName: a.str("port_name"), NativeVLAN: a.vlan("native_vlan")}
			return func(context.Context, Backend, service.Caller) (any, error) { return p, nil }
		}),
		pyMethod("Mgr", "boom", direct, "context", "", fail(&wireError{code: 500, message: "unexpected"})),
		pyMethod("Mgr", "known", direct, "context", "", fail(&wireError{code: 500, message: "known failure", class: "ironic_lib.exception.IronicException"})),
	}
}

func TestReferenceServerWire(t *testing.T) {
	htpasswd := filepath.Join(t.TempDir(), "htpasswd")
	writeHtpasswd(t, htpasswd, "ironic", "rpc-secret")
	auth, err := NewBasicAuth(htpasswd, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(Options{Backend: &fakeBackend{}, Auth: auth}, refManager())
	if err != nil {
		t.Fatal(err)
	}
	base := testServer(t, s)

	good := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("ironic:rpc-secret"))}
	basic := func(userpass string) map[string]string {
		return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(userpass))}
	}
	call := `{"jsonrpc":"2.0","method":"update_port","params":{"switch_id":"x","port_name":"y","native_vlan":100,"context":{}},"id":"1"}`
	requests := map[string]exchange{
		"no auth header":                {body: call},
		"wrong pw":                      {body: call, header: basic("ironic:wrong")},
		"good call":                     {body: call, header: good},
		"call to /any/path":             {path: "/any/path", body: call, header: good},
		"notification (no id)":          {body: `{"jsonrpc":"2.0","method":"update_port","params":{"switch_id":"x","port_name":"y","native_vlan":100,"context":{}}}`, header: good},
		"GET":                           {method: http.MethodGet, header: good},
		"unknown method":                {body: `{"jsonrpc":"2.0","method":"nope","params":{"context":{}},"id":7}`, header: good},
		"bad params":                    {body: `{"jsonrpc":"2.0","method":"update_port","params":{"zzz":1,"context":{}},"id":8}`, header: good},
		"known exc (IronicException)":   {body: `{"jsonrpc":"2.0","method":"known","params":{"context":{}},"id":9}`, header: good},
		"unexpected exc (RuntimeError)": {body: `{"jsonrpc":"2.0","method":"boom","params":{"context":{}},"id":10}`, header: good},
		"invalid json":                  {body: `{"jsonrpc": "2.0", "method":`, header: good},
		"batch":                         {body: `[{"jsonrpc":"2.0","method":"boom","params":{"context":{}},"id":1}]`, header: good},
		"jsonrpc 1.0":                   {body: `{"jsonrpc":"1.0","method":"boom","params":{"context":{}},"id":3}`, header: good},
		"Authorization: Bearer x":       {body: call, header: map[string]string{"Authorization": "Bearer x"}},
		"Authorization: Basic !!!":      {body: call, header: map[string]string{"Authorization": "Basic !!!"}},
		"unknown user":                  {body: call, header: basic("nobody:rpc-secret")},
		"no params.context, good auth":  {body: `{"jsonrpc":"2.0","method":"update_port","params":{"switch_id":"x","port_name":"y"},"id":2}`, header: good},
	}

	sections := parseRefCapture(t)
	if len(sections) != len(requests) {
		t.Fatalf("the capture has %d sections, the test knows %d requests", len(sections), len(requests))
	}
	for _, sec := range sections {
		t.Run(sec.name, func(t *testing.T) {
			x, ok := requests[sec.name]
			if !ok {
				t.Fatalf("no request for capture section %q", sec.name)
			}
			resp, body := x.do(t, base)
			if got := string(body); got != sec.body {
				t.Errorf("body\n got  %s\n want %s", got, sec.body)
			}
			wantStatus := sec.status
			if wantStatus == "" {
				wantStatus = "HTTP/1.1 200 OK" // JSON-RPC errors travel in 200s
			}
			if got := resp.Proto + " " + resp.Status; got != wantStatus {
				t.Errorf("status %q, want %q", got, wantStatus)
			}
			for k, want := range sec.headers {
				got := resp.Header.Get(k)
				if k == "Content-Length" && resp.StatusCode == http.StatusNoContent {
					// Go never sends Content-Length on a 204 (RFC 9110
					// §8.6 forbids it); webob sends "0". Clients ignore it.
					if got != "" {
						t.Errorf("Content-Length %q on a 204", got)
					}
					continue
				}
				if got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if resp.StatusCode != http.StatusNoContent && resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			if !strings.HasPrefix(resp.Header.Get("X-Request-Id"), "mer-") {
				t.Errorf("X-Request-Id %q", resp.Header.Get("X-Request-Id"))
			}
		})
	}
}
