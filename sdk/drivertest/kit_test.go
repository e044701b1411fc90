//go:build !wasip1

package drivertest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/sdk/drivertest"
)

// TestKitCatchesABrokenDriver runs the kit on a driver that reports
// success but never sets an access port's VLAN: the kit must fail it on
// the device's state, not believe its replies.
func TestKitCatchesABrokenDriver(t *testing.T) {
	wasm := wasmbuild.Build(t, "testdata/drivers/forgetful-eos", "forgetful-eos")
	out, err := drivertest.RunKit(context.Background(), drivertest.KitOptions{
		Driver: wasm, Platform: "arista-eos", CacheDir: wasmbuild.CacheDir(t), Only: "access",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Status != "fail" || !strings.Contains(out[0].Message, "want an enabled access port on VLAN 101") {
		t.Fatalf("the kit passed a driver that forgets the VLAN:\n%s", drivertest.FormatOutcomes(out))
	}
	// It lacks save: the save scenarios are skipped and say why, not
	// passed; and since it does not persist its changes either, the
	// scenario for drivers without save fails.
	out, err = drivertest.RunKit(context.Background(), drivertest.KitOptions{
		Driver: wasm, Platform: "arista-eos", CacheDir: wasmbuild.CacheDir(t), Only: "save",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		want := "skip"
		if o.Scenario == "a change is saved without a save step" {
			want = "fail"
		}
		if o.Status != want || (want == "skip" && !strings.Contains(o.Message, "does not implement save")) {
			t.Errorf("%s: %s %q, want %s", o.Scenario, o.Status, o.Message, want)
		}
	}
	if got := drivertest.FormatOutcomes(out); !strings.Contains(got, "0 passed, 1 failed, 2 skipped") {
		t.Errorf("summary:\n%s", got)
	}
}

func TestKitRefusesUnknownPlatform(t *testing.T) {
	_, err := drivertest.RunKit(context.Background(), drivertest.KitOptions{Driver: wasmbuild.Driver(t, "arista-eos"), Platform: "no-such-os"})
	if err == nil {
		t.Fatal("an unknown platform was accepted")
	}
}

// TestKitCatchesADryRunThatConfigures runs the kit on a driver that ignores
// dry_run: both dry-run scenarios must fail on the lines the switch
// received, while an ordinary attach passes.
func TestKitCatchesADryRunThatConfigures(t *testing.T) {
	wasm := wasmbuild.Build(t, "testdata/drivers/eager-eos", "eager-eos")
	for _, c := range []struct{ only, status, msg string }{
		{"attach access", "pass", ""},
		{"dry run sends nothing", "fail", "the device received configuration lines"},
		{"dry run of reset", "fail", "the device received configuration lines"},
	} {
		out, err := drivertest.RunKit(context.Background(), drivertest.KitOptions{
			Driver: wasm, Platform: "arista-eos", CacheDir: wasmbuild.CacheDir(t), Only: c.only,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Status != c.status || !strings.Contains(out[0].Message, c.msg) {
			t.Errorf("%s: want %s with %q:\n%s", c.only, c.status, c.msg, drivertest.FormatOutcomes(out))
		}
	}
}

// TestKitCatchesADriverDeafToErrors runs the kit on a driver whose error
// pattern matches nothing the switch prints: the rejected-line and
// configuration-lock scenarios must fail, while an ordinary
// attach passes. The absent-port scenario passes: sdk/cli reads the port
// before configuring it and finds nothing, without an error pattern.
func TestKitCatchesADriverDeafToErrors(t *testing.T) {
	wasm := wasmbuild.Build(t, "testdata/drivers/deaf-eos", "deaf-eos")
	for _, c := range []struct{ only, status, msg string }{
		{"attach access", "pass", ""},
		{"a device error surfaces", "pass", ""},
		{"a rejected configuration line", "fail", "set_port succeeded although the device refused"},
		{"fault: configuration locked", "fail", "want busy"},
	} {
		out, err := drivertest.RunKit(context.Background(), drivertest.KitOptions{
			Driver: wasm, Platform: "arista-eos", CacheDir: wasmbuild.CacheDir(t), Only: c.only,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Status != c.status || !strings.Contains(out[0].Message, c.msg) {
			t.Errorf("%s: want %s with %q:\n%s", c.only, c.status, c.msg, drivertest.FormatOutcomes(out))
		}
	}
}
