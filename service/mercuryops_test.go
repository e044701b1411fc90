package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator/state"
)

func link(port string) service.Link { return service.Link{SwitchID: "eos-1", PortID: port} }

func vlanNet(v int) service.Network { return service.Network{Type: "vlan", SegmentationID: v} }

// TestMercuryMethods drives the Mercury methods through the service to a
// simulated EOS switch and checks the switch's state after each.
func TestMercuryMethods(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	port := func(name string) state.Port { return dev.State().Running.Ports[name] }
	must := func(res service.PortChange, err error) service.PortChange {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Access, then trunk joins with and without native.
	if res := must(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(100)})); !res.Changed || port("Ethernet1").AccessVLAN != 100 {
		t.Fatalf("attach access: %+v, port %+v", res, port("Ethernet1"))
	}
	for _, r := range []service.AttachRequest{
		{Link: link("Ethernet2"), Network: vlanNet(200), Mode: "trunk"},
		{Link: link("Ethernet2"), Network: vlanNet(300), Mode: "trunk"},
		{Link: link("Ethernet2"), Network: vlanNet(100), Mode: "trunk", Native: true},
	} {
		must(svc.AttachPort(ctx, c, r))
	}
	if p := port("Ethernet2"); p.Untagged() != 100 || p.Tagged().String() != "200,300" {
		t.Fatalf("trunk after three joins: untagged %d tagged %s", p.Untagged(), p.Tagged())
	}
	// Repeating a join changes nothing and sends nothing.
	n := len(dev.ConfigCommands())
	if res := must(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet2"), Network: vlanNet(300), Mode: "trunk"})); res.Changed || len(dev.ConfigCommands()) != n {
		t.Fatalf("repeated join: %+v, %d new config lines", res, len(dev.ConfigCommands())-n)
	}
	// A dry run returns commands and leaves the switch alone.
	res := must(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet3"), Network: vlanNet(400), DryRun: true}))
	if !res.DryRun || len(res.Commands) == 0 || len(dev.ConfigCommands()) != n || port("Ethernet3").AccessVLAN != 1 {
		t.Fatalf("dry run: %+v; the switch got %d lines", res, len(dev.ConfigCommands())-n)
	}

	// verify_port: in sync, then drift after an out-of-band change.
	expect := service.Expectation{Mode: "trunk", NativeVLAN: 100, AllowedVLANs: []int{300, 200}}
	d, err := svc.VerifyPort(ctx, c, service.VerifyRequest{Link: link("Ethernet2"), Expect: expect})
	if err != nil || !d.InSync || len(d.Drift) != 0 {
		t.Fatalf("verify in sync: %+v %v", d, err)
	}
	dev.Store().Update(func(cfg *state.Config) error {
		p := cfg.Ports["Ethernet2"]
		p.Allowed.Remove(300)
		cfg.Ports["Ethernet2"] = p
		return nil
	})
	if d, err = svc.VerifyPort(ctx, c, service.VerifyRequest{Link: link("Ethernet2"), Expect: expect}); err != nil || d.InSync ||
		len(d.Drift) != 1 || !strings.Contains(d.Drift[0], "allowed_vlans: expected [200, 300], actual [200]") {
		t.Fatalf("verify after drift: %+v %v", d, err)
	}

	// detach: one network leaves; a network not carried changes nothing;
	// the last one leaving sends the port to the idle VLAN (none here: shut).
	must(svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet2"), Network: &service.Network{Type: "vlan", SegmentationID: 100}}))
	if p := port("Ethernet2"); p.Untagged() == 100 || p.Tagged().String() != "200" {
		t.Fatalf("after detaching 100: untagged %d tagged %s", p.Untagged(), p.Tagged())
	}
	if res := must(svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet2"), Network: &service.Network{SegmentationID: 999}})); res.Changed {
		t.Fatalf("detaching a network the port lacks: %+v", res)
	}
	must(svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet2"), Network: &service.Network{SegmentationID: 200}}))
	if p := port("Ethernet2"); !p.Shutdown || p.Tagged().Len() != 0 {
		t.Fatalf("after the last network left: %+v, want shut and carrying nothing", p)
	}

	// add_network / delete_network, with the in-use refusal.
	must(svc.AddNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: service.Network{Type: "vxlan", SegmentationID: 10500, VLAN: 500, Name: "ov"}}))
	if st := dev.State().Running; st.VNIs[500] != 10500 || st.VLANs[500].Name != "ov" {
		t.Fatalf("add vxlan network: VNIs %v VLAN %+v", st.VNIs, st.VLANs[500])
	}
	if _, err := svc.DeleteNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(100)}); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("deleting VLAN 100 while Ethernet1 carries it: %v", err)
	}
	must(svc.DeleteNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(100), Force: true}))
	if _, ok := dev.State().Running.VLANs[100]; ok {
		t.Fatal("VLAN 100 survived a forced delete")
	}

	// list_devices shows the address only to operators (server.auth.callers).
	for _, who := range []string{"test", "noc"} {
		ds, _ := svc.ListDevices(ctx, service.Caller{Identity: who}, service.ListDevicesRequest{})
		if len(ds) != 2 || (ds[0].Address != "") != (who == "noc") {
			t.Fatalf("list_devices for %s: %+v", who, ds)
		}
	}
}

