package topo

import (
	"strings"
	"testing"
	"time"
)

// TestUMLPingMatrix drives the VLAN-aware Linux bridge the way a
// Cumulus-style driver will: `bridge vlan` over SSH as the test user.
func TestUMLPingMatrix(t *testing.T) {
	sw := uml.Get(t)
	sw.Reset(t)
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	ssh := sw.SSH()

	if out := ssh.MustRun(t, "ip -d link show br0"); !strings.Contains(out, "vlan_filtering 1") {
		t.Fatalf("br0 is not VLAN-aware:\n%s", out)
	}
	steps := []struct {
		name  string
		cmd   string
		reach bool
	}{
		{"no VLAN on any port", "true", false},
		{"both on vlan 100", "sudo -n bridge vlan add dev swp1 vid 100 pvid untagged && sudo -n bridge vlan add dev swp2 vid 100 pvid untagged", true},
		{"swp2 moved to vlan 200", "sudo -n bridge vlan del dev swp2 vid 100 && sudo -n bridge vlan add dev swp2 vid 200 pvid untagged", false},
		{"swp2 back on vlan 100", "sudo -n bridge vlan del dev swp2 vid 200 && sudo -n bridge vlan add dev swp2 vid 100 pvid untagged", true},
		{"swp2 in no VLAN", "sudo -n bridge vlan del dev swp2 vid 100", false},
	}
	for _, st := range steps {
		start := time.Now()
		ssh.MustRun(t, st.cmd)
		cmdTook := time.Since(start)
		if st.reach {
			Reachable(t, s1.NS, s2.IP)
		} else {
			Blocked(t, s1.NS, s2.IP)
		}
		t.Logf("ok: %s (command %v, whole step %v)", st.name, cmdTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
}

// TestUMLTaggedPort makes swp2 a tagged member of VLAN 100: the untagged
// server behind it cannot answer, and its wire shows frames tagged 100.
func TestUMLTaggedPort(t *testing.T) {
	sw := uml.Get(t)
	sw.Reset(t)
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	sw.SSH().MustRun(t, "sudo -n bridge vlan add dev swp1 vid 100 pvid untagged && sudo -n bridge vlan add dev swp2 vid 100")

	capture := StartCapture(t, s2.NS, s2.Iface)
	Blocked(t, s1.NS, s2.IP)
	if vlans := capture.VLANs(); vlans[100] == 0 || len(vlans) != 1 {
		t.Fatalf("tagged frames by VLAN on swp2's wire = %v, want VLAN 100 only; capture:\n%s", vlans, strings.Join(capture.Lines(), "\n"))
	}
}
