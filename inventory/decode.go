package inventory

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// decode reads the merged configuration tree into the model, reporting
// every problem. dir is the directory relative paths are resolved against.
func decode(r *report, raw map[string]any, dir string) (Server, []Device) {
	root := newObj(r, "", "", raw)
	sv, _ := root.take("server")
	srv := decodeServer(r, sv, dir)
	var devices []Device
	if list, ok := root.list("devices"); ok {
		devices = decodeDevices(r, list, dir, srv)
	}
	if len(devices) == 0 && r.errorCount() == 0 {
		r.add(Warning, "devices", "", "", "no devices are configured; every call will answer not found", "add a devices: list")
	}
	root.finish()
	return srv, devices
}

// path reads a file or directory path and resolves it against dir. check,
// when not nil, validates the resolved path.
func (o *obj) path(k, dir string, check func(string) (string, string)) (string, bool) {
	v, ok := o.str(k)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(v) == "" {
		o.fail(k, v, "is empty", "write a path, or remove the key to use the default")
		return "", false
	}
	p, msg, fix := resolvePath(dir, v)
	if msg == "" && check != nil {
		msg, fix = check(p)
	}
	if msg != "" {
		o.fail(k, v, msg, fix)
		return "", false
	}
	return p, true
}

func decodeServer(r *report, v any, dir string) Server {
	s := defaultServer()
	o := newObj(r, "server", "server", v)

	listenHost, _, _ := checkListen(s.Listen)
	if v, ok := o.str("listen"); ok {
		if h, msg, fix := checkListen(v); msg != "" {
			o.fail("listen", v, msg, fix)
		} else {
			s.Listen, listenHost = v, h
		}
	}

	t := o.child("tls")
	s.TLS.CertFile, _ = t.path("cert_file", dir, checkFile)
	s.TLS.KeyFile, _ = t.path("key_file", dir, checkPrivateFile)
	s.TLS.ClientCAFile, _ = t.path("client_ca_file", dir, checkFile)
	if v, ok := t.take("min_version"); ok {
		switch fmt.Sprint(v) {
		case "1.3":
			s.TLS.MinVersion = tls.VersionTLS13
		case "1.2":
			s.TLS.MinVersion = tls.VersionTLS12
		default:
			t.fail("min_version", v, "is not a supported TLS version", `write "1.3" (the default) or "1.2"`)
		}
	}
	if t.has("min_version") && !t.has("cert_file") {
		t.warn("min_version", nil, "is ignored: TLS is off (no cert_file)", "set cert_file and key_file, or remove min_version")
	}
	for _, pair := range [][2]string{{"cert_file", "key_file"}, {"key_file", "cert_file"}} {
		if t.has(pair[0]) && !t.has(pair[1]) {
			t.fail(pair[1], nil, "is missing; TLS needs both cert_file and key_file", "set "+pair[1]+", or remove "+pair[0]+" to serve plain HTTP")
		}
	}
	t.finish()

	a := o.child("auth")
	strategyGiven := false
	if v, ok := a.str("strategy"); ok {
		switch st := AuthStrategy(v); st {
		case NoAuth, HTTPBasic, MTLS:
			s.Auth.Strategy, strategyGiven = st, true
		default:
			a.fail("strategy", v, "is not an authentication strategy", "write noauth, http_basic or mtls")
		}
	}
	htpasswdGiven := a.has("htpasswd_file")
	s.Auth.HtpasswdFile, _ = a.path("htpasswd_file", dir, checkFile)
	if b, ok := o.boolean("allow_noauth_remote"); ok {
		s.AllowNoauthRemote = b
	}
	switch s.Auth.Strategy {
	case HTTPBasic:
		if !htpasswdGiven {
			a.fail("htpasswd_file", nil, "is required when auth.strategy is http_basic",
				"create one with `htpasswd -B -c FILE USER` and set its path")
		}
		if !t.has("cert_file") && !isLoopback(listenHost) {
			o.warn("listen", s.Listen, "http_basic without TLS sends passwords in clear on a non-loopback address",
				"set server.tls.cert_file and server.tls.key_file")
		}
	case MTLS:
		if !t.has("cert_file") {
			a.fail("strategy", string(MTLS), "needs TLS", "set server.tls.cert_file and server.tls.key_file")
		}
		if !t.has("client_ca_file") {
			t.fail("client_ca_file", nil, "is required when auth.strategy is mtls",
				"set it to the CA certificate that signs the callers' client certificates")
		}
	case NoAuth:
		if !isLoopback(listenHost) && !s.AllowNoauthRemote {
			msg := fmt.Sprintf("accepts calls from anyone, and %s is not a loopback address", s.Listen)
			if !strategyGiven {
				msg = "(the default) " + msg
			}
			a.fail("strategy", string(NoAuth), msg,
				"set server.auth.strategy to http_basic or mtls, or listen on 127.0.0.1, or set server.allow_noauth_remote: true on a trusted network")
		}
	}
	if list, ok := a.list("callers"); ok {
		s.Auth.Callers = decodeCallers(a, list)
	}
	if htpasswdGiven && s.Auth.Strategy != HTTPBasic {
		a.warn("htpasswd_file", nil, fmt.Sprintf("is ignored: auth.strategy is %s", s.Auth.Strategy), "remove it, or set auth.strategy: http_basic")
	}
	if t.has("client_ca_file") && s.Auth.Strategy != MTLS {
		t.warn("client_ca_file", nil, fmt.Sprintf("is ignored: auth.strategy is %s, so no client certificate is requested", s.Auth.Strategy),
			"remove it, or set auth.strategy: mtls")
	}
	if s.AllowNoauthRemote && s.Auth.Strategy != NoAuth {
		o.warn("allow_noauth_remote", true, fmt.Sprintf("is ignored: auth.strategy is %s", s.Auth.Strategy), "remove it")
	}
	a.finish()

	if d, ok := o.duration("deadline"); ok {
		switch written := o.m["deadline"]; {
		case d >= deadlineLimit:
			o.fail("deadline", written, fmt.Sprintf("must be below %s: Ironic's JSON-RPC client gives up after 120s, so a longer deadline lets a change finish after Ironic has reported it failed", formatDuration(deadlineLimit)),
				"keep the default 60s, or anything from 1s up to 109s")
		case d < minDeadline:
			o.fail("deadline", written, "is shorter than 1s, too short to log in to a device", "keep the default 60s")
		default:
			s.Deadline = d
		}
	}
	ws := o.child("websocket")
	if n, ok := ws.integer("max_connections", 1, 100000, "write how many /ws connections may be open at once, e.g. 64"); ok {
		s.WebSocket.MaxConnections = n
	}
	if n, ok := ws.integer("max_in_flight", 1, 1024, "write how many calls may run at once on one connection, e.g. 8"); ok {
		s.WebSocket.MaxInFlight = n
	}
	if n, ok := ws.integer("max_queued", 1, 4096, "write how many calls may wait on one connection, e.g. 16"); ok {
		s.WebSocket.MaxQueued = n
	}
	for _, b := range []struct {
		key    string
		lo, hi time.Duration
		to     *time.Duration
	}{{"ping_interval", time.Second, 10 * time.Minute, &s.WebSocket.PingInterval}, {"idle_timeout", time.Minute, 24 * time.Hour, &s.WebSocket.IdleTimeout}} {
		if d, ok := ws.duration(b.key); ok {
			if d < b.lo || d > b.hi {
				ws.fail(b.key, ws.m[b.key], fmt.Sprintf("is outside %s-%s", formatDuration(b.lo), formatDuration(b.hi)), "keep the default, or write a duration in that range")
			} else {
				*b.to = d
			}
		}
	}
	ws.finish()
	if p, ok := o.path("drivers_dir", dir, nil); ok {
		s.DriversDir = p
	}
	if v, ok := o.str("cache_dir"); ok {
		if v == "" {
			s.CacheDir = "" // explicitly off
		} else if p, msg, fix := resolvePath(dir, v); msg != "" {
			o.fail("cache_dir", v, msg, fix)
		} else {
			s.CacheDir = p
		}
	}
	if p, ok := o.path("lock_dir", dir, nil); ok {
		s.LockDir = p
	}
	if p, ok := o.path("known_hosts", dir, nil); ok {
		s.KnownHosts = p
	}
	if set, ok := o.vlans("allowed_vlans"); ok {
		s.AllowedVLANs = set
	}
	if set, ok := o.vlans("denied_vlans"); ok {
		s.DeniedVLANs = set
	}
	if s.AllowedVLANs.Minus(s.DeniedVLANs).IsEmpty() {
		o.fail("denied_vlans", s.DeniedVLANs.String(), "denies every VLAN that allowed_vlans allows", "narrow denied_vlans")
	}
	if v, ok := o.str("log_level"); ok {
		switch strings.ToLower(v) {
		case "debug":
			s.LogLevel = slog.LevelDebug
		case "info":
			s.LogLevel = slog.LevelInfo
		case "warn", "warning":
			s.LogLevel = slog.LevelWarn
		case "error":
			s.LogLevel = slog.LevelError
		default:
			o.fail("log_level", v, "is not a log level", "write debug, info, warn or error")
		}
	}
	o.finish()
	return s
}

