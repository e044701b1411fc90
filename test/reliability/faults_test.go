package reliability

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmercury/mercury/rpc"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/simulator/state"
)

// faultCase is one faulty device of TestFaultsUnderLoad: the fault it
// has, and the error kind (the audit record's result) each call that
// reaches it must end with ("": none, every call succeeds). once: the
// fault fires on one line only, so the first change fails and later ones
// succeed.
type faultCase struct {
	name   string
	device string
	fault  simulator.Fault
	kind   string
	once   bool
	reads  bool // reads work despite the fault (verify_port succeeds)
	// recover is the error kind a call may get right after the fault is
	// cleared (else it succeeds).
	recover string
	// saveFails: the change is applied to the running configuration and
	// only the save fails.
	saveFails bool
	// attaches is how many attaches the prober makes (0: two).
	attaches int
	// orKind is another kind that is right too.
	orKind string
}

// faultDeadline is the call deadline of TestFaultsUnderLoad, short so the
// hung device's calls end soon.
const faultDeadline = 12 * time.Second

// TestFaultsUnderLoad gives devices faults — refused connections, rejected
// authentication, a hang, a locked configuration, a connection dropped
// mid-configuration, a configuration line refused — while clients load the
// healthy devices over HTTP and WebSocket. Each call to a faulty device
// must fail with the fault's error kind, naming the device, and change
// nothing on it (a one-shot fault: the failed call changes nothing on the
// port and the next call succeeds); the healthy devices must serve every
// call as in TestLoad; and once the faults are cleared, every device
// serves again. A client that hangs up mid-call does not cut the change
// off: it completes and is recorded.
func TestFaultsUnderLoad(t *testing.T) {
	f := fleet{{"arista-eos", "eos", 6}, {"cisco-nxos", "nxos", 4}, {"sonic", "sonic", 1}}
	lab := newLab(t, f, fmt.Sprintf("    idle_vlan: %d\n", idleVLAN), rpc.Options{Deadline: faultDeadline})
	cases := []faultCase{
		{name: "connection refused", device: "eos-2", fault: simulator.Fault{Refuse: true}, kind: "unreachable"},
		// A refused login is not retried until its back-off passes or the
		// credentials change, so right after the fault ends a call still
		// fails, unless the back-off has passed meanwhile.
		{name: "login rejected", device: "eos-3", fault: simulator.Fault{RejectAuth: true}, kind: "auth", recover: "auth"},
		// A hung device sends no SSH greeting: the pool's 10 s connect
		// timeout ("no SSH answer") or the 12 s call deadline, whichever
		// comes first on a busy machine, ends each call. One attach, as
		// each call takes that long.
		{name: "hang", device: "eos-4", fault: simulator.Fault{Hang: true}, kind: "unreachable", orKind: "timeout", attaches: 1},
		{name: "configuration locked", device: "nxos-2", fault: simulator.Fault{ConfigLocked: true}, kind: "busy", reads: true},
		{name: "configuration line refused", device: "nxos-3", fault: simulator.Fault{RejectConfigLine: 1}, kind: "device", once: true},
		{name: "connection dropped mid-configuration", device: "sonic-1", fault: simulator.Fault{DropAtConfigLine: 2}, kind: "unreachable", once: true},
		// A slow device is only slow: every call succeeds.
		{name: "slow output", device: "eos-5", fault: simulator.Fault{LineDelay: 5 * time.Millisecond}},
		// A failing save: the change is in the running configuration, the
		// call fails saying so, and the startup configuration is untouched.
		{name: "save fails", device: "nxos-4", fault: simulator.Fault{SaveError: true}, kind: "device", reads: true, saveFails: true},
	}
	healthy := []*simulator.Device{lab.device(t, "eos-1"), lab.device(t, "nxos-1")}
	// The faults are set before Mercury first connects, so that a
	// connection-time fault meets a new connection.
	was := map[string]any{}
	for _, fc := range cases {
		d := lab.device(t, fc.device)
		d.SetFault(fc.fault)
		was[fc.device] = d.State()
	}
	w := watch(t, lab.ws)
	warmUp(t, lab, healthy)
	targets := targetsOf(healthy)

	// Load on the healthy devices, and at the same time one prober per
	// faulty device: attaches and a verify, one after the other (probe).
	var wg sync.WaitGroup
	var made []call
	wg.Add(1)
	go func() {
		defer wg.Done()
		made = drive(t, lab, 4, 50, targets, 1)
	}()
	probes := make([][]call, len(cases))
	for i, fc := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			probes[i] = probe(t, lab, lab.device(t, fc.device), fc.saveFails, cmp.Or(fc.attaches, 2))
		}()
	}
	// A client that hangs up mid-call, on a slow device of its own (so the
	// call does not queue behind the probes): the change is made all the
	// same.
	slow := lab.device(t, "eos-6")
	slow.SetFault(simulator.Fault{LineDelay: 5 * time.Millisecond})
	gone := target{dev: slow, port: slow.Spec().Ports[3]}
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Hang up once the device has received the call's first line: the
		// operation is then under way.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			_ = settle(2*faultDeadline, func() error {
				if len(slow.Commands()) == 0 {
					return fmt.Errorf("not started")
				}
				return nil
			})
			cancel()
		}()
		body := rpcBody("attach_port", "gone", map[string]any{"link": map[string]any{"switch_id": slow.Name(), "port_id": gone.port},
			"network": map[string]any{"type": "vlan", "segmentation_id": 205}, "context": map[string]any{"request_id": "gone"}})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, lab.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("the call meant to be cut off answered %s before its client hung up; the device is not slow enough for this check", resp.Status)
		}
	}()
	wg.Wait()
	w.wait(t, append(append([]call(nil), made...), flatten(probes)...), len(healthy))
	if err := settle(4*faultDeadline, func() error {
		if w.find("gone") == nil {
			return fmt.Errorf("no audit record of the call whose client hung up")
		}
		return nil
	}); err != nil {
		t.Error(err)
	} else if r := w.find("gone"); r.Result != "ok" {
		t.Errorf("the call whose client hung up ended %s: %s", r.Result, r.Error)
	} else if p := slow.State().Running.Ports[gone.port]; p.Untagged() != 205 {
		t.Errorf("the call whose client hung up was acknowledged in the audit, but %s carries VLAN %d, want 205", gone.port, p.Untagged())
	}
	records, lost := w.stop()

	// The healthy devices served every call.
	for _, c := range made {
		if c.err != "" {
			t.Errorf("healthy %s: %s %s: %s", c.target.dev.Name(), c.id, c.method, c.err)
		}
	}
	last := judgeRecords(t, append(append([]call(nil), made...), flatten(probes)...), records, lost)
	if n := checkPorts(t, targets, last); n < len(targets)/2 {
		t.Errorf("only %d of %d healthy ports were changed; the run is too small to judge", n, len(targets))
	}

	// Each faulty device: the right error, naming the device; nothing
	// changed by a failed call.
	kinds := map[string]string{}
	for _, r := range records {
		if r.Context != nil {
			kinds[r.Context.RequestID] = r.Result
		}
	}
	for i, fc := range cases {
		d := lab.device(t, fc.device)
		failed := 0
		for k, c := range probes[i] {
			if c.method == "verify_port" && fc.reads {
				if c.err != "" {
					t.Errorf("%s (%s): %s: reads work on this fault, yet: %s", fc.device, fc.name, c.id, c.err)
				}
				continue
			}
			switch {
			case fc.kind == "":
				if c.err != "" {
					t.Errorf("%s (%s): %s %s failed: %s", fc.device, fc.name, c.id, c.method, c.err)
				}
			case c.err == "" && (!fc.once || failed == 0):
				t.Errorf("%s (%s): %s %s succeeded; want a %s error", fc.device, fc.name, c.id, c.method, fc.kind)
			case c.err != "":
				failed++
				if kinds[c.id] != fc.kind && !(fc.orKind != "" && kinds[c.id] == fc.orKind) {
					t.Errorf("%s (%s): %s %s failed as %q, want %q: %s", fc.device, fc.name, c.id, c.method, kinds[c.id], fc.kind, c.err)
				}
				if !strings.Contains(c.err, fc.device) || !strings.HasPrefix(c.err, "500 ") {
					t.Errorf("%s (%s): the error does not name the device or is not a NetworkError: %s", fc.device, fc.name, c.err)
				}
				if fc.once && k != 0 {
					t.Errorf("%s (%s): call %d failed, but the fault fires once: %s", fc.device, fc.name, k, c.err)
				}
			}
		}
		if failed == 0 && fc.kind != "" {
			t.Errorf("%s (%s): no call failed", fc.device, fc.name)
		}
		port := d.Spec().Ports[0]
		switch {
		case fc.saveFails:
			st := d.State()
			if p := st.Running.Ports[port]; p.Untagged() != 202 {
				t.Errorf("%s (%s): port %s runs VLAN %d, want 202 (applied, then the save failed)", fc.device, fc.name, port, p.Untagged())
			}
			if old := was[fc.device].(state.Snapshot); !reflect.DeepEqual(old.Startup, st.Startup) {
				t.Errorf("%s (%s): the startup configuration changed though every save failed", fc.device, fc.name)
			}
			for _, c := range probes[i] {
				if c.method == "attach_port" && !strings.Contains(c.err, "applied but saving") {
					t.Errorf("%s (%s): %s does not say the change was applied but not saved: %s", fc.device, fc.name, c.id, c.err)
				}
			}
		case fc.kind == "":
			if p := d.State().Running.Ports[port]; p.Untagged() != 202 {
				t.Errorf("%s (%s): port %s carries VLAN %d, want 202 (the last attach)", fc.device, fc.name, port, p.Untagged())
			}
		case fc.once:
			// The failed first attach left the port as it was; the second
			// took it to VLAN 202.
			if p := d.State().Running.Ports[port]; p.Untagged() != 202 {
				t.Errorf("%s (%s): port %s carries VLAN %d after the fault, want 202 (the last acknowledged attach)", fc.device, fc.name, port, p.Untagged())
			}
		default:
			if !reflect.DeepEqual(was[fc.device], d.State()) {
				t.Errorf("%s (%s): the device's configuration changed though every call failed", fc.device, fc.name)
			}
		}
	}

	// Faults cleared: every device serves again (the pool drops the
	// connections the faults broke).
	for _, fc := range cases {
		d := lab.device(t, fc.device)
		d.SetFault(simulator.Fault{})
		cl := &httpClient{c: &http.Client{}, url: lab.url}
		c := do(cl, call{id: "recover-" + fc.device, method: "attach_port"}, map[string]any{
			"link": map[string]any{"switch_id": d.Name(), "port_id": d.Spec().Ports[1]}, "network": map[string]any{"type": "vlan", "segmentation_id": 204}})
		cl.close()
		if fc.recover != "" && c.err != "" {
			if !strings.Contains(c.err, "not retrying a refused login") {
				t.Errorf("%s right after its fault (%s) was cleared: got %q, want success or the refused login not retried yet", fc.device, fc.name, c.err)
			}
		} else if c.err != "" {
			t.Errorf("%s after its fault (%s) was cleared: %s", fc.device, fc.name, c.err)
		} else if p := d.State().Running.Ports[d.Spec().Ports[1]]; p.Untagged() != 204 {
			t.Errorf("%s after its fault was cleared: port %s carries VLAN %d, want 204", fc.device, d.Spec().Ports[1], p.Untagged())
		}
	}
	t.Logf("healthy: %d calls%s; faulty: %s", len(made), deviceTimes(records), faultSummary(cases, probes))
}

