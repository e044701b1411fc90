package topo

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// uml is this package's one UML switch, booted by the first test that
// needs it: the pattern doc.go describes for every UML test package.
var uml = NewSharedUML(UMLConfig{})

func TestMain(m *testing.M) {
	uml.Prewarm()
	code := m.Run()
	// Record what the shared switch made, so its teardown can be checked
	// too (the guest kernel runs as several host processes).
	var tr *labTrace
	uml.mu.Lock()
	if uml.login { // a test used it, so the boot has finished
		t := trace(uml.lab, uml.sw.Mgmt())
		tr = &t
	}
	uml.mu.Unlock()
	if err := uml.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "topo: close shared UML switch:", err)
		code = 1
	}
	if tr != nil {
		if left := tr.remains(); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "topo: after teardown of the shared UML switch %s, still there: %s\n", tr.prefix, strings.Join(left, "; "))
			code = 1
		}
	}
	os.Exit(code)
}
