package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeAndCall starts `mercury serve` in process on a configuration
// with no devices, calls it with `mercury call`, and stops it.
func TestServeAndCall(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "drivers"), 0o755)
	cfg := filepath.Join(dir, "mercury.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("server:\n  listen: %s\n  drivers_dir: drivers\n  lock_dir: locks\ndevices: []\n", addr)), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var serveOut bytes.Buffer
	go func() { done <- run(ctx, []string{"serve", "--config", cfg}, &serveOut, &serveOut) }()
	url := "http://" + addr + "/"
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r, err := http.Get(url + "healthz"); err == nil {
			r.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", serveOut.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"call", "--url", url, "get_switches"}, &out, &errb); code != 0 || strings.TrimSpace(out.String()) != "(empty)" {
		t.Fatalf("get_switches: exit %d, %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	code := run(ctx, []string{"call", "--url", url, "update_port", "switch_id=tor-9", "port_name=swp1", "description=null", "mode=access", "native_vlan=100"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "error 404: Switch tor-9 could not be found") {
		t.Fatalf("unknown switch: exit %d, %q", code, errb.String())
	}
	if code := run(ctx, []string{"call", "--url", url, "update_port", "bad"}, &out, &errb); code != 2 {
		t.Fatalf("malformed argument: exit %d", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d:\n%s", code, serveOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(serveOut.String(), `"msg":"serving"`) || !strings.Contains(serveOut.String(), `"msg":"stopped"`) {
		t.Fatalf("serve log:\n%s", serveOut.String())
	}
}
