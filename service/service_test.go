package service_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
)

// countingListener stands in for a device: it counts the connections it
// gets, so a test can assert that a refused request reached no device.
type countingListener struct {
	net.Listener
	n atomic.Int32
}

func listen(t *testing.T) *countingListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			cl.n.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return cl
}

func writeFile(t *testing.T, dir, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// newService returns a Service whose one device, tor-1 (ovs driver), points
// at a counting listener.
func newService(t *testing.T) (*service.Service, *countingListener) {
	t.Helper()
	l := listen(t)
	dir := t.TempDir()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	writeFile(t, dir, "pw", "secret\n", 0o600)
	writeFile(t, dir, "known_hosts", "", 0o644)
	cfgPath := writeFile(t, dir, "mercury.yaml", `
server:
  known_hosts: known_hosts
  denied_vlans: "1002-1005"
devices:
  - name: tor-1
    mac: "aa:bb:cc:dd:ee:01"
    driver: ovs
    address: `+host+`
    port: `+port+`
    username: mercury
    password_file: pw
    idle_vlan: 150
    allowed_vlans: "100-200,1000-1010"
    protected_ports: [uplink1]
`, 0o644)
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
	if err := eng.LoadDir(ctx, filepath.Dir(wasmbuild.Driver(t, "ovs"))); err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	s, err := service.New(service.Options{Config: cfg, Engine: eng, Pool: pool, Locker: lock.New(lock.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	return s, l
}

func ptr[T any](v T) *T { return &v }

func TestBadInputReachesNoDevice(t *testing.T) {
	s, l := newService(t)
	good := service.UpdatePortRequest{SwitchID: "AA:BB:CC:DD:EE:01", PortName: "swp1", Mode: ptr("access"), NativeVLAN: ptr(100)}
	tests := []struct {
		name string
		edit func(r *service.UpdatePortRequest)
		kind fault.Kind
		want string
	}{
		{"unknown switch", func(r *service.UpdatePortRequest) { r.SwitchID = "aa:bb:cc:dd:ee:99" }, fault.NotFound,
			"Switch aa:bb:cc:dd:ee:99 could not be found or is not supported by any configured switch driver."},
		{"vlan 0", func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(0) }, fault.Invalid, "VLAN 0 is out of range 1-4094"},
		{"vlan 4095", func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(4095) }, fault.Invalid, "VLAN 4095 is out of range 1-4094"},
		{"vlan -1", func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(-1) }, fault.Invalid, "VLAN -1 is out of range"},
		{"vlan not allowed", func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(300) }, fault.Denied,
			"VLANs [300] are not allowed for update_port on switch AA:BB:CC:DD:EE:01. Allowed VLANs: [100, 101,"},
		{"vlan denied", func(r *service.UpdatePortRequest) { r.NativeVLAN = ptr(1003) }, fault.Denied, "server.denied_vlans"},
		{"trunk vlan denied", func(r *service.UpdatePortRequest) { r.Mode = ptr("trunk"); r.AllowedVLANs = []int{100, 1004} }, fault.Denied, "VLANs [1004]"},
		{"bad mode", func(r *service.UpdatePortRequest) { r.Mode = ptr("dynamic") }, fault.Invalid, "mode must be one of: access, trunk, hybrid"},
		{"no mode", func(r *service.UpdatePortRequest) { r.Mode = nil }, fault.Invalid, "mode must be one of"},
		{"access without vlan", func(r *service.UpdatePortRequest) { r.NativeVLAN = nil }, fault.Invalid, "native_vlan must be an integer"},
		{"protected port", func(r *service.UpdatePortRequest) { r.PortName = "uplink1" }, fault.Denied, "port uplink1 is protected"},
		{"port pattern", func(r *service.UpdatePortRequest) { r.PortName = "a-port-name-far-too-long-for-linux" }, fault.Invalid, "not a port name driver ovs accepts"},
		{"description chars", func(r *service.UpdatePortRequest) { r.Description = ptr("node 1 (rack 4)") }, fault.Invalid, `contains '('`},
		{"description length", func(r *service.UpdatePortRequest) { r.Description = ptr(strings.Repeat("x", 65)) }, fault.Invalid, "at most 64"},
		{"default vlan", func(r *service.UpdatePortRequest) { r.DefaultVLAN = ptr(5000) }, fault.Invalid, "default_vlan 5000"},
	}
	// Every identifier field crossed with every smuggling string.
	injections := []string{"swp1\nreboot", "swp1\r", "swp1\x00", "swp1\x1b[2J", "swp1;reboot", "swp1|tee", "swp1`id`", "swp1$(id)", "swp1&&id", "swp1>x", "swp\u00a01", "swp1\xff"}
	for _, inj := range injections {
		tests = append(tests,
			struct {
				name string
				edit func(r *service.UpdatePortRequest)
				kind fault.Kind
				want string
			}{"port " + inj, func(r *service.UpdatePortRequest) { r.PortName = inj }, fault.Invalid, "port_name"},
			struct {
				name string
				edit func(r *service.UpdatePortRequest)
				kind fault.Kind
				want string
			}{"switch " + inj, func(r *service.UpdatePortRequest) { r.SwitchID = inj }, fault.Invalid, "switch_id"},
			struct {
				name string
				edit func(r *service.UpdatePortRequest)
				kind fault.Kind
				want string
			}{"lag " + inj, func(r *service.UpdatePortRequest) { r.LAGName = ptr(inj) }, fault.Invalid, "lag_name"},
			struct {
				name string
				edit func(r *service.UpdatePortRequest)
				kind fault.Kind
				want string
			}{"description " + inj, func(r *service.UpdatePortRequest) { r.Description = ptr(inj) }, fault.Invalid, "description"},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			_, err := s.UpdatePort(context.Background(), service.Caller{Identity: "test", Method: "update_port"}, r)
			if err == nil {
				t.Fatal("accepted")
			}
			if fault.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (kind %v), want kind %v containing %q", err, fault.KindOf(err), tt.kind, tt.want)
			}
		})
	}
	if n := l.n.Load(); n != 0 {
		t.Fatalf("the device got %d connections from refused requests", n)
	}
}

