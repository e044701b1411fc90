package inventory

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ngsDriver pairs an NGS device_type with the Mercury driver that replaces
// it.
type ngsDriver struct{ deviceType, driver string }

// ngsDrivers is the device_type → driver table. docs/configuration.md
// carries the same table; a test keeps them in step.
func ngsDrivers() []ngsDriver {
	return []ngsDriver{
		{"netmiko_arista_eos", "arista-eos"},
		{"netmiko_aruba_aoscx", "aruba-aoscx"},
		{"netmiko_cisco_ios", "cisco-ios"},
		{"netmiko_cisco_nxos", "cisco-nxos"},
		{"netmiko_cumulus_nvue", "cumulus-nvue"},
		{"netmiko_dell_force10", "dell-os9"},
		{"netmiko_dell_os10", "dell-os10"},
		{"netmiko_juniper", "juniper-junos"},
		{"netmiko_nokia_srl", "nokia-srl"},
		{"netmiko_ovs_linux", "ovs"},
		{"netmiko_sonic", "sonic"},
	}
}

// driverForDeviceType maps an NGS device_type, with or without its
// "netmiko_" prefix (Ironic's examples omit it), to a Mercury driver.
func driverForDeviceType(t string) (string, bool) {
	t = strings.ToLower(strings.TrimSpace(t))
	for _, d := range ngsDrivers() {
		if t == d.deviceType || "netmiko_"+t == d.deviceType {
			return d.driver, true
		}
	}
	return "", false
}

// action is what the ini translation does with a key.
type action uint8

const (
	mapKey    action = iota // sets the YAML field named by iniKey.to
	toOption                // becomes driver option iniKey.to
	ignore                  // means nothing to Mercury: a warning says why
	refuse                  // Mercury cannot honour it: an error says what to do
	checkTrue               // harmless when false; refused when true
)

// iniKey is one row of an ini translation table.
type iniKey struct {
	name string
	act  action
	to   string // YAML field (mapKey) or option name (toOption)
	msg  string // why (ignore, refuse, checkTrue)
	fix  string
}

const (
	fixDeleteLine  = "delete the line"
	msgSSHTuning   = "is a netmiko connection setting; Mercury's SSH client keeps its connections per device, and server.deadline bounds each call"
	msgNetconf     = "is for the netconf_openconfig device type, which Mercury does not import"
	msgNoPhysnet   = "has no meaning for Mercury: every call names the one device it changes, so there is nothing to filter by physical network"
	msgReuse       = "is not needed: Mercury keeps SSH sessions open per device and runs one operation per device at a time"
	fixInlineCreds = "create %[1]s (install -m 600 /dev/null %[1]s) and write the secret into it; the translation sets %[2]s: %[1]s; then delete this line"
)

