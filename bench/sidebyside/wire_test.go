package sidebyside

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// wire is a packet capture (tcpdump) of the SSH traffic on the switch's
// management link, taken in the test's root namespace where every client
// runs. It splits an attach's time into the client's share and the
// device's: each gap between two packets that carry data is charged to
// whoever sent the second one (the client while it prepares its next
// message, the device while it runs a command), and the time from the
// attach's start to its first packet and from its last packet to its end
// to the client.
type wire struct {
	client string // the client's address, as tcpdump prints it
	dump   *topo.Capture
}

type packet struct {
	at         time.Time
	fromClient bool
}

// startWire captures TCP port sshPort on iface, where clientIP is the
// root namespace's end, and returns once tcpdump listens (-tt: Unix times).
func startWire(t *testing.T, iface, clientIP, sshPort string) *wire {
	t.Helper()
	return &wire{client: clientIP + ".", dump: topo.StartDump(t, nil, iface, "-tt", "tcp port "+sshPort)}
}

// parse reads one tcpdump -tt line, "1764820000.123456 IP 10.0.0.1.40000 >
// 10.0.0.2.22: Flags [P.], ..., length 52", and keeps packets that carry
// data (bare ACKs come from the kernel, not from either side's program).
func (w *wire) parse(line string) (packet, bool) {
	f := strings.Fields(line)
	if len(f) < 5 || f[1] != "IP" {
		return packet{}, false
	}
	sec, frac, ok := strings.Cut(f[0], ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	us, err2 := strconv.ParseInt(frac, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(frac) != 6 {
		return packet{}, false
	}
	i := strings.LastIndex(line, "length ")
	if i < 0 {
		return packet{}, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[i+len("length "):]))
	if err != nil || n == 0 {
		return packet{}, false
	}
	return packet{at: time.Unix(s, us*1000), fromClient: strings.HasPrefix(f[2], w.client)}, true
}

// split charges the time from start to end to the client or the device,
// from the packets seen in between.
func (w *wire) split(start, end time.Time) (client, device time.Duration) {
	var pkts []packet
	for _, l := range w.dump.Lines() {
		if p, ok := w.parse(l); ok {
			pkts = append(pkts, p)
		}
	}
	return split(pkts, start, end)
}

func split(pkts []packet, start, end time.Time) (client, device time.Duration) {
	prev := start
	for _, p := range pkts {
		if p.at.Before(start) || p.at.After(end) {
			continue
		}
		if p.fromClient {
			client += p.at.Sub(prev)
		} else {
			device += p.at.Sub(prev)
		}
		prev = p.at
	}
	return client + end.Sub(prev), device
}

// wireTable renders the medians of the client's and the device's share
// of each path's attaches.
func wireTable(results map[string][]sample) string {
	var b strings.Builder
	b.WriteString("| # | path | median client ms | median device ms |\n|---|---|---|---|\n")
	for i, p := range paths {
		ss := results[p]
		if len(ss) == 0 {
			continue
		}
		c := median(field(ss, func(s sample) time.Duration { return s.Client }))
		d := median(field(ss, func(s sample) time.Duration { return s.Device }))
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", i+1, p, ms(c), ms(d))
	}
	return b.String()
}

// TestSplit charges each gap to the sender of the packet that ends it.
func TestSplit(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	pkts := []packet{
		{at(-5), false},  // before the attach: ignored
		{at(3), true},    // 0-3 client (prepares the channel open)
		{at(4), false},   // 3-4 device (confirms)
		{at(5), true},    // 4-5 client (sends the command)
		{at(45), false},  // 5-45 device (runs it)
		{at(46), false},  // 45-46 device (exit status)
		{at(48), true},   // 46-48 client
		{at(200), false}, // after the attach: ignored
	}
	client, device := split(pkts, at(0), at(50)) // 48-50 client
	if client != 8*time.Millisecond || device != 42*time.Millisecond {
		t.Fatalf("split = client %v, device %v; want 8ms, 42ms", client, device)
	}
	if c, d := split(nil, at(0), at(10)); c != 10*time.Millisecond || d != 0 {
		t.Fatalf("split without packets = %v, %v; want all to the client", c, d)
	}
	w := &wire{client: "10.99.16.1."}
	for _, tc := range []struct {
		line       string
		ok, client bool
	}{
		{"1764820000.123456 IP 10.99.16.1.40000 > 10.99.16.2.2222: Flags [P.], seq 1:53, ack 1, win 501, length 52", true, true},
		{"1764820000.123456 IP 10.99.16.2.2222 > 10.99.16.1.40000: Flags [P.], seq 1:37, ack 53, win 501, length 36", true, false},
		{"1764820000.123456 IP 10.99.16.2.2222 > 10.99.16.1.40000: Flags [.], ack 53, win 501, length 0", false, false},
		{"tcpdump: verbose output suppressed", false, false},
	} {
		p, ok := w.parse(tc.line)
		if ok != tc.ok || (ok && p.fromClient != tc.client) {
			t.Errorf("parse(%q) = %+v, %v; want ok %v, fromClient %v", tc.line, p, ok, tc.ok, tc.client)
		}
		if ok && !p.at.Equal(time.Unix(1764820000, 123456000)) {
			t.Errorf("parse(%q): time %v", tc.line, p.at)
		}
	}
}
