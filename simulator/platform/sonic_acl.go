package platform

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// SONiC security groups, as NGS's netmiko_sonic applies them (Appendix A):
// WRITE_ACL writes an OpenConfig ACL document, gzipped and base64-encoded,
// to /etc/sonic/acl-SG.json through "echo -n ... | base64 -d | gunzip >
// FILE"; LOAD_ACL has acl-loader load one acl-set of it into an ACL table
// ("acl-loader update full --table_name T FILE"); ADD_ACL_TABLE replaces
// the tables ("config acl remove table T", "config acl add table T L3V4V6
// -p PORTS -s ingress|egress"); REMOVE_SECURITY_GROUP removes the tables,
// their rules ("acl-loader delete T") and the file ("rm -f FILE").
//
// Modelled (state.SonicACL): the files under /etc/sonic (only root may
// write or remove them); ACL_TABLE rows (type L3, L3V6 or L3V4V6, stage,
// ports that must exist); removing a table that is not there is no error,
// as config_db's set_entry does not care; acl-loader turns the acl-set
// whose name, upper-cased with "-" as "_", is the table's into ACL_RULE
// rows RULE_<sequence-id> (PRIORITY 10000 minus the sequence id,
// PACKET_ACTION, ETHER_TYPE, IP_PROTOCOL, SRC_/DST_IP(V6), L4_SRC_/DST_PORT
// or _RANGE, ICMP_TYPE/CODE) plus a DEFAULT_RULE that drops the rest, and
// replaces the table's rules; a set for a table that does not exist is
// skipped with a warning, as acl-loader does. "show runningconfiguration
// all" prints ACL_TABLE and ACL_RULE.
//
// Approximations: the field names follow SONiC's configuration database,
// but the conversion covers only what NGS's documents contain; DEFAULT_RULE
// is one IPv4 rule whatever the table type; error texts are in the style of
// the tools (bash, base64, gzip, click), not checked against a device.

// sonicACLName matches an ACL table name.
var sonicACLName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// sonicFile checks that path is a file under /etc/sonic.
func sonicFile(path string) error {
	dir, file, ok := strings.Cut(strings.TrimPrefix(path, "/etc/sonic/"), "/")
	if !strings.HasPrefix(path, "/etc/sonic/") || ok || dir == "" {
		_ = file
		return cli.Fail("-bash: %s: No such file or directory (only files in /etc/sonic are simulated)", path)
	}
	return nil
}

// sonicEcho runs NGS's WRITE_ACL: echo -n "BASE64" | base64 -d | gunzip >
// FILE.
func sonicEcho(c *cli.Call) error {
	words := shellWords(c.Str("rest"))
	if len(words) != 9 || words[0] != "-n" || words[2] != "|" || words[3] != "base64" || words[4] != "-d" ||
		words[5] != "|" || words[6] != "gunzip" || words[7] != ">" {
		return cli.Fail("-bash: only \"echo -n DATA | base64 -d | gunzip > FILE\" is simulated")
	}
	path := words[8]
	if err := sonicFile(path); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(words[1])
	if err != nil {
		return cli.Fail("base64: invalid input")
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return cli.Fail("gzip: stdin: not in gzip format")
	}
	text, err := io.ReadAll(io.LimitReader(zr, 1<<20))
	if err != nil {
		return cli.Fail("gzip: stdin: invalid compressed data--format violated")
	}
	return c.Update(func(cfg *state.Config) error {
		if cfg.SonicACL.Files == nil {
			cfg.SonicACL.Files = map[string]string{}
		}
		cfg.SonicACL.Files[path] = string(text)
		return nil
	})
}

// sonicRm runs "rm -f FILE".
func sonicRm(c *cli.Call) error {
	path := c.Str("path")
	if err := sonicFile(path); err != nil {
		return err
	}
	return c.Update(func(cfg *state.Config) error {
		delete(cfg.SonicACL.Files, path)
		return nil
	})
}