var (
	driverNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	optionKeyRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// decodeDevices reads the devices list and checks what spans devices:
// unique names and MACs, uplinks, known_hosts files.
func decodeDevices(r *report, list []any, dir string, srv Server) []Device {
	var (
		out       []Device
		names     = map[string]int{} // name → index in list
		macs      = map[string]string{}
		uplinkKey = map[string]string{} // device name → key of its uplink.device
	)
	for i, v := range list {
		alias := fmt.Sprintf("devices[%d]", i)
		o := newObj(r, alias, alias, v)
		if o.m == nil {
			if v == nil {
				r.add(Error, alias, alias, "", "is empty", "remove the empty `-` item")
			}
			continue
		}
		d, ok := decodeDevice(o, i, names, macs, dir, srv)
		o.finish()
		if ok {
			if !d.Uplink.IsZero() {
				uplinkKey[d.Name] = o.key + ".uplink.device"
			}
			out = append(out, d)
		}
	}

	// Uplinks name another device, and never loop.
	byName := map[string]*Device{}
	for i := range out {
		byName[out[i].Name] = &out[i]
	}
	for i := range out {
		d := &out[i]
		if d.Uplink.IsZero() {
			continue
		}
		key := uplinkKey[d.Name]
		alias := fmt.Sprintf("devices[%d].uplink.device", names[d.Name])
		switch up, ok := byName[d.Uplink.Device]; {
		case d.Uplink.Device == d.Name:
			r.add(Error, key, alias, strconv.Quote(d.Uplink.Device), "names the device itself", "name the switch the DPU is cabled to")
		case !ok:
			r.add(Error, key, alias, strconv.Quote(d.Uplink.Device), "names no device of the inventory", "add the switch to devices, or correct the name")
		default:
			for seen, cur := map[string]bool{d.Name: true}, up; cur != nil && !cur.Uplink.IsZero(); cur = byName[cur.Uplink.Device] {
				if seen[cur.Name] {
					r.add(Error, key, alias, strconv.Quote(d.Uplink.Device), "makes a loop of uplinks", "an uplink must lead to a switch that has no uplink")
					break
				}
				seen[cur.Name] = true
			}
		}
	}

	// Every known_hosts file in use must exist; report each missing file once.
	type use struct {
		key, alias string
		users      []string
	}
	uses := map[string]*use{}
	var order []string
	for _, d := range out {
		if d.InsecureIgnoreHostKey || d.KnownHosts == "" {
			continue
		}
		u, ok := uses[d.KnownHosts]
		if !ok {
			u = &use{key: "server.known_hosts", alias: "server.known_hosts"}
			if d.KnownHosts != srv.KnownHosts {
				u.key = "devices." + d.Name + ".known_hosts"
				u.alias = fmt.Sprintf("devices[%d].known_hosts", names[d.Name])
			}
			uses[d.KnownHosts] = u
			order = append(order, d.KnownHosts)
		}
		u.users = append(u.users, d.Name)
	}
	for _, p := range order {
		u := uses[p]
		if msg, _ := checkFile(p); msg != "" {
			r.add(Error, u.key, u.alias, strconv.Quote(p), fmt.Sprintf("%s (devices %s check host keys against it)", msg, strings.Join(u.users, ", ")),
				"collect each device's host key (ssh-keyscan -p PORT ADDRESS >> "+p+", then compare the fingerprints with the device console), or set insecure_ignore_host_key: true on a lab device")
		}
	}
	return out
}

// decodeDevice reads one device entry. It returns false when the entry is
// too broken to keep (no usable name).
func decodeDevice(o *obj, i int, names map[string]int, macs map[string]string, dir string, srv Server) (Device, bool) {
	d := defaultDevice()

	name, ok := o.str("name")
	switch {
	case !o.has("name"):
		o.fail("name", nil, "is missing", "give every device a unique name of letters, digits, '.', '_' and '-'")
	case !ok:
	case !validName(name):
		o.fail("name", name, "is not a valid device name", "use 1-64 letters, digits, '.', '_' and '-'")
		ok = false
	default:
		if j, dup := names[name]; dup {
			o.fail("name", name, fmt.Sprintf("is already the name of devices[%d]", j), "give every device a unique name")
			ok = false
		} else {
			names[name] = i
			o.key = "devices." + name
		}
	}
	d.Name = name
	keep := ok

	if v, ok := o.str("mac"); ok {
		if mac, good := normaliseMAC(v); !good {
			o.fail("mac", v, "is not a MAC address", `write the switch's chassis MAC (LLDP chassis id), such as "aa:bb:cc:dd:ee:ff"`)
		} else if other, dup := macs[mac]; dup {
			o.fail("mac", v, "is already the mac of "+other, "each device needs its own chassis MAC; remove one")
		} else {
			macs[mac] = o.key
			d.MAC = mac
		}
	}

	if v, ok := o.str("driver"); ok {
		if !driverNameRE.MatchString(v) {
			fix := "write the driver's name: lower-case letters, digits, '-' and '_' (its module is DRIVERS_DIR/NAME.wasm)"
			if drv, found := driverForDeviceType(v); found {
				fix = "write " + drv + " (the Mercury driver for NGS device_type " + v + ")"
			}
			o.fail("driver", v, "is not a driver name", fix)
		} else {
			if drv, found := driverForDeviceType(v); found && drv != v {
				o.fail("driver", v, "is an NGS device_type, not a driver name", "write "+drv)
			}
			d.Driver = v
		}
	} else if !o.has("driver") {
		o.fail("driver", nil, "is missing", "name the driver that speaks to the device, such as cisco-nxos or ovs")
	}

	if v, ok := o.str("address"); ok {
		if msg, fix := checkAddress(v); msg != "" {
			o.fail("address", v, msg, fix)
		} else {
			d.Address = v
		}
	} else if !o.has("address") {
		o.fail("address", nil, "is missing", "write the device's management IP address or DNS name")
	}
	if n, ok := o.integer("port", 1, 65535, "write the device's SSH port (default 22)"); ok {
		d.Port = n
	}

	if v, ok := o.str("username"); ok {
		if v == "" || strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			o.fail("username", v, "is empty or contains spaces or control characters", "write the login name")
		} else {
			d.Username = v
		}
	} else if !o.has("username") {
		o.fail("username", nil, "is missing", "write the login name Mercury uses on the device")
	}
	d.PasswordFile, _ = o.path("password_file", dir, checkSecretFile)
	d.KeyFile, _ = o.path("key_file", dir, checkSecretFile)
	d.EnableSecretFile, _ = o.path("enable_secret_file", dir, checkSecretFile)
	if !o.has("password_file") && !o.has("key_file") {
		o.fail("password_file", nil, "is missing, and so is key_file", "set key_file (an SSH private key) or password_file (a file holding the password), mode 0600")
	}

	kh, khGiven := o.path("known_hosts", dir, nil)
	if b, ok := o.boolean("insecure_ignore_host_key"); ok {
		d.InsecureIgnoreHostKey = b
	}
	switch {
	case d.InsecureIgnoreHostKey && o.has("known_hosts"):
		o.fail("known_hosts", nil, "is set together with insecure_ignore_host_key: true", "remove one of the two")
	case d.InsecureIgnoreHostKey:
		d.KnownHosts = ""
	case khGiven:
		d.KnownHosts = kh
	case !o.has("known_hosts"):
		d.KnownHosts = srv.KnownHosts
	}

	idleGiven := false
	if n, ok := o.integer("idle_vlan", MinVLAN, MaxVLAN, "write a VLAN id 1-4094, or remove the key so detached ports are shut"); ok {
		d.IdleVLAN, idleGiven = n, true
	}
	if b, ok := o.boolean("manage_vlans"); ok {
		d.ManageVLANs = b
	}
	if set, ok := o.vlans("allowed_vlans"); ok {
		d.AllowedVLANs = set
	}
	if set, ok := o.vlans("denied_vlans"); ok {
		d.DeniedVLANs = set
	}
	if idleGiven {
		permitted := srv.AllowedVLANs.Intersect(d.AllowedVLANs).Minus(srv.DeniedVLANs).Minus(d.DeniedVLANs)
		if !permitted.Contains(d.IdleVLAN) {
			o.fail("idle_vlan", d.IdleVLAN, "is not permitted by the allowed_vlans and denied_vlans policy, so detached ports could never return to it",
				"choose a permitted VLAN, or allow this one")
		}
	}

	if ports, ok := o.strItems("protected_ports"); ok {
		seen := map[string]bool{}
		for _, it := range ports {
			p, k := it.s, fmt.Sprintf("protected_ports[%d]", it.i)
			if msg := checkPortName(p); msg != "" {
				o.fail(k, p, msg, "write the port as the device names it, such as Ethernet1/1")
				continue
			}
			if seen[p] {
				o.warn(k, p, "is listed twice", "remove the duplicate")
				continue
			}
			seen[p] = true
			d.ProtectedPorts = append(d.ProtectedPorts, p)
		}
	}

	if rules, ok := o.list("port_name_rewrite"); ok {
		for j, rv := range rules {
			k := fmt.Sprintf("port_name_rewrite[%d]", j)
			ro := newObj(o.r, o.key+"."+k, o.alias+"."+k, rv)
			if ro.m == nil {
				if rv == nil {
					o.fail(k, nil, "is empty", "write {match: ..., replace: ...}, or remove the item")
				}
				continue
			}
			if rw, ok := decodeRewrite(ro); ok {
				d.PortNameRewrite = append(d.PortNameRewrite, rw)
			}
			ro.finish()
		}
	}

	if v, ok := o.str("save_config"); ok {
		switch m := SaveMode(v); m {
		case SaveAlways, SaveDeferred, SaveNever:
			d.SaveConfig = m
		default:
			o.fail("save_config", v, "is not a save mode", "write always (the default), deferred or never")
		}
	}
	if n, ok := o.integer("max_sessions", 1, maxSessionsLimit, "write 1-16 (default 2); many switch CLIs allow only a few sessions"); ok {
		d.MaxSessions = n
	}
	d.SSHAlgorithms = decodeAlgorithms(o.child("ssh_algorithms"))

	if set, ok := o.vlans("vxlan_vlan_range"); ok {
		d.VXLANVLANs = set
	}
	if v, ok := o.take("lag_range"); ok {
		sp, err := parseSpan(fmt.Sprint(v), 1, maxLAGID, "LAG id")
		if err != nil {
			o.fail("lag_range", v, err.Error(), `write the LAG ids the driver may use, such as "1-128"`)
		} else {
			d.LAGRange = Range{sp.lo, sp.hi}
		}
	}

	d.Options = decodeOptions(o.child("options"))

	u := o.child("uplink")
	if u.m != nil {
		dev, devOK := u.str("device")
		port, portOK := u.str("port")
		if !devOK {
			u.fail("device", nil, "is missing", "name the switch (a device of the inventory) the DPU is cabled to")
		}
		if !portOK {
			u.fail("port", nil, "is missing", "name the switch port the DPU is cabled to")
		} else if msg := checkPortName(port); msg != "" {
			u.fail("port", port, msg, "write the port as the switch names it")
			portOK = false
		}
		if devOK && portOK {
			d.Uplink = Uplink{Device: dev, Port: port}
		}
	}
	u.finish()
	return d, keep
}

