package inventory

import (
	"crypto/tls"
	"log/slog"
	"time"
)

// Every default lives in this file. docs/configuration.md lists the same
// values; a test keeps the two in step.
const (
	defaultListen      = "127.0.0.1:8089"
	defaultDeadline    = 60 * time.Second
	defaultDriversDir  = "build/drivers" // relative to the working directory
	defaultCacheDir    = "/var/cache/mercury"
	defaultLockDir     = "/run/mercury/locks"
	defaultKnownHosts  = "/etc/mercury/known_hosts"
	defaultSSHPort     = 22
	defaultMaxSessions = 2
	defaultVXLANVLANs  = "3000-3999"
	defaultLAGRange    = "1-128"

	// deadlineLimit is the first refused server.deadline: Ironic's JSON-RPC
	// client gives up after 120 s, and the reply needs time to travel.
	deadlineLimit = 110 * time.Second
	minDeadline   = time.Second

	maxSessionsLimit = 16
	maxNameLen       = 64
	maxLAGID         = 65535
)

// defaultServer returns the server settings before the file is read.
func defaultServer() Server {
	return Server{
		Listen:       defaultListen,
		TLS:          TLS{MinVersion: tls.VersionTLS13},
		Auth:         Auth{Strategy: NoAuth},
		Deadline:     defaultDeadline,
		DriversDir:   defaultDriversDir,
		CacheDir:     defaultCacheDir,
		LockDir:      defaultLockDir,
		KnownHosts:   defaultKnownHosts,
		AllowedVLANs: AllVLANs(),
		LogLevel:     slog.LevelInfo,
	}
}

// defaultDevice returns a device's settings before its entry is read.
func defaultDevice() Device {
	vx, _ := ParseVLANSet(defaultVXLANVLANs)
	lags, _ := parseSpan(defaultLAGRange, 1, maxLAGID, "LAG id")
	return Device{
		Port:         defaultSSHPort,
		ManageVLANs:  true,
		AllowedVLANs: AllVLANs(),
		SaveConfig:   SaveAlways,
		MaxSessions:  defaultMaxSessions,
		VXLANVLANs:   vx,
		LAGRange:     Range{lags.lo, lags.hi},
	}
}
