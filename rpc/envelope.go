package rpc

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// request is a decoded JSON-RPC request envelope.
type request struct {
	id     json.RawMessage // nil when the request has no "id"
	method string
	params object
}

// notification reports whether no reply is owed: Ironic's server treats a
// missing and a null id alike (request_id is None).
func (r *request) notification() bool {
	return r.id == nil || jsonKind(r.id) == 'n'
}

// decodeRequest checks an envelope the way Ironic's server does, in the same
// order, and returns the protocol error it would give. The request is
// returned with the error whenever the body was an object, so the reply can
// echo its id.
func decodeRequest(body []byte) (*request, *wireError) {
	// Python decodes the body as UTF-8 before parsing; invalid UTF-8 fails
	// there, with the same error as invalid JSON.
	if !utf8.Valid(body) || !json.Valid(body) {
		return nil, errParse()
	}
	top, ok := decodeObject(body)
	if !ok {
		return nil, errInvalidRequest() // an array (batch), a string, a number...
	}
	req := &request{}
	req.id, _ = top.get("id")
	if v, ok := top.get("jsonrpc"); !ok || !isString(v, "2.0") {
		return req, errInvalidRequest()
	}
	// Ironic only asks for a truthy method; Mercury also insists on a
	// string (Ironic would answer a number with -32601 and a list with a
	// Python crash).
	v, ok := top.get("method")
	if !ok || jsonKind(v) != '"' {
		return req, errInvalidRequest()
	}
	if _ = json.Unmarshal(v, &req.method); req.method == "" {
		return req, errInvalidRequest()
	}
	req.params = object{}
	if v, ok := top.get("params"); ok {
		if req.params, ok = decodeObject(v); !ok {
			return req, errInvalidRequest()
		}
	}
	return req, nil
}

// member is one key of a JSON object.
type member struct {
	key string
	val json.RawMessage
}

// object is a JSON object with its keys in order, as a Python dict keeps
// them: a repeated key keeps its first position and takes its last value.
type object []member

// decodeObject decodes raw, which must be valid JSON, as an object; ok is
// false when raw is another kind of value.
func decodeObject(raw []byte) (object, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	o := object{}
	var index map[string]int
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false
		}
		if index == nil {
			index = map[string]int{}
		}
		if i, dup := index[key]; dup {
			o[i].val = val
			continue
		}
		index[key] = len(o)
		o = append(o, member{key, val})
	}
	return o, true
}

// get returns the value of key.
func (o object) get(key string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// without returns o less the given keys (o is not changed).
func (o object) without(keys ...string) object {
	out := make(object, 0, len(o))
	for _, m := range o {
		drop := false
		for _, k := range keys {
			drop = drop || m.key == k
		}
		if !drop {
			out = append(out, m)
		}
	}
	return out
}

// keys returns the keys in order.
func (o object) keys() []string {
	ks := make([]string, len(o))
	for i, m := range o {
		ks[i] = m.key
	}
	return ks
}

// jsonKind returns the first byte of a JSON value: '{', '[', '"', 't', 'f',
// 'n', or a digit or '-' for a number; 0 when raw is empty.
func jsonKind(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// isString reports whether raw is the JSON string s (in any escaping).
func isString(raw []byte, s string) bool {
	var got string
	return jsonKind(raw) == '"' && json.Unmarshal(raw, &got) == nil && got == s
}

// tooDeep reports whether body nests objects and arrays more than max levels
// deep, counted as Ironic's JsonDepthMiddleware counts them: a single scan
// over the raw bytes, before any parsing, skipping brackets inside strings.
// The top-level object is level 1.
func tooDeep(body []byte, max int) bool {
	depth := 0
	inString, escaped := false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}
