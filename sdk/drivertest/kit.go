package drivertest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/simulator/platform"
	"github.com/openmercury/mercury/simulator/state"
	"github.com/openmercury/mercury/ssh"
)

// KitOptions say which compiled driver the conformance kit runs against
// which simulated platform.
type KitOptions struct {
	Driver   string // path of the driver's .wasm
	Platform string // simulator platform, e.g. "arista-eos"
	CacheDir string // wazero compile cache ("" for none)
	// Deadline bounds each operation (default 10 s); FaultDeadline bounds
	// the operations that meet a fault (default 3 s).
	Deadline      time.Duration
	FaultDeadline time.Duration
	// Only, when set, runs just the scenarios whose names contain it.
	Only string
}

// Outcome is one scenario's result.
type Outcome struct {
	Scenario string        `json:"scenario"`
	Status   string        `json:"status"` // "pass", "fail" or "skip"
	Duration time.Duration `json:"duration_ns"`
	Message  string        `json:"message,omitempty"`
}

// Scenarios lists the kit's scenarios in the order they run.
func Scenarios() []string {
	var out []string
	for _, s := range scenarios() {
		out = append(out, s.name)
	}
	return out
}

// RunKit runs the conformance kit: every scenario on a fresh simulated
// device of the platform, through the real runtime (the compiled driver in
// wazero, the real host functions) and a real SSH pool, checking the
// driver's replies and the simulator's state after each step. It returns
// an error only when the kit cannot start (a driver that does not load, an
// unknown platform); a failing driver gives failing outcomes.
func RunKit(ctx context.Context, o KitOptions) ([]Outcome, error) {
	if o.Deadline <= 0 {
		o.Deadline = 10 * time.Second
	}
	if o.FaultDeadline <= 0 {
		o.FaultDeadline = 3 * time.Second
	}
	plat, err := platform.Lookup(o.Platform)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(o.Driver), ".wasm")
	dir, err := os.MkdirTemp("", "mercury-kit-")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "kit directory")
	}
	defer os.RemoveAll(dir)
	bin, err := os.ReadFile(o.Driver)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "read driver %s", o.Driver)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".wasm"), bin, 0o644); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "copy driver")
	}
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: o.CacheDir, PoolSize: 1})
	if err != nil {
		return nil, err
	}
	defer eng.Close(context.Background())
	if err := eng.LoadDir(ctx, dir); err != nil {
		return nil, err
	}
	drv, _ := eng.Driver(name)
	desc := drv.Description()
	sim := simulator.NewServer(slog.New(slog.DiscardHandler))
	defer sim.Close()
	ports := plat.Spec().DefaultPorts
	if len(ports) < 6 {
		return nil, fault.New(fault.Invalid, "platform %s has %d ports; the kit needs 6", o.Platform, len(ports))
	}
	if o.Only != "" && !slices.ContainsFunc(Scenarios(), func(s string) bool { return strings.Contains(s, o.Only) }) {
		return nil, fault.New(fault.Invalid, "no scenario's name contains %q; the scenarios are: %s", o.Only, strings.Join(Scenarios(), "; "))
	}
	var out []Outcome
	for i, sc := range scenarios() {
		if o.Only != "" && !strings.Contains(sc.name, o.Only) {
			continue
		}
		res := Outcome{Scenario: sc.name, Status: "pass"}
		if why := lacks(desc, sc.needs); why != "" {
			res.Status, res.Message = "skip", why
			out = append(out, res)
			continue
		}
		start := time.Now()
		err := runScenario(ctx, sim, eng, name, desc, o, plat.Name(), ports, dir, i, sc)
		res.Duration = time.Since(start)
		if err != nil {
			res.Status, res.Message = "fail", err.Error()
		}
		out = append(out, res)
	}
	return out, nil
}

