// Package platform holds the simulated network operating systems: for each,
// a cli.Spec that reads as a table (prompts, banner, error texts, interface
// naming, then one row per command form) and the few handlers that differ
// from the shared IOS-like ones in dialect.go.
//
// The independent oracle for every platform is the set of command templates
// networking-generic-switch sends (reference/ngs.md, Appendix A): each
// platform accepts exactly those forms and reaches the documented state, and
// refuses near misses in its own words. Each file says which template each
// behaviour comes from, and which texts are documented vendor output and
// which are approximations. frr.go models FRR's vtysh for the Linux-based
// platforms (sonic, cumulus-nvue).
//
// Platforms: arista-eos, cisco-ios, cisco-nxos, dell-os10, juniper-junos,
// sonic, cumulus-nvue, dell-os9.
// Lookup builds one
// by name. It is not a driver: drivers live in drivers-wasm and only ever
// talk to these platforms over SSH.
package platform
