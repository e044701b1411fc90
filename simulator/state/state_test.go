package state

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/openmercury/mercury/fault"
)

func TestParseVLANList(t *testing.T) {
	cases := []struct {
		in, want string
		err      any
	}{
		{"10", "10", nil},
		{"10,20", "10,20", nil},
		{"10-12,30,11", "10-12,30", nil},
		{"1-4094", "1-4094", nil},
		{"4094", "4094", nil},
		{"0", "", &RangeError{}},
		{"4095", "", &RangeError{}},
		{"20-10", "", &RangeError{}},
		{"", "", &SyntaxError{}},
		{"10,", "", &SyntaxError{}},
		{"a", "", &SyntaxError{}},
		{"1--2", "", &SyntaxError{}},
		{"+5", "", &SyntaxError{}},
		{"123456", "", &SyntaxError{}},
	}
	for _, tc := range cases {
		got, err := ParseVLANList(tc.in)
		switch want := tc.err.(type) {
		case nil:
			if err != nil || got.Ranges(",") != tc.want {
				t.Errorf("%q = %q, %v; want %q", tc.in, got.Ranges(","), err, tc.want)
			}
		case *RangeError:
			if !errors.As(err, &want) {
				t.Errorf("%q: err %v, want a RangeError", tc.in, err)
			}
		case *SyntaxError:
			if !errors.As(err, &want) {
				t.Errorf("%q: err %v, want a SyntaxError", tc.in, err)
			}
		}
	}
}

func TestVLANSet(t *testing.T) {
	s := NewVLANSet(5, 1, 4094, 0, 4095, 6, 7)
	if s.Len() != 5 || !s.Has(4094) || s.Has(0) || s.Has(4095) {
		t.Fatalf("set %v len %d", s, s.Len())
	}
	if got := s.String(); got != "1,5-7,4094" {
		t.Errorf("String = %q", got)
	}
	if got := s.Ranges(" "); got != "1 5-7 4094" {
		t.Errorf("Ranges = %q", got)
	}
	all := AllVLANs()
	if !all.IsAll() || all.Len() != 4094 || all.String() != "1-4094" {
		t.Errorf("AllVLANs = %v", all)
	}
	if got := all.Minus(NewVLANSet(1, 2)).String(); got != "3-4094" {
		t.Errorf("Minus = %q", got)
	}
	if got := NewVLANSet(1).Union(NewVLANSet(2)); !slices.Equal(got.IDs(), []int{1, 2}) {
		t.Errorf("Union = %v", got)
	}
	var empty VLANSet
	if !empty.IsEmpty() || empty.String() != "none" {
		t.Errorf("empty = %q", empty.String())
	}
	copied := s
	copied.Add(100)
	if s.Has(100) {
		t.Error("VLANSet is not a value type")
	}
}

