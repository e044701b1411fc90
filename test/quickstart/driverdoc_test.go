package quickstart

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk/drivertest"
)

// goBlocks returns the ```go blocks of a Markdown file, in order.
func goBlocks(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case !in && l == "```go":
			in, cur = true, nil
		case in && l == "```":
			in = false
			blocks = append(blocks, strings.Join(cur, "\n")+"\n")
		case in:
			cur = append(cur, l)
		}
	}
	return blocks
}

// TestWritingADriver builds the driver docs/writing-a-driver.md shows,
// as printed, runs its native test snippet, and runs the conformance kit
// on it against the NX-OS simulator: everything must pass, and the LAG and
// VXLAN scenarios it has no templates for (and the two for drivers
// without save) must be skipped.
func TestWritingADriver(t *testing.T) {
	top, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(t, filepath.Join(top, "docs", "writing-a-driver.md"))
	if len(blocks) != 2 {
		t.Fatalf("the walk-through has %d go blocks; this test expects the driver and its test", len(blocks))
	}
	// Inside the module, so it builds against this tree; build/ is not
	// committed, and "testdata" keeps it out of ./... patterns.
	dir := filepath.Join(top, "build", "testdata", "my-nxos")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	testFile := "//go:build !wasip1\n\npackage main\n\nimport (\n\t\"testing\"\n\n\t\"github.com/openmercury/mercury/abi\"\n" +
		"\t\"github.com/openmercury/mercury/sdk\"\n\t\"github.com/openmercury/mercury/sdk/drivertest\"\n" +
		"\t\"github.com/openmercury/mercury/simulator\"\n)\n\n" + blocks[1]
	for name, body := range map[string]string{"main.go": blocks[0], "my_test.go": testFile} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "./build/testdata/my-nxos")
	cmd.Dir = top
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the walk-through's native test fails:\n%s", out)
	}
	wasm := wasmbuild.Build(t, dir, "my-nxos")
	out, err := drivertest.RunKit(context.Background(), drivertest.KitOptions{Driver: wasm, Platform: "cisco-nxos", CacheDir: wasmbuild.CacheDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	table := drivertest.FormatOutcomes(out)
	for _, o := range out {
		wantSkip := o.Scenario == "port-channel" || o.Scenario == "port-channel as one half of a switch pair" ||
			o.Scenario == "VXLAN VNI map" || o.Scenario == "read_networks shows a VNI map" || o.Scenario == "a change is saved without a save step" ||
			o.Scenario == "fault: a failing commit changes nothing"
		if (o.Status == "skip") != wantSkip || o.Status == "fail" {
			t.Fatalf("the walk-through's driver does not pass the kit as the doc says:\n%s", table)
		}
	}
	t.Logf("\n%s", table)
}
