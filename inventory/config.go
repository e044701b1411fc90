package inventory

import (
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openmercury/mercury/fault"
)

// Config is one loaded, validated configuration. It is immutable: every
// accessor returns a copy, so callers may keep or change what they get
// without affecting the Config or each other. Build one with Load.
type Config struct {
	path     string
	server   Server
	devices  []Device // in file order
	byName   map[string]int
	byMAC    map[string]int
	warnings []Problem
}

// Server is the service's own settings (the `server:` section).
type Server struct {
	Listen            string        // host:port of the JSON-RPC endpoint
	TLS               TLS           // TLS.Enabled() is false for plain HTTP
	Auth              Auth          // how callers authenticate
	AllowNoauthRemote bool          // allow Auth.Strategy noauth on a non-loopback Listen
	Deadline          time.Duration // per call, lock wait included; < 110s
	DriversDir        string        // where <driver>.wasm files are
	CacheDir          string        // wazero compile cache; "" = none on disk
	LockDir           string        // per-device lock files
	KnownHosts        string        // default known_hosts file for devices
	AllowedVLANs      VLANSet       // VLANs any device may use
	DeniedVLANs       VLANSet       // VLANs no device may use
	LogLevel          slog.Level
	WebSocket         WebSocket // limits of /ws; zero fields take Mercury's defaults
}

// WebSocket limits JSON-RPC over WebSocket (/ws). A zero field means
// Mercury's default (docs/configuration.md).
type WebSocket struct {
	MaxConnections int           // connections open at once
	MaxInFlight    int           // calls running at once on one connection
	MaxQueued      int           // calls waiting for a slot on one connection
	PingInterval   time.Duration // a peer silent for two intervals is dropped
	IdleTimeout    time.Duration // a connection with no call and no watch this long is closed
}

// TLS is the server's certificate and the CA that signs client certificates.
type TLS struct {
	CertFile     string
	KeyFile      string
	ClientCAFile string // set exactly when Auth.Strategy is MTLS
	MinVersion   uint16 // tls.VersionTLS13 (default) or tls.VersionTLS12
}

// Enabled reports whether the server listens with TLS.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// AuthStrategy is how JSON-RPC callers authenticate.
type AuthStrategy string

// The authentication strategies; the names are Ironic's [json_rpc]
// auth_strategy values where Ironic has one.
const (
	NoAuth    AuthStrategy = "noauth"     // anyone who can connect; loopback only unless allowed
	HTTPBasic AuthStrategy = "http_basic" // user and bcrypt password from an htpasswd file
	MTLS      AuthStrategy = "mtls"       // a client certificate signed by TLS.ClientCAFile
)

// Auth is the authentication settings.
type Auth struct {
	Strategy     AuthStrategy
	HtpasswdFile string // set when Strategy is HTTPBasic
	// Callers are per-caller rules, by identity (a basic-auth user name
	// or a client certificate's subject); a caller not listed has none.
	Callers []CallerPolicy
}

// CallerPolicy is what one caller may do. Empty Devices and VLANs mean
// no limit of that kind.
type CallerPolicy struct {
	Identity string
	Operator bool     // sees device addresses (list_devices)
	Devices  []string // devices the caller may change
	VLANs    VLANSet  // VLANs the caller may put on ports or create
	Index    int      // position in server.auth.callers, for messages
}

// Caller returns the policy for a caller identity, if one is configured.
func (c *Config) Caller(identity string) (CallerPolicy, bool) {
	for _, p := range c.server.Auth.Callers {
		if p.Identity == identity {
			return p, true
		}
	}
	return CallerPolicy{}, false
}

// SaveMode says when a device's running configuration is saved.
type SaveMode string

// The save modes.
const (
	SaveAlways   SaveMode = "always"   // after every change, before the call returns
	SaveDeferred SaveMode = "deferred" // later, batched by the service
	SaveNever    SaveMode = "never"    // never; the operator saves
)

