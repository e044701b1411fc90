//go:build !wasip1

package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/internal/wasmbuild"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/simulator/state"
	"github.com/openmercury/mercury/ssh"
)

// The tests in this file run the built juniper-junos.wasm in the runtime,
// as the service does: the driver's own retry settings (3 retries, 2 s
// apart) against the simulator's lock faults, with real host sleeps and
// errors that name the device.

// wasmCall runs one operation of the built driver against dev and returns
// its JSON reply, or the error the runtime reports.
type wasmCall func(op string, req any) (string, error)

func newWasmCall(t *testing.T, dev *simulator.Device) wasmCall {
	t.Helper()
	ctx := context.Background()
	eng, err := mruntime.New(ctx, mruntime.Options{CacheDir: wasmbuild.CacheDir(t), PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(context.Background()) })
	if err := eng.LoadDirOnly(ctx, filepath.Dir(wasmbuild.Driver(t, "juniper-junos")), []string{"juniper-junos"}); err != nil {
		t.Fatal(err)
	}
	drv, _ := eng.Driver("juniper-junos")
	tgt, err := drivertest.SimTarget(dev, drv.Description().Shell, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool := ssh.NewPool(ssh.Options{})
	t.Cleanup(func() { pool.Close() })
	return func(op string, req any) (string, error) {
		t.Helper()
		in, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		reply, err := eng.Invoke(ctx, "juniper-junos", hostfuncs.CallOptions{
			Device: dev.Name(), Op: op, Input: in, Dialer: drivertest.PoolDialer{Pool: pool, Target: tgt}, Settings: hostfuncs.MapSettings{},
		})
		return string(reply.Output), err
	}
}

func accessReq(port string, vlan int) abi.SetPortRequest {
	return abi.SetPortRequest{Port: port, Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: vlan}, CreateVLANs: []abi.Network{{VLAN: vlan}}}
}

// sent returns the lines dev received since from (an index into its
// command log) that equal line, with the errors the device printed.
func sent(dev *simulator.Device, from int, line string) []simulator.Command {
	var out []simulator.Command
	for _, c := range dev.Commands()[from:] {
		if c.Line == line {
			out = append(out, c)
		}
	}
	return out
}

// refusals counts the commands whose error contains text.
func refusals(cmds []simulator.Command, text string) int {
	n := 0
	for _, c := range cmds {
		if strings.Contains(c.Error, text) {
			n++
		}
	}
	return n
}

// accessVLAN returns port's access VLAN in the running and the committed
// (saved) configuration, and whether vlan exists in either.
func accessVLAN(dev *simulator.Device, port string, vlan int) (running, saved int, exists bool) {
	st := dev.State()
	_, inRunning := st.Running.VLANs[vlan]
	_, inSaved := st.Startup.VLANs[vlan]
	return st.Running.Ports[port].AccessVLAN, st.Startup.Ports[port].AccessVLAN, inRunning || inSaved
}

