package inventory

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fileConfig is the YAML file's shape, used to write YAML: the canonical
// dump of a loaded Config, and the translation of an ini file. Reading goes
// through koanf and the checks in decode.go instead, which report every
// problem with its path.
type fileConfig struct {
	Server  *fileServer  `yaml:"server,omitempty"`
	Devices []fileDevice `yaml:"devices"`
}

type fileServer struct {
	Listen            string   `yaml:"listen"`
	TLS               *fileTLS `yaml:"tls,omitempty"`
	Auth              fileAuth `yaml:"auth"`
	AllowNoauthRemote bool     `yaml:"allow_noauth_remote"`
	Deadline          string   `yaml:"deadline"`
	DriversDir        string   `yaml:"drivers_dir,omitempty"`
	CacheDir          string   `yaml:"cache_dir"`
	LockDir           string   `yaml:"lock_dir"`
	KnownHosts        string   `yaml:"known_hosts"`
	AllowedVLANs      string   `yaml:"allowed_vlans"`
	DeniedVLANs       string   `yaml:"denied_vlans,omitempty"`
	LogLevel          string   `yaml:"log_level"`
	WebSocket         *fileWS  `yaml:"websocket,omitempty"`
}

type fileWS struct {
	MaxConnections int    `yaml:"max_connections,omitempty"`
	MaxInFlight    int    `yaml:"max_in_flight,omitempty"`
	MaxQueued      int    `yaml:"max_queued,omitempty"`
	PingInterval   string `yaml:"ping_interval,omitempty"`
	IdleTimeout    string `yaml:"idle_timeout,omitempty"`
}

type fileTLS struct {
	CertFile     string `yaml:"cert_file"`
	KeyFile      string `yaml:"key_file"`
	ClientCAFile string `yaml:"client_ca_file,omitempty"`
	MinVersion   string `yaml:"min_version"`
}

type fileAuth struct {
	Strategy     string `yaml:"strategy"`
	HtpasswdFile string `yaml:"htpasswd_file,omitempty"`
}

// fileDevice holds numbers and booleans as any: the ini translation passes
// a value it cannot read through as written, so that the checks report it
// with its ini line.
type fileDevice struct {
	Name                  string            `yaml:"name"`
	MAC                   string            `yaml:"mac,omitempty"`
	Driver                string            `yaml:"driver"`
	Address               string            `yaml:"address,omitempty"`
	Port                  any               `yaml:"port,omitempty"`
	Username              string            `yaml:"username,omitempty"`
	PasswordFile          string            `yaml:"password_file,omitempty"`
	KeyFile               string            `yaml:"key_file,omitempty"`
	EnableSecretFile      string            `yaml:"enable_secret_file,omitempty"`
	KnownHosts            string            `yaml:"known_hosts,omitempty"`
	InsecureIgnoreHostKey bool              `yaml:"insecure_ignore_host_key,omitempty"`
	IdleVLAN              any               `yaml:"idle_vlan,omitempty"`
	ManageVLANs           any               `yaml:"manage_vlans,omitempty"`
	AllowedVLANs          string            `yaml:"allowed_vlans,omitempty"`
	DeniedVLANs           string            `yaml:"denied_vlans,omitempty"`
	ProtectedPorts        []string          `yaml:"protected_ports,omitempty"`
	PortNameRewrite       []fileRewrite     `yaml:"port_name_rewrite,omitempty"`
	SaveConfig            string            `yaml:"save_config,omitempty"`
	MaxSessions           any               `yaml:"max_sessions,omitempty"`
	SSHAlgorithms         *fileAlgorithms   `yaml:"ssh_algorithms,omitempty"`
	VXLANVLANRange        string            `yaml:"vxlan_vlan_range,omitempty"`
	LAGRange              string            `yaml:"lag_range,omitempty"`
	Options               map[string]string `yaml:"options,omitempty"`
	Uplink                *fileUplink       `yaml:"uplink,omitempty"`
}

type fileRewrite struct {
	Match   string `yaml:"match"`
	Replace string `yaml:"replace"`
}

type fileAlgorithms struct {
	KEX      []string `yaml:"kex,omitempty"`
	Ciphers  []string `yaml:"ciphers,omitempty"`
	MACs     []string `yaml:"macs,omitempty"`
	HostKeys []string `yaml:"host_keys,omitempty"`
}

type fileUplink struct {
	Device string `yaml:"device"`
	Port   string `yaml:"port"`
}