// Device is one switch or DPU: how to reach it, which driver speaks to it,
// and the policy for it. All paths are absolute. The slices and map are
// copies: changing them does not change the Config.
type Device struct {
	Name    string // unique; [A-Za-z0-9._-], at most 64 characters
	MAC     string // chassis MAC, lower-case aa:bb:cc:dd:ee:ff; "" if not set
	Driver  string // driver name; the module is DriversDir/Driver.wasm
	Address string // host name or IP address
	Port    int    // SSH port

	Username         string
	PasswordFile     string // "" if not set; at least one of PasswordFile and KeyFile is set
	KeyFile          string // "" if not set; offered before the password when both are set
	EnableSecretFile string // enable (or sudo) secret; "" if not set

	// KnownHosts is the known_hosts file the device's host key is checked
	// against (its own, or the server's); "" exactly when
	// InsecureIgnoreHostKey is set.
	KnownHosts            string
	InsecureIgnoreHostKey bool

	IdleVLAN        int     // VLAN a port returns to when detached; 0 = none (the port is shut)
	ManageVLANs     bool    // create VLANs the device lacks
	AllowedVLANs    VLANSet // the device's own allow-list (all VLANs when not set)
	DeniedVLANs     VLANSet // the device's own deny-list
	ProtectedPorts  []string
	PortNameRewrite []Rewrite
	SaveConfig      SaveMode
	MaxSessions     int // concurrent SSH sessions to the device, 1-16
	SSHAlgorithms   SSHAlgorithms
	VXLANVLANs      VLANSet // local VLANs to pick from for a VXLAN network
	LAGRange        Range   // LAG (port-channel) ids the driver may use
	Options         map[string]string
	Uplink          Uplink // for a DPU: the switch port that feeds it; zero if none
}

// Uplink names the switch port a DPU hangs off.
type Uplink struct {
	Device string // another device of the inventory
	Port   string
}

// IsZero reports whether no uplink is set.
func (u Uplink) IsZero() bool { return u.Device == "" }

// SSHAlgorithms restricts the SSH algorithms offered to a device, in order
// of preference; an empty list keeps the SSH client's defaults.
type SSHAlgorithms struct {
	KEX      []string
	Ciphers  []string
	MACs     []string
	HostKeys []string
}

// IsZero reports whether no algorithm list is set.
func (a SSHAlgorithms) IsZero() bool {
	return len(a.KEX) == 0 && len(a.Ciphers) == 0 && len(a.MACs) == 0 && len(a.HostKeys) == 0
}

// Rewrite turns the port name a caller sends (for example an LLDP port id)
// into the name the device's CLI uses.
type Rewrite struct {
	re      *regexp.Regexp // compiled once, used read-only
	replace string
}

// Match returns the regular expression as written.
func (r Rewrite) Match() string { return r.re.String() }

// Replace returns the replacement template as written ($1, ${name}).
func (r Rewrite) Replace() string { return r.replace }

// Apply rewrites port if the expression matches it, and reports whether it
// did. Every match in port is replaced, as regexp.ReplaceAllString does.
func (r Rewrite) Apply(port string) (string, bool) {
	if !r.re.MatchString(port) {
		return port, false
	}
	return r.re.ReplaceAllString(port, r.replace), true
}

// RewritePort applies the first of the device's port_name_rewrite rules
// that matches port and returns the result, or port unchanged when none
// matches.
func (d Device) RewritePort(port string) string {
	for _, r := range d.PortNameRewrite {
		if out, ok := r.Apply(port); ok {
			return out
		}
	}
	return port
}

// IsProtected reports whether port is one of the device's protected ports.
// Compare the name after RewritePort: protected_ports are written in the
// device's own port names.
func (d Device) IsProtected(port string) bool {
	return slices.Contains(d.ProtectedPorts, port)
}

// settingNames returns the built-in settings a driver may read; options may
// not reuse them.
func settingNames() []string {
	return []string{"name", "driver", "mac", "idle_vlan", "manage_vlans", "save_config",
		"vxlan_vlan_range", "lag_range"}
}

// Setting returns one of the device's non-secret settings, as a driver reads
// it through the host: a built-in ("name", "driver", "mac", "idle_vlan"
// (empty when none), "manage_vlans" ("true"/"false"), "save_config",
// "vxlan_vlan_range", "lag_range") or an option as "options.NAME". The
// address, user name and credentials are never settings.
func (d Device) Setting(key string) (string, bool) {
	switch key {
	case "name":
		return d.Name, true
	case "driver":
		return d.Driver, true
	case "mac":
		return d.MAC, true
	case "idle_vlan":
		if d.IdleVLAN == 0 {
			return "", true
		}
		return strconv.Itoa(d.IdleVLAN), true
	case "manage_vlans":
		return strconv.FormatBool(d.ManageVLANs), true
	case "save_config":
		return string(d.SaveConfig), true
	case "vxlan_vlan_range":
		return d.VXLANVLANs.String(), true
	case "lag_range":
		return d.LAGRange.String(), true
	}
	if name, ok := strings.CutPrefix(key, "options."); ok {
		v, ok := d.Options[name]
		return v, ok
	}
	return "", false
}

