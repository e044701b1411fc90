package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// client calls a running Mercury's JSON-RPC endpoint over HTTP, or opens
// its WebSocket endpoint, as the shared client flags say.
type client struct {
	url, user, passwordFile   string
	caFile, certFile, keyFile string

	http *http.Client // built by prepare
	tls  *tls.Config  // nil without --ca-file, --cert and --key
	auth string       // the Authorization header value, or ""
}

// clientFlags adds the flags that say how to reach Mercury (--url,
// --user, --password-file, --ca-file, --cert, --key) to fs; the client
// holds their values once fs is parsed.
func clientFlags(fs *flag.FlagSet) *client {
	c := &client{}
	fs.StringVar(&c.url, "url", envOr("MERCURY_URL", "http://127.0.0.1:8089/"), "Mercury's JSON-RPC endpoint (https://... for a server with TLS); $MERCURY_URL")
	fs.StringVar(&c.user, "user", "", "http_basic user name")
	fs.StringVar(&c.passwordFile, "password-file", "", "file holding the http_basic password")
	fs.StringVar(&c.caFile, "ca-file", "", "PEM file of the CA certificate(s) that signed Mercury's server certificate (server.tls.cert_file); default: the system's CAs")
	fs.StringVar(&c.certFile, "cert", "", "PEM file of this client's certificate, for a server with auth.strategy mtls (signed by its server.tls.client_ca_file; its subject is the caller); needs --key")
	fs.StringVar(&c.keyFile, "key", "", "PEM file of the private key of --cert")
	return c
}

// usageError is a client error caused by the command line (exit 2).
type usageError struct{ error }

// prepare checks the client flags, reads the files they name, and builds
// the HTTP client. It runs once; later calls return nil.
func (c *client) prepare() error {
	if c.http != nil {
		return nil
	}
	cfg, err := c.tlsConfig()
	if err != nil {
		return usageError{err}
	}
	if c.auth, err = c.basicAuth(); err != nil {
		return usageError{err}
	}
	c.tls = cfg
	c.http = &http.Client{Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment, TLSClientConfig: cfg,
		TLSHandshakeTimeout: 30 * time.Second, MaxIdleConnsPerHost: 2,
	}}
	return nil
}

