package sidebyside

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/internal/testenv"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
	"github.com/openmercury/mercury/test/e2e/topo"
)

var (
	measure = flag.Bool("sidebyside", false, "measure: 21 attaches per path instead of the 3 that only check every path works")
	runs    = flag.Int("sidebyside.runs", 0, "attaches per path (overrides the count -sidebyside chooses)")
	keyAuth = flag.Bool("sidebyside.key", false, "log in with the test user's key instead of its password, on every path")
	wireOn  = flag.Bool("sidebyside.wire", false, "capture the SSH traffic and split each attach's time into the client's and the device's")
)

const (
	python    = "/usr/bin/python3"
	device    = "tor-1"
	deviceMAC = "52:54:00:aa:00:30"
	port      = "swp1"
	rpcUser   = "ironic"
	rpcPass   = "rpc-secret"
)

// op performs one attach of swp1 to vlan and returns how long the attach
// itself took (set-up such as a new pool is not counted) and the CPU time
// the client spent on it.
type op func(t *testing.T, vlan int) sample

// settle is how long CPU time is still counted after an attach returns,
// for work a client finishes in the background (Mercury refills its pool
// of driver instances and closes the used one after replying).
const settle = 150 * time.Millisecond

// inProcess times f, an attach made by this process, and counts this
// process's CPU time from its start to settle after its end.
func inProcess(t *testing.T, f func()) sample {
	t.Helper()
	c0 := selfCPU(t)
	start := time.Now()
	f()
	end := time.Now()
	time.Sleep(settle)
	return sample{Wall: end.Sub(start), CPU: selfCPU(t) - c0, Start: start, End: end}
}

// selfCPU is the user and system CPU time this process has used.
func selfCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the CPU time the threads of process pid have used, from
// /proc/PID/task/*/schedstat (nanoseconds), or from /proc/PID/stat (10 ms
// ticks) on a kernel without schedstat.
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if len(tasks) == 0 {
		return procStatCPU(t, pid)
	}
	var sum time.Duration
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended
		}
		var ns int64
		if _, err := fmt.Sscan(string(b), &ns); err != nil {
			t.Fatalf("%s: %q: %v", f, b, err)
		}
		sum += time.Duration(ns)
	}
	return sum
}

