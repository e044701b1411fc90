package state

import (
	"reflect"
	"testing"
)

func TestACLTableAdd(t *testing.T) {
	var tb ACLTable
	if tb.Add("missing", ACLEntry{Action: "permit", Rule: "ip any any"}) {
		t.Fatal("Add to a list that does not exist reported success")
	}
	tb.Ensure("a")
	steps := []struct {
		e    ACLEntry
		want []int // the sequence numbers after the step
	}{
		{ACLEntry{Action: "permit", Rule: "tcp any 10.0.0.0/24 eq 22"}, []int{10}},
		{ACLEntry{Action: "permit", Rule: "udp any any"}, []int{10, 20}},
		{ACLEntry{Action: "permit", Rule: "udp any any"}, []int{10, 20}}, // the same rule again: not added
		{ACLEntry{Seq: 15, Action: "deny", Rule: "ip any any"}, []int{10, 15, 20}},
		{ACLEntry{Seq: 15, Action: "permit", Rule: "icmp any any"}, []int{10, 15, 20}}, // replaces 15
		{ACLEntry{Seq: 95, Action: "permit", Rule: "ip any 10.1.0.0/16"}, []int{10, 15, 20, 95}},
		{ACLEntry{Action: "deny", Rule: "ip any 10.2.0.0/16"}, []int{10, 15, 20, 95, 100}},
	}
	for i, s := range steps {
		if !tb.Add("a", s.e) {
			t.Fatalf("step %d: Add failed", i)
		}
		var got []int
		for _, e := range tb.Lists["a"].Entries {
			got = append(got, e.Seq)
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d: sequence numbers %v, want %v", i, got, s.want)
		}
	}
	if e := tb.Lists["a"].Entries[1]; e.Action != "permit" || e.Rule != "icmp any any" {
		t.Errorf("entry 15 = %+v, want the replacement", e)
	}
}

// TestOverlayCloneIsDeepAndNormal: a clone shares nothing with the
// original, and emptied maps clone to nil so copies compare equal.
func TestOverlayCloneIsDeepAndNormal(t *testing.T) {
	var o Overlay
	SetEVPN(&o.EVPNByVLAN, 100, EVPN{RD: "auto", RouteTargets: []RouteTarget{{"both", "65000:100"}}})
	o.SetNVEMember(NVEMember{VNI: 5100, Replication: ReplicationBGP})
	o.SetFlood(100, []string{"10.0.0.1"})
	c := o.Clone()
	e := c.EVPNByVLAN[100]
	e.SetRouteTarget(RouteTarget{"import", "65000:1"})
	c.EVPNByVLAN[100] = e
	c.FloodVTEPs[100][0] = "10.0.0.2"
	if len(o.EVPNByVLAN[100].RouteTargets) != 1 || o.FloodVTEPs[100][0] != "10.0.0.1" {
		t.Errorf("changing the clone changed the original: %+v", o)
	}
	if !e.RemoveRouteTarget(RouteTarget{"import", "65000:1"}) || e.RemoveRouteTarget(RouteTarget{"import", "65000:1"}) {
		t.Error("RemoveRouteTarget must report whether the target was there")
	}
	delete(o.EVPNByVLAN, 100)
	delete(o.NVE, 5100)
	o.SetFlood(100, nil)
	if !reflect.DeepEqual(o.Clone(), Overlay{}) {
		t.Errorf("an emptied overlay clones to %+v, want the zero value", o.Clone())
	}
	var tb ACLTable
	tb.Ensure("a")
	tb.Bind("Ethernet1/1", "a")
	tb.Delete("a")
	tb.Bind("Ethernet1/1", "")
	if !reflect.DeepEqual(tb.Clone(), ACLTable{}) {
		t.Errorf("an emptied ACL table clones to %+v, want the zero value", tb.Clone())
	}
}
