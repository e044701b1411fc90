package simulator

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/fault"
)

// Fleet returns n device specs of platform, named prefix-1 .. prefix-n,
// with the platform's default ports and user.
func Fleet(platform, prefix string, n int) []DeviceSpec {
	out := make([]DeviceSpec, n)
	for i := range out {
		out[i] = DeviceSpec{Name: fmt.Sprintf("%s-%d", prefix, i+1), Platform: platform}
	}
	return out
}

// Run starts a server with one device per spec. On error it stops the
// devices it started.
func Run(specs []DeviceSpec, log *slog.Logger) (*Server, error) {
	s := NewServer(log)
	for _, spec := range specs {
		if _, err := s.Add(spec); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Serve starts the devices, writes an inventory snippet for them to w
// (secrets go to files in secretsDir, see WriteInventory), and runs until
// ctx is done; then it stops them.
func Serve(ctx context.Context, specs []DeviceSpec, w io.Writer, secretsDir string, log *slog.Logger) error {
	s, err := Run(specs, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.WriteInventory(w, secretsDir); err != nil {
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// WriteInventory writes a YAML inventory snippet (a "devices:" list) that
// points Mercury at every device: name, MAC, driver (the platform name),
// address, port, username, password_file, enable_secret_file and
// known_hosts. The first user's password, the enable secret and the
// known_hosts line of the device's host key are written to NAME.password,
// NAME.enable and NAME.known_hosts in secretsDir, mode 0600, which must
// exist.
func (s *Server) WriteInventory(w io.Writer, secretsDir string) error {
	if secretsDir == "" {
		return fault.New(fault.Invalid, "inventory: a directory for the password files is required")
	}
	var b strings.Builder
	b.WriteString("# Simulated devices (mercury simulator). Secrets are in " + strconv.Quote(secretsDir) + ".\n")
	b.WriteString("devices:\n")
	for _, d := range s.Devices() {
		spec := d.Spec()
		user := spec.Users[0]
		field := func(k, v string) { fmt.Fprintf(&b, "    %s: %s\n", k, v) }
		fmt.Fprintf(&b, "  - name: %s\n", strconv.Quote(d.Name()))
		field("mac", strconv.Quote(d.MAC()))
		field("driver", strconv.Quote(d.Platform()))
		field("address", strconv.Quote(d.Host()))
		field("port", strconv.Itoa(d.Port()))
		field("username", strconv.Quote(user.Name))
		if user.Password != "" {
			p, err := writeSecret(secretsDir, d.Name()+".password", user.Password)
			if err != nil {
				return err
			}
			field("password_file", strconv.Quote(p))
		}
		if spec.EnableSecret != "" {
			p, err := writeSecret(secretsDir, d.Name()+".enable", spec.EnableSecret)
			if err != nil {
				return err
			}
			field("enable_secret_file", strconv.Quote(p))
		}
		kh, err := writeSecret(secretsDir, d.Name()+".known_hosts", d.KnownHostsLine())
		if err != nil {
			return err
		}
		field("known_hosts", strconv.Quote(kh))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fault.Wrap(fault.Internal, err, "write inventory")
	}
	return nil
}

func writeSecret(dir, name, secret string) (string, error) {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		return "", fault.Wrap(fault.Internal, err, "write secret file %s", p)
	}
	return p, nil
}
