package inventory

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// validName reports whether s is a usable device name: 1-64 characters of
// letters, digits, '.', '_' and '-'.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// normaliseMAC reads a 6-byte MAC (or an 8-byte OpenFlow datapath id) in
// colon, hyphen, Cisco dot or bare hex notation, in any case, and returns
// it as lower-case colon-separated hex.
func normaliseMAC(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if (len(s) == 12 || len(s) == 16) && isHex(s) {
		var b strings.Builder
		for i := 0; i < len(s); i += 2 {
			if i > 0 {
				b.WriteByte(':')
			}
			b.WriteString(s[i : i+2])
		}
		s = b.String()
	}
	hw, err := net.ParseMAC(s)
	if err != nil || (len(hw) != 6 && len(hw) != 8) {
		return "", false
	}
	return hw.String(), true
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// checkAddress returns what is wrong with a device address (a host name or
// an IP address), or "".
func checkAddress(s string) (msg, fix string) {
	if _, err := netip.ParseAddr(s); err == nil {
		return "", ""
	}
	if strings.HasPrefix(s, "[") {
		return "is bracketed", "write the IPv6 address without brackets and the port in port"
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		return "includes a port", fmt.Sprintf("write address: %s and port: %s", h, p)
	}
	if strings.ContainsAny(s, " \t#;") {
		return "is not a host name or IP address", "remove spaces and trailing comments"
	}
	if !validHostname(s) {
		return "is not a host name or IP address", "write an IP address or a DNS name (letters, digits, '-' and '.')"
	}
	return "", ""
}

func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// checkListen validates host:port and returns the host.
func checkListen(s string) (host, msg, fix string) {
	h, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", "is not host:port", `write an address and port, such as "127.0.0.1:8089" or "[::1]:8089"`
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return "", "has no valid port (1-65535)", `write an address and port, such as "127.0.0.1:8089"`
	}
	if h != "" {
		if _, err := netip.ParseAddr(h); err != nil && !validHostname(h) {
			return "", "has an invalid host", `write an IP address, a host name, or nothing (all interfaces), such as "0.0.0.0:8089"`
		}
	}
	return h, "", ""
}

// isLoopback reports whether a listen host accepts only local connections.
// The empty host (all interfaces) is not loopback.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// resolvePath makes p absolute against dir (the configuration file's
// directory). "~" is refused: nothing expands it.
func resolvePath(dir, p string) (string, string, string) {
	if strings.HasPrefix(p, "~") {
		return "", "starts with ~, which Mercury does not expand", "write the full path"
	}
	if strings.IndexFunc(p, isControl) >= 0 {
		return "", "contains control characters", "write the path without them"
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), "", ""
	}
	return filepath.Join(dir, p), "", ""
}

// checkFile returns what is wrong with a file Mercury must read, or "".
func checkFile(path string) (msg, fix string) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "file does not exist", "create it, or correct the path"
	case err != nil:
		return "cannot be read: " + err.Error(), "make it readable by Mercury's user"
	case !fi.Mode().IsRegular():
		return "is not a regular file", "point it at a file"
	}
	return "", ""
}

// checkSecretFile is checkFile plus the rule for credentials: mode 0600 or
// 0400, so that no other user can read it and no one but the owner can
// change it.
func checkSecretFile(path string) (msg, fix string) {
	if msg, fix := checkFile(path); msg != "" {
		return msg, fix
	}
	fi, _ := os.Stat(path)
	if perm := fi.Mode().Perm(); perm != 0o600 && perm != 0o400 {
		return fmt.Sprintf("has mode %04o; a secret file must be 0600 or 0400", perm), "chmod 600 " + path
	}
	return "", ""
}

// checkPrivateFile is checkFile plus: no access for other users (a TLS
// private key may be group-readable, as with Debian's ssl-cert group).
func checkPrivateFile(path string) (msg, fix string) {
	if msg, fix := checkFile(path); msg != "" {
		return msg, fix
	}
	fi, _ := os.Stat(path)
	if perm := fi.Mode().Perm(); perm&0o007 != 0 {
		return fmt.Sprintf("has mode %04o, readable or writable by every user", perm), "chmod 600 " + path
	}
	return "", ""
}

// checkPortName returns what is wrong with a port name as written in the
// configuration (protected_ports, uplink.port), or "". Names reach device
// CLIs, so they keep to the characters the service allows there.
func checkPortName(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > maxNameLen:
		return fmt.Sprintf("is longer than %d characters", maxNameLen)
	case strings.TrimSpace(s) != s:
		return "has leading or trailing spaces"
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && !strings.ContainsRune(" ._:/-", rune(c)) {
			return fmt.Sprintf("contains %q; port names use letters, digits, space and . _ : / -", c)
		}
	}
	return ""
}
