package simulator

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func TestFaultRefuse(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "arista-eos"})
	d.SetFault(Fault{Refuse: true})
	// The TCP connection is accepted and closed at once: no SSH greeting.
	c := rawDial(t, d)
	_ = c.SetReadDeadline(time.Now().Add(waitFor))
	if n, err := c.Read(make([]byte, 64)); err == nil || n != 0 {
		t.Fatalf("read %d bytes, err %v; want the connection closed", n, err)
	}
	if _, err := ssh.Dial("tcp", d.Addr(), clientConfig(d, "admin", "admin")); err == nil {
		t.Fatal("ssh dial succeeded on a refusing device")
	}
	d.SetFault(Fault{})
	dial(t, d, clientConfig(d, "admin", "admin"))
}

func TestFaultRejectAuth(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	d.SetFault(Fault{RejectAuth: true})
	_, err := ssh.Dial("tcp", d.Addr(), clientConfig(d, "admin", "admin"))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial = %v; want an authentication failure", err)
	}
	d.SetFault(Fault{})
	dial(t, d, clientConfig(d, "admin", "admin"))
}

func TestFaultDropMidCommand(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-nxos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("configure terminal")
	d.SetFault(Fault{DropAtConfigLine: 2})
	tm.cmd("vlan 10")
	tm.send("vlan 20\n")
	if out, err := tm.expectErr(regexp.MustCompile(`never`), waitFor); !errors.Is(err, errEOF) {
		t.Fatalf("after the second config line: %v (output %q); want the connection closed", err, out)
	}
	running := d.State().Running
	if _, ok := running.VLANs[10]; !ok {
		t.Error("VLAN 10, typed before the drop, is missing")
	}
	if _, ok := running.VLANs[20]; ok {
		t.Error("VLAN 20 was created; the drop must come before the command runs")
	}
	cmds := d.Commands()
	if last := cmds[len(cmds)-1]; last.Line != "vlan 20" || last.Error == "" {
		t.Errorf("last logged command = %+v; want vlan 20 marked dropped", last)
	}
	// The fault fires once per SetFault; a new connection works.
	tm2 := shell(t, d, "admin", "admin", 0)
	tm2.expect(tm2.promptRE())
	tm2.cmd("configure terminal")
	tm2.cmd("vlan 30")
	if _, ok := d.State().Running.VLANs[30]; !ok {
		t.Error("VLAN 30 missing after the drop fault fired")
	}
}

func TestFaultRejectConfigLine(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-nxos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("configure terminal")
	d.SetFault(Fault{RejectConfigLine: 2})
	tm.cmd("do show running-config interface Ethernet1/1") // a read: not counted
	tm.cmd("vlan 10")
	if out := tm.cmd("vlan 20"); !strings.Contains(out, "Invalid") {
		t.Errorf("the second config line printed %q; want the platform's invalid-input error", out)
	}
	tm.cmd("vlan 30") // the fault fires once; the session stays open
	running := d.State().Running
	for v, want := range map[int]bool{10: true, 20: false, 30: true} {
		if _, ok := running.VLANs[v]; ok != want {
			t.Errorf("VLAN %d exists: %v, want %v", v, ok, want)
		}
	}
	cmds := d.Commands()
	if c := cmds[len(cmds)-2]; c.Line != "vlan 20" || c.Error == "" {
		t.Errorf("logged command = %+v; want vlan 20 marked refused", c)
	}
}

func TestFaultHang(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "arista-eos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("terminal length 0")

	d.SetFault(Fault{Hang: true})
	// An open session stops answering: the client's deadline passes.
	const deadline = 300 * time.Millisecond
	tm.send("show vlan\n")
	start := time.Now()
	out, err := tm.expectErr(tm.promptRE(), deadline)
	if err == nil || errors.Is(err, errEOF) {
		t.Fatalf("a hung device answered: %q (%v)", out, err)
	}
	if el := time.Since(start); el > deadline+2*time.Second {
		t.Errorf("the client's wait took %v, far beyond its deadline %v", el, deadline)
	}
	// A new connection gets no SSH greeting: the handshake times out.
	cfg := clientConfig(d, "admin", "admin")
	cfg.Timeout = deadline
	start = time.Now()
	c, err := dialHandshake(d, cfg)
	if err == nil {
		_ = c.Close()
		t.Fatal("handshake with a hung device succeeded")
	}
	if el := time.Since(start); el > deadline+2*time.Second {
		t.Errorf("handshake gave up after %v, far beyond its deadline %v", el, deadline)
	}
	// Clearing the fault lets the held session finish its command.
	d.SetFault(Fault{})
	if out := tm.expect(tm.promptRE()); !strings.Contains(out, "VLAN  Name") {
		t.Errorf("after the hang cleared: %q; want the show vlan output", out)
	}
}

