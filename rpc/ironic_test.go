package rpc

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

func ptr[T any](v T) *T { return &v }

func readRequest(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/ironic/" + name + ".request.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIronicSuccess sends what a conductor sends for each method and checks
// the reply byte for byte (update_port: the §2.5 example of the reference)
// and what the backend received.
func TestIronicSuccess(t *testing.T) {
	tests := []struct {
		method   string
		wantBody string // "" = the golden file
		wantReq  any
		wantCtx  *service.RequestContext
	}{
		{
			method:   "update_port",
			wantBody: `{"jsonrpc":"2.0","result":{"switch_id":"aa:bb:cc:dd:ee:01","port_name":"Ethernet1/1","description":"Ironic Port 5d1f0e4e-8a3c-4b9e-9f21-6c0d2a7b1e55","mode":"access","native_vlan":200,"allowed_vlans":[],"default_vlan":123,"lag_name":null,"status":"configured"},"id":"req-5717aff0-029f-491b-bdf2-00971eb928fe"}`,
			wantReq: service.UpdatePortRequest{SwitchID: "aa:bb:cc:dd:ee:01", PortName: "Ethernet1/1",
				Description: ptr("Ironic Port 5d1f0e4e-8a3c-4b9e-9f21-6c0d2a7b1e55"), Mode: ptr("access"),
				NativeVLAN: ptr(200), DefaultVLAN: ptr(123)},
			wantCtx: &service.RequestContext{RequestID: "req-5717aff0-029f-491b-bdf2-00971eb928fe", UserIdentity: "- - - - -"},
		},
		{
			method:   "reset_port",
			wantBody: `{"jsonrpc":"2.0","result":{"switch_id":"aa:bb:cc:dd:ee:01","port_name":"Ethernet1/1","description":"Default port configuration","mode":"access","native_vlan":200,"allowed_vlans":[],"default_vlan":123,"status":"reset"},"id":"req-0e0e2c4a-5b7c-4d51-8f8e-3f7f5b2b9a10"}`,
			wantReq:  service.ResetPortRequest{SwitchID: "aa:bb:cc:dd:ee:01", PortName: "Ethernet1/1", NativeVLAN: ptr(200), DefaultVLAN: ptr(123)},
			wantCtx: &service.RequestContext{User: "ironic", Project: "p-1", RequestID: "req-0e0e2c4a-5b7c-4d51-8f8e-3f7f5b2b9a10",
				GlobalRequestID: "req-global-1", UserIdentity: "ironic p-1 - - -"},
		},
		{
			method: "update_lag",
			wantReq: service.UpdateLAGRequest{SwitchIDs: []string{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}, LAGName: "bond-5d1f0e4e",
				Description: ptr("Ironic Portgroup 5d1f0e4e"), Mode: ptr("trunk"), NativeVLAN: ptr(200), AggregationMode: ptr("lacp"),
				AllowedVLANs: []int{200, 201, 202}, DefaultVLAN: ptr(123)},
			wantCtx: &service.RequestContext{RequestID: "req-1"},
		},
		{
			method:  "delete_lag",
			wantReq: service.DeleteLAGRequest{SwitchIDs: []string{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}, LAGName: "bond-5d1f0e4e"},
			wantCtx: &service.RequestContext{RequestID: "req-2"},
		},
		{
			method:  "get_switches",
			wantCtx: &service.RequestContext{RequestID: "req-3"},
		},
		{ // a Mercury method, through the same server and envelope
			method:   "get_allowed_network_types",
			wantBody: `{"jsonrpc":"2.0","result":["vlan"],"id":"req-4"}`,
			wantReq:  service.NetworkTypesRequest{SwitchID: "aa:bb:cc:dd:ee:01"},
			wantCtx:  &service.RequestContext{RequestID: "req-4"},
		},
		{
			method:  "is_link_valid",
			wantReq: service.LinkRequest{Link: service.Link{SwitchID: "aa:bb:cc:dd:ee:01", PortID: "swp99", SwitchInfo: "tor1"}},
			wantCtx: &service.RequestContext{RequestID: "req-5"},
		},
		{
			method:  "list_drivers",
			wantReq: service.ListDriversRequest{},
			wantCtx: &service.RequestContext{RequestID: "req-6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			var logs logBuffer
			fb := &fakeBackend{switches: map[string]service.SwitchInfo{
				"tor2": {SwitchID: "aa:bb:cc:dd:ee:02", DeviceName: "tor2", DeviceType: "sonic"},
				"tor1": {SwitchID: "aa:bb:cc:dd:ee:01", DeviceName: "tor1", DeviceType: "netmiko_dell_os10", AllowedVLANs: ptr("100,101,102")},
			}}
			_, base := newFake(t, Options{Backend: fb, Logger: logs.logger()})
			resp, body := exchange{body: readRequest(t, tt.method)}.do(t, base)
			if tt.wantBody != "" {
				if string(body) != tt.wantBody {
					t.Errorf("body\n got  %s\n want %s", body, tt.wantBody)
				}
			}
			golden(t, "ironic/"+tt.method+".reply.txt", transcript(resp, body))

			calls := fb.Calls()
			if len(calls) != 1 || calls[0].method != tt.method {
				t.Fatalf("backend calls %+v", calls)
			}
			c := calls[0]
			if !reflect.DeepEqual(c.req, tt.wantReq) {
				t.Errorf("backend got %#v\nwant %#v", c.req, tt.wantReq)
			}
			if !reflect.DeepEqual(c.caller.Context, tt.wantCtx) {
				t.Errorf("caller context %+v, want %+v", c.caller.Context, tt.wantCtx)
			}
			if c.caller.Identity != "anonymous" || c.caller.Method != tt.method || c.caller.Remote == "" ||
				c.caller.RequestID != resp.Header.Get("X-Request-Id") {
				t.Errorf("caller %+v (X-Request-Id %q)", c.caller, resp.Header.Get("X-Request-Id"))
			}
			if dl, ok := c.ctx.Deadline(); !ok || dl.IsZero() {
				t.Error("the backend call has no deadline")
			}
			log := logs.String()
			for _, secret := range []string{"SECRET-TOKEN", "auth_token", "Ethernet1/1", "bond-5d1f0e4e"} {
				if strings.Contains(log, secret) {
					t.Errorf("the log shows %q (params or the auth token):\n%s", secret, log)
				}
			}
			if !strings.Contains(log, c.caller.RequestID) || !strings.Contains(log, `"method":"`+tt.method+`"`) {
				t.Errorf("the log lacks the request id or method:\n%s", log)
			}
		})
	}
}

// TestIronicErrors checks the error replies of the reference's §2.5 byte
// for byte, and that each fault kind takes its row of the table.
func TestIronicErrors(t *testing.T) {
	const rid = `"req-5717aff0-029f-491b-bdf2-00971eb928fe"`
	allParams := []any{"switch_id", "aa:bb:cc:dd:ee:01", "port_name", "Ethernet1/1", "description", "d", "mode", "access",
		"native_vlan", 200, "allowed_vlans", nil, "lag_name", nil, "default_vlan", 123}
	ctx := []any{"context", map[string]any{"request_id": "req-5717aff0-029f-491b-bdf2-00971eb928fe"}}
	body := func(method string, kv ...any) string {
		return rpcBody(method, "req-5717aff0-029f-491b-bdf2-00971eb928fe", kv...)
	}
	tests := []struct {
		name    string
		body    string
		err     error
		want    string
		backend bool // whether the backend must have been called
	}{
		{
			name:    "InvalidParameterValue",
			body:    readRequest(t, "update_port"),
			err:     fault.New(fault.Invalid, "VLANs [200] are not allowed for update_port on switch aa:bb:cc:dd:ee:01. Allowed VLANs: [100, 101]"),
			want:    `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":400,"message":"VLANs [200] are not allowed for update_port on switch aa:bb:cc:dd:ee:01. Allowed VLANs: [100, 101]","data":{"class":"ironic.common.exception.InvalidParameterValue"}}}`,
			backend: true,
		},
		{
			name:    "SwitchNotFound",
			body:    readRequest(t, "update_port"),
			err:     fault.New(fault.NotFound, "Switch aa:bb:cc:dd:ee:99 could not be found or is not supported by any configured switch driver."),
			want:    `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":404,"message":"Switch aa:bb:cc:dd:ee:99 could not be found or is not supported by any configured switch driver.","data":{"class":"ironic.common.exception.SwitchNotFound"}}}`,
			backend: true,
		},
		{
			name:    "NetworkError update_port",
			body:    readRequest(t, "update_port"),
			err:     fault.New(fault.Device, "<driver error>"),
			want:    `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":500,"message":"Failed to configure network port: <driver error>","data":{"class":"ironic.common.exception.NetworkError"}}}`,
			backend: true,
		},
		{
			name:    "NetworkError reset_port",
			body:    body("reset_port", "switch_id", "s", "port_name", "p", "native_vlan", 5, "allowed_vlans", nil, "default_vlan", nil, "context", map[string]any{}),
			err:     fault.New(fault.Unreachable, "connection refused").WithDevice("tor-1"),
			want:    `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":500,"message":"Failed to reset network port: tor-1: connection refused","data":{"class":"ironic.common.exception.NetworkError"}}}`,
			backend: true,
		},
		{
			name: "method not found",
			body: body("foo", ctx...),
			want: `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":-32601,"message":"Method foo was not found"}}`,
		},
		{
			name: "unexpected keyword",
			body: body("update_port", append(append(append([]any{}, allParams...), "bogus", 1), ctx...)...),
			want: `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":-32602,"message":"Params switch_id, port_name, description, mode, native_vlan, allowed_vlans, lag_name, default_vlan, bogus, context are invalid for update_port: got an unexpected keyword argument 'bogus'"}}`,
		},
		{
			name: "missing argument",
			body: body("update_port", "switch_id", "aa:bb:cc:dd:ee:01", "bogus", 1, "context", map[string]any{}),
			want: `{"jsonrpc":"2.0","id":` + rid + `,"error":{"code":-32602,"message":"Params switch_id, bogus, context are invalid for update_port: missing a required argument: 'port_name'"}}`,
		},
		{
			name: "invalid JSON",
			body: `{"jsonrpc": "2.0", "method": "update_port", "params": {`,
			want: `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Invalid JSON received by RPC server"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := &fakeBackend{err: tt.err}
			_, base := newFake(t, Options{Backend: fb})
			resp, got := exchange{body: tt.body}.do(t, base)
			if string(got) != tt.want {
				t.Errorf("body\n got  %s\n want %s", got, tt.want)
			}
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if called := len(fb.Calls()) > 0; called != tt.backend {
				t.Errorf("backend called: %v, want %v", called, tt.backend)
			}
		})
	}
}

// TestErrorTable walks every fault kind through the one table.
func TestErrorTable(t *testing.T) {
	for k := fault.Internal; k <= fault.Conflict; k++ {
		err := fmt.Errorf("context: %w", fault.New(k, "boom"))
		we := toWire(err, "Failed to configure network port")
		var wantCode int
		var wantClass, wantMsg string
		switch k {
		case fault.Invalid, fault.Denied, fault.Conflict:
			wantCode, wantClass, wantMsg = 400, classInvalidParameterValue, "context: boom"
		case fault.NotFound:
			wantCode, wantClass, wantMsg = 404, classSwitchNotFound, "context: boom"
		default:
			wantCode, wantClass, wantMsg = 500, classNetworkError, "Failed to configure network port: context: boom"
		}
		if we.code != wantCode || we.class != wantClass || we.message != wantMsg || we.kind != k {
			t.Errorf("%v: got %d %s %q kind %v", k, we.code, we.class, we.message, we.kind)
		}
	}
	we := toWire(errors.New("plain"), "Failed to reset network port")
	if we.code != 500 || we.class != classNetworkError || we.message != "Failed to reset network port: plain" || we.kind != fault.Internal {
		t.Errorf("plain error: %+v", we)
	}
}

// TestFaultKindInLog checks that the log keeps the fault kind and device
// behind a NetworkError, which the wire flattens to 500.
func TestFaultKindInLog(t *testing.T) {
	var logs logBuffer
	fb := &fakeBackend{err: fault.New(fault.HostKey, "host key changed").WithDevice("tor-1").WithPort("Ethernet1/1")}
	_, base := newFake(t, Options{Backend: fb, Logger: logs.logger()})
	exchange{body: readRequest(t, "update_port")}.do(t, base)
	log := logs.String()
	for _, want := range []string{`"kind":"host_key"`, `"device":"tor-1"`, `"code":500`, `"level":"ERROR"`, `"ironic_request_id":"req-5717aff0-029f-491b-bdf2-00971eb928fe"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}
