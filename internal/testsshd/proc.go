package testsshd

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// killTree stops pid and all its descendants (see stopTree), then kills
// them all with SIGKILL. sshd's per-connection processes call setsid, so a
// process group would miss them; the parent links in /proc do not.
func killTree(pid int) {
	for _, p := range stopTree(pid) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
}

// stopTree sends SIGSTOP to pid and its descendants, reading the tree again
// until no new process appears (one may fork while the tree is read), and
// returns the processes it stopped.
func stopTree(pid int) []int {
	stopped := map[int]bool{}
	var out []int
	for round := 0; round < 10; round++ {
		fresh := false
		for _, p := range append([]int{pid}, descendants(pid)...) {
			if !stopped[p] {
				stopped[p] = true
				out = append(out, p)
				fresh = true
				_ = syscall.Kill(p, syscall.SIGSTOP)
			}
		}
		if !fresh {
			break
		}
	}
	return out
}

// descendants returns the process ids below pid, read from /proc.
func descendants(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := parentOf(p); ok {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// parentOf reads the parent pid from /proc/PID/stat ("pid (comm) state ppid ...";
// comm may hold spaces and parentheses, so parse after the last ')').
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}
