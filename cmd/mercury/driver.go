package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/sdk/drivertest"
	"github.com/openmercury/mercury/simulator/platform"
)

func runDriver(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, `Usage: mercury driver inspect [--json] [--cache-dir DIR] FILE.wasm
       mercury driver test --simulator PLATFORM [--json] [--run TEXT] [--cache-dir DIR] FILE.wasm

inspect   load FILE.wasm exactly as the service would — compile, check its imports,
          exports, memory and ABI version, run its describe operation — and print
          what it says of itself. Exits 1, naming every problem, if the service
          would refuse it.

test      run the conformance kit: every scenario (attach, repeat, move, trunk,
          hybrid, reset, VLANs, read_port, errors, refused input, dry run, save and
          each fault a device can show) on a fresh simulated PLATFORM switch, with
          FILE.wasm in the real runtime over real SSH, checking the driver's replies
          and the switch's state. Prints a pass/fail/skip table; exits 1 when any
          scenario fails. Platforms: `+strings.Join(platform.Names(), ", ")+`.`)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "inspect":
		return driverInspect(ctx, args[1:], stdout, stderr)
	case "test":
		return driverTest(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "mercury driver: unknown subcommand %q (see 'mercury driver --help')\n", args[0])
	return 2
}

func driverInspect(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("driver inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the description as JSON")
	cacheDir := fs.String("cache-dir", "", "wazero compile cache directory (default: none, compile in memory)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "mercury driver inspect: want exactly one FILE.wasm")
		return 2
	}
	e, err := mruntime.New(ctx, mruntime.Options{CacheDir: *cacheDir, PoolSize: -1})
	if err != nil {
		fmt.Fprintf(stderr, "mercury driver inspect: %v\n", err)
		return 1
	}
	defer e.Close(context.Background())
	d, err := e.LoadFile(ctx, pos[0])
	if err != nil {
		fmt.Fprintf(stdout, "validation: FAILED\n%v\n", err)
		return 1
	}
	defer d.Close(context.Background())
	desc := d.Description()
	if *asJSON {
		b, _ := json.MarshalIndent(struct {
			File        string `json:"file"`
			SHA256      string `json:"sha256"`
			Valid       bool   `json:"valid"`
			Description any    `json:"description"`
		}{pos[0], d.SHA256(), true, desc}, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return 0
	}
	row := func(k, v string) { fmt.Fprintf(stdout, "%-14s %s\n", k+":", v) }
	row("validation", "ok (loads as the service would load it)")
	row("file", pos[0])
	row("sha256", d.SHA256())
	row("name", desc.Name)
	row("version", desc.Version)
	row("session", desc.Session)
	row("operations", strings.Join(desc.Operations, ", "))
	row("networks", strings.Join(desc.NetworkTypes, ", "))
	row("vnic types", strings.Join(desc.VNICTypes, ", "))
	row("port pattern", desc.PortPattern)
	if desc.LAGPattern != "" {
		row("lag pattern", desc.LAGPattern)
	}
	if desc.Shell != nil {
		row("shell prompt", desc.Shell.Prompt)
	}
	for _, m := range desc.Models {
		row("model", m)
	}
	for _, n := range desc.Notes {
		row("note", n)
	}
	return 0
}

func driverTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("driver test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sim := fs.String("simulator", "", "simulated platform to test against: "+strings.Join(platform.Names(), ", "))
	asJSON := fs.Bool("json", false, "print the outcomes as JSON")
	only := fs.String("run", "", "run only the scenarios whose names contain this text")
	cacheDir := fs.String("cache-dir", "", "wazero compile cache directory (default: none, compile in memory)")
	// Help asked for goes to stdout; help after a usage error, to stderr.
	helpOut := stderr
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			helpOut = stdout
		}
	}
	fs.Usage = func() {
		w := helpOut
		fs.SetOutput(w)
		fmt.Fprint(w, `Usage: mercury driver test FILE.wasm --simulator PLATFORM [--json] [--run TEXT] [--cache-dir DIR]
       (flags may come before or after FILE.wasm)

Runs the conformance kit: each scenario on a fresh simulated PLATFORM switch,
with FILE.wasm in the real runtime over real SSH, judged by the switch's state.
Prints scenario, result (pass, fail, or skip when the driver does not describe
an operation the scenario needs), duration and message; exits 1 when any
scenario fails, 2 on a usage error.

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nScenarios:\n  %s\n", strings.Join(drivertest.Scenarios(), "\n  "))
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 || *sim == "" {
		fmt.Fprintln(stderr, "mercury driver test: want --simulator PLATFORM and exactly one FILE.wasm (see 'mercury driver --help')")
		return 2
	}
	out, err := drivertest.RunKit(ctx, drivertest.KitOptions{Driver: pos[0], Platform: *sim, CacheDir: *cacheDir, Only: *only})
	if err != nil {
		fmt.Fprintf(stderr, "mercury driver test: %v\n", err)
		return 1
	}
	if *asJSON {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprint(stdout, drivertest.FormatOutcomes(out))
	}
	for _, o := range out {
		if o.Status == "fail" {
			return 1
		}
	}
	return 0
}
