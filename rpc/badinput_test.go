package rpc

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/openmercury/mercury/service"
)

// updatePortBody is a conductor's update_port with one param's JSON value
// replaced (raw) or, with raw "", removed.
func updatePortBody(param, raw string) string {
	vals := []string{
		"switch_id", `"aa:bb:cc:dd:ee:01"`, "port_name", `"Ethernet1/1"`, "description", `"Ironic Port 1"`,
		"mode", `"access"`, "native_vlan", `200`, "allowed_vlans", `null`, "lag_name", `null`, "default_vlan", `123`,
	}
	var kv []any
	for i := 0; i < len(vals); i += 2 {
		v := vals[i+1]
		if vals[i] == param {
			if raw == "" {
				continue
			}
			v = raw
		}
		kv = append(kv, vals[i], json.RawMessage(v))
	}
	kv = append(kv, "context", json.RawMessage(`{"request_id":"req-1"}`), "rpc.version", "1.0")
	return rpcBody("update_port", "req-1", kv...)
}

// basePort is what the backend receives for updatePortBody with nothing replaced.
func basePort() service.UpdatePortRequest {
	return service.UpdatePortRequest{SwitchID: "aa:bb:cc:dd:ee:01", PortName: "Ethernet1/1", Description: ptr("Ironic Port 1"),
		Mode: ptr("access"), NativeVLAN: ptr(200), DefaultVLAN: ptr(123)}
}