// genericswitchKeys is what NGS's [genericswitch:NAME] keys become. Keys
// matching no row are reported as unknown.
func genericswitchKeys() []iniKey {
	rows := []iniKey{
		{name: "device_type", act: mapKey, to: "driver"},
		{name: "ip", act: mapKey, to: "address"},
		{name: "host", act: mapKey, to: "address"},
		{name: "port", act: mapKey, to: "port"},
		{name: "username", act: mapKey, to: "username"},
		{name: "password", act: mapKey, to: "password_file"},
		{name: "secret", act: mapKey, to: "enable_secret_file"},
		{name: "key_file", act: mapKey, to: "key_file"},
		{name: "alt_key_file", act: mapKey, to: "known_hosts"},
		{name: "ngs_mac_address", act: mapKey, to: "mac"},
		{name: "ngs_allowed_vlans", act: mapKey, to: "allowed_vlans"},
		{name: "ngs_port_default_vlan", act: mapKey, to: "idle_vlan"},
		{name: "ngs_manage_vlans", act: mapKey, to: "manage_vlans"},
		{name: "ngs_save_configuration", act: mapKey, to: "save_config"},
		{name: "ngs_max_connections", act: mapKey, to: "max_sessions"},
		{name: "ngs_port_id_re_sub", act: mapKey, to: "port_name_rewrite"},
		{name: "ngs_trunk_ports", act: mapKey, to: "protected_ports"},
		{name: "use_keys", act: mapKey, to: "key_file"},
		{name: "alt_host_keys", act: mapKey, to: "known_hosts"},
		{name: "ssh_strict", act: mapKey, to: "known_hosts"},

		{name: "ngs_disable_inactive_ports", act: checkTrue,
			msg: "shut ports after unplug; Mercury shuts a detached port only when the device has no idle_vlan",
			fix: "to keep detached ports shut, remove ngs_port_default_vlan (idle_vlan) and then this line; otherwise set it to False or delete it"},
		{name: "ngs_security_groups_enabled", act: checkTrue,
			msg: "enables switch ACL security groups, which are outside Mercury's scope",
			fix: "keep security groups elsewhere, then delete the line"},
		{name: "ngs_allowed_ports", act: refuse,
			msg: "limits NGS to these ports; Mercury has no port allow-list, it protects listed ports instead",
			fix: "list the ports Mercury must never change in protected_ports, then delete this line"},

		{name: "ngs_physical_networks", act: ignore, msg: msgNoPhysnet, fix: fixDeleteLine},
		{name: "ngs_network_name_format", act: ignore, msg: "has no equivalent: the driver names the VLANs it creates", fix: fixDeleteLine},
		{name: "ngs_batch_requests", act: ignore, msg: msgReuse, fix: fixDeleteLine},
		{name: "ngs_ssh_reuse_connection", act: ignore, msg: msgReuse, fix: fixDeleteLine},
		{name: "ngs_ssh_connect_timeout", act: ignore, msg: "has no equivalent: server.deadline bounds each call, connection included", fix: fixDeleteLine},
		{name: "ngs_ssh_connect_interval", act: ignore, msg: "has no equivalent: server.deadline bounds each call, connection included", fix: fixDeleteLine},
		{name: "ngs_ssh_disabled_algorithms", act: ignore,
			msg: "lists algorithms to avoid; Mercury takes the list to offer instead",
			fix: "list the algorithms the device accepts in ssh_algorithms (kex, ciphers, macs, host_keys), then delete this line"},
		{name: "system_host_keys", act: ignore,
			msg: "made netmiko read ~/.ssh/known_hosts; Mercury reads only server.known_hosts or the device's known_hosts",
			fix: "copy the device's entry into Mercury's known_hosts file"},
		{name: "allow_agent", act: ignore,
			msg: "let netmiko use an SSH agent; Mercury authenticates only with key_file or password_file", fix: fixDeleteLine},
	}
	for _, o := range []string{
		"ngs_ovs_bridge", "ngs_vxlan_interface", "ngs_nve_interface", "ngs_bgp_asn", "ngs_evpn_route_target",
		"ngs_evpn_vni_config", "ngs_vtep_name", "ngs_her_flood_list", "ngs_physnet_her_flood",
		"ngs_bum_replication_mode", "ngs_mcast_group_base", "ngs_mcast_group_increment", "ngs_mcast_group_map",
		"ngs_commit_timeout", "ngs_commit_interval", "ngs_switchport_mode",
		"vxlan_interface", "vtep_name", // deprecated NGS aliases
	} {
		rows = append(rows, iniKey{name: o, act: toOption, to: strings.TrimPrefix(o, "ngs_")})
	}
	for _, k := range []string{
		"verbose", "global_cmd_verify", "disable_sha2_fix", "fast_cli", "_legacy_mode", "session_log",
		"session_log_record_writes", "allow_auto_change", "auto_connect", "delay_factor_compat",
		"disable_lf_normalization", "global_delay_factor", "conn_timeout", "auth_timeout", "banner_timeout",
		"blocking_timeout", "timeout", "session_timeout", "read_timeout_override", "keepalive", "encoding",
	} {
		rows = append(rows, iniKey{name: k, act: ignore, msg: msgSSHTuning, fix: fixDeleteLine})
	}
	return rows
}

// switchKeys is what Ironic's [switch:NAME] keys become (the keys Ironic's
// generic-switch translator reads; it drops every other key).
func switchKeys() []iniKey {
	return []iniKey{
		{name: "driver_type", act: mapKey, to: "driver"},
		{name: "device_type", act: mapKey, to: "driver"},
		{name: "address", act: mapKey, to: "address"},
		{name: "port", act: mapKey, to: "port"},
		{name: "username", act: mapKey, to: "username"},
		{name: "password", act: mapKey, to: "password_file"},
		{name: "enable_secret", act: mapKey, to: "enable_secret_file"},
		{name: "key_file", act: mapKey, to: "key_file"},
		{name: "mac_address", act: mapKey, to: "mac"},
		{name: "allowed_vlans", act: mapKey, to: "allowed_vlans"},
		{name: "persist", act: mapKey, to: "save_config"},
		{name: "native_vlan", act: ignore,
			msg: "had no effect: Ironic translates it to ngs_port_native_vlan, which NGS ignores",
			fix: "to return detached ports to a VLAN, set idle_vlan in the YAML; then delete this line"},
	}
}

