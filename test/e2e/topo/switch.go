package topo

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openmercury/mercury/internal/testenv"
	"github.com/openmercury/mercury/internal/testsshd"
)

// OVSConfig shapes an OVSSwitch.
type OVSConfig struct {
	// Servers is how many servers to attach at once, on ports swp1..swpN.
	Servers int
	// SSH starts an OpenSSH server in the switch's namespace, reachable
	// from the test process over a management link, for drivers to log in
	// to as the test user.
	SSH bool
}

// OVSSwitch is a switch made of a private Open vSwitch (userspace netdev
// datapath) in its own namespace, bridge br0, with servers and other
// switches attached by veth pairs. Ports start with no VLAN settings
// (OVS then carries every VLAN and untagged traffic): tests and drivers
// set tag= and trunks= on them.
type OVSSwitch struct {
	lab  *Lab
	name string
	ns   *Netns
	ovs  *ovs
	mgmt MgmtLink
	sshd *testsshd.Server

	mu      sync.Mutex
	servers []Server
}

// Server is a namespace standing in for a bare-metal server: one interface
// (or a bond, see AddBondedServer) with an address in the lab's server
// subnet, cabled to a switch port.
type Server struct {
	Name   string       // the server's role name, e.g. "sw-swp1"
	NS     *Netns       // its namespace
	Iface  string       // the interface carrying IP: "eth0", or "br0" on a bonded server
	IP     netip.Addr   // its address
	Subnet netip.Prefix // IP with the subnet's length, shared by every server of the lab
	Switch string       // the switch it is cabled to
	Ports  []string     // the switch ports it is cabled to (two or more when bonded)
}

// Port is the switch port of a single-homed server.
func (s Server) Port() string { return s.Ports[0] }

// NewOVSSwitch starts an OVS switch named name (its namespace is
// "<prefix>-<name>") in lab, with cfg.Servers servers on swp1..swpN and,
// when cfg.SSH is set, sshd on its management address.
func NewOVSSwitch(t testing.TB, lab *Lab, name string, cfg OVSConfig) *OVSSwitch {
	t.Helper()
	testenv.RequireCommand(t, "ovs-vsctl", "ovsdb-tool", "ovsdb-server", "ovs-vswitchd")
	ns, err := lab.addNetns(name)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	// A switch's ports do not originate traffic: keep the namespace's
	// kernel from sending IPv6 router solicitations and MLD reports out of
	// them (OVS's packet sockets would forward those to the servers).
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ns.Run(ctx, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"); err != nil {
		t.Fatalf("topo: switch %s: %v", name, err)
	}
	o, err := lab.startOVS(ns, filepath.Join(lab.dir, name))
	if err != nil {
		t.Fatalf("topo: switch %s: %v", name, err)
	}
	sw := &OVSSwitch{lab: lab, name: name, ns: ns, ovs: o}
	if cfg.SSH {
		if sw.mgmt, err = lab.addMgmtLink(ns); err != nil {
			t.Fatalf("topo: switch %s: %v", name, err)
		}
		sw.sshd = testsshd.Start(t, testsshd.Options{
			ListenAddr: net.JoinHostPort(sw.mgmt.IP.String(), "22"),
			NetNS:      ns.name,
		})
	}
	for i := 1; i <= cfg.Servers; i++ {
		sw.AddServer(t, fmt.Sprintf("swp%d", i))
	}
	return sw
}

// Name is the switch's name within the lab.
func (s *OVSSwitch) Name() string { return s.name }

// NS is the switch's namespace.
func (s *OVSSwitch) NS() *Netns { return s.ns }

// DB is the switch's OVS database address, "unix:<path>/db.sock": what a
// driver passes as ovs-vsctl's --db (a device option).
func (s *OVSSwitch) DB() string { return s.ovs.DB() }

// VsctlCommand is the ovs-vsctl invocation for this switch,
// "ovs-vsctl --db=unix:<path>/db.sock", to run over SSH (with sudo -n).
func (s *OVSSwitch) VsctlCommand() string { return "ovs-vsctl --db=" + s.ovs.DB() }

// Mgmt is the switch's management link; zero without SSH.
func (s *OVSSwitch) Mgmt() MgmtLink { return s.mgmt }

