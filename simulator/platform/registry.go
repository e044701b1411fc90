package platform

import (
	"slices"
	"strings"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
)

// The platform names, as device specs and inventories spell them.
const (
	AristaEOS = "arista-eos"
	CiscoIOS  = "cisco-ios"
	CiscoNXOS = "cisco-nxos"
	DellOS10  = "dell-os10"
	// JuniperJunos is Junos on EX/QFX switches.
	JuniperJunos = "juniper-junos"
	// Sonic is SONiC through its Linux shell.
	Sonic = "sonic"
)

// specs maps each platform name to the function that writes its Spec.
func specs() map[string]func() cli.Spec {
	return map[string]func() cli.Spec{
		AristaEOS:    eosSpec,
		CiscoIOS:     iosSpec,
		CiscoNXOS:    nxosSpec,
		DellOS10:     os10Spec,
		JuniperJunos: junosSpec,
		Sonic:        sonicSpec,
	}
}

// Names returns every platform name, sorted.
func Names() []string {
	var names []string
	for n := range specs() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup builds the platform called name.
func Lookup(name string) (*cli.Platform, error) {
	f, ok := specs()[name]
	if !ok {
		return nil, fault.New(fault.NotFound, "no simulated platform %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return cli.NewPlatform(f())
}