// decodeRewrite reads one {match, replace} rule, compiles the expression and
// checks that every group the replacement names exists.
func decodeRewrite(o *obj) (Rewrite, bool) {
	match, mOK := o.str("match")
	replace, rOK := o.str("replace")
	if !o.has("match") {
		o.fail("match", nil, "is missing", `write a regular expression, such as "^Eth(\\d+)/(\\d+)$"`)
	}
	if !o.has("replace") {
		o.fail("replace", nil, "is missing", `write the replacement, such as "Ethernet$1/$2"`)
	}
	if !mOK || !rOK {
		return Rewrite{}, false
	}
	re, err := regexp.Compile(match)
	if err != nil {
		o.fail("match", match, "is not a valid regular expression: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "),
			"use Go (RE2) syntax: no look-around or back-references")
		return Rewrite{}, false
	}
	if msg, fix := checkTemplate(replace, re); msg != "" {
		o.fail("replace", replace, msg, fix)
		return Rewrite{}, false
	}
	return Rewrite{re: re, replace: replace}, true
}

// checkTemplate checks the $1, ${1}, $name and ${name} references of a
// regexp replacement against the expression's groups. Go reads "$1x" as the
// group named "1x", a common slip.
func checkTemplate(tmpl string, re *regexp.Regexp) (msg, fix string) {
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] != '$' {
			continue
		}
		i++
		if i >= len(tmpl) {
			return "ends with a lone $", "write $$ for a literal dollar sign"
		}
		if tmpl[i] == '$' {
			continue
		}
		var name string
		braced := tmpl[i] == '{'
		if braced {
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "has an unclosed ${", "close it with }"
			}
			name, i = tmpl[i+1:i+end], i+end
		} else {
			j := i
			for j < len(tmpl) && (isAlnum(tmpl[j]) || tmpl[j] == '_') {
				j++
			}
			name, i = tmpl[i:j], j-1
		}
		if name == "" {
			return "has a $ that names no group", "write $1, ${1} or ${name}; $$ for a literal dollar sign"
		}
		if n, err := strconv.Atoi(name); err == nil {
			if n > re.NumSubexp() {
				return fmt.Sprintf("refers to group %d, but match has %d groups", n, re.NumSubexp()), "add the group to match, or correct the number"
			}
			continue
		}
		if !slices.Contains(re.SubexpNames(), name) {
			if !braced && name[0] >= '0' && name[0] <= '9' {
				digits := name[:len(name)-len(strings.TrimLeft(name, "0123456789"))]
				return fmt.Sprintf("refers to a group named %q ($%s is read as one name)", name, name),
					fmt.Sprintf("write ${%s}%s", digits, name[len(digits):])
			}
			return fmt.Sprintf("refers to group %q, which match does not define", name), "name the group in match with (?P<" + name + ">...)"
		}
	}
	return "", ""
}

