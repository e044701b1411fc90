package reliability

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator"
)

var long = flag.Bool("long", false, "run the long load test (64 clients x 1000 calls) instead of the CI size (8 x 200)")

// loadFleet is the load test's devices: four platforms, five devices.
var loadFleet = fleet{{"arista-eos", "eos", 2}, {"cisco-nxos", "nxos", 1}, {"juniper-junos", "junos", 1}, {"sonic", "sonic", 1}}

// idleVLAN is every load-test device's idle_vlan: where detach_port and
// reset_port leave a port.
const idleVLAN = 10

// portsPerDevice is how many ports of each device the clients share.
const portsPerDevice = 4

// target is one port the clients configure.
type target struct {
	dev  *simulator.Device
	port string
}

// call is one call a load client made and what it intended.
type call struct {
	id     string // context.request_id, unique in the run
	method string
	target target
	vlan   int  // the access VLAN the call intends (changing calls)
	change bool // a call that sets the port's VLAN
	err    string
}

// rpcClient sends one call and returns its reply.
type rpcClient interface {
	do(body []byte) (reply, error)
	close()
}

type httpClient struct {
	c   *http.Client
	url string
}

func (h *httpClient) do(body []byte) (reply, error) { return post(h.c, h.url, body) }
func (h *httpClient) close()                        { h.c.CloseIdleConnections() }

// wsClient sends calls one at a time over its own WebSocket.
type wsClient struct{ c *websocket.Conn }

func (w *wsClient) do(body []byte) (reply, error) {
	var r reply
	if err := w.c.WriteMessage(websocket.TextMessage, body); err != nil {
		return r, err
	}
	_, b, err := w.c.ReadMessage()
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(b, &r)
}
func (w *wsClient) close() { w.c.Close() }

// nextCall picks a random call: 40% change a shared port's VLAN (attach,
// update, detach, reset), 15% verify one, 45% reach no device (is_link_valid,
// get_allowed_network_types, list_devices, get_switches).
func nextCall(rng *rand.Rand, id string, targets []target) (call, map[string]any) {
	t := targets[rng.IntN(len(targets))]
	c := call{id: id, target: t}
	ctx := map[string]any{"request_id": id, "user": "load"}
	link := map[string]any{"switch_id": t.dev.Name(), "port_id": t.port}
	vlan := 100 + rng.IntN(5)
	switch n := rng.IntN(100); {
	case n < 15:
		c.method, c.vlan, c.change = "attach_port", vlan, true
		return c, map[string]any{"link": link, "network": map[string]any{"type": "vlan", "segmentation_id": vlan}, "context": ctx}
	case n < 25:
		c.method, c.vlan, c.change = "update_port", vlan, true
		return c, map[string]any{"switch_id": t.dev.MAC(), "port_name": t.port, "description": "load " + id, "mode": "access",
			"native_vlan": vlan, "allowed_vlans": nil, "default_vlan": nil, "lag_name": nil, "context": ctx}
	case n < 32:
		c.method, c.vlan, c.change = "detach_port", idleVLAN, true
		return c, map[string]any{"link": link, "context": ctx}
	case n < 40:
		c.method, c.vlan, c.change = "reset_port", idleVLAN, true
		return c, map[string]any{"switch_id": t.dev.MAC(), "port_name": t.port, "native_vlan": vlan, "allowed_vlans": nil, "default_vlan": nil, "context": ctx}
	case n < 55:
		c.method = "verify_port"
		return c, map[string]any{"link": link, "expect": map[string]any{"mode": "access", "native_vlan": vlan}, "context": ctx}
	case n < 70:
		c.method = "is_link_valid"
		return c, map[string]any{"link": link, "context": ctx}
	case n < 80:
		c.method = "get_allowed_network_types"
		return c, map[string]any{"switch_id": t.dev.MAC(), "context": ctx}
	case n < 90:
		c.method = "list_devices"
		return c, map[string]any{"context": ctx}
	default:
		c.method = "get_switches"
		return c, map[string]any{"context": ctx}
	}
}

