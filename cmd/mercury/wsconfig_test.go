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
	defer l.Close()
	sim, err := startSimulated(specs, dir, cfgPath, wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos")), l.Addr().String(), io.Discard, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(b), "server:\n", "server:\n  websocket:\n    max_connections: 1\n", 1)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := newDaemon(ctx, cfgPath, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if got := d.service.Config().Server().WebSocket.MaxConnections; got != 1 {
		t.Fatalf("server.websocket.max_connections loaded as %d, want 1", got)
	}
	api, err := newAPI(d, quiet)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- api.Serve(ctx, l) }()
	defer func() {
		cancel()
		<-served
	}()
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