// YAML renders the configuration as it was loaded, with every default
// filled in and every path absolute: what `mercury config check
// --print-yaml` shows. Secret files appear by path only. The one exception
// is the default drivers_dir, which is relative to the working directory
// and so is left out. Loading the output again gives the same Config.
func (c *Config) YAML() []byte {
	s := c.server
	fs := &fileServer{
		Listen:            s.Listen,
		Auth:              fileAuth{Strategy: string(s.Auth.Strategy), HtpasswdFile: s.Auth.HtpasswdFile},
		AllowNoauthRemote: s.AllowNoauthRemote,
		Deadline:          formatDuration(s.Deadline),
		DriversDir:        s.DriversDir,
		CacheDir:          s.CacheDir,
		LockDir:           s.LockDir,
		KnownHosts:        s.KnownHosts,
		AllowedVLANs:      s.AllowedVLANs.String(),
		DeniedVLANs:       s.DeniedVLANs.String(),
		LogLevel:          strings.ToLower(s.LogLevel.String()),
	}
	if s.TLS.Enabled() {
		fs.TLS = &fileTLS{CertFile: s.TLS.CertFile, KeyFile: s.TLS.KeyFile, ClientCAFile: s.TLS.ClientCAFile, MinVersion: "1.3"}
		if s.TLS.MinVersion == tls.VersionTLS12 {
			fs.TLS.MinVersion = "1.2"
		}
	}
	if w := s.WebSocket; w != (WebSocket{}) {
		fs.WebSocket = &fileWS{MaxConnections: w.MaxConnections, MaxInFlight: w.MaxInFlight, MaxQueued: w.MaxQueued}
		if w.PingInterval != 0 {
			fs.WebSocket.PingInterval = formatDuration(w.PingInterval)
		}
		if w.IdleTimeout != 0 {
			fs.WebSocket.IdleTimeout = formatDuration(w.IdleTimeout)
		}
	}
	if !filepath.IsAbs(fs.DriversDir) {
		// Only the default is relative, and it is relative to the working
		// directory, not to the file: leave it out so that loading the
		// output again keeps that meaning.
		fs.DriversDir = ""
	}
	out := fileConfig{Server: fs, Devices: []fileDevice{}}
	for _, d := range c.devices {
		fd := fileDevice{
			Name: d.Name, MAC: d.MAC, Driver: d.Driver, Address: d.Address, Port: d.Port,
			Username: d.Username, PasswordFile: d.PasswordFile, KeyFile: d.KeyFile, EnableSecretFile: d.EnableSecretFile,
			InsecureIgnoreHostKey: d.InsecureIgnoreHostKey,
			ManageVLANs:           d.ManageVLANs,
			AllowedVLANs:          d.AllowedVLANs.String(),
			DeniedVLANs:           d.DeniedVLANs.String(),
			ProtectedPorts:        d.ProtectedPorts,
			SaveConfig:            string(d.SaveConfig),
			MaxSessions:           d.MaxSessions,
			VXLANVLANRange:        d.VXLANVLANs.String(),
			LAGRange:              d.LAGRange.String(),
			Options:               maps.Clone(d.Options),
		}
		if d.KnownHosts != s.KnownHosts {
			fd.KnownHosts = d.KnownHosts
		}
		if d.IdleVLAN != 0 {
			fd.IdleVLAN = d.IdleVLAN
		}
		for _, r := range d.PortNameRewrite {
			fd.PortNameRewrite = append(fd.PortNameRewrite, fileRewrite{r.Match(), r.Replace()})
		}
		if a := d.SSHAlgorithms; !a.IsZero() {
			fd.SSHAlgorithms = &fileAlgorithms{a.KEX, a.Ciphers, a.MACs, a.HostKeys}
		}
		if !d.Uplink.IsZero() {
			fd.Uplink = &fileUplink{d.Uplink.Device, d.Uplink.Port}
		}
		out.Devices = append(out.Devices, fd)
	}
	b, err := marshalYAML(out, nil, "")
	if err != nil {
		// The model holds only strings, numbers, booleans, lists and maps.
		panic(fmt.Sprintf("inventory: rendering YAML: %v", err))
	}
	return b
}

// formatDuration writes whole seconds as "60s" rather than "1m0s".
func formatDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// marshalYAML renders fc with two-space indentation, a header comment, and
// a comment above each device (comments[i], when given).
func marshalYAML(fc fileConfig, comments []string, header string) ([]byte, error) {
	var doc yaml.Node
	if err := doc.Encode(fc); err != nil {
		return nil, err
	}
	doc.HeadComment = header
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "devices" {
			continue
		}
		for j, item := range doc.Content[i+1].Content {
			if j < len(comments) {
				item.HeadComment = comments[j]
			}
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
