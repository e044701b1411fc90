package topo

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestUMLFiles compares the guest's init script and sshd_config with
// golden files (go test -run TestUMLFiles -update rewrites them).
func TestUMLFiles(t *testing.T) {
	mgmt := MgmtLink{IP: netip.MustParseAddr("10.99.16.2")}
	tests := []struct {
		golden string
		got    string
	}{
		{"uml-init-2ports.golden", umlInit(2, mgmt, "/tmp/me000-1/uml/sshd_config")},
		{"uml-init-4ports.golden", umlInit(4, mgmt, "/tmp/me000-1/uml/sshd_config")},
		{"uml-sshd_config.golden", umlSSHDConfig("/tmp/me000-1/uml/ssh_host_ed25519_key", "/tmp/me000-1/uml/authorized_keys")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(tt.got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.got != string(want) {
				t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", tt.golden, tt.got, want)
			}
		})
	}
}
