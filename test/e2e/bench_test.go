package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
	"github.com/openmercury/mercury/test/e2e/topo"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// BenchmarkOVSAttach measures an access-port attach on a real Open vSwitch
// over SSH: through Mercury with a new SSH connection per operation (cold)
// and with the pooled one (warm), next to the same two commands the ovs
// driver sends, replayed with raw x/crypto/ssh on a fresh and on a kept
// connection (the floors). Each iteration moves swp1 to the other of two
// VLANs, so every attach changes the port.
func BenchmarkOVSAttach(b *testing.B) {
	lab := topo.NewLab(b)
	sw := topo.NewOVSSwitch(b, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	db := strings.TrimPrefix(sw.DB(), "unix:")
	target := sw.SSH()
	cfgPath, drivers := writeInventory(b, "", device{
		name: "tor-1", mac: "52:54:00:aa:00:20", driver: "ovs", sw: target,
		extra: "    options:\n      db: " + db + "\n",
	})
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := mruntime.New(context.Background(), mruntime.Options{CacheDir: wasmbuild.CacheDir(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close(context.Background())
	if err := eng.LoadDir(context.Background(), drivers); err != nil {
		b.Fatal(err)
	}
	vsctl := "sudo -n ovs-vsctl --timeout=10 --db=unix:" + db
	read := vsctl + " get port swp1 vlan_mode tag trunks external_ids"
	set := func(v int) string {
		return fmt.Sprintf("%s -- set port swp1 vlan_mode=access tag=%d -- clear port swp1 trunks", vsctl, v)
	}
	vlan := func(i int) int { return 100 + i%2 }

	mercury := func(b *testing.B, newPool bool) {
		pool := ssh.NewPool(ssh.Options{})
		svc := mustService(b, cfg, eng, pool)
		i := 0
		for b.Loop() {
			if newPool {
				b.StopTimer()
				pool.Close()
				pool = ssh.NewPool(ssh.Options{})
				svc = mustService(b, cfg, eng, pool)
				b.StartTimer()
			}
			i++
			if _, err := svc.UpdatePort(context.Background(), caller, service.UpdatePortRequest{
				SwitchID: "tor-1", PortName: "swp1", Mode: ptr("access"), NativeVLAN: ptr(vlan(i)),
			}); err != nil {
				b.Fatal(err)
			}
		}
		pool.Close()
	}
	b.Run("mercury-cold", func(b *testing.B) { mercury(b, true) })
	b.Run("mercury-warm", func(b *testing.B) { mercury(b, false) })

	dial := func(b *testing.B) *gossh.Client {
		kh, err := knownhosts.New(target.KnownHostsFile)
		if err != nil {
			b.Fatal(err)
		}
		c, err := gossh.Dial("tcp", target.Addr, &gossh.ClientConfig{
			User: target.User, Auth: []gossh.AuthMethod{gossh.Password(target.Password)},
			HostKeyCallback: kh, Timeout: 10 * time.Second,
		})
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	run := func(b *testing.B, c *gossh.Client, cmd string) {
		s, err := c.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if out, err := s.CombinedOutput(cmd); err != nil {
			b.Fatalf("%s: %v\n%s", cmd, err, out)
		}
	}
	b.Run("floor-fresh", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			c := dial(b)
			run(b, c, read)
			run(b, c, set(vlan(i)))
			c.Close()
		}
	})
	b.Run("floor-kept", func(b *testing.B) {
		c := dial(b)
		defer c.Close()
		i := 0
		for b.Loop() {
			i++
			run(b, c, read)
			run(b, c, set(vlan(i)))
		}
	})
}

func mustService(b *testing.B, cfg *inventory.Config, eng *mruntime.Engine, pool *ssh.Pool) *service.Service {
	svc, err := service.New(service.Options{Config: cfg, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{})})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkDPUAttach measures the overhead of a chained DPU attach: the
// chain (read and widen the switch uplink, read and set the representor,
// both devices locked) next to its two single-device steps, an access
// attach on the switch and one on the DPU's representor, each warm. Every
// iteration changes both devices: the uplink is put back to its baseline
// outside the timer.
func BenchmarkDPUAttach(b *testing.B) {
	lab := topo.NewLab(b)
	sw := topo.NewOVSSwitch(b, lab, "sw", topo.OVSConfig{Servers: 1, SSH: true})
	dpu := topo.NewOVSSwitch(b, lab, "dpu", topo.OVSConfig{SSH: true})
	dpu.AddServer(b, "pf0hpf")
	topo.Trunk(b, sw, "swp10", dpu, "p0")
	sw.Vsctl(b, "set", "port", "swp10", "vlan_mode=trunk", "trunks=10")
	opt := func(s *topo.OVSSwitch) string {
		return "    options:\n      db: " + strings.TrimPrefix(s.DB(), "unix:") + "\n"
	}
	cfgPath, drivers := writeInventory(b, "",
		device{name: "tor-1", mac: "52:54:00:aa:00:51", driver: "ovs", sw: sw.SSH(), extra: opt(sw)},
		device{name: "dpu-1", mac: "52:54:00:aa:00:52", driver: "dpu-ovs", sw: dpu.SSH(), extra: "    uplink:\n      device: tor-1\n      port: swp10\n" + opt(dpu)},
		device{name: "dpu-solo", mac: "52:54:00:aa:00:53", driver: "dpu-ovs", sw: dpu.SSH(), extra: opt(dpu)},
	)
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := mruntime.New(context.Background(), mruntime.Options{CacheDir: wasmbuild.CacheDir(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close(context.Background())
	if err := eng.LoadDir(context.Background(), drivers); err != nil {
		b.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	defer pool.Close()
	svc := mustService(b, cfg, eng, pool)
	attach := func(b *testing.B, dev, port string, vlan int) {
		if _, err := svc.AttachPort(context.Background(), caller, service.AttachRequest{
			Link: service.Link{SwitchID: dev, PortID: port}, Network: service.Network{Type: "vlan", SegmentationID: vlan},
		}); err != nil {
			b.Fatal(err)
		}
	}
	vlan := func(i int) int { return 100 + i%2 }
	b.Run("switch-step", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			attach(b, "tor-1", "swp1", vlan(i))
		}
	})
	b.Run("dpu-step", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			attach(b, "dpu-solo", "pf0hpf", vlan(i))
		}
	})
	b.Run("chain", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			sw.Vsctl(b, "set", "port", "swp10", "trunks=10")
			b.StartTimer()
			attach(b, "dpu-1", "pf0hpf", vlan(i))
		}
	})
}
