package topo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testenv"
	"github.com/openmercury/mercury/internal/testsshd"
)

// The user-mode-linux pieces Debian's user-mode-linux package installs.
const (
	umlKernel  = "linux.uml"
	umlModules = "/usr/lib/uml/modules"
)

// umlReadyLine is what the guest's init prints once the bridge and sshd
// are up.
const umlReadyLine = "UML-SWITCH-READY"

// Boot and login bounds. Boot takes 10-15 s on a quiet machine but over a
// minute was seen at load average 9 on two cores; fork and exec inside the
// guest are slow, so the first login takes a while too.
const (
	umlBootTimeout  = 120 * time.Second
	umlLoginTimeout = 60 * time.Second
)

// UMLConfig shapes a UMLSwitch.
type UMLConfig struct {
	// Ports is how many switch ports (swp1..swpN, each cabled to a server)
	// the guest has. Default 2.
	Ports int
	// Mem is the guest's memory, as linux.uml's mem= takes it. Default "256M".
	Mem string
}

// UMLSwitch is a Linux switch with a VLAN-aware bridge: a user-mode-linux
// guest (a 6.1 kernel run as an ordinary process, since this machine's
// kernel has no vlan_filtering) whose bridge br0 has vlan_filtering 1 and
// vlan_default_pvid 0, so its ports swp1..swpN start in no VLAN at all.
// The guest's root filesystem is the host's, read-only; it runs sshd on
// its management address for the test user, who may sudo bridge and ip.
type UMLSwitch struct {
	lab     *Lab
	proc    *proc
	mgmt    MgmtLink
	target  SSHTarget
	servers []Server
	booted  time.Duration // start to ready line
	login   time.Duration // how long the first login took
}

// StartUML boots a UML switch for one test and tears it down with
// t.Cleanup. A package with several UML tests should share one through
// SharedUML instead: a boot costs 10-15 s.
func StartUML(t testing.TB, cfg UMLConfig) *UMLSwitch {
	t.Helper()
	requireUML(t)
	lab := NewLab(t)
	u, err := bootUML(lab, cfg)
	if err == nil {
		err = u.waitLogin()
	}
	if err != nil {
		t.Fatalf("topo: %v", err)
	}
	t.Logf("topo: booted %v", u)
	return u
}

// requireUML skips the test (fails it under CI=true) unless everything a
// UML switch needs is here, and makes sure the test user exists.
func requireUML(t testing.TB) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip", umlKernel)
	if _, err := os.Stat(umlModules); err != nil {
		// Not a command, but RequireCommand skips (or fails under CI)
		// naming the missing path, which is what is wanted.
		testenv.RequireCommand(t, umlModules)
	}
	ensureTestUser(t)
}

// ensureTestUser makes sure the test user, its password and its sudoers
// drop-in exist: the guest reads the host's /etc, so it needs them too.
// testsshd creates them on its first Start and exports no other way to
// do it, so this starts (and at once stops) a loopback sshd when the
// user is missing.
func ensureTestUser(t testing.TB) {
	t.Helper()
	testenv.RequireCommand(t, testsshd.SSHD)
	if _, err := os.Stat("/etc/sudoers.d/mercury-test"); err == nil {
		if out, err := exec.Command("id", "-u", testsshd.User).CombinedOutput(); err == nil && len(out) > 0 {
			return
		}
	}
	testsshd.Start(t, testsshd.Options{}).Stop()
}

// SharedUML boots one UMLSwitch for a whole test package and tears it
// down when the package's TestMain calls Close. Prewarm starts the boot
// in the background so it overlaps the package's other tests; otherwise
// the first Get boots it.
//
//	var uml = topo.NewSharedUML(topo.UMLConfig{})
//
//	func TestMain(m *testing.M) {
//		uml.Prewarm()
//		code := m.Run()
//		if err := uml.Close(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = 1
//		}
//		os.Exit(code)
//	}
//
//	func TestAccessPort(t *testing.T) {
//		sw := uml.Get(t)
//		sw.Reset(t)
//		...
//	}
//
// Tests sharing the switch must not run in parallel with each other, and
// should start with Reset: the bridge keeps whatever the last test left.
type SharedUML struct {
	cfg UMLConfig

	mu      sync.Mutex
	started bool
	ready   chan struct{} // closed when the boot has finished, well or not
	lab     *Lab
	sw      *UMLSwitch
	err     error
	login   bool // the test user has logged in once
	closing bool // Close has begun: a boot not yet under way must not start
}