// conversion is an ini file translated to the YAML model, with where each
// value came from and what could not be translated.
type conversion struct {
	file       fileConfig
	comments   []string          // per device: the section it came from
	origins    map[string]origin // YAML-model key (devices[i].field) → ini line
	suppressed map[string]bool   // keys whose problem is already reported
	problems   []Problem
}

// convertINI translates NGS [genericswitch:NAME] and Ironic [switch:NAME]
// sections to devices. Other sections are reported and skipped.
func convertINI(data []byte) *conversion {
	c := &conversion{origins: map[string]origin{}, suppressed: map[string]bool{}}
	sections, problems := parseINI(data)
	c.problems = problems
	var unchecked []string // devices whose host keys NGS did not check
	for _, s := range sections {
		kind, name, ok := strings.Cut(s.name, ":")
		if !ok || (kind != "genericswitch" && kind != "switch") {
			c.problems = append(c.problems, Problem{Severity: Warning, Key: "[" + s.name + "]", Line: s.line,
				Msg: "section is not imported: only [genericswitch:NAME] and [switch:NAME] sections describe devices",
				Fix: "nothing to do; Mercury needs no NGS or Ironic service settings"})
			continue
		}
		if !c.device(s, kind, strings.TrimSpace(name)) {
			unchecked = append(unchecked, strings.TrimSpace(name))
		}
	}
	// Report in file order; problems with no line (about the whole file)
	// last.
	slices.SortStableFunc(c.problems, func(a, b Problem) int {
		return cmp.Compare(lineOrLast(a.Line), lineOrLast(b.Line))
	})
	if len(unchecked) > 0 {
		c.problems = append(c.problems, Problem{Severity: Warning, Key: "host keys",
			Msg: fmt.Sprintf("NGS accepted any SSH host key from %s (ssh_strict was not True); Mercury accepts only keys listed in known_hosts", strings.Join(unchecked, ", ")),
			Fix: "record each device's key in server.known_hosts (ssh-keyscan -p PORT ADDRESS, then compare fingerprints with the device console) before starting Mercury"})
	}
	return c
}

