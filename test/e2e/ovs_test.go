package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/test/e2e/topo"
)

// TestOVSPingMatrix drives a real Open vSwitch through Mercury's whole code
// path and judges each step by ping: both server ports on VLAN 100 reach
// each other; one moved to 200 does not; back on 100 it does; reset to the
// idle VLAN it does not. A trunk to a second switch carries frames tagged
// with the VLAN, seen by tcpdump.
func TestOVSPingMatrix(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 2, SSH: true})
	dpu := topo.NewOVSSwitch(t, lab, "far", topo.OVSConfig{})
	far := dpu.AddServer(t, "host0")
	topo.Trunk(t, sw, "trunk0", dpu, "p0")
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	db := strings.TrimPrefix(sw.DB(), "unix:")
	cfg, drivers := writeInventory(t, "", device{
		name: "tor-1", mac: "52:54:00:aa:00:01", driver: "ovs", sw: sw.SSH(),
		extra: "    idle_vlan: 999\n    options:\n      db: " + db + "\n",
	})
	svc := newService(t, cfg, drivers)
	ctx := context.Background()

	update := func(port string, vlan int) service.UpdatePortResult {
		t.Helper()
		res, err := svc.UpdatePort(ctx, caller, service.UpdatePortRequest{
			SwitchID: "52:54:00:AA:00:01", PortName: port, Mode: ptr("access"), NativeVLAN: ptr(vlan),
			Description: ptr("e2e " + port),
		})
		if err != nil {
			t.Fatalf("update_port %s vlan %d: %v", port, vlan, err)
		}
		return res
	}
	update("swp1", 100)
	update("swp2", 100)
	topo.Reachable(t, s1.NS, s2.IP)

	update("swp2", 200)
	topo.Blocked(t, s1.NS, s2.IP)

	update("swp2", 100)
	topo.Reachable(t, s1.NS, s2.IP)

	if _, err := svc.ResetPort(ctx, caller, service.ResetPortRequest{SwitchID: "tor-1", PortName: "swp2", NativeVLAN: ptr(100)}); err != nil {
		t.Fatalf("reset_port: %v", err)
	}
	topo.Blocked(t, s1.NS, s2.IP)
	if tag := sw.Vsctl(t, "get", "port", "swp2", "tag"); tag != "999" {
		t.Fatalf("after reset swp2 tag = %s, want the idle VLAN 999", tag)
	}

	// A trunk: the far switch's side is set directly, Mercury sets ours.
	dpu.Vsctl(t, "set", "port", "host0", "tag=100", "--", "set", "port", "p0", "trunks=100,200")
	if _, err := svc.UpdatePort(ctx, caller, service.UpdatePortRequest{
		SwitchID: "tor-1", PortName: "trunk0", Mode: ptr("trunk"), NativeVLAN: nil, AllowedVLANs: []int{100, 200},
	}); err != nil {
		t.Fatalf("update_port trunk0: %v", err)
	}
	capture := topo.StartCapture(t, sw.NS(), "trunk0")
	topo.Reachable(t, s1.NS, far.IP)
	if vlans := capture.VLANs(); vlans[100] == 0 {
		t.Fatalf("no 802.1Q frame with VLAN 100 on trunk0; tagged frames by VLAN: %v", vlans)
	}
	// Take VLAN 100 off the trunk through Mercury: the far host is cut off.
	if _, err := svc.UpdatePort(ctx, caller, service.UpdatePortRequest{
		SwitchID: "tor-1", PortName: "trunk0", Mode: ptr("trunk"), AllowedVLANs: []int{200},
	}); err != nil {
		t.Fatal(err)
	}
	topo.Blocked(t, s1.NS, far.IP)
}

// TestOVSIdempotentAndWarm checks that repeating a change sends nothing and
// that operations reuse one SSH connection.
func TestOVSIdempotentAndWarm(t *testing.T) {
	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	cfg, drivers := writeInventory(t, "", device{
		name: "tor-1", mac: "52:54:00:aa:00:02", driver: "ovs", sw: sw.SSH(),
		extra: "    options:\n      db: " + strings.TrimPrefix(sw.DB(), "unix:") + "\n",
	})
	svc := newService(t, cfg, drivers)
	records, stop := svc.Subscribe()
	defer stop()
	req := service.UpdatePortRequest{SwitchID: "tor-1", PortName: "swp1", Mode: ptr("access"), NativeVLAN: ptr(300)}
	for i := range 3 {
		if _, err := svc.UpdatePort(context.Background(), caller, req); err != nil {
			t.Fatal(err)
		}
		rec := <-records
		if rec.Changed != (i == 0) || rec.Result != "ok" || rec.Device != "tor-1" || rec.Port != "swp1" {
			t.Fatalf("call %d: audit record %+v", i, rec)
		}
		if i > 0 && len(rec.Commands) != 1 {
			t.Fatalf("call %d sent %q; a repeated change may only read", i, rec.Commands)
		}
	}
	if tag := sw.Vsctl(t, "get", "port", "swp1", "tag"); tag != "300" {
		t.Fatalf("tag = %s", tag)
	}
}