// procStatCPU is utime + stime of /proc/PID/stat, at USER_HZ = 100.
func procStatCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("CPU time of process %d: %v", pid, err)
	}
	// The command name (field 2) may hold spaces; count from after it.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		t.Fatalf("/proc/%d/stat: %q", pid, b)
	}
	var ticks int64
	for _, v := range f[11:13] { // utime and stime, fields 14 and 15
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("/proc/%d/stat: %q: %v", pid, b, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// TestSideBySide times one access-port attach seven ways against one real
// Open vSwitch over SSH (see the package documentation) and logs the
// table. It asserts only that every attach on every path worked.
func TestSideBySide(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, python, "htpasswd", "ovs-vsctl", "sshd")
	requirePython(t, "netmiko", "python3-netmiko")
	requirePython(t, "ironic_lib.json_rpc.client", "python3-ironic")
	n := 3
	if *measure {
		n = 21
	}
	if *runs > 0 {
		n = *runs
	}

	lab := topo.NewLab(t)
	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	target := sw.SSH()
	auth := "password"
	if *keyAuth { // every path logs in the same way
		target.Password, auth = "", "key"
	} else {
		target.KeyFile = ""
	}
	db := strings.TrimPrefix(sw.DB(), "unix:")
	vsctl := "sudo -n ovs-vsctl --timeout=10 --db=unix:" + db
	read := vsctl + " get port " + port + " vlan_mode tag trunks external_ids"
	setTmpl := vsctl + " -- set port " + port + " vlan_mode=access tag={vlan} -- clear port " + port + " trunks"
	set := func(v int) string { return strings.Replace(setTmpl, "{vlan}", fmt.Sprint(v), 1) }

	dir := t.TempDir()
	cfgPath, driversDir := writeInventory(t, dir, target, db)
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: wasmbuild.CacheDir(t), Only: cfg.Drivers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(context.Background()) })
	if err := eng.LoadDir(ctx, driversDir); err != nil {
		t.Fatal(err)
	}
	newService := func(pool *ssh.Pool) *service.Service {
		svc, err := service.New(service.Options{Config: cfg, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{})})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	attach := func(t *testing.T, svc *service.Service, vlan int) {
		mode := "access"
		if _, err := svc.UpdatePort(ctx, service.Caller{Identity: "bench", RequestID: "req-bench"}, service.UpdatePortRequest{
			SwitchID: device, PortName: port, Mode: &mode, NativeVLAN: &vlan,
		}); err != nil {
			t.Fatalf("Mercury attach to VLAN %d: %v", vlan, err)
		}
	}

	warmPool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { warmPool.Close() })
	warm := newService(warmPool)
	kept := dial(t, target)
	t.Cleanup(func() { kept.Close() })
	nm := startNetmiko(t, target, read, setTmpl)
	rpc := startIronic(t, cfgPath)

	ops := map[string]op{
		netmikoDefault: func(t *testing.T, vlan int) sample { return nm.attach(t, "default", vlan) },
		netmikoFast:    func(t *testing.T, vlan int) sample { return nm.attach(t, "fast", vlan) },
		floorFresh: func(t *testing.T, vlan int) sample {
			return inProcess(t, func() {
				c := dial(t, target)
				run(t, c, read)
				run(t, c, set(vlan))
				c.Close()
			})
		},
		floorKept: func(t *testing.T, vlan int) sample {
			return inProcess(t, func() {
				run(t, kept, read)
				run(t, kept, set(vlan))
			})
		},
		mercuryCold: func(t *testing.T, vlan int) sample {
			pool := ssh.NewPool(ssh.Options{})
			defer pool.Close()
			svc := newService(pool)
			return inProcess(t, func() { attach(t, svc, vlan) })
		},
		mercuryWarm: func(t *testing.T, vlan int) sample { return inProcess(t, func() { attach(t, warm, vlan) }) },
		ironicWarm:  func(t *testing.T, vlan int) sample { return rpc.attach(t, vlan) },
	}

	var capture *wire
	if *wireOn {
		testenv.RequireCommand(t, "tcpdump")
		_, sshPort, _ := strings.Cut(target.Addr, ":")
		capture = startWire(t, sw.Mgmt().HostIf, sw.Mgmt().HostIP.String(), sshPort)
	}
	load0 := loadAvg()
	// Round 0 warms every path (imports, the pools, the JSON-RPC
	// connection) and is not counted; then the paths take turns.
	results := map[string][]sample{}
	i := 0
	for round := 0; round <= n; round++ {
		for _, p := range paths {
			i++
			vlan := 100 + i%2 // always the other VLAN: every attach changes the port
			d := ops[p](t, vlan)
			if capture != nil {
				d.Client, d.Device = capture.split(d.Start, d.End)
			}
			if got := sw.Vsctl(t, "get", "port", port, "tag"); got != fmt.Sprint(vlan) {
				t.Fatalf("%s: after attaching %s to VLAN %d the switch says tag %s", p, port, vlan, got)
			}
			if round > 0 {
				results[p] = append(results[p], d)
			}
		}
	}
	t.Logf("side by side, %s login, %d attaches per path, %d CPUs (%s), load average %s before and %s after:\n\n%s",
		auth, n, runtime.NumCPU(), cpuModel(), load0, loadAvg(), table(results))
	if capture != nil {
		t.Logf("where the time goes (packet capture of the SSH traffic; for rows 1, 2 and 7 the client includes the Python worker and, in 7, mercury serve):\n\n%s", wireTable(results))
	}
	for _, p := range paths {
		if len(results[p]) != n {
			t.Errorf("%s: %d attaches measured, want %d", p, len(results[p]), n)
		}
	}
}

