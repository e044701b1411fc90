package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// mercuryCall calls a Mercury method of `mercury serve` on port (no auth)
// and returns the decoded reply.
func mercuryCall(t *testing.T, port int, method string, params map[string]any) (result map[string]any, errMsg string) {
	t.Helper()
	raw, errMsg := mercuryCallRaw(t, port, method, params)
	if errMsg != "" {
		return nil, errMsg
	}
	if err := json.Unmarshal(raw, &result); err != nil {
		t.Fatalf("%s: result %s is not an object: %v", method, raw, err)
	}
	return result, ""
}

// mercuryCallRaw is mercuryCall returning the result as sent, for the
// methods whose result is not an object.
func mercuryCallRaw(t *testing.T, port int, method string, params map[string]any) (result json.RawMessage, errMsg string) {
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
	return r.Result, ""
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
// change, network calls, the read-only methods (network types, link
// checks, list_devices, list_drivers with the driver file's sha256),
// policy refusals.
func TestMercuryAPIOnOVS(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 2, SSH: true})
	far := topo.NewOVSSwitch(t, lab, "far", topo.OVSConfig{})
	host := far.AddServer(t, "host0")
	topo.Trunk(t, sw, "trunk0", far, "p0")
	far.Vsctl(t, "set", "port", "host0", "tag=100", "--", "set", "port", "p0", "trunks=100,200")
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	port := freePort(t)
	cfg, driversDir := writeInventory(t, fmt.Sprintf("  listen: 127.0.0.1:%d\n  denied_vlans: \"1002-1005\"\n", port), device{
		name: "tor-1", mac: "52:54:00:aa:00:07", driver: "ovs", sw: sw.SSH(),
		extra: "    idle_vlan: 999\n    protected_ports: [uplink0]\n    options:\n      db: " + strings.TrimPrefix(sw.DB(), "unix:") + "\n",
	})
	topo.Serve(t, topo.MercuryBinary(t), cfg, fmt.Sprintf("127.0.0.1:%d", port))
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
	if res := call("delete_network", map[string]any{"switch_id": "tor-1", "network": vlan(400)}); res["changed"] != false || res["device"] != "tor-1" {
		t.Fatalf("delete_network on ovs: %v, want changed false (the driver deletes no VLAN)", res)
	}
	if res := call("is_port_supported", map[string]any{"link": link("swp1")}); res["supported"] != true {
		t.Fatalf("is_port_supported: %v", res)
	}
	if raw, msg := mercuryCallRaw(t, port, "get_allowed_network_types", map[string]any{"switch_id": "52:54:00:aa:00:07"}); msg != "" || string(raw) != `["vlan"]` {
		t.Fatalf("get_allowed_network_types: %s %s, want [\"vlan\"]", raw, msg)
	}
	if _, msg := mercuryCallRaw(t, port, "get_allowed_network_types", map[string]any{"switch_id": "52:54:00:aa:00:99"}); !strings.Contains(msg, "52:54:00:aa:00:99 could not be found") {
		t.Fatalf("get_allowed_network_types of an unknown switch: %q", msg)
	}
	// is_link_valid: a valid link, a protected port, an unknown device.
	for _, tc := range []struct {
		link   map[string]any
		valid  bool
		reason string
	}{
		{link("swp1"), true, ""},
		{map[string]any{"switch_id": "52:54:00:aa:00:99", "port_id": "swp1", "switch_info": "tor-1"}, true, ""},
		{link("uplink0"), false, "port uplink0 is protected (devices.tor-1.protected_ports)"},
		{link("swp1;reboot"), false, "swp1;reboot"},
		{map[string]any{"switch_id": "52:54:00:aa:00:99", "port_id": "swp1"}, false, "Switch 52:54:00:aa:00:99 could not be found"},
	} {
		res := call("is_link_valid", map[string]any{"link": tc.link})
		reason, _ := res["reason"].(string)
		if res["valid"] != tc.valid || (tc.valid && reason != "") || !strings.Contains(reason, tc.reason) {
			t.Errorf("is_link_valid %v: %v, want valid %v with a reason containing %q", tc.link, res, tc.valid, tc.reason)
		}
	}
	// list_drivers: the one bound driver, the hash of the file it was loaded
	// from, and its device.
	wasm, err := os.ReadFile(filepath.Join(driversDir, "ovs.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	raw, msg := mercuryCallRaw(t, port, "list_drivers", map[string]any{})
	var drivers []struct {
		Name         string   `json:"name"`
		Version      string   `json:"version"`
		Operations   []string `json:"operations"`
		NetworkTypes []string `json:"network_types"`
		Session      string   `json:"session"`
		SHA256       string   `json:"sha256"`
		Devices      []string `json:"devices"`
		PortPattern  string   `json:"port_pattern"`
	}
	if err := json.Unmarshal(raw, &drivers); msg != "" || err != nil {
		t.Fatalf("list_drivers: %s %s %v", raw, msg, err)
	}
	if len(drivers) != 1 {
		t.Fatalf("list_drivers: %s, want the ovs driver only", raw)
	}
	d := drivers[0]
	if d.Name != "ovs" || d.SHA256 != hex.EncodeToString(sum[:]) || !slices.Equal(d.Devices, []string{"tor-1"}) ||
		d.Session != "exec" || !slices.Equal(d.NetworkTypes, []string{"vlan"}) || !slices.Contains(d.Operations, "set_port") || d.Version == "" || d.PortPattern == "" {
		t.Fatalf("list_drivers: %s, want ovs (exec, vlan, set_port) with sha256 %x bound to tor-1", raw, sum)
	}
	if strings.Contains(string(raw), sw.SSH().Password) || strings.Contains(string(raw), "127.0.0.1") {
		t.Fatalf("list_drivers shows a secret or an address: %s", raw)
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
