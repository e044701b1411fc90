package ssh

import (
	"crypto/sha256"
	"net"
	"regexp"
	"slices"
	"strconv"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

// Target is everything needed to reach one device. Credentials are already
// loaded (see LoadPassword and LoadSigner): the pool reads no files on its
// hot path, only the known_hosts file when it dials.
//
// A Target is read, never modified, by the pool; build a new one when the
// device's settings change. Sessions for Targets with the same Device, Addr
// and User share one device entry (connections, shells, session limit).
type Target struct {
	Device string // device name, used in every error and log line
	Addr   string // host:port (":22" is added when the port is missing)
	User   string

	// Password and Signer are the login credentials; at least one is
	// required. The password also answers keyboard-interactive prompts.
	Password []byte
	Signer   gossh.Signer

	// Secrets are named secrets a driver may type with SendSecret, such as
	// "enable" or "sudo". SendSecret("password") types Password unless
	// Secrets has its own "password". The password and every secret of 4
	// bytes or more are masked in all output the pool returns; shorter ones
	// are not (masking every "ab" would garble output and hide little).
	Secrets map[string][]byte

	// KnownHosts is the known_hosts file the device's host key is checked
	// against. Without it the pool refuses to connect, unless
	// InsecureIgnoreHostKey is set, which accepts any key and logs a warning
	// on every connect.
	KnownHosts            string
	InsecureIgnoreHostKey bool

	// Algorithms overrides x/crypto/ssh's defaults, for legacy devices.
	Algorithms Algorithms

	// MaxSessions is how many sessions may be open on the device at once
	// (exec and interactive together); default 2. Open waits for a free one.
	MaxSessions int

	// Shell describes the device's CLI; required for Interactive sessions.
	Shell *ShellSpec
}

// Algorithms lists the algorithms to offer, in preference order; an empty
// list keeps x/crypto/ssh's default. Names may include those x/crypto/ssh
// calls insecure (for example "diffie-hellman-group1-sha1" or "ssh-rsa"):
// listing them is how an operator enables them for one legacy device.
type Algorithms struct {
	KeyExchanges      []string
	Ciphers           []string
	MACs              []string
	HostKeyAlgorithms []string
}

// ShellSpec says how to keep a device's interactive CLI shell logged in
// between operations (it mirrors abi.Shell).
type ShellSpec struct {
	// Prompt matches the base prompt at the end of the output, e.g.
	// `[\w.-]+[>#] ?$`. It is tried against all unread output, so it should
	// not also match text a command prints; the pool anchors it at the end.
	Prompt *regexp.Regexp
	// Setup lines are sent once on a new shell, each followed by "\n" and a
	// wait for the base prompt, e.g. "terminal length 0".
	Setup []string
	// Reset lines are sent, the same way, before a used shell goes back to
	// the pool, e.g. "end". If the base prompt does not come back within the
	// pool's ResetTimeout the shell is closed, never reused. With no Reset
	// lines an empty line is sent to check the prompt.
	Reset []string
}

const defaultMaxSessions = 2

// minMaskLen is the shortest secret the pool masks in output: masking every
// "a" of a one-letter secret would destroy the output and hide nothing.
const minMaskLen = 4

// mask replaces secrets in output.
const mask = "********"

// key identifies the device entry in the pool.
func (t *Target) key() string { return t.Device + "\x00" + t.addr() + "\x00" + t.User }

// addr returns Addr with the default port added when it has none.
func (t *Target) addr() string {
	if _, _, err := net.SplitHostPort(t.Addr); err != nil {
		return net.JoinHostPort(t.Addr, "22")
	}
	return t.Addr
}

func (t *Target) maxSessions() int {
	if t.MaxSessions > 0 {
		return t.MaxSessions
	}
	return defaultMaxSessions
}

// validate checks what the pool needs before it dials.
func (t *Target) validate(kind Kind) *fault.Error {
	if t.Device == "" {
		return fault.New(fault.Invalid, "ssh target has no device name")
	}
	bad := func(format string, args ...any) *fault.Error {
		return fault.New(fault.Invalid, format, args...).WithDevice(t.Device)
	}
	host, port, err := net.SplitHostPort(t.addr())
	if err != nil || host == "" {
		return bad("address %q is not host:port", t.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return bad("address %q has no valid port", t.Addr)
	}
	if t.User == "" {
		return bad("no SSH username; set the device's username")
	}
	if len(t.Password) == 0 && t.Signer == nil {
		return bad("no SSH credentials; set the device's password_file or key_file")
	}
	if t.KnownHosts == "" && !t.InsecureIgnoreHostKey {
		return fault.New(fault.HostKey, "no known_hosts file to check the host key of %s against; "+
			"set the device's known_hosts (refusing to connect without checking the host key)", t.addr()).WithDevice(t.Device)
	}
	if t.MaxSessions < 0 {
		return bad("max_sessions %d is negative", t.MaxSessions)
	}
	if err := t.Algorithms.check(); err != nil {
		return bad("%s", err.Error())
	}
	if kind == Interactive && (t.Shell == nil || t.Shell.Prompt == nil) {
		return bad("an interactive session needs the driver's shell prompt (ShellSpec.Prompt)")
	}
	return nil
}

// check refuses algorithm names x/crypto/ssh does not implement.
func (a Algorithms) check() error {
	sup, insec := gossh.SupportedAlgorithms(), gossh.InsecureAlgorithms()
	lists := []struct {
		what  string
		names []string
		known [][]string
	}{
		{"key exchange", a.KeyExchanges, [][]string{sup.KeyExchanges, insec.KeyExchanges}},
		{"cipher", a.Ciphers, [][]string{sup.Ciphers, insec.Ciphers}},
		{"MAC", a.MACs, [][]string{sup.MACs, insec.MACs}},
		{"host key algorithm", a.HostKeyAlgorithms, [][]string{sup.HostKeys, insec.HostKeys}},
	}
	for _, l := range lists {
		for _, n := range l.names {
			if !slices.Contains(l.known[0], n) && !slices.Contains(l.known[1], n) {
				return fault.New(fault.Invalid, "ssh_algorithms: unknown %s %q (supported: %v; legacy: %v)",
					l.what, n, l.known[0], l.known[1])
			}
		}
	}
	return nil
}

// credID fingerprints the credentials, so a refused login is remembered
// only until they change. It holds no secret in the clear.
func (t *Target) credID() [32]byte {
	h := sha256.New()
	h.Write([]byte(t.User))
	h.Write([]byte{0})
	h.Write(t.Password)
	h.Write([]byte{0})
	if t.Signer != nil {
		h.Write(t.Signer.PublicKey().Marshal())
	}
	var id [32]byte
	h.Sum(id[:0])
	return id
}

// secret returns the named secret.
func (t *Target) secret(name string) ([]byte, bool) {
	if s, ok := t.Secrets[name]; ok {
		return s, true
	}
	if name == "password" && len(t.Password) > 0 {
		return t.Password, true
	}
	return nil, false
}

// masked returns the secrets to hide in output: the password and every
// named secret at least minMaskLen long, longest first.
func (t *Target) masked() [][]byte {
	var out [][]byte
	add := func(s []byte) {
		if len(s) >= minMaskLen && !slices.ContainsFunc(out, func(o []byte) bool { return string(o) == string(s) }) {
			out = append(out, s)
		}
	}
	add(t.Password)
	for _, s := range t.Secrets {
		add(s)
	}
	slices.SortFunc(out, func(a, b []byte) int { return len(b) - len(a) })
	return out
}
