package simulator

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
)

// handshakeTimeout bounds the SSH handshake of one connection.
const handshakeTimeout = 10 * time.Second

var errClosed = errors.New("simulator: device closed")

func isClosedErr(err error) bool { return errors.Is(err, net.ErrClosed) }

func newHostKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// serverConfig builds the device's SSH server configuration.
func (d *Device) serverConfig() *ssh.ServerConfig {
	perms := func(u User) *ssh.Permissions {
		return &ssh.Permissions{Extensions: map[string]string{"user": u.Name, "privileged": strconv.FormatBool(u.Privileged)}}
	}
	denied := func(user string) error {
		return fault.New(fault.Auth, "authentication failed for %q", user).WithDevice(d.spec.Name)
	}
	checkPassword := func(user, pw string) (*ssh.Permissions, error) {
		if d.Fault().RejectAuth {
			return nil, denied(user)
		}
		for _, u := range d.spec.Users {
			if u.Name == user && u.Password != "" && subtle.ConstantTimeCompare([]byte(u.Password), []byte(pw)) == 1 {
				return perms(u), nil
			}
		}
		return nil, denied(user)
	}
	cfg := &ssh.ServerConfig{
		ServerVersion: d.plat.Spec().SSHVersion,
		MaxAuthTries:  6,
		PasswordCallback: func(m ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			return checkPassword(m.User(), string(pw))
		},
		KeyboardInteractiveCallback: func(m ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := ask(m.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(answers) != 1 {
				return nil, denied(m.User())
			}
			return checkPassword(m.User(), answers[0])
		},
		PublicKeyCallback: func(m ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if d.Fault().RejectAuth {
				return nil, denied(m.User())
			}
			for _, u := range d.spec.Users {
				if u.Name != m.User() {
					continue
				}
				for _, k := range u.Keys {
					if bytes.Equal(k.Marshal(), key.Marshal()) {
						return perms(u), nil
					}
				}
			}
			return nil, denied(m.User())
		},
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = "SSH-2.0-OpenSSH_9.2"
	}
	cfg.AddHostKey(d.signer)
	return cfg
}

// listen starts accepting connections on a loopback port.
func (d *Device) listen() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fault.Wrap(fault.Internal, err, "listen on 127.0.0.1").WithDevice(d.spec.Name)
	}
	d.ln = ln
	d.addr = ln.Addr().(*net.TCPAddr)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.acceptLoop()
	}()
	return nil
}

func (d *Device) acceptLoop() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			if !isClosedErr(err) {
				d.log.Warn("accept failed", "err", err)
			}
			return
		}
		if d.Fault().Refuse {
			d.log.Debug("connection refused by fault")
			_ = c.Close()
			continue
		}
		id, ok := d.track(c)
		if !ok {
			_ = c.Close()
			continue
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer d.untrack(c)
			d.serveConn(c, id)
		}()
	}
}

// track registers c; it fails when the device is closed or every vty line
// is busy.
func (d *Device) track(c net.Conn) (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, false
	}
	if d.spec.MaxSessions > 0 && len(d.conns) >= d.spec.MaxSessions {
		d.log.Debug("connection refused: all sessions busy", "max", d.spec.MaxSessions)
		return 0, false
	}
	d.conns[c] = struct{}{}
	d.nextConn++
	return d.nextConn, true
}

func (d *Device) untrack(c net.Conn) {
	_ = c.Close()
	d.mu.Lock()
	delete(d.conns, c)
	d.mu.Unlock()
}

// serveConn runs one SSH connection.
func (d *Device) serveConn(c net.Conn, id int) {
	// done closes when the connection ends, waking anything held by the
	// hang fault on its behalf.
	done := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(done) }) }
	defer stop()
	if err := d.waitHang(done); err != nil {
		return
	}
	_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
	sconn, chans, reqs, err := ssh.NewServerConn(c, d.sshConf)
	if err != nil {
		d.log.Debug("handshake failed", "conn", id, "err", err)
		return
	}
	_ = c.SetDeadline(time.Time{})
	d.log.Debug("connected", "conn", id, "user", sconn.User())
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	privileged := sconn.Permissions != nil && sconn.Permissions.Extensions["privileged"] == "true"
	maxCh := d.plat.Spec().MaxChannels
	opened := 0
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only session channels are supported")
			continue
		}
		if maxCh > 0 && opened >= maxCh {
			_ = nc.Reject(ssh.Prohibited, "only one session per connection is allowed")
			continue
		}
		opened++
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.serveChannel(c, sconn, ch, creqs, id, privileged, maxCh == 1, done)
		}()
	}
	stop()
	d.log.Debug("disconnected", "conn", id)
}

// ptyRequest is the payload of "pty-req" (RFC 4254 6.2).
type ptyRequest struct {
	Term       string
	Cols, Rows uint32
	Width      uint32
	Height     uint32
	Modes      string
}

// serveChannel answers one session channel's requests and runs its shell
// or exec request.
func (d *Device) serveChannel(c net.Conn, sconn *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request, id int, privileged, closeConn bool, done chan struct{}) {
	defer ch.Close()
	opt := cli.SessionOptions{ID: id, User: sconn.User(), Privileged: privileged, ExactKeywords: d.spec.ExactKeywords}
	started := false
	var runWG sync.WaitGroup
	defer runWG.Wait()
	finish := func(status int, err error) {
		if errors.Is(err, cli.ErrDropped) {
			d.log.Debug("connection dropped by fault", "conn", id)
			_ = c.Close()
			return
		}
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(status)}))
		_ = ch.Close()
		if closeConn {
			_ = sconn.Close()
		}
	}
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			var p ptyRequest
			ok := ssh.Unmarshal(req.Payload, &p) == nil && !started
			if ok {
				opt.PTY, opt.Rows = true, int(p.Rows)
			}
			_ = req.Reply(ok, nil)
		case "env", "window-change":
			_ = req.Reply(true, nil)
		case "shell", "exec":
			var cmd struct{ Command string }
			if started || (req.Type == "exec" && ssh.Unmarshal(req.Payload, &cmd) != nil) {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			_ = req.Reply(true, nil)
			rw := &faultIO{d: d, ch: ch, done: done}
			sess := d.plat.NewSession(d, opt)
			runWG.Add(1)
			go func() {
				defer runWG.Done()
				if req.Type == "shell" {
					finish(0, sess.Shell(rw))
				} else {
					finish(sess.Exec(cmd.Command, rw))
				}
			}()
		default:
			_ = req.Reply(false, nil)
		}
	}
}

// faultIO is a channel seen through the device's hang and slow-output
// faults.
type faultIO struct {
	d    *Device
	ch   ssh.Channel
	done <-chan struct{}
}

func (f *faultIO) Read(p []byte) (int, error) {
	if err := f.d.waitHang(f.done); err != nil {
		return 0, io.EOF
	}
	return f.ch.Read(p)
}

func (f *faultIO) Write(p []byte) (int, error) {
	if err := f.d.waitHang(f.done); err != nil {
		return 0, err
	}
	delay := f.d.Fault().LineDelay
	if delay <= 0 {
		return f.ch.Write(p)
	}
	// Each complete line waits delay before it goes out; a partial line
	// (echo, a prompt) goes out at once.
	written := 0
	for len(p) > 0 {
		n := bytes.IndexByte(p, '\n') + 1
		if n == 0 {
			n = len(p)
		} else if err := f.d.sleep(delay, f.done); err != nil {
			return written, err
		}
		if err := f.d.waitHang(f.done); err != nil {
			return written, err
		}
		m, err := f.ch.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}
