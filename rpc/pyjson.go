package rpc

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file writes JSON the way Ironic's server does: Python's
// json.dumps(value, separators=(",", ":")) with ensure_ascii, which is what
// webob's json_body produces. Go's encoder agrees on everything but two
// points, fixed here: Python escapes every non-ASCII character (and DEL) as
// \uXXXX, and Python prints floats with repr().

// pyMarshal encodes v as Python's compact, ASCII-only json.dumps would.
func pyMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return asciiEscape(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// pyString encodes s as a Python json.dumps string.
func pyString(s string) []byte {
	b, _ := pyMarshal(s) // a string always encodes
	return b
}

// asciiEscape rewrites DEL and every non-ASCII character of encoded JSON as
// \u escapes (UTF-16 surrogate pairs above U+FFFF). Such bytes only occur
// inside strings of valid JSON, so no string tracking is needed.
func asciiEscape(b []byte) []byte {
	i := bytes.IndexFunc(b, func(r rune) bool { return r >= 0x7f })
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			out = appendU(appendU(out, r1), r2)
			continue
		}
		out = appendU(out, r)
	}
	return out
}

func appendU(out []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(out, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}

// pyReencode rewrites one valid JSON value as Python would after a
// json.loads/json.dumps round trip: compact, ASCII-only, duplicate keys
// collapsed (first position, last value), numbers normalised. It is used for
// the request id, which Ironic echoes in whatever form it came.
func pyReencode(raw []byte) []byte {
	raw = bytes.TrimSpace(raw)
	switch jsonKind(raw) {
	case '{':
		obj, _ := decodeObject(raw)
		out := []byte{'{'}
		for i, m := range obj {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, pyString(m.key)...)
			out = append(out, ':')
			out = append(out, pyReencode(m.val)...)
		}
		return append(out, '}')
	case '[':
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		out := []byte{'['}
		for i, it := range items {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, pyReencode(it)...)
		}
		return append(out, ']')
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return pyString(s)
	case 'n', 't', 'f':
		return raw
	default:
		return []byte(pyNumber(string(raw)))
	}
}

// pyNumber renders a JSON number literal as Python's json.dumps(json.loads(lit)):
// integers keep every digit ("-0" becomes "0"), anything with a fraction or
// an exponent becomes a float printed with repr().
func pyNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		n, ok := new(big.Int).SetString(lit, 10)
		if !ok {
			return lit
		}
		return n.String()
	}
	f, _ := strconv.ParseFloat(lit, 64) // out of range gives ±Inf, as Python does
	return pyFloat(f)
}

// pyFloat is Python's repr(float) as json.dumps prints it.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e16 || a < 1e-4 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
