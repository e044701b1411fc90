package simulator

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestAddValidates(t *testing.T) {
	s := newServer(t)
	addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "arista-eos"})
	cases := []struct {
		spec DeviceSpec
		kind fault.Kind
		want string
	}{
		{DeviceSpec{Name: "tor-1", Platform: "arista-eos"}, fault.Conflict, "already exists"},
		{DeviceSpec{Name: "bad name", Platform: "arista-eos"}, fault.Invalid, "device name"},
		{DeviceSpec{Name: "x", Platform: "junos-9"}, fault.NotFound, "no simulated platform"},
		{DeviceSpec{Name: "x", Platform: "arista-eos", Ports: []string{"GigabitEthernet1/0/1"}}, fault.Invalid, "is not a arista-eos port name"},
		{DeviceSpec{Name: "x", Platform: "cisco-ios", Ports: []string{"Gi1/0/1", "GigabitEthernet1/0/1"}}, fault.Invalid, "listed twice"},
		{DeviceSpec{Name: "x", Platform: "cisco-ios", Users: []User{{Name: "nopw"}}}, fault.Invalid, "needs a name and a password or a key"},
	}
	for _, tc := range cases {
		_, err := s.Add(tc.spec)
		if err == nil || fault.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%+v) = %v; want a %s error containing %q", tc.spec, err, tc.kind, tc.want)
		}
	}
	// Port names are canonicalised.
	d := addDevice(t, s, DeviceSpec{Name: "ios", Platform: "cisco-ios", Ports: []string{"gi1/0/1", "Te1/1/1"}})
	if got := d.Spec().Ports; fmt.Sprint(got) != "[GigabitEthernet1/0/1 TenGigabitEthernet1/1/1]" {
		t.Errorf("ports = %v", got)
	}
}

func TestHostKeyAndKnownHosts(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "dell-os10"})
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(d.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := clientConfig(d, "admin", "admin")
	cfg.HostKeyCallback = cb
	dial(t, d, cfg)
	// Another device's key does not verify.
	other := addDevice(t, s, DeviceSpec{Name: "tor-2", Platform: "dell-os10"})
	cfg.HostKeyCallback = ssh.FixedHostKey(other.HostKey())
	if _, err := ssh.Dial("tcp", d.Addr(), cfg); err == nil {
		t.Error("a wrong host key was accepted")
	}
}

func TestPublicKeyAuth(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := ssh.NewSignerFromKey(otherPriv)
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-nxos",
		Users: []User{{Name: "mercury", Keys: []ssh.PublicKey{signer.PublicKey()}}}})
	cfg := &ssh.ClientConfig{User: "mercury", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.FixedHostKey(d.HostKey())}
	c := dial(t, d, cfg)
	tm := shellOn(t, d, c, 0)
	tm.expect(regexp.MustCompile(`tor-1# \z`))
	cfg.Auth = []ssh.AuthMethod{ssh.PublicKeys(other), ssh.Password("")}
	if _, err := ssh.Dial("tcp", d.Addr(), cfg); err == nil {
		t.Error("an unknown key was accepted")
	}
}

func TestKeyboardInteractiveAuth(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	cfg := clientConfig(d, "admin", "")
	cfg.Auth = []ssh.AuthMethod{ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return []string{"admin"}, nil
	})}
	dial(t, d, cfg)
}

// TestEnable covers user exec, the enable secret and its refusals.
func TestEnable(t *testing.T) {
	cases := []struct {
		platform, refused string
		tries             int
	}{
		{"cisco-ios", "% Bad secrets", 3},
		{"arista-eos", "% Access denied", 1},
	}
	for _, tc := range cases {
		t.Run(tc.platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: tc.platform, EnableSecret: "s3cret",
				Users: []User{{Name: "op", Password: "pw"}}})
			tm := shell(t, d, "op", "pw", 0)
			tm.expect(regexp.MustCompile(`tor-1>\z`))
			if out := tm.cmd("configure terminal"); !strings.Contains(out, "%") {
				t.Errorf("configure in user exec: %q; want an error", out)
			}
			tm.send("enable\n")
			for range tc.tries {
				tm.expect(regexp.MustCompile(`Password: \z`))
				tm.send("wrong\n")
			}
			if out := tm.expect(regexp.MustCompile(`tor-1>\z`)); !strings.Contains(out, tc.refused) {
				t.Errorf("after wrong secrets: %q; want %q", out, tc.refused)
			}
			tm.send("enable\n")
			tm.expect(regexp.MustCompile(`Password: \z`))
			tm.send("s3cret\n")
			tm.expect(regexp.MustCompile(`tor-1#\z`))
			for _, c := range d.Commands() {
				if strings.Contains(c.Line, "s3cret") || strings.Contains(c.Line, "wrong") {
					t.Errorf("a secret reached the command log: %+v", c)
				}
			}
			if !strings.Contains(tm.transcript(), "Password: \n") {
				t.Error("the secret was echoed")
			}
			tm.cmd("disable")
			if tr := tm.transcript(); !strings.HasSuffix(tr, "tor-1>") {
				t.Errorf("disable did not return to user exec: ...%q", tr[len(tr)-20:])
			}
		})
	}
}

