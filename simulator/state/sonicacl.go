package state

import (
	"maps"
	"slices"
)

// SonicACLTable is one row of SONiC's ACL_TABLE ("config acl add table
// NAME TYPE -p PORTS -s STAGE").
type SonicACLTable struct {
	Type  string   // L3, L3V6 or L3V4V6
	Stage string   // ingress or egress
	Ports []string // the ports and port-channels it is bound to, as given
}

// SonicACLRule is one row of SONiC's ACL_RULE as acl-loader writes it:
// the rule's name in its table ("RULE_1", "DEFAULT_RULE") and its fields
// (PRIORITY, PACKET_ACTION, IP_PROTOCOL, SRC_IP, L4_DST_PORT, ...).
type SonicACLRule struct {
	Name   string
	Fields map[string]string
}

// SonicACL is the ACL state of a SONiC switch: the configuration
// database's ACL_TABLE and ACL_RULE tables, and the OpenConfig ACL files
// NGS writes under /etc/sonic for acl-loader to read.
type SonicACL struct {
	Tables map[string]SonicACLTable  // by table name
	Rules  map[string][]SonicACLRule // by table name, in acl-loader's order
	// Files are the files written under /etc/sonic, by path. They live
	// on the switch's disk, not in its configuration database; keeping
	// them here (so a reload restores the saved copy) is the
	// simulator's approximation.
	Files map[string]string
}

func (a SonicACL) clone() SonicACL {
	out := SonicACL{Tables: nil, Rules: nil, Files: maps.Clone(a.Files)}
	if a.Tables != nil {
		out.Tables = make(map[string]SonicACLTable, len(a.Tables))
		for k, t := range a.Tables {
			t.Ports = slices.Clone(t.Ports)
			out.Tables[k] = t
		}
	}
	if a.Rules != nil {
		out.Rules = make(map[string][]SonicACLRule, len(a.Rules))
		for k, rs := range a.Rules {
			cp := make([]SonicACLRule, len(rs))
			for i, r := range rs {
				cp[i] = SonicACLRule{Name: r.Name, Fields: maps.Clone(r.Fields)}
			}
			out.Rules[k] = cp
		}
	}
	return out
}
