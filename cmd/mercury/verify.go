package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var verifyHelp = `Usage: mercury verify [flags] INTENTS.yaml

Check many ports against what they should carry, reading the devices and
changing nothing: each intent is sent to a running Mercury's verify_port,
and a drift table is printed, one row per port. Exit status: 0 when every
port is in sync, 1 when any drifted or could not be read, 2 on a usage or
file error.

INTENTS.yaml is a list:

  - link: {switch_id: tor-1, port_id: Ethernet1}
    expect: {mode: access, native_vlan: 100}
  - link: {switch_id: tor-1, port_id: Ethernet2}
    expect: {mode: trunk, native_vlan: 100, allowed_vlans: [200, 300]}

` + reaching(`mercury verify --url https://mercury.example:8089/ --ca-file ca.pem \
      --cert operator.pem --key operator.key intents.yaml`) + `
Flags:`

// intent is one port and what it should carry.
type intent struct {
	Link struct {
		SwitchID   string `yaml:"switch_id" json:"switch_id"`
		PortID     string `yaml:"port_id" json:"port_id"`
		SwitchInfo string `yaml:"switch_info,omitempty" json:"switch_info,omitempty"`
	} `yaml:"link" json:"link"`
	Expect struct {
		Mode         string `yaml:"mode" json:"mode"`
		NativeVLAN   int    `yaml:"native_vlan,omitempty" json:"native_vlan,omitempty"`
		AllowedVLANs []int  `yaml:"allowed_vlans,omitempty" json:"allowed_vlans,omitempty"`
	} `yaml:"expect" json:"expect"`
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, verifyHelp); fs.PrintDefaults() }
	c := clientFlags(fs)
	asJSON := fs.Bool("json", false, "print each port's verify_port result as a JSON line")
	timeout := fs.Duration("timeout", 120*time.Second, "give up on one port after this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	intents, err := readIntents(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mercury verify: %v\n", err)
		return 2
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "%-16s  %-16s  %-8s  %s\n", "SWITCH", "PORT", "STATE", "DRIFT")
	}
	bad := 0
	for _, in := range intents {
		cctx, cancel := context.WithTimeout(ctx, *timeout)
		params := map[string]any{"link": in.Link, "expect": in.Expect, "context": map[string]any{"user": "mercury-verify:" + os.Getenv("USER")}}
		raw, reply, err := c.call(cctx, "verify_port", params)
		cancel()
		if errors.As(err, new(usageError)) {
			fmt.Fprintf(stderr, "mercury verify: %v\n", err)
			return 2
		}
		state, drift := "in sync", ""
		switch {
		case err != nil:
			state, drift = "error", err.Error()
		case reply.Error != nil:
			state, drift = "error", reply.Error.Message
		default:
			var d struct {
				InSync bool     `json:"in_sync"`
				Drift  []string `json:"drift"`
			}
			json.Unmarshal(reply.Result, &d)
			if !d.InSync {
				state, drift = "DRIFT", strings.Join(d.Drift, "; ")
			}
		}
		if state != "in sync" {
			bad++
		}
		if *asJSON {
			fmt.Fprintln(stdout, strings.TrimSpace(string(raw)))
			continue
		}
		fmt.Fprintf(stdout, "%-16s  %-16s  %-8s  %s\n", in.Link.SwitchID, in.Link.PortID, state, drift)
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "%d ports, %d in sync, %d drifted or unreadable\n", len(intents), len(intents)-bad, bad)
	}
	if bad > 0 {
		return 1
	}
	return 0
}

// readIntents reads and checks an intents file.
func readIntents(path string) ([]intent, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	var intents []intent
	if err := dec.Decode(&intents); err != nil {
		return nil, fmt.Errorf("%s: %v (want a list of {link: {switch_id, port_id}, expect: {mode, native_vlan, allowed_vlans}})", path, err)
	}
	if len(intents) == 0 {
		return nil, fmt.Errorf("%s: no intents", path)
	}
	for i, in := range intents {
		if in.Link.SwitchID == "" || in.Link.PortID == "" {
			return nil, fmt.Errorf("%s: item %d: link needs switch_id and port_id", path, i+1)
		}
	}
	return intents, nil
}
