package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// TestWebSocketLimitsFromConfig: server.websocket reaches the /ws server
// as `mercury serve` builds it: with max_connections 1, a second
// connection is refused 503 while the first is open.
func TestWebSocketLimitsFromConfig(t *testing.T) {
	var d *daemon
	l := serveDaemon(t, prometheus.NewRegistry(), func(cfg string) string {
		return strings.Replace(cfg, "server:\n", "server:\n  websocket:\n    max_connections: 1\n", 1)
	}, &d)
	if got := d.service.Config().Server().WebSocket.MaxConnections; got != 1 {
		t.Fatalf("server.websocket.max_connections loaded as %d, want 1", got)
	}
	url := "ws://" + l.Addr().String() + "/ws"
	first, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("first /ws connection: %v", err)
	}
	defer first.Close()
	second, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil {
		second.Close()
		t.Fatal("a second /ws connection was accepted with max_connections 1")
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second /ws connection: %v (response %v), want HTTP 503", err, resp)
	}
}

// serveDaemon builds Mercury as `mercury serve` does (newDaemon and
// newAPI, metrics in reg) on one simulated EOS switch, with the written
// configuration passed through edit when it is not nil, and serves it
// until the test ends. It returns the listener, and sets *d, when given,
// to the daemon.
func serveDaemon(t *testing.T, reg registry, edit func(string) string, d ...**daemon) net.Listener {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "mercury.yaml")
	specs, err := parseSimulated("arista-eos")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	sim, err := startSimulated(specs, dir, cfgPath, wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos")), l.Addr().String(), io.Discard, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	if edit != nil {
		b, err := os.ReadFile(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfgPath, []byte(edit(string(b))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	dm, err := newDaemon(ctx, cfgPath, quiet, reg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	api, err := newAPI(dm, quiet)
	if err != nil {
		cancel()
		dm.close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- api.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		dm.close()
	})
	for _, p := range d {
		*p = dm
	}
	return l
}