// SSH is how to log in to the switch; its Addr is empty without cfg.SSH.
func (s *OVSSwitch) SSH() SSHTarget {
	if s.sshd == nil {
		return SSHTarget{}
	}
	return SSHTarget{
		Addr:           s.sshd.Addr,
		User:           s.sshd.User,
		Password:       s.sshd.Password,
		KeyFile:        s.sshd.KeyFile,
		KnownHostsFile: s.sshd.KnownHostsFile,
	}
}

// SSHD is the switch's sshd (nil without cfg.SSH), for tests that restart
// it or read its log.
func (s *OVSSwitch) SSHD() *testsshd.Server { return s.sshd }

// Vsctl runs ovs-vsctl on the switch directly (not over SSH) and returns
// its trimmed output; it fails the test on error.
func (s *OVSSwitch) Vsctl(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	out, err := s.ovs.vsctl(ctx, args...)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	return out
}

// Appctl runs ovs-appctl against the switch's ovs-vswitchd (for example
// "lacp/show", "bond/show", "fdb/show br0") and returns its trimmed output;
// it fails the test on error.
func (s *OVSSwitch) Appctl(t testing.TB, args ...string) string {
	t.Helper()
	out, err := s.ovs.appctl(args...)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	return out
}

// StopDatabase stops the switch's ovsdb-server (by PID), so every
// ovs-vsctl on it fails from now on while the datapath keeps forwarding:
// a device that fails mid-operation, whatever SSH connection the caller
// already holds.
func (s *OVSSwitch) StopDatabase(t testing.TB) {
	t.Helper()
	s.ovs.db.stop()
	if !s.ovs.db.exited() {
		t.Fatalf("topo: switch %s: ovsdb-server (pid %d) did not stop", s.name, s.ovs.db.pid())
	}
}

// Servers returns the switch's servers in the order they were added.
func (s *OVSSwitch) Servers() []Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Server(nil), s.servers...)
}

// Server returns the server cabled to port; it fails the test if none is.
func (s *OVSSwitch) Server(t testing.TB, port string) Server {
	t.Helper()
	for _, srv := range s.Servers() {
		for _, p := range srv.Ports {
			if p == port {
				return srv
			}
		}
	}
	t.Fatalf("topo: switch %s has no server on %s", s.name, port)
	return Server{}
}

// AddServer cables a new server namespace "<prefix>-<switch>-<port>" to
// port, adds port to br0 with no VLAN settings, and returns the server.
func (s *OVSSwitch) AddServer(t testing.TB, port string) Server {
	t.Helper()
	srv, err := s.addServer(port)
	if err != nil {
		t.Fatalf("topo: switch %s: %v", s.name, err)
	}
	return srv
}

