package rpc

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openmercury/mercury/service"
)

// FuzzDecodeRequest drives the whole JSON-RPC path behind the HTTP checks:
// envelope, Python-style binding, typed params, backend call, reply. The
// seed corpus is testdata/fuzz/FuzzDecodeRequest.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","method":"update_port","params":{"zzz":1,"context":{}},"id":8}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"get_switches","params":{"context":[]},"id":null}`))
	fb := &fakeBackend{}
	s, err := New(Options{Backend: fb, Auth: NewNoAuth()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > DefaultMaxBodyBytes || tooDeep(body, DefaultMaxDepth) {
			return // refused before decoding
		}
		fb.reset()
		o := s.call(context.Background(), body, service.Caller{Identity: "fuzz", RequestID: "mer-fuzz"})
		called := len(fb.Calls())
		if called > 1 {
			t.Fatalf("%d backend calls for one request", called)
		}
		if o.werr != nil && o.werr.code < -32000 && called != 0 {
			t.Fatalf("protocol error %d, yet the backend ran", o.werr.code)
		}
		if o.werr == nil && called != 1 {
			t.Fatalf("success without a backend call")
		}
		if o.reply == nil {
			if !o.notification {
				t.Fatal("no reply to a call with an id")
			}
			return
		}
		if !json.Valid(o.reply) {
			t.Fatalf("reply is not JSON: %s", o.reply)
		}
		if i := bytes.IndexFunc(o.reply, func(r rune) bool { return r >= 0x7f }); i >= 0 {
			t.Fatalf("reply is not ASCII at %d: %s", i, o.reply)
		}
		var env map[string]json.RawMessage
		if err := json.Unmarshal(o.reply, &env); err != nil {
			t.Fatal(err)
		}
		_, hasResult := env["result"]
		_, hasError := env["error"]
		if string(env["jsonrpc"]) != `"2.0"` || hasResult == hasError || env["id"] == nil {
			t.Fatalf("bad envelope: %s", o.reply)
		}
	})
}

// FuzzParseBasic checks the Authorization header parser: it never panics,
// refuses with one of Ironic's three messages, and what it accepts survives
// a round trip.
func FuzzParseBasic(f *testing.F) {
	f.Add("Basic Og==")
	f.Fuzz(func(t *testing.T, h string) {
		user, pass, err := parseBasic(h)
		if err != nil {
			switch m := err.Message; {
			case err.Status != 400:
				t.Fatalf("status %d", err.Status)
			case m == "Could not parse Authorization header", m == "Could not decode authorization token",
				strings.HasPrefix(m, `Unsupported authorization type "`):
			default:
				t.Fatalf("message %q", m)
			}
			return
		}
		again := "Basic " + base64.StdEncoding.EncodeToString(append([]byte(user+":"), pass...))
		u2, p2, err := parseBasic(again)
		if err != nil || u2 != user || !bytes.Equal(p2, pass) {
			t.Fatalf("round trip of %q: %q %q %v", h, u2, p2, err)
		}
	})
}