// probe makes one or two attaches (VLANs 201, 202) and a verify on d's
// first port, one after the other, over HTTP, and checks that a failed attach left the port as
// it was (unless applied: the fault lets the change through and fails
// after it).
func probe(t *testing.T, lab *lab, d *simulator.Device, applied bool, attaches int) []call {
	cl := &httpClient{c: &http.Client{Timeout: 2 * faultDeadline}, url: lab.url}
	defer cl.close()
	tg := target{dev: d, port: d.Spec().Ports[0]}
	link := map[string]any{"switch_id": d.Name(), "port_id": tg.port}
	var out []call
	for i, vlan := range []int{201, 202}[:attaches] {
		c := call{id: fmt.Sprintf("probe-%s-%d", d.Name(), i), method: "attach_port", target: tg, vlan: vlan, change: true}
		before := d.State().Running.Ports[tg.port]
		c = do(cl, c, map[string]any{"link": link, "network": map[string]any{"type": "vlan", "segmentation_id": vlan}, "context": map[string]any{"request_id": c.id}})
		if after := d.State().Running.Ports[tg.port]; c.err != "" && !applied && !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the failed %s left port %s half-changed: %+v, was %+v", d.Name(), c.id, tg.port, after, before)
		}
		out = append(out, c)
	}
	c := call{id: "probe-" + d.Name() + "-verify", method: "verify_port", target: tg}
	out = append(out, do(cl, c, map[string]any{"link": link, "expect": map[string]any{"mode": "access", "native_vlan": 200 + attaches}, "context": map[string]any{"request_id": c.id}}))
	return out
}

func flatten(cs [][]call) []call {
	var out []call
	for _, c := range cs {
		out = append(out, c...)
	}
	return out
}

func faultSummary(cases []faultCase, probes [][]call) string {
	var b strings.Builder
	for i, fc := range cases {
		failed := 0
		for _, c := range probes[i] {
			if c.err != "" {
				failed++
			}
		}
		fmt.Fprintf(&b, " %s (%s): %d of %d calls failed as %s;", fc.device, fc.name, failed, len(probes[i]), fc.kind)
	}
	return b.String()
}
