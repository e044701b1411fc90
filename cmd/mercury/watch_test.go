package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// serveSimulated runs `mercury simulate --serve` on one simulated EOS
// switch, eos-1, until the test ends, and returns Mercury's URL.
func serveSimulated(t *testing.T) string {
	t.Helper()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	drivers := wasmbuild.Dir(t, wasmbuild.Driver(t, "arista-eos"))
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	served := make(chan int, 1)
	go func() {
		served <- run(ctx, []string{"simulate", "--serve", "--devices", "arista-eos", "--drivers-dir", drivers, "--listen", addr, "--dir", t.TempDir()}, &out, &out)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-served; code != 0 {
			t.Errorf("simulate --serve exit %d:\n%s", code, out.String())
		}
	})
	url := "http://" + addr + "/"
	waitFor(t, "mercury to serve", func() bool {
		r, err := http.Get(url + "healthz")
		if err == nil {
			r.Body.Close()
		}
		return err == nil
	})
	return url
}

// waitFor polls until cond holds; the bound only stops a hung test (a
// cold compile of a driver under -race on a busy 2-core machine has taken
// over 30 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestWatch runs Mercury on a simulated EOS switch, follows it with
// `mercury watch` (table and --json), and checks that a call made with
// `mercury call` shows up in both.
func TestWatch(t *testing.T) {
	url := serveSimulated(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var table, lines, errs syncBuffer
	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan int, 2)
	go func() { watched <- run(wctx, []string{"watch", "--url", url}, &table, &errs) }()
	go func() { watched <- run(wctx, []string{"watch", "--url", url, "--json"}, &lines, &errs) }()
	waitFor(t, "both watchers to subscribe", func() bool { return strings.Count(errs.String(), "watching ws://") == 2 })
	if !strings.Contains(table.String(), "METHOD") {
		t.Fatalf("no table header: %q", table.String())
	}

	var out, cerr bytes.Buffer
	if code := run(ctx, []string{"call", "--url", url, "update_port", "switch_id=eos-1", "port_name=Ethernet5",
		"description=null", "mode=access", "native_vlan=300"}, &out, &cerr); code != 0 {
		t.Fatalf("call: exit %d %s", code, cerr.String())
	}
	waitFor(t, "the call in the watch table", func() bool {
		s := table.String()
		return strings.Contains(s, "update_port") && strings.Contains(s, "eos-1") && strings.Contains(s, "Ethernet5") && strings.Contains(s, "ok changed")
	})
	waitFor(t, "the call as a JSON line", func() bool {
		return strings.Contains(lines.String(), `"method":"update_port"`) && strings.Contains(lines.String(), `"seq":`)
	})
	stopWatch()
	for range 2 {
		if code := <-watched; code != 0 {
			t.Fatalf("watch exit %d: %s", code, errs.String())
		}
	}
	// Without a server, watch says where it tried.
	errs.mu.Lock()
	errs.b.Reset()
	errs.mu.Unlock()
	if code := run(ctx, []string{"watch", "--url", "http://127.0.0.1:1/"}, &table, &errs); code != 1 || !strings.Contains(errs.String(), "ws://127.0.0.1:1/ws") {
		t.Fatalf("watch with nothing listening: exit %d %q", code, errs.String())
	}
}
