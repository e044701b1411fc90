// Package bench holds Mercury's load benchmarks against simulated vendor
// switches: many ports on one switch in a row, and many attaches over many
// switches at several concurrencies. The simulators run in a child
// process (this test binary, re-executed), so the CPU time and memory the
// benchmarks report are Mercury's alone.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench
//
// Figures and the machine they were taken on are in docs/performance.md.
package bench
