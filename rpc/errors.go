package rpc

import (
	"strconv"

	"github.com/openmercury/mercury/fault"
)

// The ironic.common.exception classes Mercury answers with. Ironic's client
// re-raises an error as the class named in error.data.class.
const (
	classInvalidParameterValue = "ironic.common.exception.InvalidParameterValue"
	classSwitchNotFound        = "ironic.common.exception.SwitchNotFound"
	classNetworkError          = "ironic.common.exception.NetworkError"
)

// The JSON-RPC protocol error codes (Ironic's JsonRpcError subclasses).
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
)

// Mercury's own codes, in JSON-RPC's range for server errors; only /ws
// answers them (ws.go).
const (
	codeBusy   = -32000 // the connection has its limit of calls running and waiting
	codeNotRun = -32001 // the connection ended before a waiting call started
)

// ironicError is the one table from a fault kind to the wire: the JSON-RPC
// error code (Ironic's HTTP-like exception code), the Ironic exception class,
// and whether the message gets the method's "Failed to ..." prefix, as
// Ironic's NetworkingManager wraps every unexpected exception.
//
//	kind                        code  class                   message
//	invalid, denied, conflict   400   InvalidParameterValue   unchanged
//	not_found                   404   SwitchNotFound          unchanged
//	any other                   500   NetworkError            "<failure>: <error>"
func ironicError(k fault.Kind) (code int, class string, prefixed bool) {
	switch k {
	case fault.Invalid, fault.Denied, fault.Conflict:
		return 400, classInvalidParameterValue, false
	case fault.NotFound:
		return 404, classSwitchNotFound, false
	default:
		return 500, classNetworkError, true
	}
}

// wireError is one JSON-RPC error reply.
type wireError struct {
	code    int
	message string
	class   string     // error.data.class; "" for protocol errors, which carry no data
	kind    fault.Kind // for the log: the fault kind behind the reply
	cause   error      // for the log; nil for protocol errors
}

func (e *wireError) Error() string { return e.message }

// toWire maps an error returned while binding or running method m through
// the kind table. A *wireError passes unchanged.
func toWire(err error, failure string) *wireError {
	if we, ok := err.(*wireError); ok {
		return we
	}
	k := fault.KindOf(err)
	code, class, prefixed := ironicError(k)
	msg := err.Error()
	if prefixed {
		msg = failure + ": " + msg
	}
	return &wireError{code: code, message: msg, class: class, kind: k, cause: err}
}

// label is the error's value of the code metric label.
func (e *wireError) label() string { return strconv.Itoa(e.code) }

func errParse() *wireError {
	return &wireError{code: codeParseError, message: "Invalid JSON received by RPC server", kind: fault.Invalid}
}

func errInvalidRequest() *wireError {
	return &wireError{code: codeInvalidRequest, message: "Invalid request object received by RPC server", kind: fault.Invalid}
}

func errMethodNotFound(name string) *wireError {
	return &wireError{code: codeMethodNotFound, message: "Method " + name + " was not found", kind: fault.NotFound}
}

func errNotRun() *wireError {
	return &wireError{code: codeNotRun, kind: fault.Busy,
		message: "The WebSocket connection is closing (the server stops, or the connection failed); the call was waiting and was not run: send it again on a new connection"}
}

func errInvalidParams(msg string) *wireError {
	return &wireError{code: codeInvalidParams, message: msg, kind: fault.Invalid}
}

// errorBody is a JSON-RPC error reply as Ironic writes it: jsonrpc, id,
// error{code, message[, data{class}]}, in that order.
func errorBody(id []byte, e *wireError) []byte {
	b := make([]byte, 0, 128+len(e.message))
	b = append(b, `{"jsonrpc":"2.0","id":`...)
	b = append(b, id...)
	b = append(b, `,"error":{"code":`...)
	b = strconv.AppendInt(b, int64(e.code), 10)
	b = append(b, `,"message":`...)
	b = append(b, pyString(e.message)...)
	if e.class != "" {
		b = append(b, `,"data":{"class":`...)
		b = append(b, pyString(e.class)...)
		b = append(b, '}')
	}
	return append(b, "}}"...)
}

// resultBody is a JSON-RPC success reply as Ironic writes it: jsonrpc,
// result (always present, null included), id.
func resultBody(id, result []byte) []byte {
	b := make([]byte, 0, 40+len(result)+len(id))
	b = append(b, `{"jsonrpc":"2.0","result":`...)
	b = append(b, result...)
	b = append(b, `,"id":`...)
	b = append(b, id...)
	return append(b, '}')
}
