package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// mercuryCall calls a Mercury method of `mercury serve` on port (no auth)
// and returns the decoded reply.
func mercuryCall(t *testing.T, port int, method string, params map[string]any) (result map[string]any, errMsg string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params, "id": 1})
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/", port), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Error != nil {
		return nil, r.Error.Message
	}
	json.Unmarshal(r.Result, &result)
	return result, ""
}

// mustCall returns a function that calls a Mercury method of `mercury
// serve` on port and fails the test on an error reply.
func mustCall(t *testing.T, port int) func(method string, params map[string]any) map[string]any {
	return func(method string, params map[string]any) map[string]any {
		t.Helper()
		res, msg := mercuryCall(t, port, method, params)
		if msg != "" {
			t.Fatalf("%s %v: %s", method, params, msg)
		}
		return res
	}
}

// TestMercuryAPIOnOVS drives every Mercury method through `mercury serve`
// over HTTP to a real Open vSwitch, judged by ping and by ovs-vsctl: access
// attach, idempotence, dry run, detach to the idle VLAN, a trunk that
// gains and loses a network, verify_port drift after an out-of-band
// change, network calls, policy refusals.
func TestMercuryAPIOnOVS(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 2, SSH: true})
	far := topo.NewOVSSwitch(t, lab, "far", topo.OVSConfig{})
	host := far.AddServer(t, "host0")
	topo.Trunk(t, sw, "trunk0", far, "p0")
	far.Vsctl(t, "set", "port", "host0", "tag=100", "--", "set", "port", "p0", "trunks=100,200")
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	port := freePort(t)
	cfg, _ := writeInventory(t, fmt.Sprintf("  listen: 127.0.0.1:%d\n  denied_vlans: \"1002-1005\"\n", port), device{
		name: "tor-1", mac: "52:54:00:aa:00:07", driver: "ovs", sw: sw.SSH(),
		extra: "    idle_vlan: 999\n    options:\n      db: " + strings.TrimPrefix(sw.DB(), "unix:") + "\n",
	})
	startServe(t, mercuryBinary(t), cfg, port)
	link := func(p string) map[string]any { return map[string]any{"switch_id": "52:54:00:aa:00:07", "port_id": p} }
	vlan := func(v int) map[string]any { return map[string]any{"type": "vlan", "segmentation_id": v} }
	call := mustCall(t, port)
	tag := func(p string) string { return sw.Vsctl(t, "get", "port", p, "tag") }

	for _, p := range []string{"swp1", "swp2"} {
		if res := call("attach_port", map[string]any{"link": link(p), "network": vlan(100)}); res["changed"] != true {
			t.Fatalf("attach %s: %v", p, res)
		}
	}
	topo.Reachable(t, s1.NS, s2.IP)
	if res := call("attach_port", map[string]any{"link": link("swp2"), "network": vlan(100)}); res["changed"] != false {
		t.Fatalf("a repeated attach changed something: %v", res)
	}
	if res := call("attach_port", map[string]any{"link": link("swp2"), "network": vlan(200), "dry_run": true}); res["dry_run"] != true || tag("swp2") != "100" {
		t.Fatalf("dry run: %v; swp2 tag %s", res, tag("swp2"))
	}
	topo.Reachable(t, s1.NS, s2.IP)
	call("detach_port", map[string]any{"link": link("swp2")})
	topo.Blocked(t, s1.NS, s2.IP)
	if tag("swp2") != "999" {
		t.Fatalf("after detach swp2 tag %s, want the idle VLAN 999", tag("swp2"))
	}

	// A trunk gains VLAN 100 (the far host's), then loses it.
	call("attach_port", map[string]any{"link": link("trunk0"), "network": vlan(100), "mode": "trunk"})
	topo.Reachable(t, s1.NS, host.IP)
	expect := map[string]any{"mode": "trunk", "allowed_vlans": []int{100}}
	if res := call("verify_port", map[string]any{"link": link("trunk0"), "expect": expect}); res["in_sync"] != true {
		t.Fatalf("verify after attach: %v", res)
	}
	sw.Vsctl(t, "set", "port", "trunk0", "trunks=100,300") // out of band
	res := call("verify_port", map[string]any{"link": link("trunk0"), "expect": expect})
	if res["in_sync"] != false || !strings.Contains(fmt.Sprint(res["drift"]), "allowed_vlans: expected [100], actual [100, 300]") {
		t.Fatalf("verify after an out-of-band change: %v", res)
	}
	call("detach_port", map[string]any{"link": link("trunk0"), "network": vlan(100)})
	topo.Blocked(t, s1.NS, host.IP)
	if trunks := sw.Vsctl(t, "get", "port", "trunk0", "trunks"); trunks != "[300]" {
		t.Fatalf("trunk0 trunks after detaching 100: %s, want [300]", trunks)
	}

	// Networks: the ovs driver needs none created; the calls answer.
	if res := call("add_network", map[string]any{"switch_id": "tor-1", "network": vlan(400)}); res["changed"] != false {
		t.Fatalf("add_network on ovs: %v", res)
	}
	call("delete_network", map[string]any{"switch_id": "tor-1", "network": vlan(400)})
	if res := call("is_port_supported", map[string]any{"link": link("swp1")}); res["supported"] != true {
		t.Fatalf("is_port_supported: %v", res)
	}
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/", port), "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","method":"list_devices","params":{},"id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	var devs struct {
		Result []struct {
			Name, Driver, Address string
		} `json:"result"`
	}
	json.NewDecoder(resp.Body).Decode(&devs)
	resp.Body.Close()
	if len(devs.Result) != 1 || devs.Result[0].Name != "tor-1" || devs.Result[0].Driver != "ovs" || devs.Result[0].Address != "" {
		t.Fatalf("list_devices: %+v, want tor-1 (ovs) without its address (the caller is no operator)", devs.Result)
	}

	// Refusals: denied VLAN, injected port name; nothing changes.
	for _, bad := range []map[string]any{
		{"link": link("swp1"), "network": vlan(1003)},
		{"link": link("swp1\nreload"), "network": vlan(100)},
	} {
		if _, msg := mercuryCall(t, port, "attach_port", bad); msg == "" {
			t.Fatalf("attach_port %v was accepted", bad)
		}
	}
	if tag("swp1") != "100" {
		t.Fatalf("a refused call changed swp1: tag %s", tag("swp1"))
	}
}
