package ssh

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/fault"
)

func TestLoadPassword(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
		errHas  []string // substrings of the error; nil = no error
	}{
		{"0600 with newline", "s3cret-pw\n", 0o600, "s3cret-pw", nil},
		{"0400 no newline", "s3cret-pw", 0o400, "s3cret-pw", nil},
		{"crlf and extra lines", "s3cret-pw\r\nignored\n", 0o600, "s3cret-pw", nil},
		{"group readable", "s3cret-pw\n", 0o640, "", []string{"0640", "chmod 600"}},
		{"world readable", "s3cret-pw\n", 0o644, "", []string{"0644", "chmod 600"}},
		{"empty", "\n", 0o600, "", []string{"empty"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "pw"+string(rune('a'+i)))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			got, err := LoadPassword(path)
			if tt.errHas == nil {
				if err != nil || string(got) != tt.want {
					t.Fatalf("LoadPassword = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if fault.KindOf(err) != fault.Invalid {
				t.Fatalf("kind = %v (%v), want invalid", fault.KindOf(err), err)
			}
			for _, s := range append(tt.errHas, path) {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
	if _, err := LoadPassword(filepath.Join(dir, "missing")); fault.KindOf(err) != fault.Invalid {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadPassword(dir); fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), "regular") {
		t.Errorf("directory: %v", err)
	}
}

func TestLoadSigner(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	plain, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := gossh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	tests := []struct {
		name   string
		path   string
		errHas string
	}{
		{"ok", write("ok", pem.EncodeToMemory(plain), 0o600), ""},
		{"readable by others", write("open", pem.EncodeToMemory(plain), 0o644), "chmod 600"},
		{"encrypted", write("enc", pem.EncodeToMemory(enc), 0o600), "passphrase"},
		{"not a key", write("junk", []byte("hello"), 0o400), "not a private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := LoadSigner(tt.path)
			if tt.errHas == "" {
				if err != nil || s == nil {
					t.Fatalf("LoadSigner: %v", err)
				}
				return
			}
			if fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("error = %v (kind %v); want invalid naming %s and %q", err, fault.KindOf(err), tt.path, tt.errHas)
			}
		})
	}
}
