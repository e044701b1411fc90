package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/openmercury/mercury/fault"
)

// Secrets is a device's credentials, read from its secret files. It never
// prints itself: fmt, slog and encoding/json all render it as "(hidden)".
// Keep it only as long as a login needs it.
type Secrets struct {
	Password     string // from password_file; "" if the device has none
	PrivateKey   []byte // PEM, from key_file; nil if the device has none
	EnableSecret string // from enable_secret_file; "" if the device has none
}

const hidden = "(hidden)"

// String implements fmt.Stringer without revealing anything.
func (Secrets) String() string { return hidden }

// GoString implements fmt.GoStringer without revealing anything.
func (Secrets) GoString() string { return "inventory.Secrets" + hidden }

// Format makes every fmt verb print "(hidden)".
func (Secrets) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(hidden)) }

// LogValue implements slog.LogValuer without revealing anything.
func (Secrets) LogValue() slog.Value { return slog.StringValue(hidden) }

// MarshalJSON renders the string "(hidden)".
func (Secrets) MarshalJSON() ([]byte, error) { return []byte(`"` + hidden + `"`), nil }

// ReadSecrets reads the device's secret files now (so a changed password is
// picked up without a reload), checking again that each is a regular file
// of mode 0600 or 0400. One trailing newline ("\n" or "\r\n") is removed
// from the password and the enable secret; the key is returned as stored.
// Errors are *fault.Error naming the device and the file, never the
// contents.
func (d Device) ReadSecrets() (Secrets, error) {
	var s Secrets
	var err error
	if d.PasswordFile != "" {
		var b []byte
		if b, err = d.readSecret("password_file", d.PasswordFile); err != nil {
			return Secrets{}, err
		}
		s.Password = string(trimNewline(b))
	}
	if d.KeyFile != "" {
		if s.PrivateKey, err = d.readSecret("key_file", d.KeyFile); err != nil {
			return Secrets{}, err
		}
	}
	if d.EnableSecretFile != "" {
		var b []byte
		if b, err = d.readSecret("enable_secret_file", d.EnableSecretFile); err != nil {
			return Secrets{}, err
		}
		s.EnableSecret = string(trimNewline(b))
	}
	return s, nil
}

func (d Device) readSecret(key, path string) ([]byte, error) {
	if msg, fix := checkSecretFile(path); msg != "" {
		k := fault.Invalid
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			k = fault.NotFound
		}
		return nil, fault.New(k, "%s %s %s; fix: %s", key, path, msg, fix).WithDevice(d.Name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		// The error text names the path, not the contents.
		return nil, fault.Wrap(fault.Invalid, err, "%s cannot be read", key).WithDevice(d.Name)
	}
	if len(trimNewline(b)) == 0 {
		return nil, fault.New(fault.Invalid, "%s %s is empty; fix: write the secret into it", key, path).WithDevice(d.Name)
	}
	return b, nil
}

func trimNewline(b []byte) []byte {
	if b, ok := bytes.CutSuffix(b, []byte("\n")); ok {
		b, _ = bytes.CutSuffix(b, []byte("\r"))
		return b
	}
	return b
}
