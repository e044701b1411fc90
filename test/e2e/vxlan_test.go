package e2e

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// TestDPUVXLAN: a DPU OVS with server A behind representor pf0hpf and an
// underlay bridge br-ul cabled to a "vtep" namespace, where two kernel
// VXLAN devices stand for the far end: vx5000 (VNI 5000, 10.100.0.200) and
// vx5001 (VNI 5001, 10.100.0.201). attach_port of pf0hpf to VXLAN network
// 5000, with no local VLAN given, makes the tunnel port vx5000 on a VLAN
// of vxlan_vlan_range and puts the representor on it: A reaches the VNI
// 5000 peer through the tunnel and not the VNI 5001 one. The detach
// removes the tunnel, and the peer is unreachable again; attached to VNI
// 5001 instead, A reaches the other device.
func TestDPUVXLAN(t *testing.T) {
	lab := topo.NewLab(t)
	dpu := topo.NewOVSSwitch(t, lab, "dpu", topo.OVSConfig{SSH: true})
	a := dpu.AddServer(t, "pf0hpf")
	dpu.Vsctl(t, "set", "port", "pf0hpf", "tag=4095")
	vtep := lab.AddNetns(t, "vtep")
	lab.AddVeth(t, dpu.NS(), "ul0", vtep, "eth0")
	dpu.Vsctl(t, "add-br", "br-ul", "--", "set", "bridge", "br-ul", "datapath_type=netdev", "--", "add-port", "br-ul", "ul0")
	run := func(ns *topo.Netns, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if out, err := ns.Run(ctx, args[0], args[1:]...); err != nil {
			t.Fatalf("%s in %s: %v %s", strings.Join(args, " "), ns, err, out)
		}
	}
	run(dpu.NS(), "ip", "addr", "add", "192.168.77.1/24", "dev", "br-ul")
	run(dpu.NS(), "ip", "link", "set", "br-ul", "up")
	// The far end answers ARP only on the device that has the address, so
	// a request sent on the wrong VNI goes unanswered (Linux answers for
	// any of its addresses on any device by default).
	run(vtep, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1")
	run(vtep, "ip", "addr", "add", "192.168.77.2/24", "dev", "eth0")
	run(vtep, "ip", "link", "set", "eth0", "up")
	for _, vx := range []struct{ name, vni, addr string }{{"vx5000", "5000", "10.100.0.200/24"}, {"vx5001", "5001", "10.100.0.201/24"}} {
		// noudpcsum: OVS reads the veth with a packet socket, which would
		// see a checksum left to an offload that never happens.
		run(vtep, "ip", "link", "add", vx.name, "type", "vxlan", "id", vx.vni, "remote", "192.168.77.1", "local", "192.168.77.2", "dstport", "4789", "noudpcsum")
		run(vtep, "ip", "addr", "add", vx.addr, "dev", vx.name)
		run(vtep, "ip", "link", "set", vx.name, "up")
	}
	right, wrong := netip.MustParseAddr("10.100.0.200"), netip.MustParseAddr("10.100.0.201")

	port := freePort(t)
	cfg, _ := writeInventory(t, fmt.Sprintf("  listen: 127.0.0.1:%d\n", port),
		device{name: "dpu-1", mac: "52:54:00:aa:00:61", driver: "dpu-ovs", sw: dpu.SSH(),
			extra: "    vxlan_vlan_range: \"3000-3099\"\n    options:\n      vxlan_remote_ip: 192.168.77.2\n      db: " + strings.TrimPrefix(dpu.DB(), "unix:") + "\n"})
	topo.Serve(t, topo.MercuryBinary(t), cfg, fmt.Sprintf("127.0.0.1:%d", port))
	link := map[string]any{"switch_id": "dpu-1", "port_id": "pf0hpf"}
	vni := map[string]any{"type": "vxlan", "segmentation_id": 5000}
	call := mustCall(t, port)

	topo.Blocked(t, a.NS, right)
	call("attach_port", map[string]any{"link": link, "network": vni})
	if got := dpu.Vsctl(t, "get", "port", "vx5000", "tag"); got != "3000" {
		t.Fatalf("tunnel port vx5000 tag %s, want 3000 (the lowest of vxlan_vlan_range)", got)
	}
	if got := dpu.Vsctl(t, "get", "interface", "vx5000", "type", "options:key", "options:remote_ip"); got != "vxlan\n\"5000\"\n\"192.168.77.2\"" {
		t.Fatalf("tunnel interface: %q", got)
	}
	topo.Reachable(t, a.NS, right)
	topo.Blocked(t, a.NS, wrong)

	call("detach_port", map[string]any{"link": link, "network": vni})
	if out := dpu.Vsctl(t, "list-ports", "br0"); strings.Contains(out, "vx5000") {
		t.Fatalf("the tunnel port is still there after the last representor left it: %s", out)
	}
	topo.Blocked(t, a.NS, right)

	// The peer that stayed silent answers on its own VNI: the block above
	// was the VNI's doing. (vx5000 goes down first, or the far end would
	// route its replies out of it: both devices are on one subnet.)
	run(vtep, "ip", "link", "set", "vx5000", "down")
	call("attach_port", map[string]any{"link": link, "network": map[string]any{"type": "vxlan", "segmentation_id": 5001}})
	topo.Reachable(t, a.NS, wrong)
}