// TestOneShellPerConnection: IOS refuses a second session channel on a
// connection; EOS (OpenSSH-based) allows several.
func TestOneShellPerConnection(t *testing.T) {
	s := newServer(t)
	ios := addDevice(t, s, DeviceSpec{Name: "ios", Platform: "cisco-ios"})
	c := dial(t, ios, clientConfig(ios, "admin", "admin"))
	tm := shellOn(t, ios, c, 0)
	tm.expect(tm.promptRE())
	if sess, err := c.NewSession(); err == nil {
		_ = sess.Close()
		t.Fatal("IOS accepted a second session channel on one connection")
	}
	tm.cmd("show version")
	// Leaving the shell closes the IOS connection.
	tm.send("exit\n")
	if _, err := tm.expectErr(regexp.MustCompile(`never`), waitFor); err != errEOF {
		t.Fatalf("after exit: %v", err)
	}
	if err := c.Wait(); err == nil {
		t.Log("connection closed cleanly")
	}

	eos := addDevice(t, s, DeviceSpec{Name: "eos", Platform: "arista-eos"})
	c2 := dial(t, eos, clientConfig(eos, "admin", "admin"))
	a, b := shellOn(t, eos, c2, 0), shellOn(t, eos, c2, 0)
	a.expect(a.promptRE())
	b.expect(b.promptRE())
	a.cmd("configure terminal")
	a.cmd("vlan 42")
	if out := b.cmd("show vlan id 42"); !strings.Contains(out, "VLAN0042") {
		t.Errorf("the second shell does not see the first's change: %q", out)
	}
}

func TestExecRequest(t *testing.T) {
	for _, platform := range []string{"arista-eos", "cisco-ios", "cisco-nxos", "dell-os10"} {
		t.Run(platform, func(t *testing.T) {
			s := newServer(t)
			d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: platform})
			c := dial(t, d, clientConfig(d, "admin", "admin"))
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			out, err := sess.Output("show version")
			if err != nil {
				t.Fatalf("exec: %v (%q)", err, out)
			}
			if !strings.Contains(string(out), "simulated") || strings.Contains(string(out), "tor-1#") {
				t.Errorf("exec output %q: want the version and no prompt", out)
			}
			if bytes.Contains(out, []byte("\r\n")) {
				t.Errorf("exec without a PTY must not send CRLF: %q", out)
			}
		})
	}
}

// TestPager: without "terminal length 0" long output stops at the pager
// prompt; space shows the next screen, q stops.
func TestPager(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	tm := shell(t, d, "admin", "admin", 10)
	tm.expect(tm.promptRE())
	tm.send("show running-config\n")
	page := tm.expect(regexp.MustCompile(` --More-- \z`))
	if n := strings.Count(page, "\n"); n != 10 { // the echoed line and 9 lines of output
		t.Errorf("first screen has %d lines: %q", n, page)
	}
	tm.send(" ")
	tm.expect(regexp.MustCompile(` --More-- \z`))
	tm.send("q")
	tm.expect(tm.promptRE())
	tm.cmd("terminal length 0")
	if out := tm.cmd("show running-config"); strings.Contains(out, "More") || !strings.HasSuffix(out, "end\n\n") {
		t.Errorf("paging still on after terminal length 0: ...%q", out[max(0, len(out)-40):])
	}
}

// TestLineEditing: backspace, CR LF, ^C and ^Z behave as on a terminal.
func TestLineEditing(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "arista-eos"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.send("configure terminal\r\n")
	tm.expect(regexp.MustCompile(`tor-1\(config\)#\z`))
	tm.send("vlam\x7fn 77\r\n")
	tm.expect(regexp.MustCompile(`tor-1\(config-vlan-77\)#\z`))
	if _, ok := d.State().Running.VLANs[77]; !ok {
		t.Error("vlan 77 (typed with a backspace) missing")
	}
	tm.send("vlan 88\x03")
	tm.expect(regexp.MustCompile(`\^C\r\ntor-1\(config-vlan-77\)#\z`))
	tm.send("\x1a")
	tm.expect(regexp.MustCompile(`\^Z\r\ntor-1#\z`))
	if _, ok := d.State().Running.VLANs[88]; ok {
		t.Error("a line cancelled with ^C ran")
	}
	// CR LF gave exactly one prompt per line.
	if n := strings.Count(tm.transcript(), "tor-1(config)#"); n != 1 {
		t.Errorf("%d config prompts; CR LF must count as one line", n)
	}
}

func TestMaxSessions(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios", MaxSessions: 1})
	dial(t, d, clientConfig(d, "admin", "admin"))
	if _, err := ssh.Dial("tcp", d.Addr(), clientConfig(d, "admin", "admin")); err == nil {
		t.Error("a second connection got in beyond MaxSessions 1")
	}
	if n := d.Connections(); n != 1 {
		t.Errorf("Connections = %d", n)
	}
}