func TestResetPortNotPolicyChecked(t *testing.T) {
	s, l := newService(t)
	// A reset is never refused by VLAN policy: it reaches the device (which
	// here refuses the SSH handshake).
	_, err := s.ResetPort(context.Background(), service.Caller{}, service.ResetPortRequest{SwitchID: "tor-1", PortName: "swp1", NativeVLAN: ptr(1003)})
	if err == nil || fault.KindOf(err) == fault.Denied || fault.KindOf(err) == fault.Invalid {
		t.Fatalf("reset refused by policy: %v", err)
	}
	if l.n.Load() == 0 {
		t.Fatal("reset did not reach the device")
	}
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Device != "tor-1" {
		t.Fatalf("error does not name the device: %v", err)
	}
}

func TestGetSwitches(t *testing.T) {
	s, _ := newService(t)
	got, err := s.GetSwitches(context.Background(), service.Caller{})
	if err != nil {
		t.Fatal(err)
	}
	info, ok := got["tor-1"]
	if !ok || info.DeviceType != "ovs" || info.AllowedVLANs == nil || *info.AllowedVLANs != "100-200,1000-1001,1006-1010" {
		t.Fatalf("get_switches = %+v", got)
	}
}

func TestGetAllowedNetworkTypes(t *testing.T) {
	s, l := newService(t)
	for _, tt := range []struct {
		switchID string
		want     string     // the types, comma-separated; "" when the call fails
		kind     fault.Kind // the kind it fails with
	}{
		{"aa:bb:cc:dd:ee:01", "vlan", 0},
		{"tor-1", "vlan", 0},
		{"tor-9", "", fault.NotFound},
		{"", "", fault.Invalid},
		{"tor-1\nshow run", "", fault.Invalid},
	} {
		got, err := s.GetAllowedNetworkTypes(context.Background(), service.Caller{}, service.NetworkTypesRequest{SwitchID: tt.switchID})
		if tt.want == "" {
			if err == nil || fault.KindOf(err) != tt.kind {
				t.Errorf("%q: error %v, want kind %s", tt.switchID, err, tt.kind)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("%q: %v %v, want %s", tt.switchID, got, err, tt.want)
		}
	}
	if n := l.n.Load(); n != 0 {
		t.Errorf("get_allowed_network_types reached the device %d times", n)
	}
}

func TestIsLinkValid(t *testing.T) {
	s, l := newService(t)
	for _, tt := range []struct {
		link  service.Link
		valid bool
		want  string // in the reason
	}{
		{service.Link{SwitchID: "aa:bb:cc:dd:ee:01", PortID: "swp1"}, true, ""},
		{service.Link{SwitchID: "unknown", SwitchInfo: "tor-1", PortID: "swp1"}, true, ""},
		{service.Link{SwitchID: "aa:bb:cc:dd:ee:99", PortID: "swp1"}, false, "Switch aa:bb:cc:dd:ee:99 could not be found"},
		{service.Link{SwitchID: "tor-1", PortID: "uplink1"}, false, "port uplink1 is protected (devices.tor-1.protected_ports)"},
		{service.Link{SwitchID: "tor-1", PortID: "swp1;reboot"}, false, "link.port_id"},
		{service.Link{SwitchID: "tor-1", PortID: "swp1\nshow run"}, false, "control character"},
		{service.Link{SwitchID: "tor-1", PortID: ""}, false, "link.port_id is empty"},
	} {
		v, err := s.IsLinkValid(context.Background(), service.Caller{}, service.LinkRequest{Link: tt.link})
		if err != nil || v.Valid == nil || *v.Valid != tt.valid || !strings.Contains(v.Reason, tt.want) || (tt.valid && v.Reason != "") {
			t.Errorf("%+v: %+v %v; want valid=%v with %q", tt.link, v, err, tt.valid, tt.want)
		}
	}
	if n := l.n.Load(); n != 0 {
		t.Errorf("is_link_valid reached the device %d times", n)
	}
}

func TestListDrivers(t *testing.T) {
	s, l := newService(t)
	got, err := s.ListDrivers(context.Background(), service.Caller{}, service.ListDriversRequest{})
	if err != nil || len(got) != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	d := got[0]
	if d.Name != "ovs" || len(d.SHA256) != 64 || strings.Join(d.Devices, ",") != "tor-1" || len(d.Operations) == 0 || d.PortPattern == "" {
		t.Errorf("list_drivers = %+v", d)
	}
	if n := l.n.Load(); n != 0 {
		t.Errorf("list_drivers reached the device %d times", n)
	}
}