func requirePython(t *testing.T, module, pkg string) {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import "+module).CombinedOutput(); err != nil {
		if testenv.InCI() {
			t.Fatalf("%s is not installed (.ci/run installs it): %s", pkg, out)
		}
		t.Skipf("SKIPPED: %s is not installed (apt-get install %s): %s", pkg, pkg, out)
	}
}

// writeInventory writes Mercury's configuration for the one OVS device
// (logging in by target's password, or by its key when it has no password) with a JSON-RPC server section for
// `mercury serve`, and returns its path and the drivers directory.
func writeInventory(t *testing.T, dir string, target topo.SSHTarget, db string) (cfgPath, driversDir string) {
	t.Helper()
	login := "    key_file: " + target.KeyFile + "\n"
	if target.Password != "" {
		pw := filepath.Join(dir, device+".password")
		if err := os.WriteFile(pw, []byte(target.Password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		login = "    password_file: " + pw + "\n"
	}
	htpasswd := filepath.Join(dir, "htpasswd")
	if out, err := exec.Command("htpasswd", "-cbB", "-C", "5", htpasswd, rpcUser, rpcPass).CombinedOutput(); err != nil {
		t.Fatalf("htpasswd: %v\n%s", err, out)
	}
	driversDir = wasmbuild.Dir(t, wasmbuild.Driver(t, "ovs"))
	host, sshPort, _ := strings.Cut(target.Addr, ":")
	yaml := fmt.Sprintf(`server:
  drivers_dir: %s
  listen: 127.0.0.1:%d
  auth:
    strategy: http_basic
    htpasswd_file: %s
  cache_dir: %s
  lock_dir: %s
devices:
  - name: %s
    mac: %q
    driver: ovs
    address: %s
    port: %s
    username: %s
%s    known_hosts: %s
    options:
      db: %s
`, driversDir, freePort(t), htpasswd, wasmbuild.CacheDir(t), filepath.Join(dir, "locks"),
		device, deviceMAC, host, sshPort, target.User, login, target.KnownHostsFile, db)
	cfgPath = filepath.Join(dir, "mercury.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, driversDir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// dial opens a raw x/crypto/ssh connection with the password, or the key
// when target has no password, as the floors of test/e2e's
// BenchmarkOVSAttach do.
func dial(t *testing.T, target topo.SSHTarget) *gossh.Client {
	t.Helper()
	kh, err := knownhosts.New(target.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	var auth gossh.AuthMethod = gossh.Password(target.Password)
	if target.Password == "" {
		b, err := os.ReadFile(target.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := gossh.ParsePrivateKey(b)
		if err != nil {
			t.Fatalf("%s: %v", target.KeyFile, err)
		}
		auth = gossh.PublicKeys(signer)
	}
	c, err := gossh.Dial("tcp", target.Addr, &gossh.ClientConfig{
		User: target.User, Auth: []gossh.AuthMethod{auth}, HostKeyCallback: kh, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh %s@%s: %v", target.User, target.Addr, err)
	}
	return c
}

func run(t *testing.T, c *gossh.Client, cmd string) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if out, err := s.CombinedOutput(cmd); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
}

// worker is a long-lived Python process that performs one attach per
// line of its standard input and answers one JSON line with the time the
// attach took, measured inside the process.
type worker struct {
	name string
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	errs *strings.Builder
}

type workerReply struct {
	MS     float64        `json:"ms"`
	CPUMS  float64        `json:"cpu_ms"`
	Out    string         `json:"out"`
	Result map[string]any `json:"result"`
	Error  string         `json:"error"`
}

func startWorker(t *testing.T, name string, args ...string) *worker {
	t.Helper()
	w := &worker{name: name, cmd: exec.Command(python, args...), errs: &strings.Builder{}}
	w.cmd.Stderr = w.errs
	var err error
	if w.in, err = w.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w.out = bufio.NewScanner(stdout)
	w.out.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.in.Close() // the worker's loop ends at end of input
		done := make(chan struct{})
		go func() { w.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			w.cmd.Process.Kill()
			<-done
		}
	})
	return w
}

// call sends one line and waits for the answer.
func (w *worker) call(t *testing.T, line string) workerReply {
	t.Helper()
	if _, err := fmt.Fprintln(w.in, line); err != nil {
		t.Fatalf("%s worker: %v\n%s", w.name, err, w.errs)
	}
	if !w.out.Scan() {
		t.Fatalf("%s worker ended without an answer to %q: %v\n%s", w.name, line, w.out.Err(), w.errs)
	}
	var r workerReply
	if err := json.Unmarshal(w.out.Bytes(), &r); err != nil {
		t.Fatalf("%s worker answered %q: %v", w.name, w.out.Bytes(), err)
	}
	if r.Error != "" {
		t.Fatalf("%s worker, %q: %s\n%s", w.name, line, r.Error, w.errs)
	}
	return r
}

func (r workerReply) sample() sample {
	return sample{Wall: time.Duration(r.MS * float64(time.Millisecond)), CPU: time.Duration(r.CPUMS * float64(time.Millisecond))}
}

type netmikoWorker struct{ *worker }

// startNetmiko starts the netmiko worker; set has the VLAN as {vlan}.
func startNetmiko(t *testing.T, target topo.SSHTarget, read, set string) netmikoWorker {
	t.Helper()
	host, sshPort, _ := strings.Cut(target.Addr, ":")
	login := "password:" + target.Password
	if target.Password == "" {
		login = "key:" + target.KeyFile
	}
	return netmikoWorker{startWorker(t, "netmiko", "testdata/netmiko_worker.py", host, sshPort, target.User, login, read, set)}
}

// attach connects with netmiko in mode "default" or "fast", sends the
// read and the set, and disconnects. The read's answer must end with the
// port's external_ids ("{}"): the command ran to the end. Its start is not
// checked: the command is longer than netmiko's 80-column terminal, so
// netmiko strips the wrapped echo wrongly and may eat the first line
// (peers.md §5); NGS lives with the same.
func (w netmikoWorker) attach(t *testing.T, mode string, vlan int) sample {
	t.Helper()
	start := time.Now()
	r := w.call(t, fmt.Sprintf("%s %d", mode, vlan))
	end := time.Now()
	if !strings.HasSuffix(strings.TrimSpace(r.Out), "\n{}") {
		t.Fatalf("netmiko (%s): the read answered %q, want the port's settings ending with external_ids {}", mode, r.Out)
	}
	sm := r.sample()
	sm.Start, sm.End = start, end
	return sm
}

type ironicWorker struct {
	*worker
	serve int // the PID of mercury serve
}

// startIronic builds and starts `mercury serve` on cfgPath, waits for it,
// and starts the Ironic client worker.
func startIronic(t *testing.T, cfgPath string) ironicWorker {
	t.Helper()
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := cfg.Server().Listen
	pid := topo.Serve(t, topo.MercuryBinary(t), cfgPath, addr)
	_, p, _ := strings.Cut(addr, ":")
	return ironicWorker{startWorker(t, "ironic", "testdata/ironic_worker.py", p, rpcUser, rpcPass, deviceMAC, port), pid}
}

// attach calls update_port through the Ironic client; Mercury must
// answer configured with the VLAN. The CPU time is mercury serve's (to
// settle after the reply), not the Python client's.
func (w ironicWorker) attach(t *testing.T, vlan int) sample {
	t.Helper()
	c0 := procCPU(t, w.serve)
	start := time.Now()
	r := w.call(t, fmt.Sprint(vlan))
	end := time.Now()
	time.Sleep(settle)
	cpu := procCPU(t, w.serve) - c0
	if r.Result["status"] != "configured" || r.Result["native_vlan"] != float64(vlan) {
		t.Fatalf("update_port to VLAN %d through the Ironic client answered %+v", vlan, r.Result)
	}
	return sample{Wall: r.sample().Wall, CPU: cpu, Start: start, End: end}
}

// loadAvg is the 1-minute load average from /proc/loadavg: how busy the
// machine was, since other work on it skews every figure.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
