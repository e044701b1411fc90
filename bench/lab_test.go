package bench

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/simlab"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator"
)

// The child process's parameters, passed in its environment.
const (
	envChild   = "MERCURY_BENCH_SIMULATE" // the inventory file to write
	envDevices = "MERCURY_BENCH_DEVICES"
	envPorts   = "MERCURY_BENCH_PORTS"
)

func TestMain(m *testing.M) {
	if out := os.Getenv(envChild); out != "" {
		os.Exit(simulate(out))
	}
	os.Exit(m.Run())
}

// simulate runs in the child: it starts the EOS switches, writes their
// inventory and serves until its standard input closes (the parent ended).
func simulate(out string) int {
	n, _ := strconv.Atoi(os.Getenv(envDevices))
	ports, _ := strconv.Atoi(os.Getenv(envPorts))
	specs := simulator.Fleet("arista-eos", "eos", n)
	for i := range specs {
		for p := 1; p <= ports; p++ {
			specs[i].Ports = append(specs[i].Ports, fmt.Sprintf("Ethernet%d", p))
		}
	}
	sim, err := simulator.Run(specs, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer sim.Close()
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, filepath.Dir(out)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(out+".tmp", inv.Bytes(), 0o600); err != nil || os.Rename(out+".tmp", out) != nil {
		fmt.Fprintln(os.Stderr, "write inventory:", err)
		return 1
	}
	var buf [1]byte
	os.Stdin.Read(buf[:]) // returns when the parent closes the pipe or exits
	return 0
}

// lab is a Mercury service in this process in front of simulated EOS
// switches in a child process.
type lab struct {
	svc     *service.Service
	devices []string
	ports   []string
}

func newLab(b *testing.B, devices, ports int) *lab {
	b.Helper()
	dir := b.TempDir()
	inv := filepath.Join(dir, "devices.yaml")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), envChild+"="+inv, envDevices+"="+strconv.Itoa(devices), envPorts+"="+strconv.Itoa(ports))
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); child.Wait() })
	var snippet []byte
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if snippet, err = os.ReadFile(inv); err == nil {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the simulator process wrote no inventory within 30 s")
		}
	}
	svc := simlab.Service(b, simlab.Config(b, string(snippet), "", "", "arista-eos"), 0)
	l := &lab{svc: svc}
	for i := 1; i <= devices; i++ {
		l.devices = append(l.devices, fmt.Sprintf("eos-%d", i))
	}
	for p := 1; p <= ports; p++ {
		l.ports = append(l.ports, fmt.Sprintf("Ethernet%d", p))
	}
	return l
}

var caller = service.Caller{Identity: "bench"}

// attach puts port on dev on access VLAN vlan.
func (l *lab) attach(dev, port string, vlan int) error {
	mode := "access"
	_, err := l.svc.UpdatePort(context.Background(), caller, service.UpdatePortRequest{
		SwitchID: dev, PortName: port, Mode: &mode, NativeVLAN: &vlan,
	})
	return err
}

// warm makes one call per device, so every benchmark measures warm SSH
// shells (the state Mercury is in after its first minute).
func (l *lab) warm(b *testing.B) {
	b.Helper()
	for _, d := range l.devices {
		if err := l.attach(d, l.ports[0], 4000); err != nil {
			b.Fatal(err)
		}
	}
}

// meter reports CPU time per operation, latency percentiles and peak RSS.
type meter struct {
	start syscall.Rusage
	lat   []time.Duration
}

func newMeter() *meter {
	m := &meter{}
	syscall.Getrusage(syscall.RUSAGE_SELF, &m.start)
	return m
}

func (m *meter) report(b *testing.B) {
	var end syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &end)
	cpu := time.Duration(end.Utime.Nano()+end.Stime.Nano()-m.start.Utime.Nano()-m.start.Stime.Nano()) * time.Nanosecond
	if n := len(m.lat); n > 0 {
		slices.Sort(m.lat)
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
		b.ReportMetric(float64(m.lat[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(m.lat[n*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(end.Maxrss)/1024, "peak-rss-MiB")
}
