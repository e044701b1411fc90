package platform

import (
	"io"
	"strings"
	"testing"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// env is an in-memory device for the platform tests.
type env struct {
	store *state.Store
	ports map[string]bool
}

func newEnv(p *cli.Platform) *env {
	ports := p.Spec().DefaultPorts[:4]
	e := &env{store: state.NewStore(p.DefaultConfig(ports)), ports: map[string]bool{}}
	for _, n := range ports {
		e.ports[n] = true
	}
	return e
}

func (e *env) Hostname() string         { return "fuzz" }
func (e *env) Store() *state.Store      { return e.store }
func (e *env) HasPort(name string) bool { return e.ports[name] }
func (e *env) EnableSecret() string     { return "" }
func (e *env) ConfigLocked() bool       { return false }
func (e *env) SaveFails() bool          { return false }
func (e *env) ConfigLine() bool         { return false }
func (e *env) Record(cli.Record)        {}

// FuzzShell types arbitrary input into every platform's shell: it must never
// panic, and the state's invariants must hold afterwards.
func FuzzShell(f *testing.F) {
	for _, seed := range []string{
		"configure terminal\ninterface Ethernet1\nswitchport mode trunk\nswitchport trunk allowed vlan add 10-20\n",
		"conf t\nint gi1/0/1\nsw acc vl 5\nchannel-group 3 mode on\nend\nshow vlan | include 5\n",
		"configure\ninterface ethernet 1/1/1\nchannel-group 7\ninterface port-channel 7\nswitchport mode trunk\n",
		"conf\nvlan 10,20-30\nname x\nno vlan 1-4094\ndo show running-config\n",
		"configure\ninterface Vxlan1\nvxlan vlan 5 vni 500\n\x1a\x03\x7f\x1b[A show run\n",
		"\"\"\"|||\n| include\nshow vlan | frob\n",
		"sudo config portchannel add --static true PortChannel2\nsudo config portchannel member add PortChannel2 Ethernet0\nsudo config vlan add 5\nsudo config vlan member add 5 PortChannel2\nsudo config portchannel del PortChannel2\n",
		"configure private\nset vlans v1 vlan-id 5\nset vlans v1 vxlan vni 500\nset vlans v1 vxlan multicast-group 239.0.0.1\nset vlans v1 vrf-target target:1:500\ncommit\nexit\nshow vlans\nconfigure private\ndelete vlans v1\ncommit and-quit\n",
		"sudo -s\nconfig vlan add 5\nvtysh -c \"configure terminal\" -c \"router bgp 1\" -c \"address-family l2vpn evpn\" -c \"vni 7\"\nconfig acl add table T L3 -p Ethernet0 -s ingress\necho -n \"eA==\" | base64 -d | gunzip > /etc/sonic/a.json\nacl-loader update full --table_name T /etc/sonic/a.json\nexit\n",
		"nv set bridge domain br_default vlan 5 vni 50 flooding multicast-group 239.1.1.1\nnv set nve vxlan flooding head-end-replication 10.0.0.1\nnv show bridge domain br_default vlan 5 -o json\nnv config apply -y\n",
		"configure\nip access-list a\nseq 5 permit tcp any host 10.0.0.1 eq 22\nexit\ninterface ethernet1/1/1\nip access-group a in\nend\nshow ip access-lists in\n",
		"configure\ninterface Port-channel 3\nchannel-member TenGigabitEthernet0/1\nexit\ninterface TenGigabitEthernet0/2\nport-channel-protocol LACP\nport-channel 3 mode active\nend\nconfigure\nno interface Port-channel 3\n",
	} {
		f.Add(seed)
	}
	plats := map[string]*cli.Platform{}
	for _, n := range Names() {
		p, err := Lookup(n)
		if err != nil {
			f.Fatal(err)
		}
		plats[n] = p
	}
	f.Fuzz(func(t *testing.T, input string) {
		for name, p := range plats {
			e := newEnv(p)
			sess := p.NewSession(e, cli.SessionOptions{Privileged: true, PTY: true})
			rw := struct {
				io.Reader
				io.Writer
			}{strings.NewReader(input), io.Discard}
			if err := sess.Shell(rw); err != nil {
				t.Fatalf("%s: shell: %v", name, err)
			}
			checkInvariants(t, name, e.store.Snapshot().Running)
		}
	})
}

// checkInvariants: every LAG member points back at its LAG, and no port
// claims a LAG that does not list it.
func checkInvariants(t *testing.T, platform string, cfg state.Config) {
	for n, lag := range cfg.LAGs {
		for _, m := range lag.Members {
			if cfg.Ports[m].LAG != n {
				t.Fatalf("%s: %s is listed in LAG %d but says LAG %d", platform, m, n, cfg.Ports[m].LAG)
			}
		}
	}
	for name, p := range cfg.Ports {
		if p.LAG == 0 {
			continue
		}
		lag, ok := cfg.LAGs[p.LAG]
		found := false
		for _, m := range lag.Members {
			found = found || m == name
		}
		if !ok || !found {
			t.Fatalf("%s: %s says LAG %d, which does not list it", platform, name, p.LAG)
		}
	}
	if _, ok := cfg.VLANs[1]; !ok {
		t.Fatalf("%s: VLAN 1 was deleted", platform)
	}
	for v := range cfg.VRFTargets {
		if _, ok := cfg.VLANs[v]; !ok {
			t.Fatalf("%s: VLAN %d is gone but its vrf-target stays", platform, v)
		}
	}
}
