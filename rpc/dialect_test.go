package rpc

import (
	"context"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

// The Mercury API joins the table through mercury(); this checks the helper
// with a stand-in method until the service grows the real ones.

type echoRequest struct {
	Link    service.Link     `json:"link"`
	Network *service.Network `json:"network"`
	DryRun  bool             `json:"dry_run"`
}

type echoResult struct {
	Port   string `json:"port"`
	DryRun bool   `json:"dry_run"`
}

func TestMercuryMethod(t *testing.T) {
	var got echoRequest
	var caller service.Caller
	var fail error
	echo := func(_ Backend, _ context.Context, c service.Caller, r echoRequest) (echoResult, error) {
		got, caller = r, c
		return echoResult{Port: r.Link.PortID, DryRun: r.DryRun}, fail
	}
	s, err := newServer(Options{Backend: &fakeBackend{}, Auth: NewNoAuth()}, []method{mercury("attach_port", "Failed to attach port", echo)})
	if err != nil {
		t.Fatal(err)
	}
	base := testServer(t, s)
	link := map[string]any{"switch_id": "tor-1", "port_id": "Ethernet1"}
	tests := []struct {
		name string
		body string
		err  error
		want string
	}{
		{"ok", rpcBody("attach_port", 1, "link", link, "dry_run", true, "rpc.version", "1.0", "context", map[string]any{"request_id": "req-9"}),
			nil, `{"jsonrpc":"2.0","result":{"port":"Ethernet1","dry_run":true},"id":1}`},
		{"context optional", rpcBody("attach_port", 2, "link", link),
			nil, `{"jsonrpc":"2.0","result":{"port":"Ethernet1","dry_run":false},"id":2}`},
		{"unknown param", rpcBody("attach_port", 3, "link", link, "colour", "red"),
			nil, `{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Params link, colour are invalid for attach_port: got an unexpected keyword argument 'colour'"}}`},
		{"wrong type", rpcBody("attach_port", 4, "link", map[string]any{"switch_id": "tor-1", "port_id": 7}),
			nil, `{"jsonrpc":"2.0","id":4,"error":{"code":400,"message":"link.port_id must be a string","data":{"class":"ironic.common.exception.InvalidParameterValue"}}}`},
		{"wrong type, pointer", rpcBody("attach_port", 5, "network", "vlan"),
			nil, `{"jsonrpc":"2.0","id":5,"error":{"code":400,"message":"network must be an object","data":{"class":"ironic.common.exception.InvalidParameterValue"}}}`},
		{"context not a dict", rpcBody("attach_port", 6, "link", link, "context", 1),
			nil, `{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"Context must be a dictionary, if provided"}}`},
		{"backend error", rpcBody("attach_port", 7, "link", link),
			fault.New(fault.Busy, "tor-1 is locked"), `{"jsonrpc":"2.0","id":7,"error":{"code":500,"message":"Failed to attach port: tor-1 is locked","data":{"class":"ironic.common.exception.NetworkError"}}}`},
	}
	for _, tt := range tests {
		fail = tt.err
		_, body := exchange{body: tt.body}.do(t, base)
		if string(body) != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.name, body, tt.want)
		}
	}
	fail = nil
	exchange{body: tests[0].body}.do(t, base)
	if got.Link.SwitchID != "tor-1" || !got.DryRun || caller.Method != "attach_port" || caller.Context == nil || caller.Context.RequestID != "req-9" {
		t.Errorf("request %+v, caller %+v", got, caller)
	}
}
