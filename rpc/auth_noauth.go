package rpc

import (
	"net"
	"net/http"
	"strings"

	"github.com/openmercury/mercury/fault"
)

// NewNoAuth returns the authenticator that lets every caller in as
// "anonymous". Pair it with CheckBind: it belongs on loopback.
func NewNoAuth() Authenticator { return noAuth{} }

type noAuth struct{}

func (noAuth) Strategy() string { return "noauth" }

func (noAuth) Authenticate(*http.Request) (Principal, error) {
	return Principal{Identity: "anonymous"}, nil
}

// CheckBind refuses to listen on addr (host:port) with the noauth strategy
// unless the host is a loopback address or allowRemote is set: anyone who
// can reach an unauthenticated Mercury can move any switch port to any VLAN
// the policy allows. Other strategies are always allowed.
func CheckBind(addr, strategy string, allowRemote bool) error {
	if strategy != "noauth" || allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fault.Wrap(fault.Invalid, err, "listen address %q is not host:port", addr)
	}
	if isLoopbackHost(host) {
		return nil
	}
	where := host
	if host == "" {
		where = "every interface"
	}
	return fault.New(fault.Invalid,
		"refusing to serve without authentication on %s (%s): anyone who can reach it could reprogram switch ports; "+
			"listen on 127.0.0.1 or [::1], or use auth strategy http_basic or mtls, "+
			"or set server.allow_noauth_remote: true on a trusted network", addr, where)
}

// isLoopbackHost reports whether host names only the loopback interface.
// Host names other than localhost are refused: what they resolve to can
// change.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
