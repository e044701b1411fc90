package service_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator"
)

// TestPortGroupAcrossPair: a port group with a link on each switch of a
// pair makes a LAG on both, with one port-channel number that is also
// both halves' MLAG id, on the network; detaching deletes both. When
// the second switch refuses its part, the LAG made on the first is
// deleted and its member written back, and the error says so.
func TestPortGroupAcrossPair(t *testing.T) {
	svc, eos1, eos2 := simPair(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	l1 := service.Link{SwitchID: "eos-1", PortID: "Ethernet3"}
	l2 := service.Link{SwitchID: "eos-2", PortID: "Ethernet3"}
	group := &service.PortGroup{Name: "node-9", Mode: "lacp", Links: []service.Link{l2}}
	vlan := service.Network{Type: "vlan", SegmentationID: 100}

	res, err := svc.AttachPort(ctx, c, service.AttachRequest{Link: l1, Network: vlan, PortGroup: group})
	if err != nil {
		t.Fatal(err)
	}
	// eos-1 makes the LAG, eos-2 its half with the same number and that
	// number as its MLAG id, then eos-1 takes the id too.
	if len(res.Steps) != 3 || !res.Changed || res.Steps[1].Device != "eos-2" || res.Steps[1].LAGNumber != res.Steps[0].LAGNumber {
		t.Fatalf("attach: %+v, want three steps: eos-1, eos-2 on the same port-channel number, eos-1", res)
	}
	for _, dev := range []*simulator.Device{eos1, eos2} {
		lags := dev.State().Running.LAGs
		if len(lags) != 1 {
			t.Fatalf("%s: LAGs %+v, want one", dev.Name(), lags)
		}
		for _, l := range lags {
			if !reflect.DeepEqual(l.Members, []string{"Ethernet3"}) || l.AccessVLAN != 100 || l.Peer != l.Number {
				t.Fatalf("%s: LAG %+v, want Ethernet3 as its member, on VLAN 100, with its number as MLAG id", dev.Name(), l)
			}
		}
	}
	if _, err := svc.DetachPort(ctx, c, service.DetachRequest{Link: l1, PortGroup: group}); err != nil {
		t.Fatal(err)
	}
	for _, dev := range []*simulator.Device{eos1, eos2} {
		if lags := dev.State().Running.LAGs; len(lags) != 0 {
			t.Fatalf("%s: LAGs %+v after the detach, want none", dev.Name(), lags)
		}
	}

	// eos-2 refuses its part: eos-1's LAG is undone.
	before := eos1.State().Running.Ports["Ethernet3"]
	eos2.SetFault(simulator.Fault{RejectConfigLine: 1})
	_, err = svc.AttachPort(ctx, c, service.AttachRequest{Link: l1, Network: vlan, PortGroup: group})
	if err == nil || !strings.Contains(err.Error(), "undone: eos-1 LAG node-9 removed") {
		t.Fatalf("attach with eos-2 refusing: %v, want an error saying eos-1's LAG was undone", err)
	}
	if lags := eos1.State().Running.LAGs; len(lags) != 0 {
		t.Fatalf("eos-1 LAGs %+v after the rollback, want none", lags)
	}
	if after := eos1.State().Running.Ports["Ethernet3"]; !reflect.DeepEqual(after, before) {
		t.Fatalf("eos-1 Ethernet3 after the rollback: %+v, want %+v", after, before)
	}

	// eos-2 already uses the number eos-1 picks, for another LAG: refused
	// as a conflict, and eos-1 is undone.
	eos2.SetFault(simulator.Fault{})
	other := &service.PortGroup{Name: "other", Links: []service.Link{{SwitchID: "eos-2", PortID: "Ethernet5"}}}
	if _, err := svc.AttachPort(ctx, c, service.AttachRequest{Link: service.Link{SwitchID: "eos-2", PortID: "Ethernet4"}, Network: vlan, PortGroup: other}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AttachPort(ctx, c, service.AttachRequest{Link: l1, Network: vlan, PortGroup: group})
	if fault.KindOf(err) != fault.Conflict || !strings.Contains(err.Error(), "undone: eos-1 LAG node-9 removed") {
		t.Fatalf("attach when eos-2 has the number for another LAG: %v, want a conflict, eos-1 undone", err)
	}
	if lags := eos1.State().Running.LAGs; len(lags) != 0 {
		t.Fatalf("eos-1 LAGs %+v after the rollback, want none", lags)
	}
}

// TestUpdateLAGAcrossPair: Ironic's update_lag with the two switches of a
// pair makes one port-channel number on both, as their MLAG id; when the
// second refuses, the LAG the call made on the first is deleted.
func TestUpdateLAGAcrossPair(t *testing.T) {
	svc, eos1, eos2 := simPair(t, "never", 0)
	ctx, c := context.Background(), service.Caller{Identity: "test"}
	mode, native := "access", 100
	req := service.UpdateLAGRequest{SwitchIDs: []string{"eos-2", "eos-1"}, LAGName: "node-7", Mode: &mode, NativeVLAN: &native}
	if _, err := svc.UpdateLAG(ctx, c, req); err != nil {
		t.Fatal(err)
	}
	for _, dev := range []*simulator.Device{eos1, eos2} {
		lags := dev.State().Running.LAGs
		if len(lags) != 1 {
			t.Fatalf("%s: LAGs %+v, want one", dev.Name(), lags)
		}
		for _, l := range lags {
			if l.Peer != l.Number || l.Description != "node-7" || l.AccessVLAN != 100 {
				t.Fatalf("%s: LAG %+v, want node-7 on VLAN 100 with its number as MLAG id", dev.Name(), l)
			}
		}
	}
	if _, err := svc.DeleteLAG(ctx, c, service.DeleteLAGRequest{SwitchIDs: req.SwitchIDs, LAGName: "node-7"}); err != nil {
		t.Fatal(err)
	}
	eos2.SetFault(simulator.Fault{RejectConfigLine: 1})
	_, err := svc.UpdateLAG(ctx, c, req)
	if err == nil || !strings.Contains(err.Error(), "undone: eos-1 LAG node-7 removed") {
		t.Fatalf("update_lag with eos-2 refusing: %v, want eos-1's new LAG undone", err)
	}
	if lags := eos1.State().Running.LAGs; len(lags) != 0 {
		t.Fatalf("eos-1 LAGs %+v after the rollback, want none", lags)
	}
}
