package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/testpki"
)

// testCA is a throwaway certificate authority whose files live in dir.
type testCA struct {
	*testpki.CA
	dir  string
	file string // the CA certificate, PEM
}

func newTestCA(t *testing.T, dir, name string) *testCA {
	ca := &testCA{CA: testpki.NewCA(t, name), dir: dir}
	ca.file = writeFile(t, dir, strings.ReplaceAll(name, " ", "-")+".pem", ca.PEM)
	return ca
}

// issue writes a leaf certificate for subject, and its key, to NAME.pem and
// NAME.key; a server certificate is for 127.0.0.1.
func (ca *testCA) issue(t *testing.T, name string, subject pkix.Name, server bool) (certFile, keyFile string) {
	l := ca.Issue(t, subject, server)
	return writeFile(t, ca.dir, name+".pem", l.CertPEM), writeFile(t, ca.dir, name+".key", l.KeyPEM)
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mtlsPKI is a CA, Mercury's server certificate, and an operator's client
// certificate, all as files.
type mtlsPKI struct {
	ca                            *testCA
	serverCert, serverKey         string
	clientCert, clientKey         string
	clientSubject                 string // the client certificate's subject, RFC 2253
	foreignCA                     *testCA
	foreignCert, foreignKey       string // a client certificate from foreignCA
	mismatchedCert, mismatchedKey string // a certificate with another certificate's key
}

func newMTLSPKI(t *testing.T) *mtlsPKI {
	t.Helper()
	dir := t.TempDir()
	p := &mtlsPKI{ca: newTestCA(t, dir, "mercury test CA"), foreignCA: newTestCA(t, dir, "another CA")}
	p.serverCert, p.serverKey = p.ca.issue(t, "server", pkix.Name{CommonName: "mercury"}, true)
	subject := pkix.Name{CommonName: "operator-1", Organization: []string{"Example"}}
	p.clientCert, p.clientKey = p.ca.issue(t, "client", subject, false)
	p.clientSubject = "CN=operator-1,O=Example"
	p.foreignCert, p.foreignKey = p.foreignCA.issue(t, "foreign", subject, false)
	p.mismatchedCert, p.mismatchedKey = p.clientCert, p.foreignKey
	return p
}

// serveMTLS runs `mercury serve` with TLS and auth.strategy mtls on a
// configuration with no devices until the test ends, and returns its URL.
func serveMTLS(t *testing.T, p *mtlsPKI) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "drivers"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "mercury.yaml")
	yaml := fmt.Sprintf(`server:
  listen: %s
  drivers_dir: drivers
  lock_dir: locks
  tls:
    cert_file: %s
    key_file: %s
    client_ca_file: %s
  auth:
    strategy: mtls
devices: []
`, addr, p.serverCert, p.serverKey, p.ca.file)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var log syncBuffer
	served := make(chan int, 1)
	go func() { served <- run(ctx, []string{"serve", "--config", cfg}, &log, &log) }()
	t.Cleanup(func() {
		cancel()
		if code := <-served; code != 0 {
			t.Errorf("serve exit %d:\n%s", code, log.String())
		}
	})
	pair, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.ca.Cert)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}}
	url := "https://" + addr + "/"
	waitFor(t, "mercury to serve with TLS", func() bool {
		select {
		case code := <-served:
			served <- code
			t.Fatalf("serve exited %d:\n%s", code, log.String())
		default:
		}
		r, err := hc.Get(url + "healthz")
		if err == nil {
			r.Body.Close()
		}
		return err == nil
	})
	return url
}

