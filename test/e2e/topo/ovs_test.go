package topo

import (
	"testing"
)

// TestOVSPingMatrix drives the switch the way a driver will: ovs-vsctl
// over SSH as the test user through sudo, and checks isolation by ping.
func TestOVSPingMatrix(t *testing.T) {
	lab := NewLab(t)
	sw := NewOVSSwitch(t, lab, "sw", OVSConfig{Servers: 2, SSH: true})
	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
	ssh := sw.SSH()
	vsctl := "sudo -n " + sw.VsctlCommand() + " "

	steps := []struct {
		name  string
		cmd   string
		reach bool
	}{
		{"both on vlan 100", "set port swp1 tag=100 -- set port swp2 tag=100", true},
		{"swp2 moved to vlan 200", "set port swp2 tag=200", false},
		{"swp2 back on vlan 100", "set port swp2 tag=100", true},
		{"swp2 removed from the bridge", "del-port br0 swp2", false},
		{"swp2 re-added on vlan 100", "add-port br0 swp2 tag=100", true},
	}
	for _, st := range steps {
		ssh.MustRun(t, vsctl+st.cmd)
		if st.reach {
			Reachable(t, s1.NS, s2.IP)
		} else {
			Blocked(t, s1.NS, s2.IP)
		}
		t.Logf("ok: %s", st.name)
	}
	if got := sw.Vsctl(t, "get", "port", "swp2", "tag"); got != "100" {
		t.Fatalf("swp2 tag = %q, want 100", got)
	}
}

// TestOVSTrunk cables the switch to a second OVS (a DPU's bridge, with a
// representor-like port to its host) and checks that the trunk carries the
// VLAN tagged, and only the VLANs it allows.
func TestOVSTrunk(t *testing.T) {
	lab := NewLab(t)
	sw := NewOVSSwitch(t, lab, "sw", OVSConfig{Servers: 1, SSH: true})
	dpu := NewOVSSwitch(t, lab, "dpu", OVSConfig{})
	host := dpu.AddServer(t, "pf0hpf")
	Trunk(t, sw, "trunk0", dpu, "p0")
	s1 := sw.Server(t, "swp1")

	sw.SSH().MustRun(t, "sudo -n "+sw.VsctlCommand()+" set port swp1 tag=100 -- set port trunk0 trunks=100,200")
	dpu.Vsctl(t, "set", "port", "pf0hpf", "tag=100", "--", "set", "port", "p0", "trunks=100,200")

	capture := StartCapture(t, sw.NS(), "trunk0")
	Reachable(t, s1.NS, host.IP)
	vlans := capture.VLANs()
	if vlans[100] == 0 {
		t.Fatalf("no frame tagged with VLAN 100 crossed trunk0; tagged frames by VLAN: %v; capture:\n%v", vlans, capture.Lines())
	}
	if len(vlans) != 1 {
		t.Errorf("tagged frames by VLAN on trunk0 = %v, want VLAN 100 only", vlans)
	}

	dpu.Vsctl(t, "set", "port", "p0", "trunks=200")
	Blocked(t, s1.NS, host.IP)
	dpu.Vsctl(t, "set", "port", "p0", "trunks=100,200")
	Reachable(t, s1.NS, host.IP)
}
