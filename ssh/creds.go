package ssh

import (
	"bytes"
	"errors"
	"os"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

// LoadPassword reads a password file: the first line, without its line
// ending. It refuses a file that group or others may read or write (the mode
// must be 0600 or 0400), a file that is not a regular file, and an empty
// password, with a fault.Invalid error naming the file and the fix.
func LoadPassword(path string) ([]byte, error) {
	b, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, fault.New(fault.Invalid, "password file %s is empty", path)
	}
	return b, nil
}

// LoadSigner reads an unencrypted private key file (OpenSSH, PKCS#1, PKCS#8
// or SEC1 PEM) with the same mode checks as LoadPassword.
func LoadSigner(path string) (gossh.Signer, error) {
	b, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	s, err := gossh.ParsePrivateKey(b)
	var pm *gossh.PassphraseMissingError
	switch {
	case errors.As(err, &pm):
		return nil, fault.New(fault.Invalid, "key file %s is encrypted with a passphrase; Mercury needs an unencrypted key "+
			"(ssh-keygen -p -N '' -f %s), kept mode 0600", path, path)
	case err != nil:
		return nil, fault.Wrap(fault.Invalid, err, "key file %s is not a private key", path)
	}
	return s, nil
}

// readSecretFile reads a file that must be private to its owner.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "secret file %s cannot be read", path)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "secret file %s", path)
	}
	if !st.Mode().IsRegular() {
		return nil, fault.New(fault.Invalid, "secret file %s is not a regular file", path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fault.New(fault.Invalid, "secret file %s has mode %04o, readable or writable by others; "+
			"it must be 0600 or 0400: chmod 600 %s", path, perm, path)
	}
	b, err := readAll(f, st.Size())
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "secret file %s cannot be read", path)
	}
	return b, nil
}

// maxSecretFile bounds a secret file; a key or password is far smaller.
const maxSecretFile = 1 << 20

func readAll(f *os.File, size int64) ([]byte, error) {
	if size > maxSecretFile {
		return nil, errors.New("larger than 1 MiB")
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(f)
	return buf.Bytes(), err
}
