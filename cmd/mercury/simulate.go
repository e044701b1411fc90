package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator"
	"github.com/openmercury/mercury/simulator/platform"
)

const simulateHelp = `Usage: mercury simulate [flags]

Start simulated switches on loopback ports and run until interrupted (Ctrl-C
or SIGTERM). Each is an SSH server that speaks one vendor's CLI (prompts,
modes, paging, the vendor's error texts) over a real VLAN/port state model,
so Mercury and its drivers can be tried and tested without hardware. Every
device accepts user "admin", password "admin".

Without --config-out, the inventory for the devices (a "devices:" list to
paste into a configuration) is printed on standard output. With it, a
complete configuration is written that 'mercury serve --config FILE' runs as
is:

  mercury simulate --config-out /tmp/sim.yaml &
  mercury serve --config /tmp/sim.yaml

With --serve, Mercury itself runs in the same process on that configuration,
exactly as 'mercury serve' would (the quick start: 'make run'). Without
--devices it then starts one device for each platform whose driver is in
--drivers-dir (built by 'make drivers').

Flags:`

// defaultSimulated is one device of each simulated platform.
const defaultSimulated = "arista-eos,cisco-ios,cisco-nxos,dell-os10,juniper-junos,sonic"

// runSimulate implements `mercury simulate`.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, simulateHelp); fs.PrintDefaults() }
	devices := fs.String("devices", defaultSimulated, "devices to start: PLATFORM[=COUNT],... with platforms "+strings.Join(platform.Names(), ", "))
	dir := fs.String("dir", "", "directory for the devices' password and known_hosts files (default: a new temporary directory, removed on exit)")
	out := fs.String("config-out", "", "write a complete configuration to this file instead of printing the devices")
	drivers := fs.String("drivers-dir", "build/drivers", "server.drivers_dir of the --config-out file")
	listen := fs.String("listen", "127.0.0.1:8089", "server.listen of the --config-out file")
	serve := fs.Bool("serve", false, "also serve Mercury's API on the devices, in this process")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mercury simulate: unexpected argument %q (run 'mercury simulate --help')\n", fs.Arg(0))
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *serve && !set["devices"] {
		var err error
		if *devices, err = builtPlatforms(*drivers); err != nil {
			fmt.Fprintf(stderr, "mercury simulate: %v\n", err)
			return 1
		}
	}
	specs, err := parseSimulated(*devices)
	if err != nil {
		fmt.Fprintf(stderr, "mercury simulate: --devices: %v\n", err)
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "mercury-simulate-")
		if err != nil {
			fmt.Fprintf(stderr, "mercury simulate: %v\n", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	if *serve && *out == "" {
		*out = filepath.Join(*dir, "mercury.yaml")
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sim, err := startSimulated(specs, *dir, *out, *drivers, *listen, stdout, log)
	if err != nil {
		fmt.Fprintf(stderr, "mercury simulate: %v\n", err)
		return 1
	}
	defer sim.Close()
	for _, d := range sim.Devices() {
		fmt.Fprintf(stderr, "simulating %s (%s) on %s, switch_id %s\n", d.Name(), d.Platform(), d.Addr(), d.MAC())
	}
	if *serve {
		return runServe(ctx, []string{"--config", *out}, stdout, stderr)
	}
	if *out != "" {
		fmt.Fprintf(stderr, "configuration written to %s; stop with Ctrl-C\n", *out)
	}
	<-ctx.Done()
	if err := sim.Close(); err != nil {
		fmt.Fprintf(stderr, "mercury simulate: stop: %v\n", err)
		return 1
	}
	return 0
}

// builtPlatforms lists, as a --devices value, the simulated platforms whose
// driver is built in driversDir.
func builtPlatforms(driversDir string) (string, error) {
	var have []string
	for _, p := range platform.Names() {
		if _, err := os.Stat(filepath.Join(driversDir, p+".wasm")); err == nil {
			have = append(have, p)
		}
	}
	if len(have) == 0 {
		return "", fmt.Errorf("no driver for a simulated platform (%s) in %s: build them with 'make drivers', or point --drivers-dir at them",
			strings.Join(platform.Names(), ", "), driversDir)
	}
	return strings.Join(have, ","), nil
}

// parseSimulated reads PLATFORM[=COUNT],... into device specs named after
// the platform's short name: eos-1, eos-2, ios-1, ...
func parseSimulated(s string) ([]simulator.DeviceSpec, error) {
	var specs []simulator.DeviceSpec
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, count, hasCount := strings.Cut(item, "=")
		n := 1
		if hasCount {
			v, err := strconv.Atoi(count)
			if err != nil || v < 1 || v > 500 {
				return nil, fmt.Errorf("%q: the count must be a number from 1 to 500", item)
			}
			n = v
		}
		if _, err := platform.Lookup(name); err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("platform %s is listed twice: give it once with a count (%s=N)", name, name)
		}
		seen[name] = true
		specs = append(specs, simulator.Fleet(name, shortPlatform(name), n)...)
	}
	if len(specs) == 0 {
		return nil, errors.New("no devices: name at least one platform")
	}
	return specs, nil
}

// shortPlatform names a platform's devices: "arista-eos" gives "eos".
func shortPlatform(p string) string {
	if _, after, ok := strings.Cut(p, "-"); ok {
		return after
	}
	return p
}

// startSimulated starts the devices, with their secrets in dir, and writes
// their inventory: a devices snippet to w, or, when cfgOut is set, a whole
// configuration to cfgOut (atomically, so a reader never sees half of it).
func startSimulated(specs []simulator.DeviceSpec, dir, cfgOut, driversDir, listen string, w io.Writer, log *slog.Logger) (*simulator.Server, error) {
	sim, err := simulator.Run(specs, log)
	if err != nil {
		return nil, err
	}
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, dir); err != nil {
		sim.Close()
		return nil, err
	}
	if cfgOut == "" {
		if _, err := w.Write(inv.Bytes()); err != nil {
			sim.Close()
			return nil, fault.Wrap(fault.Internal, err, "print the inventory")
		}
		return sim, nil
	}
	if err := writeSimulatedConfig(cfgOut, inv.Bytes(), dir, driversDir, listen); err != nil {
		sim.Close()
		return nil, err
	}
	return sim, nil
}

// writeSimulatedConfig writes a configuration that serves the devices in
// inv: a server section, then inv.
func writeSimulatedConfig(path string, inv []byte, dir, driversDir, listen string) error {
	abs, err := filepath.Abs(driversDir)
	if err != nil {
		return fault.Wrap(fault.Invalid, err, "--drivers-dir %s", driversDir)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Mercury configuration for simulated devices, written by 'mercury simulate'.\n")
	fmt.Fprintf(&b, "server:\n")
	fmt.Fprintf(&b, "  listen: %s\n", strconv.Quote(listen))
	fmt.Fprintf(&b, "  drivers_dir: %s\n", strconv.Quote(abs))
	fmt.Fprintf(&b, "  cache_dir: %s\n", strconv.Quote(filepath.Join(filepath.Dir(abs), "wazero-cache")))
	fmt.Fprintf(&b, "  lock_dir: %s\n", strconv.Quote(filepath.Join(dir, "locks")))
	b.Write(inv)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fault.Wrap(fault.Internal, err, "write %s", tmp)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fault.Wrap(fault.Internal, err, "write %s", path)
	}
	return nil
}
