package simulator

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// DeviceSpec describes one simulated device.
type DeviceSpec struct {
	// Name is the device's hostname, shown in its prompts; unique on a
	// Server; letters, digits, '.', '_' and '-', at most 63 characters.
	Name string
	// Platform is a platform name: "arista-eos", "cisco-ios",
	// "cisco-nxos", "dell-os10".
	Platform string
	// Ports lists the device's physical ports in the platform's spelling
	// ("Ethernet1", "GigabitEthernet1/0/1", "Ethernet1/1",
	// "ethernet1/1/1"). Empty means the platform's 48 default ports.
	Ports []string
	// Users who may log in. Empty means one privileged user "admin" with
	// password "admin".
	Users []User
	// EnableSecret is the password "enable" asks for; empty means enable
	// asks for none (on platforms with a user exec mode).
	EnableSecret string
	// MaxSessions caps concurrent SSH connections (the device's vty
	// lines); further connections are closed at once. 0 means the
	// platform's default.
	MaxSessions int
	// ExactKeywords refuses abbreviated keywords. The real devices accept
	// any unique prefix ("switchport acces vlan 5", "sh run"), and so does
	// the simulator by default; set it to hold a driver to full keywords.
	ExactKeywords bool
}

// User is one login account.
type User struct {
	Name     string
	Password string          // empty: password authentication is refused for this user
	Keys     []ssh.PublicKey // keys accepted for public-key authentication
	// Privileged users land in privileged exec (IOS privilege 15);
	// others land in user exec and need "enable". On platforms without a
	// user exec mode every user lands in privileged exec.
	Privileged bool
}

// Fault is the set of failures a device simulates; the zero value is a
// healthy device. Set it at any time with Device.SetFault; it applies to
// new and open connections alike.
type Fault struct {
	// Refuse closes each new TCP connection as soon as it is accepted.
	Refuse bool
	// RejectAuth fails every authentication attempt.
	RejectAuth bool
	// DropAtConfigLine closes the connection when the Nth line typed in a
	// configuration mode arrives (1 = the next one), before it runs.
	// Lines are counted from the SetFault call; 0 turns it off.
	DropAtConfigLine int
	// Hang stops answering: a new connection gets no SSH greeting, and an
	// open session neither reads input nor writes output, until the fault
	// is cleared.
	Hang bool
	// RejectConfigLine refuses the Nth configuration command typed in a
	// configuration mode (1 = the next one; show, save and navigation lines
	// are not counted) with the platform's invalid-input error, as if the
	// device did not accept it; the line changes nothing and the session
	// stays open. Commands are counted from the SetFault call; 0 turns it
	// off.
	RejectConfigLine int
	// LineDelay delays every line of output by this long.
	LineDelay time.Duration
	// SaveError makes saving fail with the platform's error text.
	SaveError bool
	// ConfigLocked makes entering configuration mode, and every
	// configuration command, fail with the platform's lock message, as if
	// another session held the configuration.
	ConfigLocked bool
	// CommitLocked makes the next N commits fail with the platform's lock
	// message, as if another session held the configuration database
	// exclusively while they ran; the commits after them succeed. A
	// refused commit applies nothing and the session keeps its candidate.
	// Commits are counted from the SetFault call; 0 turns it off. Only
	// platforms with a commit step consult it (juniper-junos).
	CommitLocked int
}

// Command is one line a device received in a shell or exec request.
// Secrets typed at a password prompt are never recorded.
type Command struct {
	Conn  int    // connection number on the device, from 1
	Mode  string // the CLI mode it was typed in ("exec", "config-if", ...)
	Line  string
	Error string // the error the device printed; "" when it accepted the line
	Read  bool   // a show or terminal command: it changed nothing
}

