package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/openmercury/mercury/inventory"
)

const configUsage = `Usage: mercury config check [--print-yaml] FILE

Check a Mercury configuration file and report every problem in it, each with
the key, the value found and the fix. FILE is Mercury's YAML, or an existing
networking-generic-switch ([genericswitch:NAME]) or Ironic ([switch:NAME])
ini file, recognised by its .ini/.conf/.cfg name or its first line.

Server settings may be overridden from the environment, as 'mercury serve'
does: MERCURY_SERVER__LISTEN=0.0.0.0:8089 sets server.listen, and
MERCURY_SERVER__TLS__CERT_FILE sets server.tls.cert_file (two underscores
between levels). The check sees the same overrides the service would.

Flags:
  --print-yaml  print YAML on standard output: for an ini file, its
                translation to Mercury's YAML (printed even when the file has
                problems, so you can finish the migration by hand); for a
                YAML file, the configuration as loaded, with every default.
                The report then goes to standard error.

Exit status: 0 when the configuration loads (warnings allowed), 1 when it
has errors or cannot be read, 2 for a usage error.

See docs/configuration.md for every key.
`

// runConfig implements `mercury config check`.
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := stderr
		code := 2
		if len(args) > 0 {
			w, code = stdout, 0
		}
		fmt.Fprint(w, configUsage)
		return code
	}
	if args[0] != "check" {
		fmt.Fprintf(stderr, "mercury config: unknown subcommand %q (the one subcommand is check)\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	printYAML := fs.Bool("print-yaml", false, "")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, configUsage)
			return 0
		}
		fmt.Fprintf(stderr, "mercury config check: %v\n\n%s", err, configUsage)
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "mercury config check: want one FILE, got %d arguments\n\n%s", fs.NArg(), configUsage)
		return 2
	}
	path := fs.Arg(0)

	report := stdout
	if *printYAML {
		report = stderr
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "mercury config check: %v\n", err)
		return 1
	}
	isINI := inventory.IsINI(path, data)
	if *printYAML && isINI {
		out, _, err := inventory.TranslateINI(path)
		if err != nil {
			fmt.Fprintf(stderr, "mercury config check: %v\n", err)
			return 1
		}
		_, _ = stdout.Write(out)
	}

	cfg, err := inventory.Load(path, os.Environ())
	if err != nil {
		var le *inventory.LoadError
		if !errors.As(err, &le) {
			fmt.Fprintf(stderr, "mercury config check: %v\n", err)
			return 1
		}
		fmt.Fprintln(report, le.Error())
		if isINI && !*printYAML {
			fmt.Fprintln(report, "(run 'mercury config check --print-yaml FILE' for the YAML translation)")
		}
		return 1
	}
	if *printYAML && !isINI {
		_, _ = stdout.Write(cfg.YAML())
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(report, w.String())
	}
	for _, n := range missingDrivers(cfg) {
		fmt.Fprintln(report, n)
	}
	fmt.Fprintln(report, summary(cfg))
	return 0
}

// summary is the one line printed for a configuration that loads.
func summary(cfg *inventory.Config) string {
	devices := cfg.Devices()
	count := map[string]int{}
	for _, d := range devices {
		count[d.Driver]++
	}
	var drivers []string
	for _, name := range cfg.Drivers() {
		drivers = append(drivers, fmt.Sprintf("%s ×%d", name, count[name]))
	}
	s := cfg.Server()
	noun := "devices"
	if len(devices) == 1 {
		noun = "device"
	}
	line := fmt.Sprintf("config %s: OK: %d %s", cfg.Path(), len(devices), noun)
	if len(drivers) > 0 {
		line += " (" + strings.Join(drivers, ", ") + ")"
	}
	tlsNote := "plain HTTP"
	if s.TLS.Enabled() {
		tlsNote = "TLS"
	}
	return line + fmt.Sprintf("; listen %s, %s, auth %s, deadline %gs", s.Listen, tlsNote, s.Auth.Strategy, s.Deadline.Seconds())
}

// missingDrivers notes each bound driver with no module in drivers_dir:
// not a configuration error (drivers are built separately), but serve will
// refuse to start without them.
func missingDrivers(cfg *inventory.Config) []string {
	dir := cfg.Server().DriversDir
	var out []string
	for _, name := range cfg.Drivers() {
		p := filepath.Join(dir, name+".wasm")
		if _, err := os.Stat(p); err != nil {
			out = append(out, fmt.Sprintf("note: driver %s: no module %s yet; build it (make drivers) or set server.drivers_dir before 'mercury serve'", name, p))
		}
	}
	return out
}
