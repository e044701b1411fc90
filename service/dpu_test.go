package service_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
)

// TestDPURefusals: an attach through a DPU is checked against the uplink
// switch's policy, protected ports and the caller's devices as well as the
// DPU's, and a refusal reaches neither device.
func TestDPURefusals(t *testing.T) {
	l := listen(t)
	dir := t.TempDir()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	writeFile(t, dir, "pw", "secret\n", 0o600)
	writeFile(t, dir, "known_hosts", "", 0o644)
	dev := func(name, driver, extra string) string {
		return "  - name: " + name + "\n    driver: " + driver + "\n    address: " + host + "\n    port: " + port +
			"\n    username: mercury\n    password_file: pw\n" + extra
	}
	cfgPath := writeFile(t, dir, "mercury.yaml", `
server:
  known_hosts: known_hosts
  auth:
    callers:
      - identity: dpu-only
        devices: [dpu-1]
devices:
`+dev("tor-1", "ovs", "    allowed_vlans: \"100-200\"\n    protected_ports: [uplink1]\n")+
		dev("dpu-1", "dpu-ovs", "    uplink:\n      device: tor-1\n      port: swp10\n")+
		dev("dpu-2", "dpu-ovs", "    uplink:\n      device: tor-1\n      port: uplink1\n"), 0o644)
	cfg, err := inventory.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: wasmbuild.CacheDir(t), PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(context.Background()) })
	if err := eng.LoadDir(ctx, wasmbuild.Dir(t, wasmbuild.Driver(t, "ovs"), wasmbuild.Driver(t, "dpu-ovs"))); err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	s, err := service.New(service.Options{Config: cfg, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	anyone := service.Caller{Identity: "ironic"}
	for _, tt := range []struct {
		name   string
		caller service.Caller
		dev    string
		port   string
		vlan   int
		kind   fault.Kind
		want   string
	}{
		{"vlan the uplink switch forbids", anyone, "dpu-1", "pf0hpf", 300, fault.Denied, "VLANs [300] are not allowed for attach_port on switch tor-1"},
		{"protected uplink port", anyone, "dpu-2", "pf0vf1", 100, fault.Denied, "tor-1 uplink1: port uplink1 is protected"},
		{"caller may not change the switch", service.Caller{Identity: "dpu-only"}, "dpu-1", "pf0hpf", 100, fault.Denied, "tor-1"},
		{"not a representor", anyone, "dpu-1", "p0", 100, fault.Invalid, "not a port name driver dpu-ovs accepts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AttachPort(ctx, tt.caller, service.AttachRequest{Link: service.Link{SwitchID: tt.dev, PortID: tt.port}, Network: service.Network{Type: "vlan", SegmentationID: tt.vlan}})
			if fault.KindOf(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (kind %v), want kind %v containing %q", err, fault.KindOf(err), tt.kind, tt.want)
			}
		})
	}
	if _, err := s.DetachPort(ctx, service.Caller{Identity: "dpu-only"}, service.DetachRequest{Link: service.Link{SwitchID: "dpu-1", PortID: "pf0hpf"}}); !fault.Is(err, fault.Denied) {
		t.Fatalf("detach by a caller who may not change the uplink switch: %v, want denied", err)
	}
	if n := l.n.Load(); n != 0 {
		t.Fatalf("the devices got %d connections from refused requests", n)
	}
}