// TestManyDevices runs 50 devices of every platform from one server, each
// configured by its own client, all at once.
func TestManyDevices(t *testing.T) {
	platforms := []string{"arista-eos", "cisco-ios", "cisco-nxos", "dell-os10"}
	s := newServer(t)
	var devs []*Device
	for i := range 50 {
		devs = append(devs, addDevice(t, s, DeviceSpec{Name: fmt.Sprintf("leaf-%02d", i), Platform: platforms[i%4]}))
	}
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vlan := 100 + i
			port := d.Spec().Ports[i%8]
			lines := []string{"configure terminal", fmt.Sprintf("vlan %d", vlan), "interface " + port,
				"switchport mode access", fmt.Sprintf("switchport access vlan %d", vlan), "end", "copy running-config startup-config"}
			switch d.Platform() {
			case "dell-os10":
				lines[1] = fmt.Sprintf("interface vlan %d", vlan)
				lines[6] = "write memory"
			case "cisco-ios":
				lines[6] = "write memory"
			}
			c, err := ssh.Dial("tcp", d.Addr(), clientConfig(d, "admin", "admin"))
			if err != nil {
				t.Errorf("%s: %v", d.Name(), err)
				return
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Errorf("%s: %v", d.Name(), err)
				return
			}
			defer sess.Close()
			// No PTY: the whole script at once, as through a pipe.
			var out bytes.Buffer
			sess.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\nexit\n")
			sess.Stdout = &out
			if err := sess.Shell(); err != nil {
				t.Errorf("%s: shell: %v", d.Name(), err)
				return
			}
			if err := sess.Wait(); err != nil {
				t.Errorf("%s: %v (%q)", d.Name(), err, out.String())
			}
			for _, c := range d.Commands() {
				if c.Error != "" {
					t.Errorf("%s: %q was refused: %s", d.Name(), c.Line, c.Error)
				}
			}
		}()
	}
	wg.Wait()
	for i, d := range devs {
		snap := d.State()
		p := snap.Startup.Ports[d.Spec().Ports[i%8]]
		if p.AccessVLAN != 100+i || snap.Saves != 1 {
			t.Errorf("%s: saved access VLAN %d (saves %d), want %d", d.Name(), p.AccessVLAN, snap.Saves, 100+i)
		}
	}
}

func TestInventory(t *testing.T) {
	s, err := Run(append(Fleet("arista-eos", "eos", 2), DeviceSpec{Name: "ios-1", Platform: "cisco-ios", EnableSecret: "en"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := t.TempDir()
	var b bytes.Buffer
	if err := s.WriteInventory(&b, dir); err != nil {
		t.Fatal(err)
	}
	inv := b.String()
	for _, d := range s.Devices() {
		kh := filepath.Join(dir, d.Name()+".known_hosts")
		for _, want := range []string{`name: "` + d.Name() + `"`, fmt.Sprintf("port: %d", d.Port()), d.MAC(), `driver: "` + d.Platform() + `"`,
			`known_hosts: "` + kh + `"`} {
			if !strings.Contains(inv, want) {
				t.Errorf("inventory lacks %q:\n%s", want, inv)
			}
		}
		if b, err := os.ReadFile(kh); err != nil || strings.TrimSpace(string(b)) != d.KnownHostsLine() {
			t.Errorf("%s holds %q (%v), want %q", kh, b, err, d.KnownHostsLine())
		}
	}
	for _, f := range []string{"eos-1.password", "ios-1.password", "ios-1.enable", "eos-1.known_hosts"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want a 0600 file", f, err, st.Mode())
		}
	}
	if err := s.WriteInventory(&b, ""); fault.KindOf(err) != fault.Invalid {
		t.Errorf("WriteInventory without a directory = %v", err)
	}
}

// TestIOSConfigureAsks: a bare "configure" on IOS asks where from.
func TestIOSConfigureAsks(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	tm := shell(t, d, "admin", "admin", 0)
	tm.expect(tm.promptRE())
	tm.send("configure\n")
	tm.expect(regexp.MustCompile(`Configuring from terminal, memory, or network \[terminal\]\? \z`))
	tm.send("\n")
	tm.expect(regexp.MustCompile(`End with CNTL/Z.\r\ntor-1\(config\)#\z`))
	tm.cmd("end")
	tm.send("configure\n")
	tm.expect(regexp.MustCompile(`\[terminal\]\? \z`))
	tm.send("network\n")
	if out := tm.expect(tm.promptRE()); !strings.Contains(out, "?Must be") || !strings.HasSuffix(out, "tor-1#") {
		t.Errorf("configure from the network: %q", out)
	}
}

func TestCommandLogIsBounded(t *testing.T) {
	s := newServer(t)
	d := addDevice(t, s, DeviceSpec{Name: "tor-1", Platform: "cisco-ios"})
	for i := range commandLogMax + 5 {
		d.Record(cli.Record{Line: fmt.Sprint(i)})
	}
	cmds := d.Commands()
	if len(cmds) != commandLogMax || cmds[0].Line != "5" || cmds[len(cmds)-1].Line != fmt.Sprint(commandLogMax+4) {
		t.Errorf("log holds %d lines, %q..%q", len(cmds), cmds[0].Line, cmds[len(cmds)-1].Line)
	}
}
