package topo

import (
	"fmt"
	"os"
	"testing"
)

// uml is this package's one UML switch, booted by the first test that
// needs it: the pattern doc.go describes for every UML test package.
var uml = NewSharedUML(UMLConfig{})

func TestMain(m *testing.M) {
	code := m.Run()
	if err := uml.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "topo: close shared UML switch:", err)
		code = 1
	}
	os.Exit(code)
}
