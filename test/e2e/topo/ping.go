package topo

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

// How long the ping helpers look before they judge. A VLAN change takes
// effect at once on OVS (ovs-vsctl waits for it) and on the UML bridge,
// but ARP and MAC learning need a moment, and the machine is shared.
const (
	reachWithin   = 5 * time.Second // Reachable: the first reply within this wins
	blockedWithin = 8 * time.Second // Blocked: must see blockedRun failures in a row within this
	blockedRun    = 3               // consecutive unanswered pings that make "blocked"
	pingWait      = "1"             // seconds each ping waits for its reply
)

// Ping sends one echo request from ns to ip and reports whether a reply
// came within a second.
func Ping(ctx context.Context, from *Netns, to netip.Addr) bool {
	_, err := from.Run(ctx, "ping", "-n", "-q", "-c", "1", "-W", pingWait, to.String())
	return err == nil
}

// Reachable fails the test unless from gets an echo reply from to within
// a few seconds (it retries until the first reply).
func Reachable(t testing.TB, from *Netns, to netip.Addr) {
	t.Helper()
	if !eventually(func(ctx context.Context) bool { return Ping(ctx, from, to) }, reachWithin, 1) {
		t.Fatalf("topo: %s cannot reach %s within %v; want reachable", from.name, to, reachWithin)
	}
}

// Blocked fails the test unless several pings in a row from from to to go
// unanswered within a few seconds: one lost ping is not isolation, and one
// answered ping just after a change is not a leak yet.
func Blocked(t testing.TB, from *Netns, to netip.Addr) {
	t.Helper()
	if !eventually(func(ctx context.Context) bool { return !Ping(ctx, from, to) }, blockedWithin, blockedRun) {
		t.Fatalf("topo: %s still reaches %s after %v; want blocked (%d unanswered pings in a row)", from.name, to, blockedWithin, blockedRun)
	}
}

// eventually reports whether probe holds n times in a row before within
// passes. The last attempt may start just before the deadline.
func eventually(probe func(context.Context) bool, within time.Duration, n int) bool {
	deadline := time.Now().Add(within)
	streak := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ok := probe(ctx)
		cancel()
		if ok {
			if streak++; streak >= n {
				return true
			}
		} else {
			streak = 0
		}
		if time.Now().After(deadline) {
			return false
		}
		if !ok {
			time.Sleep(100 * time.Millisecond)
		}
	}
}
