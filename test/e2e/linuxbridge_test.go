package e2e

import (
	"context"
	"testing"

	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/test/e2e/topo"
)

// TestLinuxBridgePingMatrix drives a VLAN-filtering Linux bridge (in a
// user-mode-linux guest, reached over SSH) through Mercury's whole path
// with the linux-bridge driver, and judges each step by ping.
func TestLinuxBridgePingMatrix(t *testing.T) {
	sw := uml.Get(t)
	sw.Reset(t)
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	cfg, drivers := writeInventory(t, "  deadline: 100s\n", device{
		name: "leaf-1", mac: "52:54:00:bb:00:01", driver: "linux-bridge", sw: sw.SSH(),
		extra: "    idle_vlan: 999\n",
	})
	svc := newService(t, cfg, drivers)
	ctx := context.Background()
	update := func(port, mode string, native *int, allowed []int) {
		t.Helper()
		if _, err := svc.UpdatePort(ctx, caller, service.UpdatePortRequest{
			SwitchID: "leaf-1", PortName: port, Mode: ptr(mode), NativeVLAN: native, AllowedVLANs: allowed,
		}); err != nil {
			t.Fatalf("update_port %s: %v", port, err)
		}
	}
	topo.Blocked(t, s1.NS, s2.IP) // no VLAN on either port yet

	update("swp1", "access", ptr(100), nil)
	update("swp2", "access", ptr(100), nil)
	topo.Reachable(t, s1.NS, s2.IP)

	update("swp2", "access", ptr(200), nil)
	topo.Blocked(t, s1.NS, s2.IP)

	update("swp2", "access", ptr(100), nil)
	topo.Reachable(t, s1.NS, s2.IP)

	// Tagged only: the untagged server no longer reaches, and its wire
	// carries 802.1Q frames for VLAN 100.
	update("swp2", "trunk", nil, []int{100})
	capture := topo.StartCapture(t, s2.NS, s2.Iface)
	topo.Blocked(t, s1.NS, s2.IP)
	if !capture.SawVLAN(100) {
		t.Fatalf("no 802.1Q frame with VLAN 100 on swp2's wire; tagged frames by VLAN: %v", capture.VLANs())
	}

	// Hybrid: VLAN 100 untagged again, 200 tagged beside it.
	update("swp2", "hybrid", ptr(100), []int{200})
	topo.Reachable(t, s1.NS, s2.IP)

	if _, err := svc.ResetPort(ctx, caller, service.ResetPortRequest{SwitchID: "leaf-1", PortName: "swp2"}); err != nil {
		t.Fatalf("reset_port: %v", err)
	}
	topo.Blocked(t, s1.NS, s2.IP)
}
