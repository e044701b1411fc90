package topo

import (
	"strings"
	"testing"
	"time"
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

	trunk := StartCapture(t, sw.NS(), "trunk0")
	access := StartCapture(t, s1.NS, s1.Iface)
	Reachable(t, s1.NS, host.IP)
	vlans := trunk.VLANs()
	if vlans[100] == 0 || len(vlans) != 1 {
		t.Fatalf("tagged frames by VLAN on trunk0 = %v, want VLAN 100 only; capture:\n%s", vlans, strings.Join(trunk.Lines(), "\n"))
	}
	if vlans := access.VLANs(); len(vlans) != 0 || len(access.Lines()) == 0 {
		t.Fatalf("on the access port's wire: %d frames, tagged by VLAN %v; want untagged frames only", len(access.Lines()), vlans)
	}

	dpu.Vsctl(t, "set", "port", "p0", "trunks=200")
	Blocked(t, s1.NS, host.IP)
	dpu.Vsctl(t, "set", "port", "p0", "trunks=100,200")
	Reachable(t, s1.NS, host.IP)
}

// TestOVSBondedServer cables a server by two links to the switch: first as
// an active-backup bond the switch need not know about, then as an LACP
// bond that only passes traffic once the switch bonds its ports too.
func TestOVSBondedServer(t *testing.T) {
	lab := NewLab(t)
	sw := NewOVSSwitch(t, lab, "sw", OVSConfig{Servers: 1})
	s1 := sw.Server(t, "swp1")
	sw.Vsctl(t, "set", "port", "swp1", "tag=100")

	t.Run("active-backup", func(t *testing.T) {
		srv := sw.AddBondedServer(t, "ab", Bond{Mode: ActiveBackup}, "swp2", "swp3")
		sw.Vsctl(t, "set", "port", "swp2", "tag=100", "--", "set", "port", "swp3", "tag=100")
		Reachable(t, s1.NS, srv.IP)
		sw.Vsctl(t, "set", "port", "swp2", "tag=200", "--", "set", "port", "swp3", "tag=200")
		Blocked(t, s1.NS, srv.IP)
	})
	t.Run("lacp", func(t *testing.T) {
		srv := sw.AddBondedServer(t, "lacp", Bond{Mode: BalanceTCP, LACP: true}, "swp4", "swp5")
		sw.Vsctl(t, "set", "port", "swp4", "tag=100", "--", "set", "port", "swp5", "tag=100")
		// Individual ports get no LACP answer, so the server's bond stays down.
		Blocked(t, s1.NS, srv.IP)
		sw.Vsctl(t, "del-port", "swp4", "--", "del-port", "swp5", "--",
			"add-bond", Bridge, "bond1", "swp4", "swp5", "lacp=active", "bond_mode=balance-tcp", "tag=100",
			"other_config:lacp-time=fast")
		waitLACP(t, sw, "bond1")
		Reachable(t, s1.NS, srv.IP)
	})
}

// waitLACP waits until the switch's bond has negotiated LACP.
func waitLACP(t *testing.T, sw *OVSSwitch, bond string) {
	t.Helper()
	var out string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if out = sw.Appctl(t, "lacp/show", bond); strings.Contains(out, "status: active negotiated") {
			return
		}
	}
	t.Fatalf("LACP on %s never negotiated:\n%s", bond, out)
}