// TestCallerScopes: a caller limited by server.auth.callers is refused,
// before any device I/O, outside its devices and VLANs, in both dialects.
func TestCallerScopes(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx := context.Background()
	ironic, tenant := service.Caller{Identity: "ironic"}, service.Caller{Identity: "tenant-a"}
	before := dev.Accepted()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"VLAN outside the scope", second(svc.AttachPort(ctx, tenant, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(300)})),
			`caller "tenant-a" may not use VLAN 300 on eos-1: server.auth.callers[1].vlans is 100-199`},
		{"Ironic dialect too", second(svc.UpdatePort(ctx, tenant, service.UpdatePortRequest{SwitchID: "eos-1", PortName: "Ethernet1", Mode: ptr("access"), NativeVLAN: ptr(300)})),
			`caller "tenant-a" may not use VLAN 300`},
		{"network outside the scope", second(svc.AddNetwork(ctx, tenant, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(300)})),
			`may not use VLAN 300`},
		{"device outside the scope", second(svc.ResetPort(ctx, ironic, service.ResetPortRequest{SwitchID: "eos-1", PortName: "Ethernet1"})),
			`caller "ironic" may not change device eos-1: server.auth.callers[2].devices lists only [eos-2]`},
	} {
		if fault.KindOf(tc.err) != fault.Denied || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want denied: %s", tc.name, tc.err, tc.want)
		}
	}
	if n := dev.Accepted(); n != before {
		t.Fatalf("refused calls opened %d connections", n-before)
	}
	if _, err := svc.AttachPort(ctx, tenant, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(150)}); err != nil {
		t.Fatalf("a VLAN inside the scope: %v", err)
	}
}

// TestMercuryDryRuns: detach_port, add_network and delete_network with
// dry_run say what they would change and return the commands, and the
// switch receives no configuration line.
func TestMercuryDryRuns(t *testing.T) {
	svc, dev := simService(t, "always", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	attach(t, svc, "Ethernet4", 100)
	saves, n := dev.State().Saves, len(dev.ConfigCommands())
	for _, tc := range []struct {
		name string
		run  func() (service.PortChange, error)
	}{
		{"detach_port", func() (service.PortChange, error) {
			return svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet4"), Network: ptr(vlanNet(100)), DryRun: true})
		}},
		{"add_network", func() (service.PortChange, error) {
			return svc.AddNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(700), DryRun: true})
		}},
		{"delete_network, forced", func() (service.PortChange, error) {
			return svc.DeleteNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(100), Force: true, DryRun: true})
		}},
	} {
		res, err := tc.run()
		if err != nil || !res.DryRun || !res.Changed || len(res.Commands) == 0 || res.Saved {
			t.Errorf("%s dry run: %+v, %v; want dry_run, changed, commands, not saved", tc.name, res, err)
		}
	}
	run := dev.State().Running
	if got := len(dev.ConfigCommands()) - n; got != 0 || dev.State().Saves != saves {
		t.Fatalf("dry runs sent %d configuration lines and %d saves", got, dev.State().Saves-saves)
	}
	if _, ok := run.VLANs[700]; ok || run.Ports["Ethernet4"].AccessVLAN != 100 {
		t.Fatalf("dry runs changed the switch: VLAN 700 present %v, Ethernet4 on %d", ok, run.Ports["Ethernet4"].AccessVLAN)
	}
}