// lacks says why the driver cannot run a scenario needing ops, or "": the
// network type "vxlan" counts as an op, checked against its network types,
// "mlag" needs a driver that makes LAGs across a switch pair, and "!op"
// needs the driver not to have op.
func lacks(d abi.Description, ops []string) string {
	for _, op := range ops {
		if without, ok := strings.CutPrefix(op, "!"); ok {
			if slices.Contains(d.Operations, without) {
				return "the driver has " + without + ", so the " + without + " scenario applies instead"
			}
			continue
		}
		if op == "mlag" {
			if !d.MLAG {
				return "the driver makes no LAG across a switch pair"
			}
			continue
		}
		if op == abi.NetworkVXLAN {
			if !slices.Contains(d.NetworkTypes, op) {
				return "the driver does not configure VXLAN networks"
			}
			continue
		}
		if !slices.Contains(d.Operations, op) {
			return "the driver does not implement " + op
		}
	}
	return ""
}

func runScenario(ctx context.Context, sim *simulator.Server, eng *mruntime.Engine, name string, desc abi.Description,
	o KitOptions, plat string, ports []string, dir string, i int, sc scenario) error {
	dev, err := sim.Add(simulator.DeviceSpec{
		Name: fmt.Sprintf("dut-%d", i+1), Platform: plat, Ports: ports[:4], EnableSecret: "kit-enable",
		Users: []simulator.User{{Name: "kit", Password: "kit-password"}},
	})
	if err != nil {
		return err
	}
	defer dev.Close()
	tgt, err := SimTarget(dev, desc.Shell, dir)
	if err != nil {
		return err
	}
	pool := ssh.NewPool(ssh.Options{DialTimeout: o.FaultDeadline, ResetTimeout: 2 * time.Second, AuthHoldoff: -1})
	defer pool.Close()
	k := &kit{ctx: ctx, eng: eng, driver: name, dev: dev, dialer: PoolDialer{Pool: pool, Target: tgt},
		deadline: o.Deadline, faultDeadline: o.FaultDeadline, ports: ports[:4], absent: ports[len(ports)-1], ops: desc.Operations}
	return sc.run(k)
}

// kit is one scenario's world: a fresh device and the driver.
type kit struct {
	ctx                     context.Context
	eng                     *mruntime.Engine
	driver                  string
	dev                     *simulator.Device
	dialer                  hostfuncs.Dialer
	deadline, faultDeadline time.Duration
	ports                   []string // ports the device has
	absent                  string   // a port name of the platform the device lacks
	lastErr                 error    // the error the last fails call met
	ops                     []string // the operations the driver describes
}

// do runs op with req under deadline d and decodes the reply into resp.
func (k *kit) do(d time.Duration, op string, req, resp any) error {
	in, err := json.Marshal(req)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(k.ctx, d)
	defer cancel()
	reply, err := k.eng.Invoke(ctx, k.driver, hostfuncs.CallOptions{
		Device: k.dev.Name(), Op: op, Input: in, Dialer: k.dialer, Settings: hostfuncs.MapSettings{},
	})
	if err != nil {
		return err
	}
	if resp != nil {
		if err := json.Unmarshal(reply.Output, resp); err != nil {
			return fmt.Errorf("%s reply %s does not decode: %v", op, reply.Output, err)
		}
	}
	return nil
}

// change runs a changing op and checks whether it reported a change; when
// it must not change anything, it also checks that no configuration line
// reached the device.
func (k *kit) change(op string, req any, wantChanged bool) (abi.Result, error) {
	var res abi.Result
	n := len(k.dev.ConfigCommands())
	if err := k.do(k.deadline, op, req, &res); err != nil {
		return res, fmt.Errorf("%s: %v", op, err)
	}
	if res.Changed != wantChanged {
		return res, fmt.Errorf("%s reported changed=%v, want %v (commands %q)", op, res.Changed, wantChanged, res.Commands)
	}
	if !wantChanged {
		if err := k.noConfigSince(n); err != nil {
			return res, fmt.Errorf("%s reported no change, but %v", op, err)
		}
	}
	return res, nil
}

// fails runs op under the fault deadline and checks it fails with one of
// kinds.
func (k *kit) fails(op string, req any, kinds ...string) error {
	err := k.do(k.faultDeadline, op, req, nil)
	k.lastErr = err
	if err == nil {
		return fmt.Errorf("%s succeeded, want an error of kind %s", op, strings.Join(kinds, " or "))
	}
	if kind := fault.KindOf(err).String(); !slices.Contains(kinds, kind) {
		return fmt.Errorf("%s failed with kind %s (%v), want %s", op, kind, err, strings.Join(kinds, " or "))
	}
	return nil
}

