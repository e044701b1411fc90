package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// TestLAGBond: a server bonds two links (an OVS bond running LACP, as this
// kernel has no bonding driver) to swp2 and swp3 of a switch OVS; a second
// server sits on swp1. Through `mercury serve`, attach_port with a port
// group makes swp2+swp3 one LACP bond on the switch and puts it on VLAN
// 100: ping passes, and keeps passing with either member down. Detaching
// the group gives the members their own ports back, parked.
func TestLAGBond(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	srv := sw.AddBondedServer(t, "bonded", topo.Bond{Mode: topo.BalanceTCP, LACP: true}, "swp2", "swp3")
	b := sw.Server(t, "swp1")
	sw.Vsctl(t, "set", "port", "swp1", "tag=4095", "--", "set", "port", "swp2", "tag=4095", "--", "set", "port", "swp3", "tag=4095")

	port := freePort(t)
	cfg, _ := writeInventory(t, fmt.Sprintf("  listen: 127.0.0.1:%d\n", port),
		device{name: "tor-1", mac: "52:54:00:aa:00:41", driver: "ovs", sw: sw.SSH(),
			extra: "    options:\n      db: " + strings.TrimPrefix(sw.DB(), "unix:") + "\n"})
	topo.Serve(t, topo.MercuryBinary(t), cfg, fmt.Sprintf("127.0.0.1:%d", port))
	link := func(p string) map[string]any { return map[string]any{"switch_id": "tor-1", "port_id": p} }
	vlan := map[string]any{"type": "vlan", "segmentation_id": 100}
	group := map[string]any{"name": "bonded-srv", "mode": "lacp", "links": []any{link("swp3")}}
	call := mustCall(t, port)
	linkState := func(iface, state string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if out, err := sw.NS().Run(ctx, "ip", "link", "set", iface, state); err != nil {
			t.Fatalf("ip link set %s %s: %v %s", iface, state, err, out)
		}
	}

	call("attach_port", map[string]any{"link": link("swp1"), "network": vlan})
	topo.Blocked(t, srv.NS, b.IP)
	if res := call("attach_port", map[string]any{"link": link("swp2"), "network": vlan, "port_group": group}); res["changed"] != true {
		t.Fatalf("attach the port group: %v", res)
	}
	if got := sw.Vsctl(t, "get", "port", "bonded-srv", "lacp", "tag"); got != "active\n100" {
		t.Fatalf("bond port: %q, want lacp active, tag 100", got)
	}
	topo.Reachable(t, srv.NS, b.IP)
	if res := call("attach_port", map[string]any{"link": link("swp2"), "network": vlan, "port_group": group}); res["changed"] != false {
		t.Fatalf("a repeated port-group attach changed something: %v", res)
	}
	for _, member := range []string{"swp2", "swp3"} {
		linkState(member, "down")
		topo.Reachable(t, srv.NS, b.IP)
		linkState(member, "up")
	}

	if res := call("detach_port", map[string]any{"link": link("swp2"), "port_group": group}); res["changed"] != true {
		t.Fatalf("detach the port group: %v", res)
	}
	topo.Blocked(t, srv.NS, b.IP)
	for _, member := range []string{"swp2", "swp3"} {
		if got := sw.Vsctl(t, "get", "port", member, "tag"); got != "4095" {
			t.Fatalf("%s after the group's detach: tag %s, want parked on 4095", member, got)
		}
	}
}