// NewSharedUML returns a SharedUML that boots with cfg on Prewarm or the
// first Get.
func NewSharedUML(cfg UMLConfig) *SharedUML { return &SharedUML{cfg: cfg} }

// Prewarm starts booting the guest in the background if this process can
// run UML at all (root, linux.uml); Get waits for it. Otherwise it does
// nothing, and Get skips or fails the test with the reason.
func (s *SharedUML) Prewarm() {
	if os.Geteuid() != 0 {
		return
	}
	for _, cmd := range []string{"ip", umlKernel} {
		if _, err := exec.LookPath(cmd); err != nil {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.begin()
}

// begin starts the boot once; s.mu is held.
func (s *SharedUML) begin() {
	if s.started {
		return
	}
	s.started = true
	s.ready = make(chan struct{})
	go func() {
		lab, err := openLab(defaultLeases)
		var sw *UMLSwitch
		if err == nil {
			s.mu.Lock()
			s.lab = lab
			if s.closing {
				err = fault.New(fault.Invalid, "the shared UML switch was closed while it booted")
			}
			s.mu.Unlock()
		}
		if err == nil {
			sw, err = bootUML(lab, s.cfg)
		}
		s.mu.Lock()
		s.sw, s.err = sw, err
		s.mu.Unlock()
		close(s.ready)
	}()
}

// Get returns the shared switch once the test user can log in, booting
// it first if Prewarm did not. It skips t (fails it under CI=true) when
// UML cannot run here, and fails t when the boot failed, now or for an
// earlier test.
func (s *SharedUML) Get(t testing.TB) *UMLSwitch {
	t.Helper()
	requireUML(t)
	s.mu.Lock()
	s.begin()
	ready := s.ready
	s.mu.Unlock()
	<-ready

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && !s.login {
		// The guest reads the host's /etc: the login works once
		// requireUML has made sure the test user exists.
		if s.err = s.sw.waitLogin(); s.err == nil {
			s.login = true
			t.Logf("topo: booted shared %v", s.sw)
		}
	}
	if s.err != nil {
		if s.lab != nil {
			t.Log(s.lab.logTails())
		}
		t.Fatalf("topo: shared UML switch: %v", s.err)
	}
	return s.sw
}

// Close shuts the guest down and removes its lab. A boot still in
// progress (Prewarm in a run whose UML tests were filtered out) is cut
// short: the guest is killed, the boot fails, and Close cleans up after it.
func (s *SharedUML) Close() error {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if ready == nil {
		return nil
	}
	s.mu.Lock()
	s.closing = true
	lab := s.lab
	s.mu.Unlock()
	select {
	case <-ready:
	default:
		// Either the boot has its lab (then stopping its processes makes it
		// fail at once) or it sees closing before it starts any.
		if lab != nil {
			lab.stopProcs()
		}
		<-ready
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lab == nil {
		return nil
	}
	err := s.lab.Close()
	s.lab, s.sw = nil, nil
	s.err = fault.New(fault.Invalid, "the shared UML switch is closed")
	return err
}

// bootUML boots the guest in lab and cables its servers. The first login
// (waitLogin) is left to the caller, who first makes sure the test user
// exists.
func bootUML(lab *Lab, cfg UMLConfig) (*UMLSwitch, error) {
	if cfg.Ports <= 0 {
		cfg.Ports = 2
	}
	if cfg.Mem == "" {
		cfg.Mem = "256M"
	}
	if cfg.Ports > 8 {
		return nil, fault.New(fault.Invalid, "UML switch: %d ports; at most 8", cfg.Ports)
	}
	u := &UMLSwitch{lab: lab}
	dir := filepath.Join(lab.dir, "uml")
	akDir := filepath.Join(dir, "authorized_keys")
	if err := os.MkdirAll(akDir, 0o755); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "UML directory")
	}
	// The guest sees the host's files read-only, so every file it needs
	// (init, sshd_config, keys) is written here before it boots.
	hostKey := filepath.Join(dir, "ssh_host_ed25519_key")
	hostPub, err := writeKeyPair(hostKey)
	if err != nil {
		return nil, err
	}
	clientKey := filepath.Join(dir, "id_ed25519")
	clientPub, err := writeKeyPair(clientKey)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(akDir, testsshd.User), ssh.MarshalAuthorizedKey(clientPub), 0o644); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "UML authorized keys")
	}

	if u.mgmt, err = lab.nextMgmt("u"); err != nil {
		return nil, err
	}
	taps := make([]string, cfg.Ports)
	for i := range taps {
		taps[i] = fmt.Sprintf("%s-t%d", lab.prefix, i+1)
	}
	u.target = SSHTarget{
		Addr:           net.JoinHostPort(u.mgmt.IP.String(), "22"),
		User:           testsshd.User,
		Password:       testsshd.Password,
		KeyFile:        clientKey,
		KnownHostsFile: filepath.Join(dir, "known_hosts"),
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(u.target.Addr)}, hostPub) + "\n"
	if err := os.WriteFile(u.target.KnownHostsFile, []byte(line), 0o600); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "UML known_hosts")
	}
	sshdConfig := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(sshdConfig, []byte(umlSSHDConfig(hostKey, akDir)), 0o644); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "UML sshd_config")
	}
	initScript := filepath.Join(dir, "init.sh")
	if err := os.WriteFile(initScript, []byte(umlInit(cfg.Ports, u.mgmt, sshdConfig)), 0o755); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "UML init")
	}

	// The guest's NICs use the legacy tuntap transport (the vector
	// transports loop frames back or pass nothing here): ethI is host tap
	// taps[I], and the last NIC is the management tap, which stays in the
	// root namespace.
	args := []string{umlKernel, "mem=" + cfg.Mem, "umid=" + lab.prefix, "uml_dir=" + dir,
		"root=/dev/root", "rootfstype=hostfs", "rootflags=/", "ro", "init=" + initScript,
		"con=null", "con0=null,fd:1"}
	for i, tap := range append(append([]string(nil), taps...), u.mgmt.HostIf) {
		args = append(args, fmt.Sprintf("eth%d=tuntap,%s", i, tap))
	}
	logFile := filepath.Join(dir, "console.log")
	t0 := time.Now()
	if u.proc, err = lab.start(nil, logFile, nil, args...); err != nil {
		return nil, err
	}
	if err := u.proc.waitFor("ready line "+umlReadyLine, umlBootTimeout, func() bool {
		b, _ := os.ReadFile(logFile)
		return strings.Contains(string(b), umlReadyLine)
	}); err != nil {
		return nil, err.WithDevice("uml " + lab.prefix)
	}
	u.booted = time.Since(t0)

	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := ip(ctx, nil,
		fmt.Sprintf("addr add %s/30 dev %s", u.mgmt.HostIP, u.mgmt.HostIf),
		fmt.Sprintf("link set %s up", u.mgmt.HostIf)); err != nil {
		return nil, err
	}
	for i, tap := range taps {
		port := fmt.Sprintf("swp%d", i+1)
		srv := Server{Name: "uml-" + port, Iface: "eth0", Switch: "uml", Ports: []string{port}}
		if srv.NS, err = lab.addNetns(srv.Name); err != nil {
			return nil, err
		}
		if srv.Subnet, err = lab.nextServerAddr(); err != nil {
			return nil, err
		}
		srv.IP = srv.Subnet.Addr()
		if _, err := ip(ctx, nil, fmt.Sprintf("link set dev %s netns %s name %s", tap, srv.NS.name, srv.Iface)); err != nil {
			return nil, err
		}
		if _, err := ip(ctx, srv.NS,
			fmt.Sprintf("addr add %s dev %s", srv.Subnet, srv.Iface),
			fmt.Sprintf("link set %s up", srv.Iface)); err != nil {
			return nil, err
		}
		u.servers = append(u.servers, srv)
	}
	return u, nil
}

