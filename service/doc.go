// Package service is Mercury's operations: it validates every identifier
// before any device I/O, resolves the device (switch_id against each
// device's mac, then its name), applies policy (allowed and denied VLANs,
// protected ports, caller scopes), takes the device lock, calls the device's
// driver through the runtime, and writes one audit record and the metrics.
//
// It speaks Go types, not JSON-RPC: package rpc decodes requests into the
// types in types.go and encodes the results. It keeps no state between
// calls beyond the loaded configuration, drivers and connection pools.
package service