func TestLAGs(t *testing.T) {
	def := L2{Mode: Access, AccessVLAN: 1, NativeVLAN: 1, Allowed: AllVLANs()}
	c := NewConfig([]string{"e1", "e2", "e3"}, "default", def)
	c.EnsureLAG(10, "Po10", def)
	c.EnsureLAG(20, "Po20", def)
	for _, p := range []string{"e2", "e1"} {
		if err := c.JoinLAG(p, 10, ChannelActive); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.LAGs[10]; !slices.Equal(got.Members, []string{"e1", "e2"}) || got.Mode != LACP {
		t.Fatalf("LAG 10 = %+v", got)
	}
	// Moving a port takes it out of its old LAG.
	if err := c.JoinLAG("e2", 20, ChannelOn); err != nil {
		t.Fatal(err)
	}
	if got := c.LAGs[10].Members; !slices.Equal(got, []string{"e1"}) {
		t.Errorf("LAG 10 members after the move = %v", got)
	}
	if got := c.LAGs[20]; !slices.Equal(got.Members, []string{"e2"}) || got.Mode != Static || c.Ports["e2"].LAG != 20 {
		t.Errorf("LAG 20 = %+v, e2 %+v", got, c.Ports["e2"])
	}
	if err := c.JoinLAG("e9", 10, ChannelOn); fault.KindOf(err) != fault.NotFound {
		t.Errorf("joining a missing port: %v", err)
	}
	if err := c.JoinLAG("e3", 30, ChannelOn); fault.KindOf(err) != fault.NotFound {
		t.Errorf("joining a missing LAG: %v", err)
	}
	c.DeleteLAG(10)
	if _, ok := c.LAGs[10]; ok || c.Ports["e1"].LAG != 0 {
		t.Errorf("after DeleteLAG: LAG %v, e1 %+v", c.LAGs[10], c.Ports["e1"])
	}
	if err := c.EditInterface("Po20", func(l *L2) error { l.Description = "x"; return nil }); err != nil || c.LAGs[20].Description != "x" {
		t.Errorf("EditInterface on a LAG: %v", err)
	}
	clone := c.Clone()
	clone.LAGs[20].Members[0] = "changed"
	if c.LAGs[20].Members[0] != "e2" {
		t.Error("Clone shares LAG members")
	}
}

func TestL2Views(t *testing.T) {
	trunk := L2{Mode: Trunk, AccessVLAN: 5, NativeVLAN: 10, Allowed: NewVLANSet(10, 20, 30)}
	if trunk.Untagged() != 10 || trunk.Tagged().String() != "20,30" || !trunk.Carries(10) || trunk.Carries(5) {
		t.Errorf("trunk views: %d %v", trunk.Untagged(), trunk.Tagged())
	}
	access := L2{Mode: Access, AccessVLAN: 5, NativeVLAN: 10, Allowed: AllVLANs()}
	if access.Untagged() != 5 || !access.Tagged().IsEmpty() || access.Carries(10) {
		t.Errorf("access views: %d %v", access.Untagged(), access.Tagged())
	}
}

func TestStoreIsAtomic(t *testing.T) {
	s := NewStore(NewConfig([]string{"e1"}, "default", L2{Mode: Access, AccessVLAN: 1}))
	before := s.Snapshot()
	err := s.Update(func(c *Config) error {
		c.SetVLAN(10, "ten")
		return errors.New("refused")
	})
	if err == nil || !reflect.DeepEqual(s.Snapshot(), before) {
		t.Fatal("a failed update left a change behind")
	}
	if err := s.Update(func(c *Config) error { c.SetVLAN(10, "ten"); return nil }); err != nil {
		t.Fatal(err)
	}
	s.Save()
	if err := s.Update(func(c *Config) error { c.DeleteVLAN(10, true); return nil }); err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	if _, ok := snap.Startup.VLANs[10]; !ok || snap.Saves != 1 {
		t.Fatalf("startup lost the saved VLAN: %+v", snap.Startup.VLANs)
	}
	if _, ok := snap.Running.VLANs[10]; ok {
		t.Fatal("running still has the deleted VLAN")
	}
	s.Reload()
	if _, ok := s.Snapshot().Running.VLANs[10]; !ok {
		t.Fatal("Reload did not restore the saved VLAN")
	}
	// A snapshot is a deep copy.
	snap = s.Snapshot()
	snap.Running.VLANs[99] = VLAN{ID: 99}
	if _, ok := s.Snapshot().Running.VLANs[99]; ok {
		t.Fatal("a snapshot shares maps with the store")
	}
}

func TestStoreCandidate(t *testing.T) {
	s := NewStore(NewConfig(nil, "default", L2{}))
	if s.Commit() {
		t.Error("Commit without a candidate reported a change")
	}
	_ = s.UpdateCandidate(func(c *Config) error { c.SetVLAN(7, "seven"); return nil })
	var seen bool
	s.ViewCandidate(func(c *Config) { _, seen = c.VLANs[7] })
	if !seen {
		t.Error("the candidate lacks its change")
	}
	if _, ok := s.Snapshot().Running.VLANs[7]; ok {
		t.Fatal("a candidate change reached running before Commit")
	}
	s.Discard()
	if s.Snapshot().Candidate != nil {
		t.Fatal("Discard kept the candidate")
	}
	_ = s.UpdateCandidate(func(c *Config) error { c.SetVLAN(8, "eight"); return nil })
	if !s.Commit() {
		t.Fatal("Commit reported nothing to commit")
	}
	snap := s.Snapshot()
	if _, ok := snap.Running.VLANs[8]; !ok || snap.Commits != 1 || snap.Candidate != nil {
		t.Fatalf("after Commit: %+v", snap)
	}
	priv := s.Checkout()
	priv.SetVLAN(9, "nine")
	if _, ok := s.Snapshot().Running.VLANs[9]; ok {
		t.Fatal("Checkout shares the running configuration")
	}
	s.Install(priv)
	if _, ok := s.Snapshot().Running.VLANs[9]; !ok {
		t.Fatal("Install did not apply the private candidate")
	}
}

func TestStoreConcurrent(t *testing.T) {
	s := NewStore(NewConfig(nil, "default", L2{}))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Update(func(c *Config) error { c.SetVLAN(100+i, "v"); return nil })
			s.View(func(c *Config) { _ = len(c.VLANs) })
			_ = s.Snapshot()
		}()
	}
	wg.Wait()
	if n := len(s.Snapshot().Running.VLANs); n != 51 {
		t.Fatalf("%d VLANs after 50 concurrent creations (plus VLAN 1)", n)
	}
}

// FuzzParseVLANList: any list that parses renders back to a list that
// parses to the same set.
func FuzzParseVLANList(f *testing.F) {
	for _, s := range []string{"10", "1-4094", "5,7-9", "0", "4095", "1--2", ",", "20-10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ParseVLANList(in)
		if err != nil {
			return
		}
		again, err := ParseVLANList(set.Ranges(","))
		if err != nil || again != set {
			t.Fatalf("%q -> %q -> %v, %v", in, set.Ranges(","), again, err)
		}
	})
}
