package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"

	"github.com/openmercury/mercury/fault"
)

// NewMTLSAuth returns the authenticator for mutual TLS: the caller is the
// subject of its verified client certificate (r.TLS.VerifiedChains), in
// RFC 2253 form, e.g. "CN=ironic-conductor,O=Example". The handshake does the
// verifying (see TLSConfig); a request without a verified chain, which only
// happens when the listener is misconfigured, is refused with 401.
func NewMTLSAuth() Authenticator { return mtlsAuth{} }

type mtlsAuth struct{}

func (mtlsAuth) Strategy() string { return "mtls" }

func (mtlsAuth) Authenticate(r *http.Request) (Principal, error) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return Principal{}, &AuthError{Status: http.StatusUnauthorized, Message: "Client certificate required"}
	}
	return Principal{Identity: r.TLS.VerifiedChains[0][0].Subject.String()}, nil
}

// TLSConfig builds the server's TLS configuration from PEM files. minVersion
// is "1.2" or "1.3"; "" means 1.3 (Ironic's default since 38.0.0). When
// clientCAFile is given, every client must present a certificate signed by
// one of its CAs, checked during the handshake.
func TLSConfig(certFile, keyFile, clientCAFile, minVersion string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13}
	switch minVersion {
	case "", "1.3":
	case "1.2":
		cfg.MinVersion = tls.VersionTLS12
	default:
		return nil, fault.New(fault.Invalid, "TLS minimum version %q is not supported: use 1.2 or 1.3", minVersion)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "load TLS certificate %s and key %s", certFile, keyFile)
	}
	cfg.Certificates = []tls.Certificate{cert}
	if clientCAFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(clientCAFile)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "read client CA file")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fault.New(fault.Invalid, "client CA file %s holds no PEM certificate: give the CA that signs the callers' certificates", clientCAFile)
	}
	cfg.ClientCAs = pool
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	return cfg, nil
}