// decodeAlgorithms reads ssh_algorithms, checking each name against what the
// SSH client implements; legacy algorithms are allowed with a warning.
func decodeAlgorithms(o *obj) SSHAlgorithms {
	supported, insecure := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	read := func(k string, good, weak []string) []string {
		names, ok := o.strItems(k)
		if !ok {
			return nil
		}
		var out []string
		for _, it := range names {
			n, ik := it.s, fmt.Sprintf("%s[%d]", k, it.i)
			switch {
			case slices.Contains(good, n):
			case slices.Contains(weak, n):
				o.warn(ik, n, "is a legacy algorithm with known weaknesses", "keep it only for a device that offers nothing better")
			default:
				o.fail(ik, n, "is not an algorithm the SSH client implements", "use one of: "+strings.Join(slices.Concat(good, weak), ", "))
				continue
			}
			out = append(out, n)
		}
		return out
	}
	a := SSHAlgorithms{
		KEX:      read("kex", supported.KeyExchanges, insecure.KeyExchanges),
		Ciphers:  read("ciphers", supported.Ciphers, insecure.Ciphers),
		MACs:     read("macs", supported.MACs, insecure.MACs),
		HostKeys: read("host_keys", supported.HostKeys, insecure.HostKeys),
	}
	o.finish()
	return a
}