// device translates one section and reports whether the device's host key
// was being checked (ssh_strict or alt_key_file).
func (c *conversion) device(s iniSection, kind, name string) bool {
	i := len(c.file.Devices)
	alias := fmt.Sprintf("devices[%d]", i)
	where := "[" + s.name + "]"
	c.origins[alias] = origin{where, s.line}
	c.origins[alias+".name"] = origin{where, s.line}
	c.comments = append(c.comments, fmt.Sprintf("from %s, line %d", where, s.line))

	rows := genericswitchKeys()
	if kind == "switch" {
		rows = switchKeys()
	}
	d := fileDevice{Name: name}
	vals := map[string]iniEntry{}
	for _, e := range s.entries {
		vals[e.key] = e
	}
	// Sections named by the switch's MAC (so that NGS matched Ironic's
	// switch_id against the name) keep matching through mac.
	if mac, ok := normaliseMAC(name); ok && !validName(name) {
		d.Name = strings.ReplaceAll(mac, ":", "-")
		d.MAC = mac
		c.problems = append(c.problems, Problem{Severity: Warning, Key: where, Line: s.line,
			Msg: fmt.Sprintf("is named by a MAC; device names cannot hold ':', so it becomes %s with mac: %s, and switch_id %s still finds it", d.Name, mac, mac),
			Fix: "give the device a descriptive name in the YAML"})
	}
	note := func(sev Severity, e iniEntry, value, msg, fix string) {
		c.problems = append(c.problems, Problem{Severity: sev, Key: where + " " + e.key, Line: e.line, Value: value, Msg: msg, Fix: fix})
	}
	from := func(field string, e iniEntry) { c.origins[alias+"."+field] = origin{where + " " + e.key, e.line} }

	for _, e := range s.entries {
		row, known := findKey(rows, e.key)
		if !known {
			switch {
			case kind == "switch":
				note(Warning, e, strconv.Quote(e.value), "is not read by Ironic's generic-switch translator, so it had no effect", fixDeleteLine)
			case strings.HasPrefix(e.key, "ngs_netconf_") || strings.HasPrefix(e.key, "ngs_openconfig_"):
				note(Warning, e, "", msgNetconf, fixDeleteLine)
			case strings.HasPrefix(e.key, "ngs_fake_"):
				note(Warning, e, "", "is for NGS's fake device type", fixDeleteLine)
			case strings.HasPrefix(e.key, "ngs_"):
				note(Warning, e, "", "is not an NGS option (NGS ignores it too)", fixDeleteLine)
			default:
				note(Warning, e, "", "is not a setting Mercury knows how to translate", "check that nothing depends on it, then delete the line")
			}
			continue
		}
		switch row.act {
		case toOption:
			if d.Options == nil {
				d.Options = map[string]string{}
			}
			d.Options[row.to] = e.value
			from("options."+row.to, e)
			continue
		case ignore:
			note(Warning, e, "", row.msg, row.fix)
			continue
		case refuse:
			note(Error, e, strconv.Quote(e.value), row.msg, row.fix)
			continue
		case checkTrue:
			if b, ok := parseINIBool(e.value); ok && !b {
				continue
			}
			note(Error, e, strconv.Quote(e.value), row.msg, row.fix)
			continue
		}
		if row.to != "known_hosts" && row.name != "use_keys" {
			from(row.to, e)
		}
		switch e.key {
		case "device_type":
			if drv, ok := driverForDeviceType(e.value); ok {
				d.Driver = drv
			} else {
				c.suppressed[alias+".driver"] = true
				note(Error, e, strconv.Quote(e.value), "has no Mercury driver",
					"Mercury has drivers for: "+supportedDeviceTypes()+"; a device of another type needs a new driver")
			}
		case "driver_type":
			if e.value != "generic-switch" {
				note(Error, e, strconv.Quote(e.value), "only generic-switch sections can be imported", "describe this device in the YAML by hand")
				c.suppressed[alias] = true
			}
		case "ip", "host", "address":
			if d.Address != "" && d.Address != e.value {
				note(Error, e, strconv.Quote(e.value), fmt.Sprintf("disagrees with the address already given (%q)", d.Address), "keep one of ip and host")
			}
			d.Address = e.value
		case "port":
			d.Port = intOrRaw(e.value)
		case "username":
			d.Username = e.value
		case "password", "secret", "enable_secret":
			file := "/etc/mercury/secrets/" + name + ".password"
			if row.to == "enable_secret_file" {
				file = "/etc/mercury/secrets/" + name + ".enable"
				d.EnableSecretFile = file
			} else {
				d.PasswordFile = file
			}
			c.suppressed[alias+"."+row.to] = true
			note(Error, e, "", "holds a password inline; Mercury reads credentials only from files",
				fmt.Sprintf(fixInlineCreds, file, row.to))
		case "key_file":
			d.KeyFile = e.value
		case "mac_address", "ngs_mac_address":
			d.MAC = e.value
			if mac, ok := normaliseMAC(e.value); ok {
				d.MAC = mac
			}
		case "allowed_vlans", "ngs_allowed_vlans":
			if strings.TrimSpace(e.value) == "" {
				d.DeniedVLANs = "1-4094"
				from("denied_vlans", e)
				note(Warning, e, `""`, "is empty, which forbids every VLAN on this device; translated to denied_vlans: 1-4094",
					"list the VLANs the device may use, or delete the line to allow all")
				continue
			}
			d.AllowedVLANs = e.value
			if set, err := ParseVLANSet(e.value); err == nil {
				d.AllowedVLANs = set.String()
			}
		case "ngs_port_default_vlan":
			d.IdleVLAN = intOrRaw(e.value)
		case "ngs_manage_vlans", "ngs_save_configuration", "persist":
			b, ok := parseINIBool(e.value)
			if !ok {
				note(Error, e, strconv.Quote(e.value), "is not a boolean", "write True or False")
				c.suppressed[alias+"."+row.to] = true
				continue
			}
			if row.to == "manage_vlans" {
				d.ManageVLANs = b
				continue
			}
			switch {
			case b:
				d.SaveConfig = string(SaveAlways)
			default:
				d.SaveConfig = string(SaveNever)
			}
		case "ngs_max_connections":
			d.MaxSessions = intOrRaw(e.value)
		case "ngs_port_id_re_sub":
			rw, msg := translateReSub(e.value)
			if msg != "" {
				note(Error, e, strconv.Quote(e.value), msg, `write it as JSON {"pattern": "...", "repl": "..."}, or set port_name_rewrite in the YAML`)
				c.suppressed[alias+".port_name_rewrite"] = true
				continue
			}
			d.PortNameRewrite = []fileRewrite{rw}
		case "ngs_trunk_ports":
			for p := range strings.SplitSeq(e.value, ",") {
				if p = strings.TrimSpace(p); p != "" {
					d.ProtectedPorts = append(d.ProtectedPorts, p)
				}
			}
			note(Error, e, strconv.Quote(e.value),
				"NGS added every VLAN it created to these ports; Mercury never changes uplinks (it has protected them in the translation)",
				"allow the tenant VLANs on these ports once, on the switch, then delete this line")
		}
	}

	if kind == "switch" {
		if _, ok := vals["persist"]; !ok {
			d.SaveConfig = string(SaveNever)
			c.problems = append(c.problems, Problem{Severity: Warning, Key: where + " persist", Line: s.line,
				Msg: "is not set, and Ironic then never saved the configuration; translated to save_config: never, as before",
				Fix: "set persist = true (save_config: always) to keep changes across a device reboot"})
		}
	}

	// Host keys: netmiko's alt_key_file is a known_hosts file, used when
	// alt_host_keys is true.
	checked := false
	if e, ok := vals["alt_key_file"]; ok {
		if b, _ := parseINIBool(vals["alt_host_keys"].value); b {
			d.KnownHosts = e.value
			from("known_hosts", e)
			checked = true
		} else {
			note(Warning, e, strconv.Quote(e.value), "is used by netmiko only with alt_host_keys = True", "set alt_host_keys = True to use it as the device's known_hosts, or delete the line")
		}
	}
	if b, _ := parseINIBool(vals["ssh_strict"].value); b {
		checked = true
	}
	if e, ok := vals["use_keys"]; ok {
		if b, _ := parseINIBool(e.value); b && d.KeyFile == "" {
			note(Warning, e, "", "made netmiko use ~/.ssh keys or an agent; Mercury uses only key_file", "set key_file")
		}
	}
	c.file.Devices = append(c.file.Devices, d)
	return checked
}

