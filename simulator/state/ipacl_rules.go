package state

import "slices"

// Changes to access lists shared by the platforms that number rules
// themselves (NX-OS).

// EnsureIPACL creates access list name unless it exists.
func (c *Config) EnsureIPACL(name string) {
	if _, ok := c.IPACLs[name]; ok {
		return
	}
	if c.IPACLs == nil {
		c.IPACLs = map[string]IPACL{}
	}
	c.IPACLs[name] = IPACL{Name: name}
}

// AddIPACLRule adds rule text to access list name, which must exist. Seq
// 0 takes the next multiple of 10 after the last rule, and a rule without
// a number that the list already has is not added again; a rule with the
// number of another replaces it. It reports false when the list does not
// exist.
func (c *Config) AddIPACLRule(name string, seq int, text string) bool {
	acl, ok := c.IPACLs[name]
	if !ok {
		return false
	}
	if seq == 0 {
		if slices.ContainsFunc(acl.Rules, func(r IPACLRule) bool { return r.Text == text }) {
			return true
		}
		seq = 10
		if n := len(acl.Rules); n > 0 {
			seq = (acl.Rules[n-1].Seq/10 + 1) * 10
		}
	}
	rules := slices.DeleteFunc(slices.Clone(acl.Rules), func(r IPACLRule) bool { return r.Seq == seq })
	rules = append(rules, IPACLRule{Seq: seq, Text: text})
	slices.SortFunc(rules, func(a, b IPACLRule) int { return a.Seq - b.Seq })
	acl.Rules = rules
	c.IPACLs[name] = acl
	return true
}

// SetIPACLIn makes name the inbound access list of interface ifc ("":
// none), keeping its outbound one.
func (c *Config) SetIPACLIn(ifc, name string) {
	g := c.IPACLGroups[ifc]
	g.In = name
	if g == (IPACLGroups{}) {
		delete(c.IPACLGroups, ifc)
		return
	}
	if c.IPACLGroups == nil {
		c.IPACLGroups = map[string]IPACLGroups{}
	}
	c.IPACLGroups[ifc] = g
}