// Device is one simulated device on a Server.
type Device struct {
	spec    DeviceSpec
	plat    *cli.Platform
	ports   map[string]bool
	store   *state.Store
	signer  ssh.Signer
	sshConf *ssh.ServerConfig
	ln      net.Listener
	addr    *net.TCPAddr
	log     *slog.Logger
	closing chan struct{}
	wg      sync.WaitGroup

	mu          sync.Mutex
	fault       Fault
	faultCh     chan struct{} // closed and replaced whenever fault changes
	configLines int
	rejectLines int
	commitLocks int // commits refused by the CommitLocked fault
	commands    []Command
	conns       map[net.Conn]struct{}
	nextConn    int
	closed      bool
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,63}$`)

// newDevice checks spec against plat and prepares the device; it does not
// listen yet.
func newDevice(spec DeviceSpec, plat *cli.Platform, log *slog.Logger) (*Device, error) {
	if !nameRE.MatchString(spec.Name) {
		return nil, fault.New(fault.Invalid, "device name %q: use 1-63 letters, digits, '.', '_' or '-'", spec.Name)
	}
	ps := plat.Spec()
	if len(spec.Ports) == 0 {
		spec.Ports = slices.Clone(ps.DefaultPorts)
	}
	ports := make(map[string]bool, len(spec.Ports))
	for i, p := range spec.Ports {
		ifc, used, f := plat.ParseInterface(strings.Fields(p), nil)
		if f != cli.FailNone || used != len(strings.Fields(p)) || ifc.Type.Kind != cli.IfPort {
			return nil, fault.New(fault.Invalid, "port %q is not a %s port name (like %s)", p, plat.Name(), ps.DefaultPorts[0]).WithDevice(spec.Name)
		}
		if ports[ifc.Name] {
			return nil, fault.New(fault.Invalid, "port %s is listed twice", ifc.Name).WithDevice(spec.Name)
		}
		spec.Ports[i] = ifc.Name
		ports[ifc.Name] = true
	}
	if len(spec.Users) == 0 {
		spec.Users = []User{{Name: "admin", Password: "admin", Privileged: true}}
	}
	for _, u := range spec.Users {
		if u.Name == "" || (u.Password == "" && len(u.Keys) == 0) {
			return nil, fault.New(fault.Invalid, "user %q needs a name and a password or a key", u.Name).WithDevice(spec.Name)
		}
	}
	if spec.MaxSessions == 0 {
		spec.MaxSessions = ps.MaxSessions
	}
	signer, err := newHostKey()
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "generate host key").WithDevice(spec.Name)
	}
	d := &Device{
		spec:    spec,
		plat:    plat,
		ports:   ports,
		store:   state.NewStore(plat.DefaultConfig(spec.Ports)),
		signer:  signer,
		log:     log.With("device", spec.Name, "platform", plat.Name()),
		closing: make(chan struct{}),
		faultCh: make(chan struct{}),
		conns:   map[net.Conn]struct{}{},
	}
	d.sshConf = d.serverConfig()
	return d, nil
}

// Name returns the device's name (its hostname).
func (d *Device) Name() string { return d.spec.Name }

// Platform returns the device's platform name.
func (d *Device) Platform() string { return d.plat.Name() }

// Spec returns the device's spec, with defaults filled in (ports, users).
func (d *Device) Spec() DeviceSpec {
	s := d.spec
	s.Ports = slices.Clone(s.Ports)
	s.Users = slices.Clone(s.Users)
	return s
}

// Addr returns the device's listening address, "127.0.0.1:PORT".
func (d *Device) Addr() string { return d.addr.String() }

// Host returns the address the device listens on, "127.0.0.1".
func (d *Device) Host() string { return d.addr.IP.String() }

// Port returns the TCP port the device listens on.
func (d *Device) Port() int { return d.addr.Port }

// HostKey returns the device's SSH host public key.
func (d *Device) HostKey() ssh.PublicKey { return d.signer.PublicKey() }

// KnownHostsLine returns a known_hosts line for the device's address and
// host key.
func (d *Device) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(d.Addr())}, d.HostKey())
}

// MAC returns the device's chassis MAC address, stable for its name (what
// Ironic sends as switch_id).
func (d *Device) MAC() string {
	h := sha256.Sum256([]byte(d.spec.Name))
	return fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2], h[3], h[4])
}

// State returns a deep copy of the device's configurations.
func (d *Device) State() state.Snapshot { return d.store.Snapshot() }

// Reload replaces the running configuration with the saved one, as a
// reboot would.
func (d *Device) Reload() { d.store.Reload() }

// commandLogMax bounds a device's command log; the oldest lines go first.
const commandLogMax = 10000

// Commands returns the lines the device has received, in order (the last
// 10000).
func (d *Device) Commands() []Command {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.commands)
}

// ConfigCommands returns the lines received in configuration modes, in
// order, show commands left out: what a driver sent to change the device.
func (d *Device) ConfigCommands() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, c := range d.commands {
		if m, ok := d.plat.Mode(c.Mode); ok && m.Config && !c.Read {
			out = append(out, c.Line)
		}
	}
	return out
}

// SetFault replaces the device's fault set.
func (d *Device) SetFault(f Fault) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fault = f
	d.configLines, d.rejectLines, d.commitLocks = 0, 0, 0
	close(d.faultCh)
	d.faultCh = make(chan struct{})
}

// Fault returns the device's current fault set.
func (d *Device) Fault() Fault {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fault
}

// Connections returns how many SSH connections the device has open.
func (d *Device) Connections() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// Accepted returns how many connections the device has accepted since it
// started, closed ones included.
func (d *Device) Accepted() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nextConn
}

// The cli.Env methods.

// Hostname implements cli.Env.
func (d *Device) Hostname() string { return d.spec.Name }

// Store implements cli.Env.
func (d *Device) Store() *state.Store { return d.store }

// HasPort implements cli.Env.
func (d *Device) HasPort(name string) bool { return d.ports[name] }

// EnableSecret implements cli.Env.
func (d *Device) EnableSecret() string { return d.spec.EnableSecret }

// ConfigLocked implements cli.Env.
func (d *Device) ConfigLocked() bool { return d.Fault().ConfigLocked }

// SaveFails implements cli.Env.
func (d *Device) SaveFails() bool { return d.Fault().SaveError }

// CommitLocked implements cli.CommitLocker: it reports whether this
// commit is one the CommitLocked fault refuses, and counts it.
func (d *Device) CommitLocked() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.commitLocks >= d.fault.CommitLocked {
		return false
	}
	d.commitLocks++
	return true
}

// ConfigLine implements cli.Env: it counts configuration lines and reports
// when the drop fault fires.
func (d *Device) ConfigLine() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fault.DropAtConfigLine <= 0 {
		return false
	}
	d.configLines++
	return d.configLines == d.fault.DropAtConfigLine
}

// RejectConfigLine implements cli.LineRejecter: it counts configuration
// lines and reports when the reject fault fires.
func (d *Device) RejectConfigLine() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fault.RejectConfigLine <= 0 {
		return false
	}
	d.rejectLines++
	return d.rejectLines == d.fault.RejectConfigLine
}

// Record implements cli.Env.
func (d *Device) Record(r cli.Record) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.commands) >= commandLogMax {
		d.commands = slices.Delete(d.commands, 0, len(d.commands)-commandLogMax+1)
	}
	d.commands = append(d.commands, Command{Conn: r.Session, Mode: r.Mode, Line: r.Line, Error: r.Error, Read: r.Read})
}

// waitHang blocks while the hang fault is set, until it clears (nil), the
// device closes or done is closed (errClosed).
func (d *Device) waitHang(done <-chan struct{}) error {
	for {
		d.mu.Lock()
		hang, ch := d.fault.Hang, d.faultCh
		d.mu.Unlock()
		if !hang {
			return nil
		}
		select {
		case <-ch:
		case <-d.closing:
			return errClosed
		case <-done:
			return errClosed
		}
	}
}

// sleep waits for dur, or until the device closes or done is closed.
func (d *Device) sleep(dur time.Duration, done <-chan struct{}) error {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-d.closing:
		return errClosed
	case <-done:
		return errClosed
	}
}

// Close stops the device: its listener and every connection.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	close(d.closing)
	for c := range d.conns {
		_ = c.Close()
	}
	d.mu.Unlock()
	var err error
	if d.ln != nil {
		err = d.ln.Close()
	}
	d.wg.Wait()
	if err != nil && !isClosedErr(err) {
		return fault.Wrap(fault.Internal, err, "close listener").WithDevice(d.spec.Name)
	}
	return nil
}