// TestCommitLockAgainstSimulator: a commit lock that clears after one try
// is waited out and the change is committed; one that outlasts the
// retries fails the operation as busy, naming the device, with nothing
// applied; and the next operation, once the lock is gone, commits its own
// change and nothing of the failed one.
func TestCommitLockAgainstSimulator(t *testing.T) {
	dev, call := junosSim(t)

	dev.SetFault(simulator.Fault{CommitLocked: 1})
	n := len(dev.Commands())
	if out, err := call(abi.OpSetPort, accessReq("ge-0/0/1", 100)); err != nil || !strings.Contains(out, `"saved":true`) {
		t.Fatalf("set_port with the lock held for one commit: %s, %v; want it committed", out, err)
	}
	if commits := sent(dev, n, "commit"); len(commits) != 2 || refusals(commits[:1], "configuration database locked") != 1 || commits[1].Error != "" {
		t.Fatalf("commits sent: %+v; want one refused as locked, then one accepted", commits)
	}
	if run, saved, ok := accessVLAN(dev, "ge-0/0/1", 100); run != 100 || saved != 100 || !ok {
		t.Fatalf("ge-0/0/1 on VLAN %d running, %d committed (VLAN 100 exists: %v); want 100", run, saved, ok)
	}

	dev.SetFault(simulator.Fault{CommitLocked: 100})
	n = len(dev.Commands())
	_, err := call(abi.OpSetPort, accessReq("ge-0/0/2", 200))
	if fault.KindOf(err) != fault.Busy || !strings.Contains(err.Error(), "junos-1") || !strings.Contains(err.Error(), "refused 4 times, 2s apart") {
		t.Fatalf("set_port with the lock held throughout: %v (kind %v); want busy naming junos-1 after 4 tries", err, fault.KindOf(err))
	}
	if commits := sent(dev, n, "commit"); len(commits) != 4 || refusals(commits, "configuration database locked") != 4 {
		t.Fatalf("commits sent: %+v; want 4, each refused as locked", commits)
	}
	if exits := sent(dev, n, "exit configuration-mode"); len(exits) == 0 || exits[0].Mode != "edit" {
		t.Errorf("the driver did not leave configuration mode after the lock outlasted its retries: %+v", dev.Commands()[n:])
	}
	if run, saved, ok := accessVLAN(dev, "ge-0/0/2", 200); run != 1 || saved != 1 || ok {
		t.Fatalf("after the busy failure ge-0/0/2 is on VLAN %d running, %d committed (VLAN 200 exists: %v); want nothing applied", run, saved, ok)
	}

	dev.SetFault(simulator.Fault{})
	if _, err := call(abi.OpSetPort, accessReq("ge-0/0/3", 300)); err != nil {
		t.Fatalf("set_port after the lock cleared: %v", err)
	}
	if run, saved, _ := accessVLAN(dev, "ge-0/0/3", 300); run != 300 || saved != 300 {
		t.Fatalf("ge-0/0/3 on VLAN %d running, %d committed; want 300", run, saved)
	}
	if run, saved, ok := accessVLAN(dev, "ge-0/0/2", 200); run != 1 || saved != 1 || ok {
		t.Fatalf("the failed operation's change came back with the next commit: ge-0/0/2 on VLAN %d running, %d committed (VLAN 200 exists: %v)", run, saved, ok)
	}
}