// decodeOptions reads a device's driver options: flat, non-secret strings.
func decodeOptions(o *obj) map[string]string {
	if len(o.m) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		v, _ := o.take(k)
		switch {
		case !optionKeyRE.MatchString(k):
			o.fail(k, nil, "is not an option name", "use lower-case letters, digits and '_', starting with a letter")
			continue
		case slices.Contains(settingNames(), k) || slices.Contains(deviceKeys(), k):
			o.fail(k, nil, "is a device key, not an option", "set it as a device key instead of under options")
			continue
		case looksSecret(k):
			o.fail(k, nil, "looks like a secret; options are passed to the driver and may be logged",
				"put secrets in files: password_file, key_file or enable_secret_file")
			continue
		}
		switch x := v.(type) {
		case string:
			if strings.IndexFunc(x, isControl) >= 0 {
				o.fail(k, v, "contains control characters", "options are single-line strings")
				continue
			}
			out[k] = x
		case bool, int, int64, uint64, float64:
			out[k] = fmt.Sprint(x)
		case nil:
			out[k] = ""
		default:
			o.fail(k, v, "must be a single value", "write a string; options are flat")
		}
	}
	return out
}

// deviceKeys are the keys of a device entry; no option may take one of
// these names, so that a driver never reads, say, an "address" option and
// takes it for the device's.
func deviceKeys() []string {
	return []string{"name", "mac", "driver", "address", "port", "username", "password_file", "key_file",
		"enable_secret_file", "known_hosts", "insecure_ignore_host_key", "idle_vlan", "manage_vlans",
		"allowed_vlans", "denied_vlans", "protected_ports", "port_name_rewrite", "save_config", "max_sessions",
		"ssh_algorithms", "vxlan_vlan_range", "lag_range", "options", "uplink"}
}

// decodeCallers reads server.auth.callers: per-caller rules by identity.
func decodeCallers(a *obj, list []any) []CallerPolicy {
	var out []CallerPolicy
	seen := map[string]bool{}
	for i, v := range list {
		key := fmt.Sprintf("%s.callers[%d]", a.key, i)
		o := newObj(a.r, key, key, v)
		if o.m == nil {
			a.r.add(Error, key, key, "", "is empty", "remove the empty `-` item")
			continue
		}
		p := CallerPolicy{Index: i}
		if id, ok := o.str("identity"); ok && id != "" {
			p.Identity = id
		} else {
			o.fail("identity", nil, "is required", `write the caller's basic-auth user name, or its certificate subject such as "CN=ironic-conductor,O=Example"`)
		}
		if seen[p.Identity] && p.Identity != "" {
			o.fail("identity", p.Identity, "is listed twice", "merge the two entries")
		}
		seen[p.Identity] = true
		if b, ok := o.boolean("operator"); ok {
			p.Operator = b
		}
		if devs, ok := o.strList("devices"); ok {
			p.Devices = devs
		}
		if set, ok := o.vlans("vlans"); ok {
			p.VLANs = set
		}
		o.finish()
		out = append(out, p)
	}
	return out
}
