package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/simlab"
	"github.com/openmercury/mercury/rpc"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/simulator"
)

// lab is a real Mercury on a loopback listener in front of simulated
// devices.
type lab struct {
	sim *simulator.Server
	svc *service.Service
	url string // http://127.0.0.1:PORT
	ws  string // ws://127.0.0.1:PORT/ws
}

// fleet lists the drivers (simulator platforms) a lab serves and how many
// devices of each.
type fleet []struct {
	platform, prefix string
	n                int
}

// newLab starts the simulators, loads the drivers and serves Mercury on a
// loopback port until the test ends. deviceYAML is added to every device
// of the inventory (lines indented four spaces).
func newLab(t testing.TB, f fleet, deviceYAML string, opts rpc.Options) *lab {
	t.Helper()
	var specs []simulator.DeviceSpec
	var drivers []string
	for _, p := range f {
		specs = append(specs, simulator.Fleet(p.platform, p.prefix, p.n)...)
		drivers = append(drivers, p.platform)
	}
	sim, err := simulator.Run(specs, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	snippet := inv.String()
	if deviceYAML != "" {
		snippet = strings.ReplaceAll(snippet, "    driver: ", deviceYAML+"    driver: ")
	}
	return serveLab(t, sim, simlab.Config(t, snippet, "", "", drivers...), opts)
}

// serveLab serves Mercury on the configuration at cfgPath (sim's devices)
// on a loopback port until the test ends.
func serveLab(t testing.TB, sim *simulator.Server, cfgPath string, opts rpc.Options) *lab {
	t.Helper()
	svc := simlab.Service(t, cfgPath, 0)
	opts.Backend = svc
	if opts.Auth == nil {
		opts.Auth = rpc.NewNoAuth()
	}
	srv, err := rpc.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mercury did not stop cleanly: %v", err)
		}
	})
	return &lab{sim: sim, svc: svc, url: "http://" + l.Addr().String(), ws: "ws://" + l.Addr().String() + "/ws"}
}

// device returns the simulated device called name.
func (l *lab) device(t testing.TB, name string) *simulator.Device {
	t.Helper()
	d, ok := l.sim.Device(name)
	if !ok {
		t.Fatalf("no simulated device %s", name)
	}
	return d
}

// reply is a JSON-RPC reply.
type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    *struct {
			Class string `json:"class"`
		} `json:"data"`
	} `json:"error"`
	ID json.RawMessage `json:"id"`
}

// post sends one JSON-RPC body with client and decodes the reply.
func post(client *http.Client, url string, body []byte) (reply, error) {
	var r reply
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return r, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return r, err
	}
	if resp.StatusCode != http.StatusOK {
		return r, errors.New(resp.Status + ": " + string(b))
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, errors.New("reply is not JSON: " + string(b))
	}
	return r, nil
}

// settle calls f until it returns nil or d has passed, and returns its
// last error.
func settle(d time.Duration, f func() error) error {
	end := time.Now().Add(d)
	for {
		err := f()
		if err == nil || time.Now().After(end) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rpcOptions are the server options of the tests: the defaults.
func rpcOptions() rpc.Options { return rpc.Options{} }
