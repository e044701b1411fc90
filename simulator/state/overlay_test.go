package state

import (
	"errors"
	"reflect"
	"testing"
)

// TestCloneCopiesOverlayAndACLs: a clone shares no map or slice of the FRR,
// flooding and access-list settings with its original.
func TestCloneCopiesOverlayAndACLs(t *testing.T) {
	c := NewConfig([]string{"p1"}, "", L2{Mode: Access, AccessVLAN: 1, NativeVLAN: 1})
	c.FRR = FRR{ASN: 65000, VNIs: map[int]FRRVNI{5100: {RDAuto: true}}}
	c.Flood = VXLANFlood{HER: []string{"10.0.0.1"}, PerVLAN: map[int]string{100: "evpn"}}
	c.IPACLs = map[string]IPACL{"a": {Name: "a", Rules: []IPACLRule{{Seq: 10, Text: "permit ip any any"}}}}
	c.IPACLGroups = map[string]IPACLGroups{"p1": {In: "a"}}
	c.SonicACL = SonicACL{
		Tables: map[string]SonicACLTable{"T": {Type: "L3", Stage: "ingress", Ports: []string{"p1"}}},
		Rules:  map[string][]SonicACLRule{"T": {{Name: "RULE_1", Fields: map[string]string{"PRIORITY": "9999"}}}},
		Files:  map[string]string{"/etc/sonic/a.json": "{}"},
	}
	d := c.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatal("the clone differs from the original")
	}
	d.FRR.VNIs[5200] = FRRVNI{}
	d.Flood.HER[0] = "10.0.0.2"
	d.Flood.PerVLAN[200] = "239.1.1.1"
	d.IPACLs["a"].Rules[0].Text = "deny ip any any"
	d.IPACLGroups["p1"] = IPACLGroups{}
	d.SonicACL.Tables["T"].Ports[0] = "p2"
	d.SonicACL.Rules["T"][0].Fields["PRIORITY"] = "1"
	d.SonicACL.Files["/etc/sonic/b.json"] = ""
	if len(c.FRR.VNIs) != 1 || c.Flood.HER[0] != "10.0.0.1" || len(c.Flood.PerVLAN) != 1 ||
		c.IPACLs["a"].Rules[0].Text != "permit ip any any" || c.IPACLGroups["p1"].In != "a" ||
		c.SonicACL.Tables["T"].Ports[0] != "p1" || c.SonicACL.Rules["T"][0].Fields["PRIORITY"] != "9999" || len(c.SonicACL.Files) != 1 {
		t.Errorf("changing the clone changed the original: %+v", c)
	}
}

// TestUpdateLive: a live change reaches the running configuration and the
// pending candidate, so a commit does not undo it; a failure changes
// neither.
func TestUpdateLive(t *testing.T) {
	s := NewStore(NewConfig([]string{"p1"}, "", L2{Mode: Access, AccessVLAN: 1, NativeVLAN: 1}))
	if err := s.UpdateCandidate(func(c *Config) error { c.SetVLAN(10, "ten"); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateLive(func(c *Config) error { c.FRR.ASN = 65000; return nil }); err != nil {
		t.Fatal(err)
	}
	if s.Snapshot().Running.FRR.ASN != 65000 {
		t.Error("a live change did not reach the running configuration")
	}
	boom := errors.New("boom")
	if err := s.UpdateLive(func(c *Config) error {
		c.FRR.ASN = 1
		if _, ok := c.VLANs[10]; ok {
			return boom // fails on the candidate only
		}
		return nil
	}); !errors.Is(err, boom) {
		t.Fatalf("UpdateLive = %v, want boom", err)
	}
	if snap := s.Snapshot(); snap.Running.FRR.ASN != 65000 || snap.Candidate.FRR.ASN != 65000 {
		t.Errorf("a failed live change left a trace: running %d, candidate %d", snap.Running.FRR.ASN, snap.Candidate.FRR.ASN)
	}
	s.Commit()
	if snap := s.Snapshot(); snap.Running.FRR.ASN != 65000 || snap.Running.VLANs[10].Name != "ten" {
		t.Errorf("after commit: ASN %d, VLAN 10 %+v", snap.Running.FRR.ASN, snap.Running.VLANs[10])
	}
}
