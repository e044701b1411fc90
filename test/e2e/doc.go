// Package e2e holds Mercury's real-peer tests: Mercury's own code path —
// service, runtime, the compiled driver, host functions, the SSH pool —
// against real OpenSSH servers and real switching datapaths (Open vSwitch's
// userspace netdev datapath, a VLAN-filtering Linux bridge in a
// user-mode-linux guest) in network namespaces the tests create, judged by
// ping and tcpdump. The topologies come from package topo.
//
// These tests need root; they skip loudly without it and fail under CI=true.
package e2e