// Settings returns every setting Setting answers, as a new map.
func (d Device) Settings() map[string]string {
	names := settingNames()
	out := make(map[string]string, len(names)+len(d.Options))
	for k, v := range d.Options {
		out["options."+k] = v
	}
	for _, k := range names {
		out[k], _ = d.Setting(k)
	}
	return out
}

func (d Device) clone() Device {
	c := d
	c.ProtectedPorts = slices.Clone(d.ProtectedPorts)
	c.PortNameRewrite = slices.Clone(d.PortNameRewrite)
	c.SSHAlgorithms = SSHAlgorithms{
		KEX:      slices.Clone(d.SSHAlgorithms.KEX),
		Ciphers:  slices.Clone(d.SSHAlgorithms.Ciphers),
		MACs:     slices.Clone(d.SSHAlgorithms.MACs),
		HostKeys: slices.Clone(d.SSHAlgorithms.HostKeys),
	}
	c.Options = maps.Clone(d.Options)
	return c
}

// Path returns the file the configuration was loaded from.
func (c *Config) Path() string { return c.path }

// Server returns the server settings.
func (c *Config) Server() Server { return c.server }

// Devices returns every device, in file order.
func (c *Config) Devices() []Device {
	out := make([]Device, len(c.devices))
	for i, d := range c.devices {
		out[i] = d.clone()
	}
	return out
}

// Device returns the device called name.
func (c *Config) Device(name string) (Device, bool) {
	i, ok := c.byName[name]
	if !ok {
		return Device{}, false
	}
	return c.devices[i].clone(), true
}

// FindSwitch resolves the switch_id Ironic sends: first against each
// device's mac, in any case and any of the usual MAC notations, then as a
// device name.
func (c *Config) FindSwitch(switchID string) (Device, bool) {
	if mac, ok := normaliseMAC(switchID); ok {
		if i, ok := c.byMAC[mac]; ok {
			return c.devices[i].clone(), true
		}
	}
	return c.Device(switchID)
}

// Drivers returns the names of the drivers the devices use, sorted, each
// once: the drivers the runtime must load.
func (c *Config) Drivers() []string {
	var out []string
	for _, d := range c.devices {
		out = append(out, d.Driver)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Warnings returns the problems that did not stop the configuration from
// loading; the service logs them.
func (c *Config) Warnings() []Problem { return slices.Clone(c.warnings) }

// PermittedVLANs returns the VLANs the named device may use: allowed by both
// the server's and the device's allowed_vlans, denied by neither
// denied_vlans. It is empty for an unknown device.
func (c *Config) PermittedVLANs(device string) VLANSet {
	i, ok := c.byName[device]
	if !ok {
		return VLANSet{}
	}
	d := c.devices[i]
	return c.server.AllowedVLANs.Intersect(d.AllowedVLANs).
		Minus(c.server.DeniedVLANs).Minus(d.DeniedVLANs)
}

// CheckVLAN returns nil if the named device may use vlan, and otherwise a
// *fault.Error naming the setting that forbids it: kind NotFound for an
// unknown device, Invalid for an id outside 1-4094, Denied for policy.
func (c *Config) CheckVLAN(device string, vlan int) error {
	i, ok := c.byName[device]
	if !ok {
		return fault.New(fault.NotFound, "no device named %q in the inventory %s", device, c.path)
	}
	d := c.devices[i]
	switch {
	case vlan < MinVLAN || vlan > MaxVLAN:
		return fault.New(fault.Invalid, "VLAN %d is out of range %d-%d", vlan, MinVLAN, MaxVLAN).WithDevice(device)
	case !c.server.AllowedVLANs.Contains(vlan):
		return fault.New(fault.Denied, "VLAN %d is not in server.allowed_vlans (%s)", vlan, c.server.AllowedVLANs).WithDevice(device)
	case c.server.DeniedVLANs.Contains(vlan):
		return fault.New(fault.Denied, "VLAN %d is in server.denied_vlans (%s)", vlan, c.server.DeniedVLANs).WithDevice(device)
	case !d.AllowedVLANs.Contains(vlan):
		return fault.New(fault.Denied, "VLAN %d is not in devices.%s.allowed_vlans (%s)", vlan, device, d.AllowedVLANs).WithDevice(device)
	case d.DeniedVLANs.Contains(vlan):
		return fault.New(fault.Denied, "VLAN %d is in devices.%s.denied_vlans (%s)", vlan, device, d.DeniedVLANs).WithDevice(device)
	}
	return nil
}
