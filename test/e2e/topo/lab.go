package topo

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testenv"
)

// cmdTimeout bounds each ip/ovs-vsctl/tcpdump command the harness runs.
const cmdTimeout = 30 * time.Second

// stopGrace is how long a daemon gets between SIGTERM and SIGKILL.
const stopGrace = 5 * time.Second

// serverNet is the subnet every lab's servers share. It exists only inside
// server namespaces, so labs never see each other's copies.
var serverNet = netip.MustParsePrefix("10.100.0.0/24")

// Lab is one topology's share of the machine: a leased name prefix and
// management subnet, a private directory, and every namespace, root link
// and process made for it. Close undoes all of it.
type Lab struct {
	prefix string
	slot   int
	owner  owner
	leases leases
	dir    string

	mu       sync.Mutex
	closed   bool
	halted   bool // stopProcs ran: start refuses new processes
	netns    []*Netns
	links    []string // root-namespace links, deleted at Close
	procs    []*proc
	nextLink int // next /30 of the slot
	nextHost int // next server address in serverNet
	names    map[string]bool
}

// NewLab leases a lab for t and registers its Close with t.Cleanup. When t
// has failed by then, the tails of the lab's daemon logs are logged first.
// It skips the test (fails it under CI=true) unless it runs as root with ip.
func NewLab(t testing.TB) *Lab {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	l, err := openLab(defaultLeases)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(l.logTails())
		}
		if err := l.Close(); err != nil {
			t.Errorf("topo: close lab %s: %v", l.prefix, err)
		}
	})
	return l
}

// openLab leases a slot from the lease file at path and clears whatever a
// crashed earlier holder of the slot left behind.
func openLab(path string) (*Lab, error) {
	o, err := self()
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "identify this process")
	}
	ls := newLeases(path)
	slot, err := ls.acquire(o)
	if err != nil {
		return nil, err
	}
	l := &Lab{prefix: slotPrefix(slot), slot: slot, owner: o, leases: ls, names: map[string]bool{}}
	if err := sweep(l.prefix); err != nil {
		_ = ls.release(o, slot)
		return nil, err
	}
	// A short directory: OVS and sshd put unix sockets in it, and a socket
	// path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", l.prefix+"-")
	if err != nil {
		_ = ls.release(o, slot)
		return nil, fault.Wrap(fault.Internal, err, "lab %s directory", l.prefix)
	}
	// sshd and sudo run as the test user read files under it.
	if err := os.Chmod(dir, 0o711); err != nil {
		_ = ls.release(o, slot)
		return nil, fault.Wrap(fault.Internal, err, "lab %s directory", l.prefix)
	}
	l.dir = dir
	return l, nil
}

// Prefix is the lab's name prefix ("me" and three base-36 digits). Every
// namespace and root-namespace link of the lab starts with it and a dash.
func (l *Lab) Prefix() string { return l.prefix }

// Dir is the lab's private directory (daemon databases, sockets, logs),
// removed by Close.
func (l *Lab) Dir() string { return l.dir }

// name returns the lab's name for role, refusing duplicates.
func (l *Lab) name(role string) (string, error) {
	n := l.prefix + "-" + role
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return "", fault.New(fault.Invalid, "lab %s is closed", l.prefix)
	}
	if l.names[n] {
		return "", fault.New(fault.Conflict, "lab %s already has %q", l.prefix, n)
	}
	l.names[n] = true
	return n, nil
}

// Netns is a network namespace of a lab.
type Netns struct {
	name string
}

// Name is the namespace's name, as `ip netns` knows it.
func (n *Netns) Name() string { return n.name }

// String returns the name.
func (n *Netns) String() string { return n.name }

// Command returns a command that runs name inside the namespace.
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.name, name}, args...)...)
}

// Run runs name inside the namespace and returns its combined output; an
// error names the command and carries the output.
func (n *Netns) Run(ctx context.Context, name string, args ...string) (string, error) {
	return run(n.Command(ctx, name, args...))
}

// AddNetns creates the namespace "<prefix>-<role>" with loopback up.
func (l *Lab) AddNetns(t testing.TB, role string) *Netns {
	t.Helper()
	ns, err := l.addNetns(role)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	return ns
}

func (l *Lab) addNetns(role string) (*Netns, error) {
	name, err := l.name(role)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ip(ctx, nil, "netns add "+name); err != nil {
		return nil, err
	}
	ns := &Netns{name: name}
	l.mu.Lock()
	l.netns = append(l.netns, ns)
	l.mu.Unlock()
	if _, err := ip(ctx, ns, "link set lo up"); err != nil {
		return nil, err
	}
	return ns, nil
}

// AddVeth links interface aName in a to interface bName in b with a veth
// pair and sets both ends up. Interface names are per namespace, so they
// need not be unique across labs.
func (l *Lab) AddVeth(t testing.TB, a *Netns, aName string, b *Netns, bName string) {
	t.Helper()
	if err := l.addVeth(a, aName, b, bName); err != nil {
		t.Fatalf("topo: %v", err)
	}
}

func (l *Lab) addVeth(a *Netns, aName string, b *Netns, bName string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ip(ctx, nil, fmt.Sprintf("link add %s netns %s type veth peer name %s netns %s", aName, a.name, bName, b.name)); err != nil {
		return err
	}
	if _, err := ip(ctx, a, "link set "+aName+" up"); err != nil {
		return err
	}
	_, err := ip(ctx, b, "link set "+bName+" up")
	return err
}

// MgmtLink is a /30 between the test process's (root) namespace and a lab
// namespace: the way the test reaches a device's sshd.
type MgmtLink struct {
	HostIf string       // root-namespace interface, "<prefix>-m<N>"
	HostIP netip.Addr   // its address, the first of the /30
	Iface  string       // interface in the lab namespace, "mgmt0"
	IP     netip.Addr   // its address, the second of the /30: the device's management address
	Subnet netip.Prefix // the /30, unique on the machine while the lab lives
}