func nest(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// TestBadInput is the table of malformed, mistyped, odd and hostile
// requests. Every reply is in testdata/badinput.golden; every refused
// request must leave the backend uncalled, and every accepted one must hand
// it exactly the values sent.
func TestBadInput(t *testing.T) {
	ctx := json.RawMessage(`{}`)
	port := func(f func(*service.UpdatePortRequest)) service.UpdatePortRequest {
		r := basePort()
		f(&r)
		return r
	}
	tests := []struct {
		name    string
		x       exchange
		status  int
		wantReq any // non-nil: the backend must have been called with exactly this
	}{
		// Not JSON.
		{name: "empty body", x: exchange{body: ``}, status: 200},
		{name: "truncated", x: exchange{body: `{"jsonrpc":"2.0","method":"update_port"`}, status: 200},
		{name: "trailing garbage", x: exchange{body: `{"jsonrpc":"2.0","method":"get_switches","params":{"context":{}},"id":1} x`}, status: 200},
		{name: "invalid UTF-8", x: exchange{body: "{\"jsonrpc\":\"2.0\",\"method\":\"get_switches\",\"params\":{\"context\":{\"user\":\"\xff\"}},\"id\":1}"}, status: 200},
		{name: "byte order mark", x: exchange{body: "\ufeff{\"jsonrpc\":\"2.0\",\"method\":\"get_switches\",\"params\":{\"context\":{}},\"id\":1}"}, status: 200},
		{name: "NaN", x: exchange{body: `{"jsonrpc":"2.0","method":"get_switches","params":{"context":{}},"id":NaN}`}, status: 200},

		// Not a request object.
		{name: "string", x: exchange{body: `"update_port"`}, status: 200},
		{name: "null", x: exchange{body: `null`}, status: 200},
		{name: "empty batch", x: exchange{body: `[]`}, status: 200},
		{name: "batch", x: exchange{body: `[` + updatePortBody("", "") + `]`}, status: 200},
		{name: "no jsonrpc", x: exchange{body: `{"method":"get_switches","params":{"context":{}},"id":4}`}, status: 200},
		{name: "jsonrpc as number", x: exchange{body: `{"jsonrpc":2.0,"method":"get_switches","params":{"context":{}},"id":4}`}, status: 200},
		{name: "jsonrpc 2.00", x: exchange{body: `{"jsonrpc":"2.00","method":"get_switches","params":{"context":{}},"id":4}`}, status: 200},
		{name: "no method", x: exchange{body: `{"jsonrpc":"2.0","params":{"context":{}},"id":5}`}, status: 200},
		{name: "empty method", x: exchange{body: `{"jsonrpc":"2.0","method":"","params":{"context":{}},"id":5}`}, status: 200},
		{name: "null method", x: exchange{body: `{"jsonrpc":"2.0","method":null,"params":{"context":{}},"id":5}`}, status: 200},
		{name: "number method", x: exchange{body: `{"jsonrpc":"2.0","method":5,"params":{"context":{}},"id":5}`}, status: 200},
		{name: "list method", x: exchange{body: `{"jsonrpc":"2.0","method":["get_switches"],"params":{"context":{}},"id":5}`}, status: 200},
		{name: "positional params", x: exchange{body: `{"jsonrpc":"2.0","method":"get_switches","params":[{}],"id":6}`}, status: 200},
		{name: "null params", x: exchange{body: `{"jsonrpc":"2.0","method":"get_switches","params":null,"id":6}`}, status: 200},
		{name: "malformed without id is answered", x: exchange{body: `{"jsonrpc":"2.0","method":"get_switches","params":"x"}`}, status: 200},

		// Unknown methods, including manager internals.
		{name: "unknown method", x: exchange{body: rpcBody("nope", 7, "context", ctx)}, status: 200},
		{name: "init_host is not a method", x: exchange{body: rpcBody("init_host", 7, "context", ctx)}, status: 200},
		{name: "private name", x: exchange{body: rpcBody("_get_switch_driver", 7, "context", ctx)}, status: 200},
		{name: "cleanup is not a method", x: exchange{body: rpcBody("cleanup", 7)}, status: 200},

		// Bad keyword arguments, in Python's words.
		{name: "no params at all", x: exchange{body: `{"jsonrpc":"2.0","method":"update_port","id":8}`}, status: 200},
		{name: "no context", x: exchange{body: rpcBody("reset_port", 8, "switch_id", "s", "port_name", "p", "native_vlan", 1)}, status: 200},
		{name: "context is a string", x: exchange{body: rpcBody("reset_port", 8, "switch_id", "s", "port_name", "p", "native_vlan", 1, "context", "ctx")}, status: 200},
		{name: "context is null", x: exchange{body: rpcBody("get_switches", 8, "context", nil)}, status: 200},
		{name: "missing port_name", x: exchange{body: updatePortBody("port_name", "")}, status: 200},
		{name: "missing optional lag_name is fine", x: exchange{body: updatePortBody("lag_name", "")}, status: 200, wantReq: basePort()},
		{name: "extra param update_port", x: exchange{body: strings.Replace(updatePortBody("", ""), `"context"`, `"zzz":1,"context"`, 1)}, status: 200},
		{name: "extra param reset_port", x: exchange{body: rpcBody("reset_port", 8, "switch_id", "s", "port_name", "p", "native_vlan", 1, "zzz", 1, "yyy", 2, "context", ctx)}, status: 200},
		{name: "reset_port missing three", x: exchange{body: rpcBody("reset_port", 8, "context", ctx)}, status: 200},
		{name: "reset_port missing two", x: exchange{body: rpcBody("reset_port", 8, "switch_id", "s", "context", ctx)}, status: 200},
		{name: "self as keyword", x: exchange{body: rpcBody("delete_lag", 8, "self", 1, "switch_ids", []string{"a"}, "lag_name", "l", "context", ctx)}, status: 200},
		{name: "odd keyword repr", x: exchange{body: strings.Replace(updatePortBody("", ""), `"context"`, `"it's\n":1,"context"`, 1)}, status: 200},
		{name: "get_switches extra", x: exchange{body: rpcBody("get_switches", 8, "switch_id", "s", "context", ctx)}, status: 200},

		// Wrong JSON types: InvalidParameterValue, backend untouched.
		{name: "native_vlan string", x: exchange{body: updatePortBody("native_vlan", `"100"`)}, status: 200},
		{name: "native_vlan true", x: exchange{body: updatePortBody("native_vlan", `true`)}, status: 200},
		{name: "native_vlan 1.5", x: exchange{body: updatePortBody("native_vlan", `1.5`)}, status: 200},
		{name: "native_vlan 100.0", x: exchange{body: updatePortBody("native_vlan", `100.0`)}, status: 200},
		{name: "native_vlan 1e2", x: exchange{body: updatePortBody("native_vlan", `1e2`)}, status: 200},
		{name: "native_vlan object", x: exchange{body: updatePortBody("native_vlan", `{"vlan":100}`)}, status: 200},
		{name: "native_vlan beyond int64", x: exchange{body: updatePortBody("native_vlan", `123456789012345678901234567890`)}, status: 200},
		{name: "allowed_vlans string", x: exchange{body: updatePortBody("allowed_vlans", `"100,101"`)}, status: 200},
		{name: "allowed_vlans string item", x: exchange{body: updatePortBody("allowed_vlans", `[100,"101"]`)}, status: 200},
		{name: "allowed_vlans null item", x: exchange{body: updatePortBody("allowed_vlans", `[null]`)}, status: 200},
		{name: "default_vlan bool", x: exchange{body: updatePortBody("default_vlan", `false`)}, status: 200},
		{name: "switch_id number", x: exchange{body: updatePortBody("switch_id", `5`)}, status: 200},
		{name: "switch_id null", x: exchange{body: updatePortBody("switch_id", `null`)}, status: 200},
		{name: "port_name list", x: exchange{body: updatePortBody("port_name", `["Ethernet1/1"]`)}, status: 200},
		{name: "description number", x: exchange{body: updatePortBody("description", `5`)}, status: 200},
		{name: "mode bool", x: exchange{body: updatePortBody("mode", `true`)}, status: 200},
		{name: "first type error wins", x: exchange{body: strings.Replace(updatePortBody("mode", `1`), `"native_vlan":200`, `"native_vlan":"x"`, 1)}, status: 200},
		{name: "switch_ids string", x: exchange{body: rpcBody("delete_lag", 9, "switch_ids", "aa:bb:cc:dd:ee:01", "lag_name", "l", "context", ctx)}, status: 200},
		{name: "switch_ids number item", x: exchange{body: rpcBody("delete_lag", 9, "switch_ids", []any{"a", 1}, "lag_name", "l", "context", ctx)}, status: 200},
		{name: "switch_ids null", x: exchange{body: rpcBody("delete_lag", 9, "switch_ids", nil, "lag_name", "l", "context", ctx)}, status: 200},
		{name: "aggregation_mode number", x: exchange{body: rpcBody("update_lag", 9, "switch_ids", []string{"a"}, "lag_name", "l", "description", nil, "mode", "trunk",
			"native_vlan", 1, "aggregation_mode", 4, "allowed_vlans", []int{2}, "default_vlan", nil, "context", ctx)}, status: 200},

		// Values the service must judge reach it exactly as sent.
		{name: "native_vlan -1 passes", x: exchange{body: updatePortBody("native_vlan", `-1`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(-1) })},
		{name: "native_vlan 0 passes", x: exchange{body: updatePortBody("native_vlan", `0`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(0) })},
		{name: "native_vlan 4095 passes", x: exchange{body: updatePortBody("native_vlan", `4095`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(4095) })},
		{name: "native_vlan null passes", x: exchange{body: updatePortBody("native_vlan", `null`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.NativeVLAN = nil })},
		{name: "allowed_vlans empty list stays empty", x: exchange{body: updatePortBody("allowed_vlans", `[]`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.AllowedVLANs = []int{} })},
		{name: "allowed_vlans out of range pass", x: exchange{body: updatePortBody("allowed_vlans", `[0, 4095, -7, 100]`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.AllowedVLANs = []int{0, 4095, -7, 100} })},
		{name: "mode hybrid passes", x: exchange{body: updatePortBody("mode", `"hybrid"`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.Mode = ptr("hybrid") })},
		{name: "injection in port_name passes unchanged", x: exchange{body: updatePortBody("port_name", `"Ethernet1/1\nreload\r\n; $(rm -rf /) `+"`id`"+` ' OR 1=1 --"`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) {
				r.PortName = "Ethernet1/1\nreload\r\n; $(rm -rf /) `id` ' OR 1=1 --"
			})},
		{name: "control and unicode in description pass unchanged", x: exchange{body: updatePortBody("description", `"\u0000\u001b[2J caf\u00e9 \ud83d\ude00 <script>"`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.Description = ptr("\x00\x1b[2J café 😀 <script>") })},
		{name: "injection in switch_id passes unchanged", x: exchange{body: updatePortBody("switch_id", `"../../etc/passwd"`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.SwitchID = "../../etc/passwd" })},
		{name: "keyword order does not matter", x: exchange{body: rpcBody("update_port", "req-1", "context", json.RawMessage(`{"request_id":"req-1"}`),
			"default_vlan", 123, "lag_name", nil, "allowed_vlans", nil, "native_vlan", 200, "mode", "access", "description", "Ironic Port 1",
			"port_name", "Ethernet1/1", "switch_id", "aa:bb:cc:dd:ee:01")}, status: 200, wantReq: basePort()},
		{name: "repeated key takes the last value", x: exchange{body: strings.Replace(updatePortBody("", ""), `"native_vlan":200`, `"native_vlan":7,"native_vlan":200`, 1)}, status: 200, wantReq: basePort()},
		{name: "rpc.version of any value is ignored", x: exchange{body: strings.Replace(updatePortBody("", ""), `"rpc.version":"1.0"`, `"rpc.version":{"x":[1]}`, 1)}, status: 200, wantReq: basePort()},
		{name: "reset_port null native_vlan", x: exchange{body: rpcBody("reset_port", 10, "switch_id", "s", "port_name", "p", "native_vlan", nil, "allowed_vlans", nil, "default_vlan", nil, "context", ctx)},
			status: 200, wantReq: service.ResetPortRequest{SwitchID: "s", PortName: "p"}},

		// Ids are echoed in whatever form they came, as Python re-encodes them.
		{name: "id zero", x: exchange{body: rpcBody("delete_lag", 0, "switch_ids", []string{"a"}, "lag_name", "l", "context", ctx)}, status: 200,
			wantReq: service.DeleteLAGRequest{SwitchIDs: []string{"a"}, LAGName: "l"}},
		{name: "id float forms", x: exchange{body: `{"jsonrpc":"2.0","method":"nope","params":{},"id":1e2}`}, status: 200},
		{name: "id unicode", x: exchange{body: `{"jsonrpc":"2.0","method":"nope","params":{},"id":"réq-😀"}`}, status: 200},
		{name: "id object", x: exchange{body: `{"jsonrpc":"2.0","method":"nope","params":{},"id": {"b": [1, -0, 2.50], "a": "x", "b": true}}`}, status: 200},

		// Notifications: 204 and no body, whatever happens; the call still runs.
		{name: "notification ok", x: exchange{body: rpcBody("delete_lag", nil, "switch_ids", []string{"a"}, "lag_name", "l", "context", ctx)}, status: 204,
			wantReq: service.DeleteLAGRequest{SwitchIDs: []string{"a"}, LAGName: "l"}},
		{name: "notification with null id", x: exchange{body: `{"jsonrpc":"2.0","method":"delete_lag","params":{"switch_ids":["a"],"lag_name":"l","context":{}},"id":null}`}, status: 204,
			wantReq: service.DeleteLAGRequest{SwitchIDs: []string{"a"}, LAGName: "l"}},
		{name: "notification unknown method", x: exchange{body: rpcBody("nope", nil, "context", ctx)}, status: 204},
		{name: "notification bad params", x: exchange{body: rpcBody("reset_port", nil, "zzz", 1, "context", ctx)}, status: 204},
		{name: "notification type error", x: exchange{body: rpcBody("delete_lag", nil, "switch_ids", "a", "lag_name", "l", "context", ctx)}, status: 204},

		// Limits.
		{name: "nesting 26 deep", x: exchange{body: `{"jsonrpc":"2.0","method":"update_port","params":{"switch_id":` + nest(24) + `,"context":{}},"id":1}`}, status: 400},
		{name: "nesting 25 deep reaches the type check", x: exchange{body: strings.Replace(updatePortBody("", ""), `"aa:bb:cc:dd:ee:01"`, nest(23), 1)}, status: 200},
		{name: "brackets in strings do not count", x: exchange{body: updatePortBody("description", `"`+strings.Repeat("[{", 40)+`"`)}, status: 200,
			wantReq: port(func(r *service.UpdatePortRequest) { r.Description = ptr(strings.Repeat("[{", 40)) })},
		{name: "deep nesting is refused even when not JSON", x: exchange{body: nest(30)}, status: 400},
		{name: "GET on any path", x: exchange{method: http.MethodGet, path: "/v1/whatever"}, status: 405},
		{name: "PUT", x: exchange{method: http.MethodPut, body: updatePortBody("", "")}, status: 405},
	}
	var out strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb, base := newFake(t, Options{})
			resp, body := tt.x.do(t, base)
			out.WriteString("--- " + tt.name + "\n" + transcript(resp, body))
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status == 204 && len(body) != 0 {
				t.Errorf("a notification got a body: %s", body)
			}
			calls := fb.Calls()
			if tt.wantReq == nil {
				if len(calls) != 0 {
					t.Errorf("the backend was called for a refused request: %+v", calls[0].req)
				}
				return
			}
			if len(calls) != 1 {
				t.Fatalf("backend calls: %d, want 1 (reply %s)", len(calls), body)
			}
			if !reflect.DeepEqual(calls[0].req, tt.wantReq) {
				t.Errorf("backend got  %#v\nwant         %#v", calls[0].req, tt.wantReq)
			}
		})
	}
	golden(t, "badinput.golden", out.String())
}

// TestBodyLimit checks the size limit both from Content-Length and, for a
// chunked body without one, after reading.
func TestBodyLimit(t *testing.T) {
	fb, base := newFake(t, Options{MaxBodyBytes: 600})
	small := updatePortBody("", "")
	if len(small) > 600 {
		t.Fatalf("test body is %d bytes", len(small))
	}
	big := updatePortBody("description", `"`+strings.Repeat("x", 600)+`"`)
	for _, chunked := range []bool{false, true} {
		var r io.Reader = strings.NewReader(big)
		if chunked {
			r = io.MultiReader(r) // hides the length: sent chunked
		}
		req, _ := http.NewRequest(http.MethodPost, base, r)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || string(body) != replyTooLarge {
			t.Errorf("chunked=%v: %d %s", chunked, resp.StatusCode, body)
		}
	}
	resp, body := exchange{body: small}.do(t, base)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"result"`) {
		t.Errorf("a body within the limit: %d %s", resp.StatusCode, body)
	}
	if n := len(fb.Calls()); n != 1 {
		t.Errorf("backend calls %d, want 1 (only the small body)", n)
	}
}
