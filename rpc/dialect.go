package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
)

// method is one row of the method table.
type method struct {
	name    string
	failure string // prefix of a NetworkError message: "Failed to configure network port"
	// bind checks params and returns the call to make, or the error to
	// answer: a *wireError (-32602) or an Invalid fault (a JSON type error).
	bind func(params object) (bound, error)
	sig  *pySig // the Python signature, for Ironic-dialect methods
	// dryRun says how a Mercury-API method takes dry_run (every one does);
	// noDryRun for the Ironic dialect, whose signatures are Ironic's.
	dryRun dryRunUse
}

// bound is a call ready to run.
type bound struct {
	context *service.RequestContext // Ironic's params.context, when sent
	invoke  invoker
}

// invoker runs one bound call against the backend.
type invoker func(ctx context.Context, b Backend, c service.Caller) (any, error)

// bindStyle says how Python binds a method's keyword arguments.
type bindStyle bool

const (
	direct  bindStyle = false // a plain method: CPython's call check
	wrapped bindStyle = true  // behind validate_vlan_configuration: inspect.Signature.bind
)

// dryRunUse is how a method takes the dry_run parameter.
type dryRunUse uint8

const (
	noDryRun    dryRunUse = iota // not a parameter (the Ironic dialect)
	passDryRun                   // the request has a dry_run field: the service acts on it
	readOnlyDry                  // the method only reads: dry_run is accepted, checked and dropped
	badDryRun                    // a Mercury method that breaks the rule: New refuses the table
)

// networkingManager is the class whose methods the Ironic dialect mirrors.
const networkingManager = "NetworkingManager"

// ironic builds an Ironic-dialect method: spec is the Python signature of
// NetworkingManager.<name> (without self), conv reads the typed arguments.
func ironic(name string, style bindStyle, spec, failure string, conv func(*args) invoker) method {
	return pyMethod(networkingManager, name, style, spec, failure, conv)
}

// pyMethod is ironic with the Python class named (tests mirror Ironic's own
// reference server, whose class is another).
func pyMethod(class, name string, style bindStyle, spec, failure string, conv func(*args) invoker) method {
	sig := parsePySig(class+"."+name, spec, bool(style))
	return method{name: name, failure: failure, sig: &sig, bind: func(params object) (bound, error) {
		// Ironic's _handle_requests: pop rpc.version, pop context (a dict
		// if present), then call func(**params, context=ctx).
		params = params.without("rpc.version")
		var b bound
		keys := params.without("context").keys()
		if raw, ok := params.get("context"); ok {
			if jsonKind(raw) != '{' {
				return b, errInvalidParams("Context must be a dictionary, if provided")
			}
			b.context = ironicContext(raw)
			keys = append(keys, "context")
		}
		if msg := sig.bind(keys); msg != "" {
			return b, errInvalidParams(fmt.Sprintf("Params %s are invalid for %s: %s", strings.Join(keys, ", "), name, msg))
		}
		a := newArgs(params)
		b.invoke = conv(a)
		return b, a.err
	}}
}

// ironicContext keeps the audit-worthy part of Ironic's params.context.
// auth_token (a keystone token in clear) and auth_token_info are never read.
// Values that are not strings are ignored.
func ironicContext(raw json.RawMessage) *service.RequestContext {
	obj, _ := decodeObject(raw)
	str := func(keys ...string) string {
		for _, k := range keys {
			var s string
			if v, ok := obj.get(k); ok && jsonKind(v) == '"' && json.Unmarshal(v, &s) == nil && s != "" {
				return s
			}
		}
		return ""
	}
	return &service.RequestContext{
		User:            str("user", "user_id"),
		Project:         str("project_id", "project", "tenant"),
		RequestID:       str("request_id"),
		GlobalRequestID: str("global_request_id"),
		UserIdentity:    str("user_identity"),
	}
}

// mercury builds a Mercury-API method from a Backend method expression, so
// adding one is one line of the table:
//
//	mercury("attach_port", "Failed to attach port", Backend.AttachPort),
//
// Params other than context and rpc.version decode into Req by their json
// tags. An unknown param is -32602, as in the Ironic dialect; a wrong JSON
// type is an Invalid fault naming the param; missing and range checks are
// the service's.
//
// Every Mercury method takes dry_run: Req has a dry_run field, which the
// service acts on, or the method is built with mercuryRead.
func mercury[Req, Res any](name, failure string, call func(Backend, context.Context, service.Caller, Req) (Res, error)) method {
	use := badDryRun
	if hasJSONField(reflect.TypeFor[Req](), "dry_run") {
		use = passDryRun
	}
	return mercuryMethod(name, failure, use, call)
}

// mercuryRead builds a Mercury method that only reads. It takes dry_run
// like every Mercury method, a boolean or null, which changes nothing: the
// method changes nothing anyway, and Req (which must not have a dry_run
// field) never sees it.
func mercuryRead[Req, Res any](name, failure string, call func(Backend, context.Context, service.Caller, Req) (Res, error)) method {
	use := readOnlyDry
	if hasJSONField(reflect.TypeFor[Req](), "dry_run") {
		use = badDryRun
	}
	return mercuryMethod(name, failure, use, call)
}

func mercuryMethod[Req, Res any](name, failure string, use dryRunUse, call func(Backend, context.Context, service.Caller, Req) (Res, error)) method {
	return method{name: name, failure: failure, dryRun: use, bind: func(params object) (bound, error) {
		params = params.without("rpc.version")
		var b bound
		if raw, ok := params.get("context"); ok {
			if jsonKind(raw) != '{' {
				return b, errInvalidParams("Context must be a dictionary, if provided")
			}
			b.context = ironicContext(raw)
		}
		rest := params.without("context")
		keys := rest.keys()
		if use == readOnlyDry {
			if raw, ok := rest.get("dry_run"); ok {
				if k := jsonKind(raw); k != 't' && k != 'f' && k != 'n' {
					return b, fault.New(fault.Invalid, "dry_run must be a boolean")
				}
				rest = rest.without("dry_run")
			}
		}
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i, m := range rest {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(pyString(m.key))
			buf.WriteByte(':')
			buf.Write(m.val)
		}
		buf.WriteByte('}')
		var req Req
		dec := json.NewDecoder(&buf)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return b, mercuryDecodeError(name, keys, err)
		}
		b.invoke = func(ctx context.Context, be Backend, c service.Caller) (any, error) {
			return call(be, ctx, c, req)
		}
		return b, nil
	}}
}

// mercuryDecodeError turns a json decode error into the reply: an unknown
// field is -32602, a type mismatch an Invalid fault.
func mercuryDecodeError(name string, keys []string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "params"
		}
		return fault.New(fault.Invalid, "%s must be %s", field, jsonTypeName(te.Type))
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		msg = "got an unexpected keyword argument " + strings.ReplaceAll(f, `"`, "'")
	}
	return errInvalidParams(fmt.Sprintf("Params %s are invalid for %s: %s", strings.Join(keys, ", "), name, msg))
}

// jsonTypeName names a Go type the way a JSON caller thinks of it.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// hasJSONField reports whether struct type t decodes a JSON member name.
func hasJSONField(t reflect.Type, name string) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || tag == "" && strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}
