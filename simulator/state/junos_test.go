package state

import (
	"reflect"
	"testing"
)

// TestCloneCopiesVRFTargets: a clone shares no route-target map with its
// original, and a configuration that never had one clones as it is.
func TestCloneCopiesVRFTargets(t *testing.T) {
	c := NewConfig([]string{"p1"}, "default", L2{Mode: Access, AccessVLAN: 1, NativeVLAN: 1})
	if d := c.Clone(); d.VRFTargets != nil || !reflect.DeepEqual(c, d) {
		t.Fatalf("clone of a configuration without targets: %v", d.VRFTargets)
	}
	c.VRFTargets = map[int]string{100: "target:65000:5100"}
	d := c.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatal("the clone differs from the original")
	}
	d.VRFTargets[200] = "target:65000:5200"
	delete(d.VRFTargets, 100)
	if len(c.VRFTargets) != 1 || c.VRFTargets[100] != "target:65000:5100" {
		t.Errorf("changing the clone changed the original: %v", c.VRFTargets)
	}
}