// waitLogin retries an SSH login until the guest's sshd answers.
func (u *UMLSwitch) waitLogin() error {
	start := time.Now()
	deadline := start.Add(umlLoginTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := u.target.Run(ctx, "true")
		cancel()
		if err == nil {
			u.login = time.Since(start)
			return nil
		}
		if u.proc.exited() || time.Now().After(deadline) {
			return fault.Wrap(fault.Unreachable, err, "UML switch: no SSH login within %v", umlLoginTimeout).WithDevice(u.target.Addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// String describes the switch and how long it took to come up.
func (u *UMLSwitch) String() string {
	return fmt.Sprintf("UML switch %s (pid %d, mgmt %s, %d ports): ready in %v, first login took %v",
		u.lab.prefix, u.proc.pid(), u.mgmt.IP, len(u.servers), u.booted.Round(time.Millisecond), u.login.Round(time.Millisecond))
}

// SSH is how to log in to the guest as the test user.
func (u *UMLSwitch) SSH() SSHTarget { return u.target }

// Mgmt is the management link: HostIf is the guest's management tap in the
// root namespace, IP the guest's address.
func (u *UMLSwitch) Mgmt() MgmtLink { return u.mgmt }

// PID is the guest kernel's host process id.
func (u *UMLSwitch) PID() int { return u.proc.pid() }

// Servers returns the servers cabled to swp1..swpN, in port order.
func (u *UMLSwitch) Servers() []Server { return append([]Server(nil), u.servers...) }

// Server returns the server cabled to port; it fails the test if none is.
func (u *UMLSwitch) Server(t testing.TB, port string) Server {
	t.Helper()
	for _, s := range u.servers {
		if s.Port() == port {
			return s
		}
	}
	t.Fatalf("topo: UML switch has no server on %s", port)
	return Server{}
}

// Reset removes every VLAN from every switch port over SSH, returning the
// bridge to its boot state (no port in any VLAN, so all traffic dropped).
func (u *UMLSwitch) Reset(t testing.TB) {
	t.Helper()
	var cmds []string
	for _, s := range u.servers {
		cmds = append(cmds, "sudo -n bridge vlan del dev "+s.Port()+" vid 1-4094")
	}
	u.target.MustRun(t, strings.Join(cmds, " && "))
}

// writeKeyPair writes a fresh ed25519 key to path (OpenSSH format, 0600)
// and returns its public half.
func writeKeyPair(path string) (ssh.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "generate key")
	}
	block, err := ssh.MarshalPrivateKey(priv, "mercury-topo")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "encode key")
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "write key")
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "public key")
	}
	return sshPub, nil
}

