// Package abi holds the Mercury driver ABI v1 as Go: the constants that name
// exports, imports, operations, error codes and size caps (abi.go, mirrored
// by docs/abi.md and checked against it by a test), and the JSON message
// types exchanged with a driver for each operation (messages.go).
//
// Both sides import it: the host (runtime, hostfuncs, service) and the guest
// SDK (sdk), so the two cannot drift. It contains no wasm code.
package abi
