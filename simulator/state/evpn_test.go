package state

import (
	"reflect"
	"testing"
)

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
}
