// Command mercury is the Mercury service and its operator tools.
//
// Every subcommand lives in its own file and is listed once, in commands
// below: that table is the whole command-line surface.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is every subcommand, in the order --help lists them.
func commands() []command {
	return []command{
		{"serve", "serve the JSON-RPC API: serve --config FILE", runServe},
		{"call", "call a JSON-RPC method: call METHOD key=value...", runCall},
		{"watch", "follow every finished operation live (audit records over /ws)", runWatch},
		{"verify", "check ports against intents, changing nothing: verify INTENTS.yaml", runVerify},
		{"version", "print the version and the driver ABI version", runVersion},
		{"driver", "inspect or test a driver (.wasm): driver inspect|test FILE", runDriver},
		{"config", "check a configuration file: config check FILE", runConfig},
		{"simulate", "run simulated switches and print their inventory", runSimulate},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mercury: unknown command %q (run 'mercury --help' for the list)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Mercury attaches server ports to L2 networks on switches and DPUs, through sandboxed wasm drivers.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: mercury COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'mercury COMMAND --help' for a command's flags.")
}
