package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/testpki"
)

// testCA is a throwaway certificate authority.
type testCA struct{ *testpki.CA }

func newTestCA(t *testing.T, name string) *testCA { return &testCA{testpki.NewCA(t, name)} }

// issue returns a leaf certificate as (cert PEM, key PEM, tls.Certificate).
func (ca *testCA) issue(t *testing.T, subject pkix.Name, server bool) ([]byte, []byte, tls.Certificate) {
	l := ca.Issue(t, subject, server)
	return l.CertPEM, l.KeyPEM, l.Pair
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mtlsServer serves a Server with TLSConfig(...) on loopback through Serve.
func mtlsServer(t *testing.T, minVersion string) (fb *fakeBackend, addr string, ca *testCA) {
	t.Helper()
	dir := t.TempDir()
	ca = newTestCA(t, "mercury test CA")
	certPEM, keyPEM, _ := ca.issue(t, pkix.Name{CommonName: "mercury"}, true)
	cfg, err := TLSConfig(writeFile(t, dir, "cert.pem", certPEM), writeFile(t, dir, "key.pem", keyPEM),
		writeFile(t, dir, "ca.pem", ca.PEM), minVersion)
	if err != nil {
		t.Fatal(err)
	}
	fb = &fakeBackend{}
	s, err := New(Options{Backend: fb, Auth: NewMTLSAuth(), TLS: cfg})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := serveLoopback(t, s)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return fb, "https://" + addr, ca
}

func tlsClient(ca *testCA, cert *tls.Certificate, maxVersion uint16) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	cfg := &tls.Config{RootCAs: pool, MaxVersion: maxVersion}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

func TestMTLS(t *testing.T) {
	fb, url, ca := mtlsServer(t, "")
	_, _, good := ca.issue(t, pkix.Name{CommonName: "ironic-conductor", Organization: []string{"Example"}}, false)
	stranger := newTestCA(t, "another CA")
	_, _, foreign := stranger.issue(t, pkix.Name{CommonName: "ironic-conductor", Organization: []string{"Example"}}, false)
	body := rpcBody("get_switches", 1, "context", map[string]any{})

	tests := []struct {
		name     string
		client   *http.Client
		wantErr  string // a substring of the client's error; "" = must succeed
		identity string
	}{
		{name: "certificate from the CA", client: tlsClient(ca, &good, 0), identity: "CN=ironic-conductor,O=Example"},
		{name: "certificate from another CA", client: tlsClient(ca, &foreign, 0), wantErr: "tls: "},
		{name: "no certificate", client: tlsClient(ca, nil, 0), wantErr: "tls: "},
		{name: "TLS 1.2 client, minimum 1.3", client: tlsClient(ca, &good, tls.VersionTLS12), wantErr: "protocol version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fb.Calls())
			resp, err := tt.client.Post(url, "application/json", strings.NewReader(body))
			if tt.wantErr != "" {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("request went through (status %d)", resp.StatusCode)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				if len(fb.Calls()) != before {
					t.Error("the backend ran")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			calls := fb.Calls()[before:]
			if resp.StatusCode != 200 || len(calls) != 1 || calls[0].caller.Identity != tt.identity {
				t.Errorf("status %d, calls %+v, want identity %q", resp.StatusCode, calls, tt.identity)
			}
		})
	}
}

func TestMTLSMinimum12(t *testing.T) {
	_, url, ca := mtlsServer(t, "1.2")
	_, _, good := ca.issue(t, pkix.Name{CommonName: "ironic"}, false)
	resp, err := tlsClient(ca, &good, tls.VersionTLS12).Post(url, "application/json",
		strings.NewReader(rpcBody("get_switches", 1, "context", map[string]any{})))
	if err != nil {
		t.Fatalf("TLS 1.2 refused with minimum 1.2: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS.Version != tls.VersionTLS12 {
		t.Errorf("status %d, version %x", resp.StatusCode, resp.TLS.Version)
	}
}

// TestMTLSWithoutTLS: the mtls strategy on a plain listener refuses every
// call rather than letting it in.
func TestMTLSWithoutTLS(t *testing.T) {
	fb, base := newFake(t, Options{Auth: NewMTLSAuth()})
	resp, body := exchange{body: rpcBody("get_switches", 1, "context", map[string]any{})}.do(t, base)
	if resp.StatusCode != 401 || string(body) != `{"error":{"message":"Client certificate required","code":401}}` || len(fb.Calls()) != 0 {
		t.Errorf("%d %s, calls %d", resp.StatusCode, body, len(fb.Calls()))
	}
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "ca")
	certPEM, keyPEM, _ := ca.issue(t, pkix.Name{CommonName: "mercury"}, true)
	cert, key := writeFile(t, dir, "cert.pem", certPEM), writeFile(t, dir, "key.pem", keyPEM)
	caFile, junk := writeFile(t, dir, "ca.pem", ca.PEM), writeFile(t, dir, "junk.pem", []byte("not a certificate"))

	cfg, err := TLSConfig(cert, key, "", "")
	if err != nil || cfg.MinVersion != tls.VersionTLS13 || cfg.ClientAuth != tls.NoClientCert {
		t.Errorf("defaults: %+v %v", cfg, err)
	}
	cfg, err = TLSConfig(cert, key, caFile, "1.2")
	if err != nil || cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Errorf("with client CA: %+v %v", cfg, err)
	}
	for _, tt := range []struct{ cert, key, ca, min, want string }{
		{cert, key, "", "1.1", "use 1.2 or 1.3"},
		{cert, key, "", "1.0", "use 1.2 or 1.3"},
		{filepath.Join(dir, "nope.pem"), key, "", "", "nope.pem"},
		{cert, cert, "", "", "key"},
		{cert, key, junk, "", "holds no PEM certificate"},
		{cert, key, filepath.Join(dir, "missing-ca.pem"), "", "missing-ca.pem"},
	} {
		if _, err := TLSConfig(tt.cert, tt.key, tt.ca, tt.min); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("TLSConfig(%s, %s, %s, %q) = %v, want an error with %q", tt.cert, tt.key, tt.ca, tt.min, err, tt.want)
		}
	}
}