// watcher collects the audit feed over a WebSocket watch.
type watcher struct {
	conn    *websocket.Conn
	mu      sync.Mutex
	records []service.Record
	lost    uint64
	done    chan struct{}
}

func watch(t *testing.T, url string) *watcher {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"watch","id":"w"}`)); err != nil {
		t.Fatal(err)
	}
	var r reply
	if err := conn.ReadJSON(&r); err != nil || r.Error != nil || string(r.Result) != `{"watching":true}` {
		t.Fatalf("watch: %+v %v", r, err)
	}
	w := &watcher{conn: conn, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			var n struct {
				Method string `json:"method"`
				Params struct {
					Lost   uint64         `json:"lost"`
					Record service.Record `json:"record"`
				} `json:"params"`
			}
			if err := conn.ReadJSON(&n); err != nil {
				return
			}
			w.mu.Lock()
			w.lost += n.Params.Lost
			w.records = append(w.records, n.Params.Record)
			w.mu.Unlock()
		}
	}()
	return w
}

// find returns the record of the call whose context request_id is id, or
// nil.
func (w *watcher) find(id string) *service.Record {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.records {
		if c := w.records[i].Context; c != nil && c.RequestID == id {
			r := w.records[i]
			return &r
		}
	}
	return nil
}

// stop ends the watch and returns the records in seq order.
func (w *watcher) stop() ([]service.Record, uint64) {
	w.conn.Close()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	sort.Slice(w.records, func(i, j int) bool { return w.records[i].Seq < w.records[j].Seq })
	return w.records, w.lost
}

// resources counts this process's goroutines and open file descriptors.
func resources(t *testing.T) (int, int) {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return runtime.NumGoroutine(), len(fds)
}

// TestLoad runs clients over HTTP and WebSocket (half each) against a real
// Mercury on five simulated devices of four platforms, each client making
// random calls (see nextCall) on 20 shared ports, and judges the run by:
//   - every call succeeds (no fault is injected);
//   - every acknowledged call has exactly one audit record (none lost, none
//     applied twice), and the feed lost none (seq has no gap);
//   - every port's state in its simulator is the VLAN of the last
//     acknowledged change to it in audit (seq) order;
//   - goroutines and file descriptors return to their level before the run.
func TestLoad(t *testing.T) {
	clients, calls := 8, 200
	if *long {
		clients, calls = 64, 1000
	}
	lab := newLab(t, loadFleet, fmt.Sprintf("    idle_vlan: %d\n", idleVLAN), rpcOptions())
	devs := lab.sim.Devices()
	targets := targetsOf(devs)
	w := watch(t, lab.ws)
	warmUp(t, lab, devs)
	g0, fd0 := resources(t)

	start := time.Now()
	made := drive(t, lab, clients, calls, targets, 0)
	elapsed := time.Since(start)
	w.wait(t, made, len(devs))

	// Resources: back to the level before the run once the clients are gone.
	err := settle(15*time.Second, func() error {
		g, fd := resources(t)
		if g > g0 || fd > fd0 {
			return fmt.Errorf("%d goroutines and %d open files after the run, %d and %d before it", g, fd, g0, fd0)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	records, lost := w.stop()

	if len(made) != clients*calls {
		t.Fatalf("%d calls made, want %d", len(made), clients*calls)
	}
	errs := 0
	for _, c := range made {
		if c.err != "" {
			if errs++; errs <= 20 {
				t.Errorf("%s %s on %s %s: %s (no fault was injected)", c.id, c.method, c.target.dev.Name(), c.target.port, c.err)
			}
		}
	}
	last := judgeRecords(t, made, records, lost)
	checked := checkPorts(t, targets, last)
	if checked < len(targets)*3/4 {
		t.Errorf("only %d of %d ports were changed; the run is too small to judge", checked, len(targets))
	}
	t.Logf("%d clients x %d calls = %d calls in %v (%.0f calls/s), %d audit records, %d ports checked; goroutines %d, open files %d before and after",
		clients, calls, len(made), elapsed.Round(time.Millisecond), float64(len(made))/elapsed.Seconds(), len(records), checked, g0, fd0)
	t.Logf("mix:%s", mix(made))
	t.Logf("device time per operation (lock wait excluded):%s", deviceTimes(records))
}

// targetsOf returns the first portsPerDevice ports of each device.
func targetsOf(devs []*simulator.Device) []target {
	var out []target
	for _, d := range devs {
		for _, p := range d.Spec().Ports[:portsPerDevice] {
			out = append(out, target{dev: d, port: p})
		}
	}
	return out
}

// warmUp creates the idle VLAN on every device of devs (Junos refuses a
// port in a VLAN it lacks, and detach does not create it), which also
// leaves the SSH pool holding their connections before resources are
// counted.
func warmUp(t *testing.T, lab *lab, devs []*simulator.Device) {
	t.Helper()
	warm := &httpClient{c: &http.Client{}, url: lab.url}
	defer warm.close()
	for i, d := range devs {
		body := rpcBody("add_network", fmt.Sprintf("warm-%d", i), map[string]any{"switch_id": d.Name(), "network": map[string]any{"type": "vlan", "segmentation_id": idleVLAN}})
		if r, err := warm.do(body); err != nil || r.Error != nil {
			t.Fatalf("warm-up on %s: %v %+v", d.Name(), err, r.Error)
		}
	}
}

// drive runs n clients at once (even ones over HTTP, odd ones over
// WebSocket), each making calls random calls on targets, and returns every
// call made.
func drive(t *testing.T, lab *lab, n, calls int, targets []target, seed uint64) []call {
	t.Helper()
	results := make([][]call, n)
	var wg sync.WaitGroup
	for i := range n {
		var cl rpcClient
		if i%2 == 0 {
			cl = &httpClient{c: &http.Client{Timeout: 2 * time.Minute}, url: lab.url}
		} else {
			conn, _, err := websocket.DefaultDialer.Dial(lab.ws, nil)
			if err != nil {
				t.Fatal(err)
			}
			cl = &wsClient{c: conn}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cl.close()
			rng := rand.New(rand.NewPCG(uint64(i), 42+seed))
			for k := range calls {
				c, params := nextCall(rng, fmt.Sprintf("load-%d-%d-%d", seed, i, k), targets)
				results[i] = append(results[i], do(cl, c, params))
			}
		}()
	}
	wg.Wait()
	var out []call
	for _, rs := range results {
		out = append(out, rs...)
	}
	return out
}

// do makes call c with params on cl and returns it with its error.
func do(cl rpcClient, c call, params map[string]any) call {
	r, err := cl.do(rpcBody(c.method, c.id, params))
	switch {
	case err != nil:
		c.err = err.Error()
	case r.Error != nil:
		c.err = fmt.Sprintf("%d %s", r.Error.Code, r.Error.Message)
	}
	return c
}

// wait gives the watcher time to read the records of made that are
// still in flight: until it holds a record of every recorded call, or 15 s
// have passed (judgeRecords then names what is missing). extra is how many
// more records are expected (the warm-up's).
func (w *watcher) wait(t *testing.T, made []call, extra int) {
	t.Helper()
	want := map[string]bool{}
	for _, c := range made {
		if recorded(c.method) {
			want[c.id] = true
		}
	}
	_ = settle(15*time.Second, func() error {
		w.mu.Lock()
		defer w.mu.Unlock()
		n := 0
		for _, r := range w.records {
			if r.Context != nil && want[r.Context.RequestID] {
				n++
			}
		}
		if n < len(want) || len(w.records) < len(want)+extra {
			return fmt.Errorf("%d of %d records", n, len(want))
		}
		return nil
	})
}

// judgeRecords checks the audit records (in seq order) against the calls
// made: no gap in seq, none lost, exactly one record for each recorded
// call, agreeing with it on method, device, port and outcome. It returns
// each port's last acknowledged change in audit order.
func judgeRecords(t *testing.T, made []call, records []service.Record, lost uint64) map[target]call {
	t.Helper()
	if lost != 0 {
		t.Errorf("the watcher lost %d audit records", lost)
	}
	for i := 1; i < len(records); i++ {
		if records[i].Seq != records[i-1].Seq+1 {
			t.Errorf("audit seq jumps from %d to %d", records[i-1].Seq, records[i].Seq)
			break
		}
	}
	byID := map[string]call{}
	for _, c := range made {
		byID[c.id] = c
	}
	seen := map[string]int{}
	last := map[target]call{}
	for _, r := range records {
		if r.Context == nil {
			continue // a deferred save
		}
		id := r.Context.RequestID
		c, ok := byID[id]
		if !ok {
			continue // the warm-up
		}
		seen[id]++
		if r.Method != c.method || r.Device != c.target.dev.Name() || r.Port != c.target.port {
			t.Errorf("record %d (%s %s %s %s) is not call %s (%s %s %s)", r.Seq, id, r.Method, r.Device, r.Port, c.id, c.method, c.target.dev.Name(), c.target.port)
		}
		if (r.Result == "ok") != (c.err == "") {
			t.Errorf("record %d of %s says %s, the client got %q", r.Seq, id, r.Result, c.err)
		}
		if c.change && r.Result == "ok" {
			last[c.target] = c
		}
	}
	for id, c := range byID {
		if recorded(c.method) && seen[id] != 1 {
			t.Errorf("%s %s has %d audit records, want 1", id, c.method, seen[id])
		}
	}
	return last
}

// checkPorts checks that each target's port in its simulator carries the
// VLAN of its last acknowledged change, untagged and alone, and returns
// how many targets were changed at all.
func checkPorts(t *testing.T, targets []target, last map[target]call) int {
	t.Helper()
	checked := 0
	for _, tg := range targets {
		c, ok := last[tg]
		if !ok {
			continue
		}
		checked++
		p, ok := tg.dev.State().Running.Ports[tg.port]
		if !ok {
			t.Errorf("%s has no port %s", tg.dev.Name(), tg.port)
			continue
		}
		if p.Untagged() != c.vlan || p.Tagged().Len() != 0 {
			t.Errorf("%s %s: untagged VLAN %d, tagged %v; the last acknowledged change (%s, %s) set VLAN %d", tg.dev.Name(), tg.port, p.Untagged(), p.Tagged().IDs(), c.id, c.method, c.vlan)
		}
	}
	return checked
}

// mix counts the calls of each method.
func mix(made []call) string {
	n := map[string]int{}
	for _, c := range made {
		n[c.method]++
	}
	var out string
	for _, k := range slices.Sorted(maps.Keys(n)) {
		out += fmt.Sprintf(" %s=%d", k, n[k])
	}
	return out
}

// deviceTimes gives each device's mean operation time, lock wait excluded.
func deviceTimes(records []service.Record) string {
	sum, n := map[string]float64{}, map[string]int{}
	for _, r := range records {
		sum[r.Device] += r.Duration - r.LockWait
		n[r.Device]++
	}
	var out string
	for _, d := range slices.Sorted(maps.Keys(n)) {
		out += fmt.Sprintf(" %s %.0f ms (%d ops)", d, 1000*sum[d]/float64(n[d]), n[d])
	}
	return out
}

// recorded says whether a method writes an audit record.
func recorded(method string) bool {
	switch method {
	case "attach_port", "detach_port", "update_port", "reset_port", "verify_port":
		return true
	}
	return false
}

// rpcBody encodes a JSON-RPC call.
func rpcBody(method, id string, params map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params, "id": id})
	if err != nil {
		panic(err)
	}
	return b
}
