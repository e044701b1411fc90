package topo

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/testenv"
)

// captureReady bounds how long tcpdump gets to start listening.
const captureReady = 10 * time.Second

// Capture is a running tcpdump on one interface of a namespace.
type Capture struct {
	ns    *Netns
	iface string
	cmd   *exec.Cmd
	done  chan struct{}

	mu    sync.Mutex
	lines []string
}

// tagged matches tcpdump -e output for a frame carrying an 802.1Q tag.
var tagged = regexp.MustCompile(`ethertype 802\.1Q \(0x8100\), length \d+: vlan (\d+),`)

// StartCapture starts tcpdump on iface in ns, printing link-level headers
// (and so 802.1Q tags), and returns once it listens. Stop it with VLANs or
// SawVLAN; t.Cleanup stops it otherwise.
func StartCapture(t testing.TB, ns *Netns, iface string) *Capture {
	t.Helper()
	return StartDump(t, ns, iface, "-e")
}

// StartDump starts tcpdump on iface in ns (nil: the test's own namespace)
// with args added (options, then a filter expression), and returns once it
// listens; Lines gives what it printed so far. t.Cleanup stops it.
func StartDump(t testing.TB, ns *Netns, iface string, args ...string) *Capture {
	t.Helper()
	testenv.RequireCommand(t, "tcpdump")
	c := &Capture{ns: ns, iface: iface, done: make(chan struct{})}
	// -l and -U hand over each frame at once, --immediate-mode skips
	// kernel buffering.
	argv := append([]string{"-i", iface, "-nn", "-l", "-U", "--immediate-mode"}, args...)
	if ns != nil {
		c.cmd = ns.Command(context.Background(), "tcpdump", argv...)
	} else {
		c.cmd = exec.Command("tcpdump", argv...)
	}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("topo: tcpdump: %v", err)
	}
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatalf("topo: tcpdump: %v", err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("topo: start tcpdump on %s in %s: %v", iface, c.where(), err)
	}
	listening := make(chan struct{})
	var errText strings.Builder
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") {
				once.Do(func() { close(listening) })
			}
			c.mu.Lock()
			errText.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		c.collect(stdout)
	}()
	go func() {
		wg.Wait()
		_ = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(c.stop)
	select {
	case <-listening:
	case <-c.done:
		t.Fatalf("topo: tcpdump on %s in %s exited: %s", iface, c.where(), errText.String())
	case <-time.After(captureReady):
		c.stop()
		t.Fatalf("topo: tcpdump on %s in %s not listening after %v", iface, c.where(), captureReady)
	}
	return c
}

// where names the capture's namespace for messages.
func (c *Capture) where() string {
	if c.ns == nil {
		return "the test's namespace"
	}
	return c.ns.name
}

func (c *Capture) collect(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.mu.Lock()
		c.lines = append(c.lines, sc.Text())
		c.mu.Unlock()
	}
}

// stop ends tcpdump with SIGINT (it flushes what it holds) and waits.
func (c *Capture) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(stopGrace):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// VLANs stops the capture and counts the 802.1Q-tagged frames it saw, by
// VLAN id. Untagged frames are not counted.
func (c *Capture) VLANs() map[int]int {
	c.stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	return countVLANs(c.lines)
}

// SawVLAN stops the capture and reports whether any frame tagged with
// VLAN vid crossed the interface.
func (c *Capture) SawVLAN(vid int) bool { return c.VLANs()[vid] > 0 }

// Lines returns what tcpdump printed so far, one line per frame.
func (c *Capture) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

func countVLANs(lines []string) map[int]int {
	n := map[int]int{}
	for _, l := range lines {
		if m := tagged.FindStringSubmatch(l); m != nil {
			vid, _ := strconv.Atoi(m[1])
			n[vid]++
		}
	}
	return n
}
