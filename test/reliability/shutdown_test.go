package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/openmercury/mercury/internal/simlab"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/simulator"
)

// shutdownDeadline is the call deadline of the mercury serve that
// TestShutdownUnderLoad stops; it bounds how long the stop may take.
const shutdownDeadline = 10 * time.Second

// TestShutdownUnderLoad builds the mercury binary, runs `mercury serve` in
// front of simulated devices, loads it with clients over HTTP and
// WebSocket (each client owns its ports, so its calls are ordered), and
// sends SIGTERM in the middle. It checks that the process exits 0 within
// the call deadline and a little more, that calls in flight at the signal
// finish and are answered, and that nothing acknowledged is lost: every
// call a client got a result for is in the audit log as ok, and every port
// holds the last change the audit log records for it.
func TestShutdownUnderLoad(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "mercury")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mercury")
	build.Dir = wasmbuild.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/mercury: %v\n%s", err, out)
	}
	sim, err := simulator.Run(append(simulator.Fleet("arista-eos", "eos", 2), simulator.Fleet("cisco-nxos", "nxos", 1)...), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	// Slow output, so that calls are in flight when the signal comes.
	for _, d := range sim.Devices() {
		d.SetFault(simulator.Fault{LineDelay: 3 * time.Millisecond})
	}
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := simlab.Config(t, strings.ReplaceAll(inv.String(), "    driver: ", fmt.Sprintf("    idle_vlan: %d\n    driver: ", idleVLAN)),
		fmt.Sprintf("  lock_dir: %q\n  cache_dir: %q\n  deadline: %s\n", filepath.Join(dir, "locks"), wasmbuild.CacheDir(t), shutdownDeadline),
		"", "arista-eos", "cisco-nxos")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Env = append(os.Environ(), "MERCURY_SERVER__LISTEN="+addr)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()
	url := "http://" + addr
	if err := settle(30*time.Second, func() error {
		r, err := http.Get(url + "/readyz")
		if err != nil {
			return err
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return fmt.Errorf("readyz: %s", r.Status)
		}
		return nil
	}); err != nil {
		t.Fatalf("mercury serve did not become ready: %v\n%s", err, stderr.String())
	}

	// Six clients, each with its own two ports, changing them until the
	// server goes away.
	type timed struct {
		call
		start, end time.Time
		answered   bool // a JSON-RPC reply arrived (result or error)
	}
	var targets []target
	for _, d := range sim.Devices() {
		for _, p := range d.Spec().Ports[:4] {
			targets = append(targets, target{dev: d, port: p})
		}
	}
	const clients = 6
	results := make([][]timed, clients)
	var wg sync.WaitGroup
	for i := range clients {
		var cl rpcClient
		if i%2 == 0 {
			cl = &httpClient{c: &http.Client{Timeout: 2 * shutdownDeadline}, url: url}
		} else {
			conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
			if err != nil {
				t.Fatal(err)
			}
			cl = &wsClient{c: conn}
		}
		mine := targets[2*i : 2*i+2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cl.close()
			for k := 0; ; k++ {
				tg := mine[k%2]
				c := timed{call: call{id: fmt.Sprintf("stop-%d-%d", i, k), method: "attach_port", target: tg, vlan: 100 + k%7, change: true}, start: time.Now()}
				r, err := cl.do(rpcBody(c.method, c.id, map[string]any{"link": map[string]any{"switch_id": tg.dev.Name(), "port_id": tg.port},
					"network": map[string]any{"type": "vlan", "segmentation_id": c.vlan}, "context": map[string]any{"request_id": c.id}}))
				c.end = time.Now()
				switch {
				case err != nil:
					c.err = err.Error()
				case r.Error != nil:
					c.err, c.answered = fmt.Sprintf("%d %s", r.Error.Code, r.Error.Message), true
				default:
					c.answered = true
				}
				results[i] = append(results[i], c)
				if !c.answered {
					return // the server is gone
				}
			}
		}()
	}
	time.Sleep(3 * time.Second)
	sig := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("mercury serve exited with %v after SIGTERM\n%s", err, stderr.String())
		}
	case <-time.After(shutdownDeadline + 10*time.Second):
		t.Fatalf("mercury serve still running %v after SIGTERM (deadline %v)", time.Since(sig).Round(time.Second), shutdownDeadline)
	}
	stopped := time.Since(sig)
	wg.Wait()

	// The audit log: one JSON line per operation.
	type auditLine struct {
		Msg     string `json:"msg"`
		Result  string `json:"result"`
		Context *struct {
			RequestID string `json:"request_id"`
		} `json:"context"`
	}
	audit := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(stderr.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a auditLine
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.Msg == "audit" && a.Context != nil {
			audit[a.Context.RequestID] = a.Result
		}
	}
	acked, inFlight, refused := 0, 0, 0
	last := map[target]call{}
	for _, rs := range results {
		for _, c := range rs {
			switch {
			case c.answered && c.err != "":
				t.Errorf("%s on %s %s: %s (no fault was injected)", c.id, c.target.dev.Name(), c.target.port, c.err)
			case c.answered:
				acked++
				if c.start.Before(sig) && c.end.After(sig) {
					inFlight++
				}
				if audit[c.id] != "ok" {
					t.Errorf("%s was acknowledged but the audit log has %q for it", c.id, audit[c.id])
				}
			default:
				refused++
				if c.start.Before(sig) {
					// Sent before the signal: it must have been answered,
					// unless it never reached a call (then it has no record).
					if r, ok := audit[c.id]; ok {
						t.Errorf("%s was sent before SIGTERM and is in the audit log (%s), but its client got no reply: %s", c.id, r, c.err)
					}
				}
			}
			if audit[c.id] == "ok" {
				last[c.target] = c.call
			}
		}
	}
	if inFlight == 0 {
		t.Errorf("no call was in flight when SIGTERM came; the test proves nothing about draining")
	}
	if n := checkPorts(t, targets, last); n < len(targets)/2 {
		t.Errorf("only %d of %d ports were changed before the stop", n, len(targets))
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Errorf("the server still answers after it exited")
	}
	t.Logf("SIGTERM after %d acknowledged calls; %d in flight at the signal finished and were answered; %d refused after it; exit 0 after %v",
		acked, inFlight, refused, stopped.Round(time.Millisecond))
}