// tlsConfig returns the TLS settings --ca-file, --cert and --key give, or
// nil when none is set (then an https:// URL is checked against the
// system's CAs and no client certificate is sent).
func (c *client) tlsConfig() (*tls.Config, error) {
	if c.caFile == "" && c.certFile == "" && c.keyFile == "" {
		return nil, nil
	}
	switch {
	case c.certFile != "" && c.keyFile == "":
		return nil, fmt.Errorf("--cert %s without --key: give the file of the certificate's private key with --key", c.certFile)
	case c.keyFile != "" && c.certFile == "":
		return nil, fmt.Errorf("--key %s without --cert: give the client certificate's file with --cert", c.keyFile)
	}
	if !strings.HasPrefix(c.url, "https://") && !strings.HasPrefix(c.url, "wss://") {
		return nil, fmt.Errorf("--ca-file, --cert and --key are for TLS, but --url %s is not https://: use https://HOST:PORT/", c.url)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.caFile != "" {
		b, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("--ca-file %s holds no PEM certificate: give the CA certificate that signed Mercury's server certificate", c.caFile)
		}
		cfg.RootCAs = pool
	}
	if c.certFile != "" {
		certPEM, err := os.ReadFile(c.certFile)
		if err != nil {
			return nil, fmt.Errorf("--cert: %v", err)
		}
		keyPEM, err := os.ReadFile(c.keyFile)
		if err != nil {
			return nil, fmt.Errorf("--key: %v", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("--cert %s and --key %s: %v (both must be PEM, and the key must be the certificate's)", c.certFile, c.keyFile, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// basicAuth returns the Authorization header value for --user, or "".
func (c *client) basicAuth() (string, error) {
	if c.user == "" {
		return "", nil
	}
	pw, err := os.ReadFile(c.passwordFile)
	if err != nil {
		return "", fmt.Errorf("--password-file: %v", err)
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.user+":"+strings.TrimRight(string(pw), "\r\n"))), nil
}

// rpcReply is a JSON-RPC reply.
type rpcReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// call sends one request and returns the raw reply and its decoding. err
// is set when no JSON-RPC reply came back; it is a usageError when the
// command line is at fault.
func (c *client) call(ctx context.Context, method string, params map[string]any) ([]byte, rpcReply, error) {
	var reply rpcReply
	if err := c.prepare(); err != nil {
		return nil, reply, err
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params, "id": "mercury-" + method})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, reply, usageError{fmt.Errorf("--url: %v", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, reply, fmt.Errorf("%v (%s)", err, c.hint(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &reply); err != nil {
		text := strings.TrimSpace(string(raw))
		if strings.Contains(text, "HTTP request to an HTTPS server") {
			text += " (the server has TLS: use https:// in --url)"
		}
		return raw, reply, fmt.Errorf("HTTP %d: %s", resp.StatusCode, text)
	}
	return raw, reply, nil
}

// dial opens the WebSocket endpoint /ws with the client's TLS settings and
// credentials, and returns the connection and its URL.
func (c *client) dial(ctx context.Context) (*websocket.Conn, string, error) {
	if err := c.prepare(); err != nil {
		return nil, "", err
	}
	wsURL := strings.TrimSuffix(c.url, "/") + "/ws"
	wsURL = "ws" + strings.TrimPrefix(strings.TrimPrefix(wsURL, "http"), "ws")
	h := http.Header{}
	if c.auth != "" {
		h.Set("Authorization", c.auth)
	}
	d := &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 45 * time.Second, TLSClientConfig: c.tls}
	conn, resp, err := d.DialContext(ctx, wsURL, h)
	if err != nil {
		status := ""
		if resp != nil {
			status = " (HTTP " + resp.Status + ")"
		}
		return nil, wsURL, fmt.Errorf("%s: %v%s (%s)", wsURL, err, status, c.hint(err))
	}
	return conn, wsURL, nil
}

// hint says what to check when no reply came back because of err.
func (c *client) hint(err error) string {
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	msg := err.Error()
	switch {
	case errors.As(err, &unknownCA):
		if c.caFile != "" {
			return fmt.Sprintf("the server's certificate is not signed by a CA in --ca-file %s", c.caFile)
		}
		return "give the CA that signed the server's certificate with --ca-file"
	case errors.As(err, &badHost):
		return "the server's certificate does not name the host of --url: use a name or address it lists"
	case strings.Contains(msg, "tls: certificate required"), strings.Contains(msg, "tls: bad certificate"),
		strings.Contains(msg, "tls: unknown certificate authority"), strings.Contains(msg, "tls: expired certificate"):
		if c.certFile == "" {
			return "the server requires a client certificate: give it with --cert and --key"
		}
		return fmt.Sprintf("the server refused the client certificate --cert %s: it must be valid and signed by the server's client CA (server.tls.client_ca_file)", c.certFile)
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"), strings.Contains(msg, "first record does not look like a TLS handshake"):
		return "the server has no TLS: use http:// in --url"
	}
	return "is mercury serve running at " + c.url + "?"
}

// reaching is the help paragraph on the flags that reach Mercury, shared
// by call, watch and verify, ending with example, one of their command
// lines.
func reaching(example string) string {
	return `Reaching Mercury: --url (or $MERCURY_URL) is its endpoint. With
auth.strategy http_basic give --user and --password-file. With TLS use an
https:// URL, and --ca-file when the server's certificate is not signed by a
CA the system trusts; with auth.strategy mtls also give a client certificate
signed by the server's client CA, --cert with its --key (its subject is the
caller the audit records name):

  ` + example + "\n"
}