func findKey(rows []iniKey, k string) (iniKey, bool) {
	for _, r := range rows {
		if r.name == k {
			return r, true
		}
	}
	return iniKey{}, false
}

func supportedDeviceTypes() string {
	var out []string
	for _, d := range ngsDrivers() {
		out = append(out, d.deviceType+" ("+d.driver+")")
	}
	return strings.Join(out, ", ")
}

// parseINIBool reads a boolean as oslo.config does.
func parseINIBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// intOrRaw returns s as a number, or as written so that the checks report
// it with its line.
func intOrRaw(s string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return s
}

// pyGroupRE matches Python's replacement references: \1 and \g<name>.
var pyGroupRE = regexp.MustCompile(`\\(?:g<([A-Za-z0-9_]+)>|([0-9]{1,2}))`)

// translateReSub reads NGS's ngs_port_id_re_sub, a JSON object
// {"pattern": ..., "repl": ...} in Python re.sub syntax, and rewrites the
// replacement's \1 and \g<name> as Go's ${1} and ${name}.
func translateReSub(v string) (fileRewrite, string) {
	var in struct {
		Pattern *string `json:"pattern"`
		Repl    *string `json:"repl"`
	}
	if err := json.Unmarshal([]byte(v), &in); err != nil {
		return fileRewrite{}, "is not a JSON object: " + err.Error()
	}
	if in.Pattern == nil || in.Repl == nil {
		return fileRewrite{}, `needs both "pattern" and "repl"`
	}
	repl := strings.ReplaceAll(*in.Repl, "$", "$$")
	repl = pyGroupRE.ReplaceAllStringFunc(repl, func(m string) string {
		sub := pyGroupRE.FindStringSubmatch(m)
		return "${" + sub[1] + sub[2] + "}"
	})
	return fileRewrite{Match: *in.Pattern, Replace: repl}, ""
}

// iniKeyNames lists every key the two tables name (for the docs test).
func iniKeyNames() []string {
	var out []string
	for _, r := range slices.Concat(genericswitchKeys(), switchKeys()) {
		out = append(out, r.name)
	}
	return out
}

func lineOrLast(n int) int {
	if n == 0 {
		return math.MaxInt
	}
	return n
}
