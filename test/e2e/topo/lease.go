package topo

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/openmercury/mercury/fault"
)

// The management address plan. Each lab leases one slot: a /27 of
// mgmtRange (eight /30 management links) and the name prefix that goes with
// it. Slots start at 10.99.16.0, leaving 10.99.0.0/20 to the hand-run
// recipes in the reference notes.
var (
	mgmtRange = netip.MustParsePrefix("10.99.0.0/16")
)

const (
	slotBits      = 27       // each slot is a /27
	firstSlotAddr = 16 * 256 // offset of slot 0 inside mgmtRange: 10.99.16.0
	maxSlots      = (65536 - firstSlotAddr) >> (32 - slotBits)
	linksPerSlot  = 1 << (30 - slotBits) // eight /30s in a /27
	namePrefix    = "me"                 // every lab's names start with this
	defaultLeases = "/run/mercury-e2e/leases"
)

// slotPrefix is the name prefix of slot n: "me" and three base-36 digits,
// so the longest root-namespace link name, prefix-"u12", stays well
// within the kernel's 15 characters.
func slotPrefix(n int) string {
	s := strconv.FormatInt(int64(n), 36)
	return namePrefix + strings.Repeat("0", 3-len(s)) + s
}

// slotLink returns the i-th /30 management subnet of slot n.
func slotLink(n, i int) netip.Prefix {
	base := mgmtRange.Addr().As4()
	off := firstSlotAddr + n<<(32-slotBits) + i*4
	base[2] += byte(off >> 8)
	base[3] += byte(off)
	return netip.PrefixFrom(netip.AddrFrom4(base), 30)
}

// owner identifies a live process: its pid and its start time (field 22 of
// /proc/PID/stat), so a recycled pid is not mistaken for the owner.
type owner struct {
	pid   int
	start uint64
}

// self returns the calling process as an owner.
func self() (owner, error) {
	pid := os.Getpid()
	start, err := procStart(pid)
	if err != nil {
		return owner{}, err
	}
	return owner{pid, start}, nil
}

// procStart reads a process's start time in clock ticks since boot.
func procStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	// After "(comm)": state is field 3, so starttime (22) is index 19.
	if len(f) < 20 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// alive reports whether o is still running.
func (o owner) alive() bool {
	st, err := procStart(o.pid)
	return err == nil && st == o.start
}

// leases hands out slots to labs across every test process on the machine.
// The file holds one "slot pid start" line per live lease and is read and
// rewritten under an exclusive flock. A lease whose owner is gone (a test
// binary killed by its timeout never runs its cleanups) is free again.
type leases struct {
	path  string
	alive func(owner) bool
}

func newLeases(path string) leases {
	return leases{path: path, alive: owner.alive}
}

// acquire leases the lowest free slot to o.
func (l leases) acquire(o owner) (int, error) {
	slot := -1
	err := l.update(func(held map[int]owner) error {
		for n := 0; n < maxSlots; n++ {
			if h, ok := held[n]; !ok || !l.alive(h) {
				held[n] = o
				slot = n
				return nil
			}
		}
		return fault.New(fault.Busy, "all %d lab slots in %s are leased by live test processes", maxSlots, l.path)
	})
	return slot, err
}

// release frees slot n if o holds it.
func (l leases) release(o owner, n int) error {
	return l.update(func(held map[int]owner) error {
		if held[n] == o {
			delete(held, n)
		}
		return nil
	})
}

// update runs fn on the lease table under the lock and writes it back.
func (l leases) update(fn func(map[int]owner) error) error {
	if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
		return fault.Wrap(fault.Internal, err, "lab leases")
	}
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "lab leases")
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fault.Wrap(fault.Internal, err, "lock %s", l.path)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)

	held := map[int]owner{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var n int
		var o owner
		if _, err := fmt.Sscanf(sc.Text(), "%d %d %d", &n, &o.pid, &o.start); err == nil {
			held[n] = o
		}
	}
	if err := sc.Err(); err != nil {
		return fault.Wrap(fault.Internal, err, "read %s", l.path)
	}
	if err := fn(held); err != nil {
		return err
	}
	var buf bytes.Buffer
	for n := 0; n < maxSlots; n++ {
		if o, ok := held[n]; ok {
			fmt.Fprintf(&buf, "%d %d %d\n", n, o.pid, o.start)
		}
	}
	if err := f.Truncate(0); err != nil {
		return fault.Wrap(fault.Internal, err, "write %s", l.path)
	}
	if _, err := f.WriteAt(buf.Bytes(), 0); err != nil {
		return fault.Wrap(fault.Internal, err, "write %s", l.path)
	}
	return nil
}
