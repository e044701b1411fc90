// Package sdk is what a Mercury driver author imports. A driver is a Go
// package main built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o NAME.wasm .
//
// that registers its operations once, in init:
//
//	func init() {
//		sdk.Handle(&sdk.Driver{
//			Info:    sdk.Description{Name: "ovs", Version: "1.0.0", ...},
//			SetPort: setPort,
//			ReadPort: readPort,
//		})
//	}
//	func main() {}
//
// Each operation is a typed function taking a Host (settings, log, sessions
// to the request's device, sleep) and the decoded request. The SDK owns
// every wasm export and import (guest_wasm.go), decodes requests, encodes
// responses, turns host error codes into *Error values and recovers panics
// into errors, so a driver contains no ABI code.
//
// Before an operation's function runs, the SDK refuses (kind "invalid")
// a request no device could take: a port name outside Info.PortPattern, a
// VLAN outside 1-4094, a VNI outside 1-16777215, an unknown port mode, or a
// control character in a description or name. A handler therefore never
// opens a session for such a request.
//
// Built natively (without GOOS=wasip1), the same driver code runs under
// plain `go test`: Dispatch invokes an operation against any Host, and
// package sdk/drivertest provides a scripted fake one.
//
// The SDK is not the host: it never sees credentials or addresses, and it
// cannot choose which device a session reaches.
package sdk