// sonicACLTableAdd runs "config acl add table T TYPE -p PORTS -s STAGE".
func sonicACLTableAdd(c *cli.Call) error {
	name, typ := c.Str("table"), c.Str("type")
	if !sonicACLName.MatchString(name) {
		return cli.Fail("Error: Invalid ACL table name %q", name)
	}
	if typ != "L3" && typ != "L3V6" && typ != "L3V4V6" {
		return cli.Fail("Error: Invalid value for \"TABLE_TYPE\": %s is not one of L3, L3V6, L3V4V6 (the simulated types)", typ)
	}
	stage := "ingress"
	if c.Has("egress") {
		stage = "egress"
	}
	ports := strings.Split(c.Str("ports"), ",")
	return c.Update(func(cfg *state.Config) error {
		for _, p := range ports {
			if _, ok := cfg.Interface(p); !ok {
				return cli.Fail("Error: Cannot bind ACL to specified port %s: no such port or port-channel", p)
			}
		}
		if cfg.SonicACL.Tables == nil {
			cfg.SonicACL.Tables = map[string]state.SonicACLTable{}
		}
		cfg.SonicACL.Tables[name] = state.SonicACLTable{Type: typ, Stage: stage, Ports: slices.Clone(ports)}
		return nil
	})
}

// sonicACLTableDel runs "config acl remove table T": no error when T is
// not there.
func sonicACLTableDel(c *cli.Call) error {
	name := c.Str("table")
	return c.Update(func(cfg *state.Config) error {
		delete(cfg.SonicACL.Tables, name)
		return nil
	})
}

// sonicACLLoad runs "acl-loader update full --table_name T FILE".
func sonicACLLoad(c *cli.Call) error {
	table, path := c.Str("table"), c.Str("file")
	var warn string
	err := c.Update(func(cfg *state.Config) error {
		text, ok := cfg.SonicACL.Files[path]
		if !ok {
			return cli.Fail("Usage: acl-loader update full [OPTIONS] FILENAME\n\nError: Invalid value for \"FILENAME\": Could not open file: %s: No such file or directory", path)
		}
		var doc struct {
			ACL struct {
				Sets struct {
					Set map[string]struct {
						Entries struct {
							Entry map[string]json.RawMessage `json:"acl-entry"`
						} `json:"acl-entries"`
					} `json:"acl-set"`
				} `json:"acl-sets"`
			} `json:"acl"`
		}
		if err := json.Unmarshal([]byte(text), &doc); err != nil || doc.ACL.Sets.Set == nil {
			return cli.Fail("Error: %s is not an OpenConfig ACL document (acl.acl-sets.acl-set)", path)
		}
		for setName, set := range doc.ACL.Sets.Set {
			if strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(setName)) != table {
				continue
			}
			if _, ok := cfg.SonicACL.Tables[table]; !ok {
				warn = fmt.Sprintf("Warning: Table \"%s\" does not exist", table)
				return nil
			}
			var rules []state.SonicACLRule
			for _, key := range slices.Sorted(func(yield func(string) bool) {
				for k := range set.Entries.Entry {
					if !yield(k) {
						return
					}
				}
			}) {
				r, err := sonicACLRule(set.Entries.Entry[key])
				if err != nil {
					return cli.Fail("Error: acl-set %s entry %s: %v", setName, key, err)
				}
				rules = append(rules, r)
			}
			slices.SortFunc(rules, func(a, b state.SonicACLRule) int {
				pa, _ := strconv.Atoi(a.Fields["PRIORITY"])
				pb, _ := strconv.Atoi(b.Fields["PRIORITY"])
				return pb - pa
			})
			rules = append(rules, state.SonicACLRule{Name: "DEFAULT_RULE", Fields: map[string]string{"PRIORITY": "1", "PACKET_ACTION": "DROP", "ETHER_TYPE": "2048"}})
			if cfg.SonicACL.Rules == nil {
				cfg.SonicACL.Rules = map[string][]state.SonicACLRule{}
			}
			cfg.SonicACL.Rules[table] = rules
			return nil
		}
		return nil
	})
	if warn != "" {
		c.Println(warn)
	}
	return err
}

