// Package rpc is Mercury's JSON-RPC 2.0 front door: the HTTP server, the
// request decoder, caller authentication (noauth, htpasswd bcrypt, mutual
// TLS), the method table, and the Ironic wire dialect that lets an
// unmodified Ironic conductor call Mercury as if it were Ironic's standalone
// networking service.
//
// Where a request goes is answered by two files: server.go holds every HTTP
// route, methods.go every JSON-RPC method. Errors reach the wire through one
// table (errors.go) that maps each fault.Kind to a JSON-RPC code and an
// ironic.common.exception class.
//
// Replies are written byte for byte as Ironic's Python server writes them
// (compact separators, ASCII-only strings, Python's TypeError texts for bad
// keyword arguments), because the conductor's client and operators' tooling
// compare against that server.
//
// It is not the service: it checks the shape and JSON types of parameters
// and nothing else. Ranges, names, policy and device resolution belong to
// the Backend (package service), which receives exactly the values sent.
package rpc