// dialHandshake dials with a deadline on the whole SSH handshake (the
// client's Timeout only covers the TCP connect).
func dialHandshake(d *Device, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	conn, err := rawNetDial(d)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(cfg.Timeout))
	c, chans, reqs, err := ssh.NewClientConn(conn, d.Addr(), cfg)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func TestFaultSlowOutput(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.cmd("terminal length 0")
	const delay = 20 * time.Millisecond
	d.SetFault(Fault{LineDelay: delay})
	start := time.Now()
	out := tm.cmd("show vlan brief")
	el := time.Since(start)
	lines := strings.Count(out, "\n")
	if lines < 5 {
		t.Fatalf("show vlan brief gave %d lines: %q", lines, out)
	}
	// A lower bound only: every line waited at least delay.
	if min := time.Duration(lines) * delay; el < min {
		t.Errorf("%d lines took %v; with a %v delay per line they take at least %v", lines, el, delay, min)
	}
	d.SetFault(Fault{})
	if out2 := tm.cmd("show vlan brief"); out2 != out {
		t.Errorf("output changed once the delay cleared:\n%q\n%q", out2, out)
	}
}

// TestFaultSaveAndLock checks each platform's save-failure and
// configuration-lock texts and that neither changes state.
func TestFaultSaveAndLock(t *testing.T) {
	cases := []struct {
		platform, save, locked, saveErr string
	}{
		{"arista-eos", "write memory", "% Configuration is locked by another session", "% Error copying"},
		{"cisco-ios", "write memory", "Configuration mode locked exclusively", "%Error opening nvram"},
		{"cisco-nxos", "copy running-config startup-config", "ERROR: Configuration is locked", "Configuration update aborted"},
		{"dell-os10", "write memory", "% Error: Configuration is locked", "% Error: Failed to save"},
	}
	for _, tc := range cases {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: tc.platform})
			tm := shell(t, d, "admin", "admin", 0)
			tm.expect(tm.promptRE())
			tm.cmd("terminal length 0")
			vlan := "vlan 10"
			if tc.platform == "dell-os10" {
				vlan = "interface vlan 10"
			}

			d.SetFault(Fault{SaveError: true})
			if out := tm.cmd(tc.save); !strings.Contains(out, tc.saveErr) {
				t.Errorf("save with the fault: %q; want %q", out, tc.saveErr)
			}
			if got := d.State().Saves; got != 0 {
				t.Errorf("Saves = %d after a failed save", got)
			}

			d.SetFault(Fault{ConfigLocked: true})
			if out := tm.cmd("configure terminal"); !strings.Contains(out, tc.locked) {
				t.Errorf("configure terminal while locked: %q; want %q", out, tc.locked)
			}
			if tr := tm.transcript(); !regexp.MustCompile(`tor-1# ?\z`).MatchString(tr) {
				t.Errorf("not left in exec mode after the lock refusal: ...%q", tr[max(0, len(tr)-80):])
			}
			// A session already in configuration mode is refused per command.
			d.SetFault(Fault{})
			tm.cmd("configure terminal")
			d.SetFault(Fault{ConfigLocked: true})
			if out := tm.cmd(vlan); !strings.Contains(out, tc.locked) {
				t.Errorf("%s while locked: %q; want %q", vlan, out, tc.locked)
			}
			if _, ok := d.State().Running.VLANs[10]; ok {
				t.Error("VLAN 10 was created while the configuration was locked")
			}
			tm.cmd("end")
			d.SetFault(Fault{})
			tm.cmd("configure terminal")
			tm.cmd(vlan)
			tm.cmd("end")
			tm.cmd(tc.save)
			snap := d.State()
			if _, ok := snap.Startup.VLANs[10]; !ok || snap.Saves != 1 {
				t.Errorf("after the faults cleared: saves %d, VLAN 10 saved %v", snap.Saves, ok)
			}
		})
	}
}

// readAll drains r; a helper for exec sessions.
func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
