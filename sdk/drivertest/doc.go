// Package drivertest tests Mercury drivers, the start of the conformance
// kit.
//
// A Device is a scripted fake device: the exact commands a driver must send,
// in order, each with the output the device gives (a Script, written inline
// or read from a .script file of recorded device output). The same Device
// serves two paths:
//
//   - natively, through Host, which implements sdk.Host: the driver's Go
//     code runs under plain `go test`, fast and debuggable;
//   - through the real runtime, with Run: the compiled .wasm runs in wazero
//     with the real host functions, proving the driver works as shipped.
//
// Either way the test ends by checking that the driver sent exactly the
// scripted commands and no others.
package drivertest
