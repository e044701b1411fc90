package state

import (
	"reflect"
	"testing"
)

func TestAddIPACLRule(t *testing.T) {
	var c Config
	if c.AddIPACLRule("missing", 0, "permit ip any any") {
		t.Fatal("a rule added to a list that does not exist reported success")
	}
	c.EnsureIPACL("a")
	steps := []struct {
		seq  int
		text string
		want []int // the sequence numbers after the step
	}{
		{0, "permit tcp any 10.0.0.0/24 eq 22", []int{10}},
		{0, "permit udp any any", []int{10, 20}},
		{0, "permit udp any any", []int{10, 20}}, // the same rule again: not added
		{15, "deny ip any any", []int{10, 15, 20}},
		{15, "permit icmp any any", []int{10, 15, 20}}, // replaces 15
		{95, "permit ip any 10.1.0.0/16", []int{10, 15, 20, 95}},
		{0, "deny ip any 10.2.0.0/16", []int{10, 15, 20, 95, 100}},
	}
	for i, s := range steps {
		if !c.AddIPACLRule("a", s.seq, s.text) {
			t.Fatalf("step %d: the rule was refused", i)
		}
		var got []int
		for _, r := range c.IPACLs["a"].Rules {
			got = append(got, r.Seq)
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d: sequence numbers %v, want %v", i, got, s.want)
		}
	}
	if r := c.IPACLs["a"].Rules[1]; r.Text != "permit icmp any any" {
		t.Errorf("rule 15 = %+v, want the replacement", r)
	}
	c.SetIPACLIn("Ethernet1/1", "a")
	c.IPACLGroups["Ethernet1/1"] = IPACLGroups{In: "a", Out: "b"}
	c.SetIPACLIn("Ethernet1/1", "")
	if g := c.IPACLGroups["Ethernet1/1"]; g != (IPACLGroups{Out: "b"}) {
		t.Errorf("unbinding the inbound list left %+v, want the outbound one kept", g)
	}
	c.IPACLGroups["Ethernet1/1"] = IPACLGroups{In: "a"}
	c.SetIPACLIn("Ethernet1/1", "")
	if _, ok := c.IPACLGroups["Ethernet1/1"]; ok {
		t.Error("an interface with no access lists left is still listed")
	}
}