// TestCallerScopeRemovals: a caller limited to VLANs 100-199 cannot take
// another VLAN off a port, by detach, replacement or reset, in either
// dialect and in a dry run; what it may remove, it removes.
func TestCallerScopeRemovals(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx := context.Background()
	tenant := service.Caller{Identity: "tenant-a"}
	attach(t, svc, "Ethernet2", 300) // another tenant's port
	trunk := "trunk"
	if _, err := svc.UpdatePort(ctx, service.Caller{Identity: "test"}, service.UpdatePortRequest{
		SwitchID: "eos-1", PortName: "Ethernet3", Mode: &trunk, AllowedVLANs: []int{150, 300}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"detach the whole port", second(svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet2")}))},
		{"detach its VLAN", second(svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet2"), Network: ptr(vlanNet(300))}))},
		{"dry run", second(svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet2"), DryRun: true}))},
		{"replace by an access attach", second(svc.AttachPort(ctx, tenant, service.AttachRequest{Link: link("Ethernet2"), Network: vlanNet(150)}))},
		{"Ironic reset_port", second(svc.ResetPort(ctx, tenant, service.ResetPortRequest{SwitchID: "eos-1", PortName: "Ethernet2"}))},
		{"Ironic update_port", second(svc.UpdatePort(ctx, tenant, service.UpdatePortRequest{SwitchID: "eos-1", PortName: "Ethernet2", Mode: ptr("access"), NativeVLAN: ptr(150)}))},
		{"a trunk's whole port", second(svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet3")}))},
	} {
		want := "may not remove VLAN 300 from eos-1 Ethernet"
		if fault.KindOf(tc.err) != fault.Denied || !strings.Contains(tc.err.Error(), want) {
			t.Errorf("%s: %v, want denied: %s", tc.name, tc.err, want)
		}
	}
	run := dev.State().Running
	if p := run.Ports["Ethernet2"]; p.Mode != "access" || p.AccessVLAN != 300 {
		t.Fatalf("a refused removal changed Ethernet2: %+v", p.L2)
	}
	// Port groups: the LAG's VLANs, and its members', are checked too;
	// Ironic's LAG methods, which name no members, are refused outright.
	group := &service.PortGroup{Name: "other-node", Mode: "lacp", Links: []service.Link{link("Ethernet6")}}
	if _, err := svc.AttachPort(ctx, service.Caller{Identity: "test"}, service.AttachRequest{Link: link("Ethernet5"), Network: vlanNet(300), PortGroup: group}); err != nil {
		t.Fatal(err)
	}
	lagsBefore := fmt.Sprint(dev.State().Running.LAGs)
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"detach another's LAG", "may not remove VLAN 300 from eos-1 other-node", second(svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet5"), PortGroup: group}))},
		{"take over another's LAG", "may not remove VLAN 300 from eos-1 other-node", second(svc.AttachPort(ctx, tenant, service.AttachRequest{Link: link("Ethernet5"), Network: vlanNet(150), PortGroup: group}))},
		{"absorb another's port into a LAG", "may not remove VLAN 300 from eos-1 Ethernet2", second(svc.AttachPort(ctx, tenant, service.AttachRequest{Link: link("Ethernet7"), Network: vlanNet(150),
			PortGroup: &service.PortGroup{Name: "mine", Mode: "lacp", Links: []service.Link{link("Ethernet2")}}}))},
		{"Ironic delete_lag", "may not use delete_lag", second(svc.DeleteLAG(ctx, tenant, service.DeleteLAGRequest{SwitchIDs: []string{"eos-1"}, LAGName: "other-node"}))},
		{"Ironic update_lag", "may not use update_lag", second(svc.UpdateLAG(ctx, tenant, service.UpdateLAGRequest{SwitchIDs: []string{"eos-1"}, LAGName: "other-node", Mode: ptr("access"), NativeVLAN: ptr(150)}))},
	} {
		if fault.KindOf(tc.err) != fault.Denied || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want denied: %s", tc.name, tc.err, tc.want)
		}
	}
	if got := fmt.Sprint(dev.State().Running.LAGs); got != lagsBefore {
		t.Fatalf("refused LAG calls changed the LAGs:\n%s\nwant\n%s", got, lagsBefore)
	}
	if p := dev.State().Running.Ports["Ethernet2"]; p.Mode != "access" || p.AccessVLAN != 300 || p.LAG != 0 {
		t.Fatalf("a refused port group took Ethernet2: %+v", p)
	}

	// The check reuses the port the detach read: the scoped caller's detach
	// reads the switch exactly as often as an unscoped caller's.
	reads := func(f func()) int {
		n := len(dev.Commands())
		f()
		r := 0
		for _, c := range dev.Commands()[n:] {
			if c.Read {
				r++
			}
		}
		return r
	}
	var res service.PortChange
	var err error
	scoped := reads(func() {
		res, err = svc.DetachPort(ctx, tenant, service.DetachRequest{Link: link("Ethernet3"), Network: ptr(vlanNet(150))})
	})
	if err != nil || !res.Changed {
		t.Fatalf("detach of the caller's own VLAN: %+v, %v", res, err)
	}
	unscoped := reads(func() {
		if _, err := svc.DetachPort(ctx, service.Caller{Identity: "test"}, service.DetachRequest{Link: link("Ethernet2"), Network: ptr(vlanNet(300))}); err != nil {
			t.Fatal(err)
		}
	})
	if scoped != unscoped {
		t.Errorf("a scoped detach read the switch %d times, an unscoped one %d: the check read the port again", scoped, unscoped)
	}
	if p := dev.State().Running.Ports["Ethernet3"]; !slices.Equal(p.Allowed.IDs(), []int{300}) {
		t.Fatalf("Ethernet3 after the detach of 150: %+v, want only 300 left", p.L2)
	}
}

// TestMercuryMethodsRefuse checks refusals happen before any device I/O.
func TestMercuryMethodsRefuse(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	before := dev.Accepted()
	for _, tc := range []struct {
		name string
		err  error
		kind fault.Kind
	}{
		{"port group of one link", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(10), PortGroup: &service.PortGroup{Name: "b"}})), fault.Invalid},
		{"port group mode", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(10), PortGroup: &service.PortGroup{Name: "b", Mode: "pagp", Links: []service.Link{link("Ethernet2")}}})), fault.Invalid},
		{"port group name", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(10), PortGroup: &service.PortGroup{Name: "b\nreload", Links: []service.Link{link("Ethernet2")}}})), fault.Invalid},
		{"port group member", second(svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet1"), PortGroup: &service.PortGroup{Name: "b", Links: []service.Link{link("Ethernet2;reload")}}})), fault.Invalid},
		{"bad mode", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(10), Mode: "routed"})), fault.Invalid},
		{"native on access", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(10), Native: true})), fault.Invalid},
		{"VLAN out of range", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: vlanNet(5000)})), fault.Invalid},
		{"unknown network type", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1"), Network: service.Network{Type: "geneve", SegmentationID: 5}})), fault.Invalid},
		{"injected port", second(svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet1\nreload"), Network: vlanNet(10)})), fault.Invalid},
		{"injected name", second(svc.AddNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: service.Network{SegmentationID: 10, Name: "a;reload"}})), fault.Invalid},
		{"unknown switch", second(svc.DetachPort(ctx, c, service.DetachRequest{Link: service.Link{SwitchID: "nope", PortID: "Ethernet1"}})), fault.NotFound},
		{"force on add", second(svc.AddNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(10), Force: true})), fault.Invalid},
	} {
		if fault.KindOf(tc.err) != tc.kind {
			t.Errorf("%s: %v (kind %v), want %v", tc.name, tc.err, fault.KindOf(tc.err), tc.kind)
		}
	}
	if n := dev.Accepted(); n != before {
		t.Fatalf("refused requests opened %d connections to the device", n-before)
	}
}