func (s *OVSSwitch) addServer(port string) (Server, error) {
	srv := Server{Name: s.name + "-" + port, Iface: "eth0", Switch: s.name, Ports: []string{port}}
	ns, err := s.lab.addNetns(srv.Name)
	if err != nil {
		return srv, err
	}
	srv.NS = ns
	if srv.Subnet, err = s.lab.nextServerAddr(); err != nil {
		return srv, err
	}
	srv.IP = srv.Subnet.Addr()
	if err := s.lab.addVeth(s.ns, port, ns, srv.Iface); err != nil {
		return srv, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ip(ctx, ns, fmt.Sprintf("addr add %s dev %s", srv.Subnet, srv.Iface)); err != nil {
		return srv, err
	}
	if _, err := s.ovs.vsctl(ctx, "add-port", Bridge, port); err != nil {
		return srv, err
	}
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	return srv, nil
}

// Trunk cables port aPort of switch a to port bPort of switch b and adds
// both to their bridges with no VLAN settings, so the link carries every
// VLAN tagged until a test or driver sets trunks= on it. This is the
// switch-to-switch (or switch-to-DPU uplink) link.
func Trunk(t testing.TB, a *OVSSwitch, aPort string, b *OVSSwitch, bPort string) {
	t.Helper()
	if a.lab != b.lab {
		t.Fatalf("topo: trunk %s/%s to %s/%s: the switches belong to different labs", a.name, aPort, b.name, bPort)
	}
	if err := a.lab.addVeth(a.ns, aPort, b.ns, bPort); err != nil {
		t.Fatalf("topo: trunk: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	for _, end := range []struct {
		sw   *OVSSwitch
		port string
	}{{a, aPort}, {b, bPort}} {
		if _, err := end.sw.ovs.vsctl(ctx, "add-port", Bridge, end.port); err != nil {
			t.Fatalf("topo: trunk: %v", err)
		}
	}
}

// BondMode is an OVS bond_mode for a bonded server.
type BondMode string

// The bond modes a bonded server can use. ActiveBackup needs nothing on
// the switch side; BalanceTCP needs LACP on both sides, which is what LAG
// tests configure on the switch.
const (
	ActiveBackup BondMode = "active-backup"
	BalanceSLB   BondMode = "balance-slb"
	BalanceTCP   BondMode = "balance-tcp"
)

// Bond is how a bonded server bonds its links.
type Bond struct {
	Mode BondMode
	// LACP makes the server's bond run LACP (active, fast timer); its
	// links then carry traffic only once the switch's side answers.
	LACP bool
}

// AddBondedServer cables a server "<prefix>-<switch>-<name>" with one link
// to each of ports. The server runs its own OVS, bonding its links (eth0,
// eth1, ...) as "bond0" on its bridge br0, and has its address on br0's
// internal interface. The switch ports are added to the switch's bridge
// individually, with no VLAN settings: making them a LAG is the driver's
// job.
func (s *OVSSwitch) AddBondedServer(t testing.TB, name string, bond Bond, ports ...string) Server {
	t.Helper()
	if len(ports) < 2 {
		t.Fatalf("topo: bonded server %s needs at least two ports, got %v", name, ports)
	}
	srv := Server{Name: s.name + "-" + name, Iface: Bridge, Switch: s.name, Ports: ports}
	ns, err := s.lab.addNetns(srv.Name)
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	srv.NS = ns
	if srv.Subnet, err = s.lab.nextServerAddr(); err != nil {
		t.Fatalf("topo: %v", err)
	}
	srv.IP = srv.Subnet.Addr()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	var members []string
	for i, port := range ports {
		m := fmt.Sprintf("eth%d", i)
		members = append(members, m)
		if err := s.lab.addVeth(s.ns, port, ns, m); err != nil {
			t.Fatalf("topo: %v", err)
		}
		if _, err := s.ovs.vsctl(ctx, "add-port", Bridge, port); err != nil {
			t.Fatalf("topo: %v", err)
		}
	}
	// OVS's netdev datapath reads the members with packet sockets, so the
	// server's kernel sees their frames too and would answer ARP for the
	// server's address with a member's MAC. Keep the members out of IP.
	var sysctls []string
	for _, m := range members {
		sysctls = append(sysctls, "net.ipv4.conf."+m+".arp_ignore=8", "net.ipv6.conf."+m+".disable_ipv6=1")
	}
	if _, err := ns.Run(ctx, "sysctl", append([]string{"-q", "-w"}, sysctls...)...); err != nil {
		t.Fatalf("topo: bonded server %s: %v", srv.Name, err)
	}
	o, err := s.lab.startOVS(ns, filepath.Join(s.lab.dir, srv.Name))
	if err != nil {
		t.Fatalf("topo: bonded server %s: %v", srv.Name, err)
	}
	args := append([]string{"add-bond", Bridge, "bond0"}, members...)
	args = append(args, "bond_mode="+string(bond.Mode))
	if bond.LACP {
		// Fast LACP: the bond comes up about a second after the switch
		// side answers, rather than after the slow 30 s exchange.
		args = append(args, "lacp=active", "other_config:lacp-time=fast")
	}
	if _, err := o.vsctl(ctx, args...); err != nil {
		t.Fatalf("topo: bonded server %s: %v", srv.Name, err)
	}
	if _, err := ip(ctx, ns, fmt.Sprintf("addr add %s dev %s", srv.Subnet, Bridge), "link set "+Bridge+" up"); err != nil {
		t.Fatalf("topo: bonded server %s: %v", srv.Name, err)
	}
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	return srv
}

// String names the switch for messages.
func (s *OVSSwitch) String() string {
	return fmt.Sprintf("OVS switch %s (ns %s, db %s)", s.name, s.ns.name, strings.TrimPrefix(s.DB(), "unix:"))
}
