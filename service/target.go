package service

import (
	"net"
	"regexp"
	"strconv"
	"sync"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/ssh"
)

// targets caches each device's ssh.Target for one loaded configuration, so
// secret files are read once per (re)load, not on every operation.
type targets struct {
	cfg *inventory.Config
	mu  sync.Mutex
	m   map[string]*ssh.Target
}

func newTargets(cfg *inventory.Config) *targets {
	return &targets{cfg: cfg, m: map[string]*ssh.Target{}}
}

// get returns how to reach dev, reading its secret files the first time
// per configuration.
func (ts *targets) get(dev inventory.Device, shell *abi.Shell) (*ssh.Target, error) {
	cfg := ts.cfg
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t, ok := ts.m[dev.Name]; ok {
		return t, nil
	}
	sec, err := dev.ReadSecrets()
	if err != nil {
		return nil, err
	}
	t := &ssh.Target{
		Device:                dev.Name,
		Addr:                  net.JoinHostPort(dev.Address, strconv.Itoa(dev.Port)),
		User:                  dev.Username,
		KnownHosts:            dev.KnownHosts,
		InsecureIgnoreHostKey: dev.InsecureIgnoreHostKey,
		MaxSessions:           dev.MaxSessions,
		Algorithms: ssh.Algorithms{
			KeyExchanges:      dev.SSHAlgorithms.KEX,
			Ciphers:           dev.SSHAlgorithms.Ciphers,
			MACs:              dev.SSHAlgorithms.MACs,
			HostKeyAlgorithms: dev.SSHAlgorithms.HostKeys,
		},
		Secrets: map[string][]byte{},
	}
	if t.KnownHosts == "" {
		t.KnownHosts = cfg.Server().KnownHosts
	}
	if sec.Password != "" {
		t.Password = []byte(sec.Password)
	}
	if len(sec.PrivateKey) > 0 {
		signer, err := gossh.ParsePrivateKey(sec.PrivateKey)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "key_file %s does not hold a usable unencrypted private key", dev.KeyFile).WithDevice(dev.Name)
		}
		t.Signer = signer
	}
	if sec.EnableSecret != "" {
		t.Secrets["enable"] = []byte(sec.EnableSecret)
		t.Secrets["sudo"] = []byte(sec.EnableSecret)
	} else if sec.Password != "" {
		t.Secrets["sudo"] = []byte(sec.Password)
	}
	if shell != nil {
		re, err := regexp.Compile(shell.Prompt)
		if err != nil {
			return nil, fault.Wrap(fault.Driver, err, "driver %s: shell prompt", dev.Driver).WithDevice(dev.Name)
		}
		t.Shell = &ssh.ShellSpec{Prompt: re, Setup: shell.Setup, Reset: shell.Reset}
	}
	ts.m[dev.Name] = t
	return t, nil
}