// sonicACLRule converts one OpenConfig acl-entry into an ACL_RULE row.
func sonicACLRule(raw json.RawMessage) (state.SonicACLRule, error) {
	var e struct {
		Actions struct {
			Config struct {
				Action string `json:"forwarding-action"`
			} `json:"config"`
		} `json:"actions"`
		Config struct {
			Seq int `json:"sequence-id"`
		} `json:"config"`
		L2 struct {
			Config struct {
				EtherType string `json:"ethertype"`
			} `json:"config"`
		} `json:"l2"`
		IP struct {
			Config struct {
				Protocol json.RawMessage `json:"protocol"`
				Src      string          `json:"source-ip-address"`
				Dst      string          `json:"destination-ip-address"`
			} `json:"config"`
		} `json:"ip"`
		Transport struct {
			Config struct {
				Src string `json:"source-port"`
				Dst string `json:"destination-port"`
			} `json:"config"`
		} `json:"transport"`
		ICMP struct {
			Config struct {
				Type *int `json:"type"`
				Code *int `json:"code"`
			} `json:"config"`
		} `json:"icmp"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return state.SonicACLRule{}, fmt.Errorf("not a simulated OpenConfig entry: %v", err)
	}
	if e.Config.Seq < 1 || e.Config.Seq >= 10000 {
		return state.SonicACLRule{}, fmt.Errorf("sequence-id %d is outside 1-9999", e.Config.Seq)
	}
	f := map[string]string{"PRIORITY": strconv.Itoa(10000 - e.Config.Seq)}
	switch e.Actions.Config.Action {
	case "ACCEPT":
		f["PACKET_ACTION"] = "FORWARD"
	case "DROP", "REJECT":
		f["PACKET_ACTION"] = "DROP"
	default:
		return state.SonicACLRule{}, fmt.Errorf("forwarding-action %q is not ACCEPT, DROP or REJECT", e.Actions.Config.Action)
	}
	v6 := false
	switch e.L2.Config.EtherType {
	case "ETHERTYPE_IPV4":
		f["ETHER_TYPE"] = "2048"
	case "ETHERTYPE_IPV6":
		f["IP_TYPE"], v6 = "IPV6ANY", true
	case "":
	default:
		return state.SonicACLRule{}, fmt.Errorf("ethertype %q is not ETHERTYPE_IPV4 or ETHERTYPE_IPV6", e.L2.Config.EtherType)
	}
	if p := e.IP.Config.Protocol; len(p) > 0 {
		var n int
		var s string
		names := map[string]int{"IP_TCP": 6, "IP_UDP": 17, "IP_ICMP": 1, "IP_ICMPV6": 58}
		switch {
		case json.Unmarshal(p, &n) == nil && n >= 0 && n <= 255:
		case json.Unmarshal(p, &s) == nil && names[s] != 0:
			n = names[s]
		default:
			return state.SonicACLRule{}, fmt.Errorf("protocol %s is not 0-255 or IP_TCP, IP_UDP, IP_ICMP", p)
		}
		f["IP_PROTOCOL"] = strconv.Itoa(n)
	}
	for key, addr := range map[string]string{"SRC_IP": e.IP.Config.Src, "DST_IP": e.IP.Config.Dst} {
		if addr == "" {
			continue
		}
		ip, nw, err := net.ParseCIDR(addr)
		if err != nil || (ip.To4() == nil) != v6 {
			return state.SonicACLRule{}, fmt.Errorf("address %q is not an IPv%s prefix", addr, map[bool]string{false: "4", true: "6"}[v6])
		}
		if v6 {
			key += "V6"
		}
		f[key] = nw.String()
	}
	for key, port := range map[string]string{"L4_SRC_PORT": e.Transport.Config.Src, "L4_DST_PORT": e.Transport.Config.Dst} {
		if port == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(port, "..")
		if !validPort(lo) || isRange && !validPort(hi) {
			return state.SonicACLRule{}, fmt.Errorf("port %q is not N or N..M", port)
		}
		if isRange {
			f[key+"_RANGE"] = lo + "-" + hi
		} else {
			f[key] = lo
		}
	}
	icmp := "ICMP"
	if v6 {
		icmp = "ICMPV6"
	}
	if t := e.ICMP.Config.Type; t != nil {
		f[icmp+"_TYPE"] = strconv.Itoa(*t)
	}
	if c := e.ICMP.Config.Code; c != nil {
		f[icmp+"_CODE"] = strconv.Itoa(*c)
	}
	return state.SonicACLRule{Name: "RULE_" + strconv.Itoa(e.Config.Seq), Fields: f}, nil
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535 && s[0] != '+' && s[0] != '-'
}

// sonicACLDelete runs "acl-loader delete [T]": T's rules, or every rule.
func sonicACLDelete(c *cli.Call) error {
	table := c.Str("table")
	return c.Update(func(cfg *state.Config) error {
		if table == "" {
			cfg.SonicACL.Rules = nil
			return nil
		}
		delete(cfg.SonicACL.Rules, table)
		return nil
	})
}
