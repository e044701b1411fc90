package ssh

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/openmercury/mercury/fault"
)

// hostKeyCheck returns the callback that checks t's host key against its
// known_hosts file, and the host key algorithms to offer: those of the keys
// the file holds for the address, so that a device with several host keys
// presents one the file knows (x/crypto/ssh would otherwise pick its own
// favourite and report a mismatch).
func hostKeyCheck(t *Target) (gossh.HostKeyCallback, []string, error) {
	if t.InsecureIgnoreHostKey {
		return gossh.InsecureIgnoreHostKey(), nil, nil
	}
	addr := t.addr()
	host, port, _ := net.SplitHostPort(addr)
	kh, err := knownhosts.New(t.KnownHosts)
	if err != nil {
		return nil, nil, fault.Wrap(fault.HostKey, err, "cannot read known_hosts file %s; create it with the device's key: "+
			"ssh-keyscan -p %s %s >> %s (and check the fingerprint with the device's console)",
			t.KnownHosts, port, host, t.KnownHosts).WithDevice(t.Device)
	}
	check := func(hostname string, remote net.Addr, key gossh.PublicKey) error {
		err := kh(hostname, remote, key)
		if err == nil {
			return nil
		}
		return hostKeyError(t, key, err)
	}
	return check, knownAlgorithms(kh, addr), nil
}

// knownAlgorithms returns the host key algorithms for the keys kh holds
// for addr, or nil (x/crypto/ssh's default) when it holds none.
func knownAlgorithms(kh gossh.HostKeyCallback, addr string) []string {
	probe, _ := gossh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	var ke *knownhosts.KeyError
	if err := kh(addr, &net.TCPAddr{IP: net.IPv4zero}, probe); !errors.As(err, &ke) {
		return nil
	}
	var algos []string
	add := func(names ...string) {
		for _, n := range names {
			if !slices.Contains(algos, n) {
				algos = append(algos, n)
			}
		}
	}
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case gossh.KeyAlgoRSA:
			add(gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256)
		default:
			add(t)
		}
	}
	return algos
}

// hostKeyError explains a refused host key and how to fix it.
func hostKeyError(t *Target, key gossh.PublicKey, err error) error {
	addr := t.addr()
	host, port, _ := net.SplitHostPort(addr)
	offered := key.Type() + " " + gossh.FingerprintSHA256(key)
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &re):
		return fault.New(fault.HostKey, "the host key %s offered by %s is marked @revoked in %s:%d; refusing to connect",
			offered, addr, re.Revoked.Filename, re.Revoked.Line).WithDevice(t.Device)
	case errors.As(err, &ke) && len(ke.Want) == 0:
		scan := fmt.Sprintf("ssh-keyscan -p %s %s >> %s", port, host, t.KnownHosts)
		if port == "22" {
			scan = fmt.Sprintf("ssh-keyscan %s >> %s", host, t.KnownHosts)
		}
		return fault.New(fault.HostKey, "the host key of %s is not in %s (it offered %s); if that is the device's key "+
			"(check it on the device's console), add it: %s", addr, t.KnownHosts, offered, scan).WithDevice(t.Device)
	case errors.As(err, &ke):
		var known []string
		for _, k := range ke.Want {
			known = append(known, fmt.Sprintf("%s %s (%s:%d)", k.Key.Type(), gossh.FingerprintSHA256(k.Key), k.Filename, k.Line))
		}
		return fault.New(fault.HostKey, "WARNING: THE HOST KEY OF %s HAS CHANGED; someone may be intercepting the connection "+
			"(man-in-the-middle), or the device was re-keyed. It offered %s; %s expects %s. Refusing to connect. "+
			"If the change is expected, remove the old key (ssh-keygen -R %s -f %s) and add the new one",
			addr, offered, t.KnownHosts, strings.Join(known, ", "), knownhosts.Normalize(addr), t.KnownHosts).WithDevice(t.Device)
	}
	return fault.Wrap(fault.HostKey, err, "checking the host key of %s against %s", addr, t.KnownHosts).WithDevice(t.Device)
}