// AddMgmtLink links ns to the root namespace with the lab's next /30.
func (l *Lab) AddMgmtLink(t testing.TB, ns *Netns) MgmtLink {
	t.Helper()
	m, err := l.addMgmtLink(ns)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	return m
}

// nextMgmt reserves the lab's next /30 and root interface name.
func (l *Lab) nextMgmt(kind string) (MgmtLink, error) {
	l.mu.Lock()
	i := l.nextLink
	l.nextLink++
	l.mu.Unlock()
	if i >= linksPerSlot {
		return MgmtLink{}, fault.New(fault.Busy, "lab %s has used all %d management subnets", l.prefix, linksPerSlot)
	}
	sub := slotLink(l.slot, i)
	m := MgmtLink{
		HostIf: fmt.Sprintf("%s-%s%d", l.prefix, kind, i),
		HostIP: sub.Addr().Next(),
		Iface:  "mgmt0",
		IP:     sub.Addr().Next().Next(),
		Subnet: sub,
	}
	l.mu.Lock()
	l.links = append(l.links, m.HostIf)
	l.mu.Unlock()
	return m, nil
}

func (l *Lab) addMgmtLink(ns *Netns) (MgmtLink, error) {
	m, err := l.nextMgmt("m")
	if err != nil {
		return m, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ip(ctx, nil,
		fmt.Sprintf("link add %s type veth peer name %s netns %s", m.HostIf, m.Iface, ns.name),
		fmt.Sprintf("addr add %s/30 dev %s", m.HostIP, m.HostIf),
		fmt.Sprintf("link set %s up", m.HostIf)); err != nil {
		return m, err
	}
	_, err = ip(ctx, ns,
		fmt.Sprintf("addr add %s/30 dev %s", m.IP, m.Iface),
		fmt.Sprintf("link set %s up", m.Iface))
	return m, err
}

// nextServerAddr returns the next server address in serverNet.
func (l *Lab) nextServerAddr() (netip.Prefix, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nextHost++
	a := serverNet.Addr()
	for i := 0; i < l.nextHost; i++ {
		a = a.Next()
	}
	if !serverNet.Contains(a) || a == lastAddr(serverNet) {
		return netip.Prefix{}, fault.New(fault.Busy, "lab %s has no server address left in %s", l.prefix, serverNet)
	}
	return netip.PrefixFrom(a, serverNet.Bits()), nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// Close stops the lab's processes, deletes its namespaces and root links,
// releases its lease and removes its directory. It is safe to call twice.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	procs, nss, links := l.procs, l.netns, l.links
	l.mu.Unlock()

	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop()
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	for i := len(nss) - 1; i >= 0; i-- {
		if err := deleteNetns(ctx, nss[i].name); err != nil {
			errs = append(errs, err)
		}
	}
	for _, link := range links {
		if linkExists(link) {
			if _, err := ip(ctx, nil, "link del "+link); err != nil && linkExists(link) {
				errs = append(errs, err)
			}
		}
	}
	if err := l.leases.release(l.owner, l.slot); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(l.dir); err != nil {
		errs = append(errs, fault.Wrap(fault.Internal, err, "remove %s", l.dir))
	}
	return errors.Join(errs...)
}

// deleteNetns kills (by pid) whatever still runs in the namespace, which
// only the lab can have started, then deletes it.
func deleteNetns(ctx context.Context, name string) error {
	if _, err := os.Stat(filepath.Join("/run/netns", name)); err != nil {
		return nil
	}
	for round := 0; round < 20; round++ {
		out, _ := ip(ctx, nil, "netns pids "+name)
		pids := strings.Fields(out)
		if len(pids) == 0 {
			break
		}
		for _, p := range pids {
			var pid int
			if _, err := fmt.Sscan(p, &pid); err == nil && pid > 1 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err := ip(ctx, nil, "netns del "+name)
	return err
}

// sweep removes the namespaces and root links named with prefix that a
// crashed holder of the same slot left behind.
func sweep(prefix string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	nss, links := leftovers(prefix)
	var errs []error
	for _, ns := range nss {
		if err := deleteNetns(ctx, ns); err != nil {
			errs = append(errs, err)
		}
	}
	for _, link := range links {
		if _, err := ip(ctx, nil, "link del "+link); err != nil && linkExists(link) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// leftovers lists the namespaces and root-namespace links named with prefix.
func leftovers(prefix string) (namespaces, links []string) {
	if ents, err := os.ReadDir("/run/netns"); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), prefix+"-") {
				namespaces = append(namespaces, e.Name())
			}
		}
	}
	if ents, err := os.ReadDir("/sys/class/net"); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), prefix+"-") {
				links = append(links, e.Name())
			}
		}
	}
	return namespaces, links
}

func linkExists(name string) bool {
	_, err := os.Lstat(filepath.Join("/sys/class/net", name))
	return err == nil
}

// ip runs `ip -batch -` with lines, inside ns when ns is not nil: one
// process for a whole batch of changes.
func ip(ctx context.Context, ns *Netns, lines ...string) (string, error) {
	args := []string{"-batch", "-"}
	if ns != nil {
		args = append([]string{"-n", ns.name}, args...)
	}
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		where := "root namespace"
		if ns != nil {
			where = ns.name
		}
		return string(out), fault.Wrap(fault.Device, err, "ip in %s: %s: %s", where, strings.Join(lines, "; "), strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// run runs cmd and returns its combined output; the error quotes both.
func run(cmd *exec.Cmd) (string, error) {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fault.Wrap(fault.Device, err, "%s: %s", strings.Join(cmd.Args, " "), strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