func second[T any](_ T, err error) error { return err }

// TestVXLANAttach: a VXLAN attach without a local VLAN maps the lowest free
// VLAN of vxlan_vlan_range to the VNI on the switch, then sets the port;
// a second port on the VNI reuses the VLAN; a detach by VNI finds it.
func TestVXLANAttach(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	vni := service.Network{Type: "vxlan", SegmentationID: 10500}
	res, err := svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet5"), Network: vni})
	if err != nil {
		t.Fatal(err)
	}
	run := dev.State().Running
	vlan := run.Ports["Ethernet5"].AccessVLAN
	if !res.Changed || run.VNIs[vlan] != 10500 || vlan != 3000 {
		t.Fatalf("attach: %+v; Ethernet5 on VLAN %d, VNIs %v; want VLAN 3000 (the lowest of vxlan_vlan_range) mapped to 10500", res, vlan, run.VNIs)
	}
	if _, err := svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet6"), Network: vni}); err != nil {
		t.Fatal(err)
	}
	if got := dev.State().Running.Ports["Ethernet6"].AccessVLAN; got != vlan {
		t.Fatalf("second port on VNI 10500: VLAN %d, want %d (the VNI's)", got, vlan)
	}
	if _, err := svc.DetachPort(ctx, c, service.DetachRequest{Link: link("Ethernet5"), Network: &vni}); err != nil {
		t.Fatal(err)
	}
	if p := dev.State().Running.Ports["Ethernet5"]; p.Carries(vlan) {
		t.Fatalf("Ethernet5 still carries VLAN %d after the detach: %+v", vlan, p)
	}
}

