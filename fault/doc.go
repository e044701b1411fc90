// Package fault is Mercury's one error type: an Error carries a Kind that
// callers branch on (the JSON-RPC layer maps each Kind to a wire code), the
// device and port it concerns, a message an operator can act on, and the
// wrapped cause.
//
// It is not a logging or reporting package: library code returns these
// errors and never prints them.
package fault