// TestConfigurePrivateWaitsForAnotherSession: another user's uncommitted
// change in the shared candidate refuses "configure private" (the common
// real-world lock). The driver waits it out when the other user finishes
// within its retries, and fails as busy, sending no configuration, when
// the change stays.
func TestConfigurePrivateWaitsForAnotherSession(t *testing.T) {
	dev, call := junosSim(t)
	otherUser := func() {
		t.Helper()
		if err := dev.Store().UpdateCandidate(func(c *state.Config) error { c.SetVLAN(999, "other-user"); return nil }); err != nil {
			t.Fatal(err)
		}
	}

	// The other user rolls back after the driver's first refused try.
	otherUser()
	n := len(dev.Commands())
	done, released := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(released)
		for {
			if refusals(sent(dev, n, "configure private"), "shared configuration database modified") > 0 {
				dev.Store().Discard()
				return
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	out, err := call(abi.OpSetPort, accessReq("ge-0/0/1", 100))
	close(done)
	<-released
	if err != nil || !strings.Contains(out, `"saved":true`) {
		t.Fatalf("set_port while another user held uncommitted shared changes for one try: %s, %v; want it committed", out, err)
	}
	if enters := sent(dev, n, "configure private"); len(enters) != 2 || enters[1].Error != "" {
		t.Fatalf("configure private sent: %+v; want one refusal, then entry", enters)
	}
	if run, saved, _ := accessVLAN(dev, "ge-0/0/1", 100); run != 100 || saved != 100 {
		t.Fatalf("ge-0/0/1 on VLAN %d running, %d committed; want 100", run, saved)
	}

	// The other user's change stays: busy, and no line reaches the device.
	otherUser()
	n = len(dev.Commands())
	_, err = call(abi.OpSetPort, accessReq("ge-0/0/2", 200))
	if fault.KindOf(err) != fault.Busy || !strings.Contains(err.Error(), "junos-1") || !strings.Contains(err.Error(), "shared configuration database modified") {
		t.Fatalf("set_port while another user's change stays: %v (kind %v); want busy naming junos-1 and the device's words", err, fault.KindOf(err))
	}
	if enters := sent(dev, n, "configure private"); len(enters) != 4 || refusals(enters, "shared configuration database modified") != 4 {
		t.Fatalf("configure private sent: %+v; want 4 refusals", enters)
	}
	if cfg := dev.ConfigCommands(); len(cfg) > 0 && strings.Contains(strings.Join(cfg, "\n"), "ge-0/0/2") {
		t.Fatalf("configuration for ge-0/0/2 reached the device: %q", cfg)
	}
	dev.Store().Discard()
	if _, err := call(abi.OpSetPort, accessReq("ge-0/0/2", 200)); err != nil {
		t.Fatalf("set_port after the other user's change was discarded: %v", err)
	}
	if run, _, _ := accessVLAN(dev, "ge-0/0/2", 200); run != 200 {
		t.Fatalf("ge-0/0/2 on VLAN %d; want 200", run)
	}
	if _, ok := dev.State().Running.VLANs[999]; ok {
		t.Error("the other user's uncommitted VLAN 999 was committed")
	}
}

// TestFailedCommitAgainstSimulator: a commit the device rejects for a
// reason other than a lock (a commit check failure: the simulator's save
// fault, since the Junos commit is the save) fails the operation at once
// as a device error naming the device, applies nothing, and leaves nothing
// for the next operation's commit.
func TestFailedCommitAgainstSimulator(t *testing.T) {
	dev, call := junosSim(t)

	dev.SetFault(simulator.Fault{SaveError: true})
	n := len(dev.Commands())
	_, err := call(abi.OpSetPort, accessReq("ge-0/0/1", 100))
	if fault.KindOf(err) != fault.Device || !strings.Contains(err.Error(), "junos-1") || !strings.Contains(err.Error(), "commit failed") {
		t.Fatalf("set_port with a failing commit: %v (kind %v); want a device error naming junos-1 and the device's words", err, fault.KindOf(err))
	}
	if commits := sent(dev, n, "commit"); len(commits) != 1 {
		t.Fatalf("commits sent: %+v; a failed commit is not a lock and is not retried", commits)
	}
	if run, saved, ok := accessVLAN(dev, "ge-0/0/1", 100); run != 1 || saved != 1 || ok || dev.State().Commits != 0 {
		t.Fatalf("after the failed commit ge-0/0/1 is on VLAN %d running, %d committed (VLAN 100 exists: %v); want nothing applied", run, saved, ok)
	}

	dev.SetFault(simulator.Fault{})
	if _, err := call(abi.OpSetPort, accessReq("ge-0/0/2", 200)); err != nil {
		t.Fatalf("set_port after the fault cleared: %v", err)
	}
	if run, saved, ok := accessVLAN(dev, "ge-0/0/1", 100); run != 1 || saved != 1 || ok {
		t.Fatalf("the failed operation's change came back with the next commit: ge-0/0/1 on VLAN %d running, %d committed (VLAN 100 exists: %v)", run, saved, ok)
	}
	if run, _, _ := accessVLAN(dev, "ge-0/0/2", 200); run != 200 {
		t.Fatalf("ge-0/0/2 on VLAN %d; want 200", run)
	}
}

// junosSim starts a simulated Junos switch, junos-1, and returns it with a
// caller that runs the compiled driver against it.
func junosSim(t *testing.T) (*simulator.Device, wasmCall) {
	t.Helper()
	sim := simulator.NewServer(nil)
	t.Cleanup(func() { sim.Close() })
	dev, err := sim.Add(simulator.DeviceSpec{Name: "junos-1", Platform: "juniper-junos"})
	if err != nil {
		t.Fatal(err)
	}
	return dev, newWasmCall(t, dev)
}
