package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// TestDPUAttach: a switch OVS and a DPU OVS whose uplink p0 is cabled to
// the switch's trunk swp10; server A behind the DPU's representor pf0hpf,
// server C behind pf0vf0, server B on the switch's swp1. Through `mercury
// serve` over HTTP: attaching the representor puts the VLAN on the uplink
// trunk, then the representor on it, and ping passes; detaching one
// representor keeps the VLAN on the uplink while the other still carries
// it, and the last detach takes it off; a DPU that fails mid-attach (its
// ovsdb-server stopped) leaves the uplink as it was, and the error says
// what was undone.
func TestDPUAttach(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	dpu := topo.NewOVSSwitch(t, lab, "dpu", topo.OVSConfig{SSH: true})
	a, c := dpu.AddServer(t, "pf0hpf"), dpu.AddServer(t, "pf0vf0")
	b := sw.Server(t, "swp1")
	topo.Trunk(t, sw, "swp10", dpu, "p0")
	// The operator's baseline: the uplink is a trunk carrying VLAN 10 (say,
	// the DPU's own traffic); every server port is parked.
	sw.Vsctl(t, "set", "port", "swp10", "vlan_mode=trunk", "trunks=10", "--", "set", "port", "swp1", "tag=4095")
	dpu.Vsctl(t, "set", "port", "pf0hpf", "tag=4095", "--", "set", "port", "pf0vf0", "tag=4095")
	trunks := func() string { return sw.Vsctl(t, "get", "port", "swp10", "trunks") }

	port := freePort(t)
	cfg, _ := writeInventory(t, fmt.Sprintf("  listen: 127.0.0.1:%d\n", port),
		device{name: "tor-1", mac: "52:54:00:aa:00:31", driver: "ovs", sw: sw.SSH(),
			extra: "    options:\n      db: " + strings.TrimPrefix(sw.DB(), "unix:") + "\n"},
		device{name: "dpu-1", mac: "52:54:00:aa:00:32", driver: "dpu-ovs", sw: dpu.SSH(),
			extra: "    uplink:\n      device: tor-1\n      port: swp10\n    options:\n      db: " + strings.TrimPrefix(dpu.DB(), "unix:") + "\n"},
	)
	topo.Serve(t, topo.MercuryBinary(t), cfg, fmt.Sprintf("127.0.0.1:%d", port))
	link := func(dev, p string) map[string]any { return map[string]any{"switch_id": dev, "port_id": p} }
	vlan := func(v int) map[string]any { return map[string]any{"type": "vlan", "segmentation_id": v} }
	call := mustCall(t, port)

	if res, _ := mercuryCall(t, port, "is_port_supported", map[string]any{"link": link("dpu-1", "pf0vf0"), "vnic_type": "smart-nic"}); res["supported"] != true {
		t.Fatalf("is_port_supported pf0vf0 smart-nic: %v", res)
	}
	call("attach_port", map[string]any{"link": link("tor-1", "swp1"), "network": vlan(100)})
	topo.Blocked(t, a.NS, b.IP)
	// A dry run changes nothing, yet shows both devices' commands.
	res := call("attach_port", map[string]any{"link": link("dpu-1", "pf0hpf"), "network": vlan(100), "dry_run": true})
	if steps, _ := res["steps"].([]any); len(steps) != 2 || trunks() != "[10]" {
		t.Fatalf("dry run: %v; uplink trunks %s", res, trunks())
	}
	res = call("attach_port", map[string]any{"link": link("dpu-1", "pf0hpf"), "network": vlan(100)})
	if steps, _ := res["steps"].([]any); res["changed"] != true || len(steps) != 2 {
		t.Fatalf("attach pf0hpf: %v, want two changed steps (uplink, representor)", res)
	}
	if got := trunks(); got != "[10, 100]" {
		t.Fatalf("uplink trunks %s after the attach, want [10, 100]", got)
	}
	topo.Reachable(t, a.NS, b.IP)
	topo.Blocked(t, c.NS, b.IP)

	res = call("attach_port", map[string]any{"link": link("dpu-1", "pf0vf0"), "network": vlan(100)})
	if steps, _ := res["steps"].([]any); len(steps) != 1 {
		t.Fatalf("second representor: %v, want one step (the uplink already carries 100)", res)
	}
	topo.Reachable(t, c.NS, b.IP)

	call("detach_port", map[string]any{"link": link("dpu-1", "pf0hpf"), "network": vlan(100)})
	topo.Blocked(t, a.NS, b.IP)
	topo.Reachable(t, c.NS, b.IP)
	if got := trunks(); got != "[10, 100]" {
		t.Fatalf("uplink trunks %s while pf0vf0 still carries 100, want [10, 100]", got)
	}
	call("detach_port", map[string]any{"link": link("dpu-1", "pf0vf0")})
	topo.Blocked(t, c.NS, b.IP)
	if got := trunks(); got != "[10]" {
		t.Fatalf("uplink trunks %s after the last representor left 100, want [10]", got)
	}

	// Ironic's update_port and reset_port on a representor go through the
	// uplink the same way.
	ironic := func(method, params string) {
		t.Helper()
		reply := rawCall(t, port, `{"jsonrpc":"2.0","method":"`+method+`","params":{"context":{},`+params+`},"id":1}`)
		if !strings.Contains(reply, `"result"`) {
			t.Fatalf("%s: %s", method, reply)
		}
	}
	ironic("update_port", `"switch_id":"dpu-1","port_name":"pf0vf0","description":null,"mode":"access","native_vlan":100,"allowed_vlans":null,"lag_name":null,"default_vlan":null`)
	topo.Reachable(t, c.NS, b.IP)
	if got := trunks(); got != "[10, 100]" {
		t.Fatalf("uplink trunks %s after update_port, want [10, 100]", got)
	}
	ironic("reset_port", `"switch_id":"dpu-1","port_name":"pf0vf0","native_vlan":100,"allowed_vlans":null,"default_vlan":null`)
	topo.Blocked(t, c.NS, b.IP)
	if got := trunks(); got != "[10]" {
		t.Fatalf("uplink trunks %s after reset_port, want [10]", got)
	}

	// The DPU fails after the uplink changed: the change is undone.
	call("attach_port", map[string]any{"link": link("tor-1", "swp1"), "network": vlan(200)})
	dpu.StopDatabase(t)
	_, msg := mercuryCall(t, port, "attach_port", map[string]any{"link": link("dpu-1", "pf0hpf"), "network": vlan(200)})
	if !strings.Contains(msg, "undone: tor-1 swp10 back to trunk 10") {
		t.Fatalf("attach with the DPU down: %q, want it to say the uplink change was undone", msg)
	}
	if got := trunks(); got != "[10]" {
		t.Fatalf("uplink trunks %s after a failed DPU attach, want [10] (rolled back)", got)
	}
	topo.Blocked(t, a.NS, b.IP)
}