// TestVXLANAttachRollback: when the port step fails after the VNI was
// mapped, a VLAN the attach made is removed with its map; a VLAN that was
// there before stays.
func TestVXLANAttachRollback(t *testing.T) {
	svc, dev := simService(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	_, err := svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet99"), Network: service.Network{Type: "vxlan", SegmentationID: 10600}})
	if fault.KindOf(err) != fault.NotFound || !strings.Contains(err.Error(), "undone: eos-1 VLAN 3000 and its VNI 10600 removed") {
		t.Fatalf("attach to a missing port: %v, want not_found with the VNI map undone", err)
	}
	if run := dev.State().Running; len(run.VNIs) != 0 || run.VLANs[3000].ID != 0 {
		t.Fatalf("after the rollback: VNIs %v, VLAN 3000 %+v; want neither", run.VNIs, run.VLANs[3000])
	}
	if _, err := svc.AddNetwork(ctx, c, service.NetworkRequest{SwitchID: "eos-1", Network: vlanNet(3001)}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AttachPort(ctx, c, service.AttachRequest{Link: link("Ethernet99"), Network: service.Network{Type: "vxlan", SegmentationID: 10601, VLAN: 3001}})
	if fault.KindOf(err) != fault.NotFound {
		t.Fatalf("attach to a missing port on an existing VLAN: %v, want not_found", err)
	}
	if _, ok := dev.State().Running.VLANs[3001]; !ok {
		t.Fatal("VLAN 3001 was there before the attach and is gone after its rollback")
	}
}