// umlSSHDConfig is the guest sshd's configuration. StrictModes is off
// because the files it reads belong to the host's root.
func umlSSHDConfig(hostKey, akDir string) string {
	return strings.Join([]string{
		"ListenAddress 0.0.0.0:22",
		"HostKey " + hostKey,
		"PidFile /run/sshd.pid",
		"UsePAM no",
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"PubkeyAuthentication yes",
		"AuthorizedKeysFile " + filepath.Join(akDir, "%u"),
		"StrictModes no",
		"PermitRootLogin no",
		"UseDNS no",
		"PrintMotd no",
		"PrintLastLog no",
		"MaxStartups 50:30:100",
		"MaxSessions 50",
	}, "\n") + "\n"
}

// umlInit is the guest's PID 1: mount the pseudo filesystems (writable
// tmpfs on /run and /var/tmp; the rest of the host tree stays read-only),
// load the bridge and 8021q modules from the UML package (the host has no
// /lib/modules), name the NICs, build br0 and start sshd.
func umlInit(ports int, mgmt MgmtLink, sshdConfig string) string {
	var b strings.Builder
	b.WriteString(`#!/bin/sh
# PID 1 of a UML switch; written by Mercury's test/e2e/topo.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs run /run; mount -t tmpfs tmp /var/tmp
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
M=` + umlModules + `/$(uname -r)
ins() {
  for d in $(grep "^$1:" $M/modules.dep | cut -d: -f2); do ins $d; done
  grep -q "^$(basename $1 .ko | tr - _) " /proc/modules || insmod $M/$1
}
ins kernel/net/bridge/bridge.ko
ins kernel/net/8021q/8021q.ko
ip link set lo up
`)
	for i := 0; i < ports; i++ {
		fmt.Fprintf(&b, "ip link set eth%d name swp%d\n", i, i+1)
	}
	fmt.Fprintf(&b, "ip link set eth%d name mgmt0\n", ports)
	fmt.Fprintf(&b, "ip addr add %s/30 dev mgmt0\nip link set mgmt0 up\n", mgmt.IP)
	b.WriteString("ip link add br0 type bridge vlan_filtering 1 vlan_default_pvid 0\nip link set br0 up\n")
	for i := 1; i <= ports; i++ {
		fmt.Fprintf(&b, "ip link set swp%d master br0\nip link set swp%d up\n", i, i)
	}
	b.WriteString(`hostname uml-switch
{ cat /etc/hosts; echo "127.0.1.1 uml-switch"; } > /run/hosts
mount --bind /run/hosts /etc/hosts
mkdir -p /run/sshd
/usr/sbin/sshd -f ` + sshdConfig + ` -E /run/sshd.log
echo "` + umlReadyLine + ` $(uname -r)"
while :; do sleep 3600; done
`)
	return b.String()
}
