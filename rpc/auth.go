package rpc

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openmercury/mercury/fault"
)

// Authenticator decides who is calling. It runs before the request body is
// read, on every JSON-RPC path (not on /healthz, /readyz or Options.Extra).
type Authenticator interface {
	// Strategy is the name of the scheme: "noauth", "http_basic", "mtls".
	Strategy() string
	// Authenticate returns the caller, or an *AuthError that becomes the
	// reply. Any other error is answered 500.
	Authenticate(r *http.Request) (Principal, error)
}

// Principal is an authenticated caller.
type Principal struct {
	Identity string // basic-auth user, certificate subject, or "anonymous"
}

// AuthError is a refused request. Its reply is Ironic's:
// {"error":{"message":<Message>,"code":<Status>}}, with
// WWW-Authenticate: Basic realm="Baremetal API" when Challenge is set.
type AuthError struct {
	Status    int    // 400, 401 or 500
	Message   string // the reply's message (Ironic's text)
	Challenge bool   // send the Basic challenge header
	User      string // for the log: the user name presented, if any; never a password
	Err       error  // for the log: why
}

func (e *AuthError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// basicRealm is the challenge Ironic's BasicAuthMiddleware sends.
const basicRealm = `Basic realm="Baremetal API"`

// body is the reply body, keys in Ironic's order.
func (e *AuthError) body() []byte {
	b := []byte(`{"error":{"message":`)
	b = append(b, pyString(e.Message)...)
	b = append(b, `,"code":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	return append(b, "}}"...)
}

// NewAuthenticator builds the authenticator for an auth strategy:
// "noauth", "http_basic" (htpasswd is the file) or "mtls".
func NewAuthenticator(strategy, htpasswd string, logger *slog.Logger) (Authenticator, error) {
	switch strategy {
	case "noauth":
		return NewNoAuth(), nil
	case "http_basic":
		return NewBasicAuth(htpasswd, logger)
	case "mtls":
		return NewMTLSAuth(), nil
	}
	return nil, fault.New(fault.Invalid, "auth strategy %q is not known: use noauth, http_basic or mtls", strategy)
}
