package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/openmercury/mercury/test/e2e/topo"
)

// uml is the package's one user-mode-linux switch (a VLAN-filtering Linux
// bridge), booted in the background while other tests run.
var uml = topo.NewSharedUML(topo.UMLConfig{Ports: 2})

func TestMain(m *testing.M) {
	uml.Prewarm()
	code := m.Run()
	if err := uml.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: close the shared UML switch:", err)
		code = 1
	}
	os.Exit(code)
}
