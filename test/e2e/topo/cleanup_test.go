package topo

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/testenv"
)

// labTrace is what a lab made, recorded before it is torn down.
type labTrace struct {
	prefix string
	slot   int
	dir    string
	pids   []int
	mgmt   []netip.Prefix
}

// trace records lab's names, processes (and their descendants) and the
// management subnets of its switches.
func trace(lab *Lab, mgmt ...MgmtLink) labTrace {
	tr := labTrace{prefix: lab.prefix, slot: lab.slot, dir: lab.dir}
	lab.mu.Lock()
	for _, p := range lab.procs {
		tr.pids = append(tr.pids, p.pid())
		tr.pids = append(tr.pids, descendants(p.pid())...)
	}
	lab.mu.Unlock()
	for _, m := range mgmt {
		tr.mgmt = append(tr.mgmt, m.Subnet)
	}
	return tr
}

// remains lists what of tr is still on the machine.
func (tr labTrace) remains() []string {
	var left []string
	nss, links := leftovers(tr.prefix)
	for _, n := range nss {
		left = append(left, "namespace "+n)
	}
	for _, l := range links {
		left = append(left, "link "+l)
	}
	for _, pid := range tr.pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			left = append(left, fmt.Sprintf("process %d", pid))
		}
	}
	if _, err := os.Stat(tr.dir); err == nil {
		left = append(left, "directory "+tr.dir)
	}
	if b, err := os.ReadFile(defaultLeases); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == strconv.Itoa(tr.slot) && f[1] == strconv.Itoa(os.Getpid()) {
				left = append(left, "lease "+l)
			}
		}
	}
	b, _ := exec.Command("ip", "-o", "addr", "show").Output()
	out := string(b)
	for _, m := range tr.mgmt {
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			if len(f) >= 4 {
				if a, err := netip.ParsePrefix(f[3]); err == nil && m.Contains(a.Addr()) {
					left = append(left, "address "+l)
				}
			}
		}
	}
	return left
}

// descendants lists the process ids below pid.
func descendants(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		out = append(out, children[queue[0]]...)
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// TestCleanup builds a lab with every kind of part, tears it down, and
// checks nothing of it is left: namespaces, root links, addresses,
// processes, directory, lease.
func TestCleanup(t *testing.T) {
	testenv.RequireRoot(t)
	var tr labTrace
	t.Run("build", func(t *testing.T) {
		lab := NewLab(t)
		sw := NewOVSSwitch(t, lab, "sw", OVSConfig{Servers: 2, SSH: true})
		dpu := NewOVSSwitch(t, lab, "dpu", OVSConfig{})
		dpu.AddServer(t, "pf0hpf")
		Trunk(t, sw, "trunk0", dpu, "p0")
		sw.AddBondedServer(t, "bond", Bond{Mode: ActiveBackup}, "swp3", "swp4")
		sw.SSH().MustRun(t, "true")
		StartCapture(t, sw.NS(), "trunk0")
		tr = trace(lab, sw.Mgmt())
		tr.pids = append(tr.pids, sw.SSHD().PID())
		// The check below must be able to fail: everything is there now.
		if left := tr.remains(); len(left) < 8 {
			t.Fatalf("a live lab shows only %v", left)
		}
	})
	if tr.prefix == "" {
		t.Fatal("the build step did not finish")
	}
	if left := tr.remains(); len(left) > 0 {
		t.Fatalf("after teardown of lab %s, still there: %s", tr.prefix, strings.Join(left, "; "))
	}
}

// TestParallelLabs runs two labs at once in one process. Their servers use
// the same addresses and their switches the same port names; only the
// namespaces keep them apart. Each moves its own swp2 and must see only
// its own change.
func TestParallelLabs(t *testing.T) {
	testenv.RequireRoot(t)
	var mu sync.Mutex
	seen := map[string]MgmtLink{}
	t.Run("group", func(t *testing.T) {
		for _, name := range []string{"a", "b"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				lab := NewLab(t)
				sw := NewOVSSwitch(t, lab, "sw", OVSConfig{Servers: 2, SSH: true})
				mu.Lock()
				seen[lab.Prefix()] = sw.Mgmt()
				mu.Unlock()
				s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
				vs := "sudo -n " + sw.VsctlCommand() + " "
				// The labs step through opposite states at the same time.
				first, second := "tag=100", "tag=200"
				if name == "b" {
					first, second = second, first
				}
				sw.SSH().MustRun(t, vs+"set port swp1 tag=100 -- set port swp2 "+first)
				check(t, name == "a", s1, s2)
				sw.SSH().MustRun(t, vs+"set port swp2 "+second)
				check(t, name == "b", s1, s2)
			})
		}
	})
	if len(seen) != 2 {
		t.Fatalf("labs %v: want two distinct prefixes", seen)
	}
	var subnets []netip.Prefix
	for _, m := range seen {
		subnets = append(subnets, m.Subnet)
	}
	if subnets[0].Overlaps(subnets[1]) {
		t.Fatalf("the labs' management subnets overlap: %v", subnets)
	}
}

func check(t *testing.T, reach bool, from, to Server) {
	t.Helper()
	if reach {
		Reachable(t, from.NS, to.IP)
	} else {
		Blocked(t, from.NS, to.IP)
	}
}

// TestSweep plays a crashed earlier holder of a slot: its namespace (with
// a process still inside) and root link are left behind, and sweep, which
// openLab runs on every slot it leases, removes them.
func TestSweep(t *testing.T) {
	lab := NewLab(t)
	junk := lab.prefix + "-junk"
	for _, argv := range [][]string{
		{"ip", "netns", "add", junk},
		{"ip", "link", "add", junk, "type", "veth", "peer", "name", "eth9", "netns", junk},
		{"ip", "link", "add", lab.prefix + "-j1", "type", "veth", "peer", "name", lab.prefix + "-j2"},
	} {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v: %s", argv, err, out)
		}
	}
	sleeper := exec.Command("ip", "netns", "exec", junk, "sleep", "600")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sleeper.Wait() }()
	t.Cleanup(func() { _ = sleeper.Process.Kill() })
	// ip netns exec enters the namespace after Start returns; wait for it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		out, _ := exec.Command("ip", "netns", "pids", junk).Output()
		if strings.TrimSpace(string(out)) == strconv.Itoa(sleeper.Process.Pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sleep never showed up in %s", junk)
		}
		time.Sleep(10 * time.Millisecond)
	}

	if nss, links := leftovers(lab.prefix); len(nss) != 1 || len(links) != 3 {
		t.Fatalf("before sweep: namespaces %v, links %v", nss, links)
	}
	if err := sweep(lab.prefix); err != nil {
		t.Fatal(err)
	}
	if nss, links := leftovers(lab.prefix); len(nss)+len(links) != 0 {
		t.Fatalf("after sweep: namespaces %v, links %v", nss, links)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the process inside the swept namespace still runs")
	}
}
