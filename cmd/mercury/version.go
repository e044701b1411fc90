package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/openmercury/mercury/abi"
)

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "mercury %s (driver ABI v%d)\n", v, abi.Version)
	return 0
}