// TestClientTLSFlags: a wrong --ca-file, --cert or --key is a usage
// error (exit 2) that names the flag, for every command that calls
// Mercury, and nothing is sent.
func TestClientTLSFlags(t *testing.T) {
	p := newMTLSPKI(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600)
	intents := filepath.Join(dir, "intents.yaml")
	os.WriteFile(intents, []byte("- link: {switch_id: tor-1, port_id: swp1}\n  expect: {mode: access, native_vlan: 100}\n"), 0o644)
	// Nothing listens on port 1: a usage error must come before any dial.
	const url = "https://127.0.0.1:1/"
	missing := filepath.Join(dir, "missing.pem")
	for _, tt := range []struct {
		name  string
		flags []string
		want  string
	}{
		{"cert without key", []string{"--url", url, "--cert", p.clientCert}, "--cert " + p.clientCert + " without --key"},
		{"key without cert", []string{"--url", url, "--key", p.clientKey}, "--key " + p.clientKey + " without --cert"},
		{"missing CA file", []string{"--url", url, "--ca-file", missing}, "--ca-file: open " + missing + ": no such file or directory"},
		{"CA file not PEM", []string{"--url", url, "--ca-file", notPEM}, "--ca-file " + notPEM + " holds no PEM certificate"},
		{"missing cert", []string{"--url", url, "--cert", missing, "--key", p.clientKey}, "--cert: open " + missing},
		{"missing key", []string{"--url", url, "--cert", p.clientCert, "--key", missing}, "--key: open " + missing},
		{"key of another certificate", []string{"--url", url, "--cert", p.mismatchedCert, "--key", p.mismatchedKey}, "the key must be the certificate's"},
		{"cert not PEM", []string{"--url", url, "--cert", notPEM, "--key", p.clientKey}, "both must be PEM"},
		{"TLS flags on plain HTTP", []string{"--url", "http://127.0.0.1:1/", "--ca-file", p.ca.file}, "--url http://127.0.0.1:1/ is not https://"},
	} {
		for _, cmd := range [][]string{{"call"}, {"watch"}, {"verify"}} {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				args := append(cmd, tt.flags...)
				switch cmd[0] {
				case "call":
					args = append(args, "get_switches")
				case "verify":
					args = append(args, intents)
				}
				var out, errb bytes.Buffer
				code := run(context.Background(), args, &out, &errb)
				if code != 2 || !strings.Contains(errb.String(), tt.want) || strings.Contains(errb.String(), "127.0.0.1:1/ws") && cmd[0] == "watch" {
					t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), tt.want)
				}
			})
		}
	}
}

// TestMTLSCall: against a Mercury that requires client certificates,
// `mercury call` and `mercury verify` get replies with the operator's
// certificate, and a clear error (exit 1) without it, with another CA's
// certificate, without the server's CA, or over plain HTTP.
func TestMTLSCall(t *testing.T) {
	p := newMTLSPKI(t)
	url := serveMTLS(t, p)
	ctx := context.Background()
	good := []string{"--url", url, "--ca-file", p.ca.file, "--cert", p.clientCert, "--key", p.clientKey}

	var out, errb bytes.Buffer
	if code := run(ctx, append(append([]string{"call"}, good...), "get_switches"), &out, &errb); code != 0 || out.String() != "(empty)\n" {
		t.Fatalf("call with the operator's certificate: exit %d, %q %q", code, out.String(), errb.String())
	}
	for _, tt := range []struct {
		name  string
		flags []string
		want  string
	}{
		{"no client certificate", []string{"--url", url, "--ca-file", p.ca.file}, "the server requires a client certificate: give it with --cert and --key"},
		{"another CA's certificate", []string{"--url", url, "--ca-file", p.ca.file, "--cert", p.foreignCert, "--key", p.foreignKey},
			"the server refused the client certificate --cert " + p.foreignCert},
		{"server CA unknown", []string{"--url", url, "--cert", p.clientCert, "--key", p.clientKey}, "give the CA that signed the server's certificate with --ca-file"},
		{"wrong CA file", []string{"--url", url, "--ca-file", p.foreignCA.file, "--cert", p.clientCert, "--key", p.clientKey},
			"the server's certificate is not signed by a CA in --ca-file " + p.foreignCA.file},
		{"plain HTTP", []string{"--url", "http" + strings.TrimPrefix(url, "https")}, "use https:// in --url"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out.Reset()
			errb.Reset()
			code := run(ctx, append(append([]string{"call"}, tt.flags...), "get_switches"), &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), tt.want) || out.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out.String(), errb.String(), tt.want)
			}
		})
	}

	intents := filepath.Join(t.TempDir(), "intents.yaml")
	os.WriteFile(intents, []byte("- link: {switch_id: tor-9, port_id: swp1}\n  expect: {mode: access, native_vlan: 100}\n"), 0o644)
	out.Reset()
	code := run(ctx, append(append([]string{"verify"}, good...), intents), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "error     Switch tor-9 could not be found") {
		t.Errorf("verify over mTLS: exit %d\n%s", code, out.String())
	}
	out.Reset()
	code = run(ctx, []string{"verify", "--url", url, "--ca-file", p.ca.file, intents}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "give it with --cert and --key") {
		t.Errorf("verify without a client certificate: exit %d\n%s", code, out.String())
	}
}