// port returns a port's state on the device.
func (k *kit) port(name string) state.Port { return k.dev.State().Running.Ports[name] }

func access(port string, vlan int, create ...int) abi.SetPortRequest {
	return abi.SetPortRequest{Port: port, Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: vlan}, CreateVLANs: nets(create...)}
}

func trunk(port string, mode abi.Mode, native int, allowed []int, create ...int) abi.SetPortRequest {
	return abi.SetPortRequest{Port: port, Config: abi.PortConfig{Mode: mode, NativeVLAN: native, AllowedVLANs: allowed}, CreateVLANs: nets(create...)}
}

func nets(vlans ...int) []abi.Network {
	var out []abi.Network
	for _, v := range vlans {
		out = append(out, abi.Network{VLAN: v})
	}
	return out
}

// isAccess checks that a port is an enabled access port on vlan.
func (k *kit) isAccess(name string, vlan int) error {
	p := k.port(name)
	if p.Mode != state.Access || p.AccessVLAN != vlan || p.Shutdown {
		return fmt.Errorf("%s on the device: mode %s, access VLAN %d, shutdown %v; want an enabled access port on VLAN %d", name, p.Mode, p.AccessVLAN, p.Shutdown, vlan)
	}
	return nil
}

// carries checks what a port forwards, untagged and tagged.
func (k *kit) carries(name string, untagged int, tagged []int) error {
	p := k.port(name)
	got := p.Tagged().IDs()
	if p.Mode != state.Trunk || p.Untagged() != untagged || !slices.Equal(got, tagged) || p.Shutdown {
		return fmt.Errorf("%s on the device: mode %s, untagged %d, tagged %v, shutdown %v; want an enabled trunk, untagged %d, tagged %v",
			name, p.Mode, p.Untagged(), got, p.Shutdown, untagged, tagged)
	}
	return nil
}

func (k *kit) hasVLAN(v int, want bool) error {
	if _, ok := k.dev.State().Running.VLANs[v]; ok != want {
		return fmt.Errorf("VLAN %d exists on the device: %v, want %v", v, ok, want)
	}
	return nil
}

// readMatches checks that read_port reports a port as the device has it.
func (k *kit) readMatches(name string) error {
	var st abi.PortState
	if err := k.do(k.deadline, abi.OpReadPort, abi.ReadPortRequest{Port: name}, &st); err != nil {
		return err
	}
	dp := k.port(name)
	want := abi.PortState{Port: name, Exists: true, Enabled: !dp.Shutdown, Description: dp.Description}
	if dp.Mode == state.Trunk {
		want.Mode, want.NativeVLAN, want.AllowedVLANs = abi.ModeTrunk, dp.Untagged(), dp.Tagged().IDs()
	} else {
		want.Mode, want.NativeVLAN = abi.ModeAccess, dp.AccessVLAN
	}
	if st.Port != want.Port || !st.Exists || st.Enabled != want.Enabled || st.Mode != want.Mode || st.NativeVLAN != want.NativeVLAN ||
		fmt.Sprint(st.AllowedVLANs) != fmt.Sprint(want.AllowedVLANs) || st.Description != want.Description {
		return fmt.Errorf("read_port %s gave %+v, the device has %+v", name, st, want)
	}
	return nil
}

// noConfigSince checks the device received no configuration line after
// the first n.
func (k *kit) noConfigSince(n int) error {
	if got := k.dev.ConfigCommands(); len(got) > n {
		return fmt.Errorf("the device received configuration lines %q", got[n:])
	}
	return nil
}

// steps runs checks in order, stopping at the first error.
func steps(fns ...func() error) error {
	for _, f := range fns {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// Kit runs the conformance kit inside a test, one subtest per scenario: a
// failing scenario fails it, and a scenario the driver cannot run (it
// lacks the operation) is skipped with the reason.
func Kit(t *testing.T, o KitOptions) {
	t.Helper()
	out, err := RunKit(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		t.Run(r.Scenario, func(t *testing.T) {
			t.Logf("%s in %v", r.Status, r.Duration.Round(time.Millisecond))
			switch r.Status {
			case "skip":
				t.Skip(r.Message)
			case "fail":
				t.Fatal(r.Message)
			}
		})
	}
}
