package drivertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/testenv"
	"github.com/openmercury/mercury/sdk/drivertest"
)

// TestDocsListEveryScenario: docs/drivers.md's kit table names every
// scenario the kit runs (the faults share one row).
func TestDocsListEveryScenario(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "drivers.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, name := range drivertest.Scenarios() {
		row := "| " + name + " |"
		if f, ok := strings.CutPrefix(name, "fault: "); ok && !strings.Contains(doc, row) {
			row = f
		}
		if !strings.Contains(doc, row) {
			t.Errorf("docs/drivers.md's kit table lacks the scenario %q", name)
		}
	}
}