// TestMTLSWatch follows a Mercury that requires client certificates with
// `mercury watch --json`, makes a call with the operator's certificate,
// and checks the audit record names the certificate's subject as the
// caller; without a certificate, watch fails with a clear error.
func TestMTLSWatch(t *testing.T) {
	p := newMTLSPKI(t)
	url := serveMTLS(t, p)
	good := []string{"--url", url, "--ca-file", p.ca.file, "--cert", p.clientCert, "--key", p.clientKey}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lines, table, errs syncBuffer
	watched := make(chan int, 2)
	go func() { watched <- run(ctx, append([]string{"watch", "--json"}, good...), &lines, &errs) }()
	go func() { watched <- run(ctx, append([]string{"watch"}, good...), &table, &errs) }()
	waitFor(t, "both watchers to subscribe", func() bool { return strings.Count(errs.String(), "watching wss://") == 2 })

	var out, errb bytes.Buffer
	code := run(ctx, append(append([]string{"call"}, good...), "update_port", "switch_id=tor-9", "port_name=swp1",
		"description=null", "mode=access", "native_vlan=100"), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "error 404: Switch tor-9 could not be found") {
		t.Fatalf("update_port on an unknown switch: exit %d %q", code, errb.String())
	}
	waitFor(t, "the call's record", func() bool { return strings.Contains(lines.String(), `"update_port"`) })
	var rec struct {
		Caller string `json:"caller"`
		Method string `json:"method"`
		Port   string `json:"port"`
		Result string `json:"result"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(lines.String(), "\n", 2)[0]), &rec); err != nil {
		t.Fatalf("record %q: %v", lines.String(), err)
	}
	if rec.Caller != p.clientSubject || rec.Method != "update_port" || rec.Port != "swp1" || rec.Result != "not_found" {
		t.Errorf("record %+v; want caller %q, update_port on swp1, not_found", rec, p.clientSubject)
	}
	waitFor(t, "the call in the table", func() bool { return strings.Contains(table.String(), "CN=operator-1,O…  update_port") })
	cancel()
	for range 2 {
		if code := <-watched; code != 0 {
			t.Fatalf("watch exit %d: %s", code, errs.String())
		}
	}

	errb.Reset()
	code = run(context.Background(), []string{"watch", "--url", url, "--ca-file", p.ca.file}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "wss://") || !strings.Contains(errb.String(), "give it with --cert and --key") {
		t.Errorf("watch without a client certificate: exit %d %q", code, errb.String())
	}
}

// TestClientHelp: the --help of every command that calls Mercury explains
// how to reach it, TLS and client certificates included.
func TestClientHelp(t *testing.T) {
	for _, cmd := range []string{"call", "watch", "verify"} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{cmd, "--help"}, &out, &errb); code != 0 {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		for _, want := range []string{"-ca-file", "signed Mercury's server certificate", "-cert", "auth.strategy mtls", "-key",
			"PEM file of the private key of --cert", "--url https://", "-user", "-password-file"} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%s --help lacks %q:\n%s", cmd, want, errb.String())
			}
		}
	}
}
