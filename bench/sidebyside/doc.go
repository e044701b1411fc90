// Package sidebyside measures Mercury against what networking-generic-switch
// (NGS) does today, on one real peer: an Open vSwitch (userspace netdev
// datapath) in a network namespace, driven over OpenSSH with sudo
// ovs-vsctl, built by test/e2e/topo.
//
// One test, TestSideBySide, times the same access-port attach (move swp1
// to the other of two VLANs) seven ways and prints one table of medians
// and ratios to Mercury's warm attach:
//
//  1. netmiko (Debian python3-netmiko, as NGS uses it) with its defaults:
//     ConnectHandler(device_type="linux"), the ovs driver's read and set
//     commands with send_command, disconnect;
//  2. the same with fast_cli=True;
//  3. raw x/crypto/ssh, a fresh connection per attach, the two commands
//     on exec channels (the floor for a cold attach);
//  4. raw x/crypto/ssh on a kept connection (the floor for a warm one);
//  5. Mercury's service with a new SSH pool per attach (cold);
//  6. Mercury's service with its pooled connection (warm);
//  7. `mercury serve` called through JSON-RPC by Ironic's own client
//     (Debian python3-ironic), warm.
//
// The paths take turns, one attach each per round, so a slow moment of a
// shared machine spreads over all of them. The Python paths run in
// long-lived worker processes (testdata/) that time only the operation,
// not their start-up. After every attach the test reads the port's tag
// back from the switch (not timed), so every path is checked to have
// really done the work.
//
// Without flags the test makes 3 attaches per path and asserts only that
// every path worked, never a timing; it runs in CI. The measurement:
//
//	make bench-side
//	go test ./bench/sidebyside -run TestSideBySide -v -count=1 -sidebyside
//
// (-sidebyside makes 21 attaches per path; -sidebyside.runs=N sets N.)
// Every path logs in by password, as the inventory and NGS do by default;
// -sidebyside.key makes every path log in with the test user's key.
// With -sidebyside.wire a tcpdump of the management link splits each
// attach's time into the client's share and the device's, printed as a
// second table.
// It needs root (namespaces, sshd, Open vSwitch), /usr/bin/python3 with
// python3-netmiko and python3-ironic, htpasswd, and tcpdump for
// -sidebyside.wire. Figures and the
// machine they were taken on are in docs/performance.md, "Side by side
// with netmiko".
package sidebyside
