package cli

import (
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// Block is one top-level stanza of a running configuration: an unindented
// header line ("interface Ethernet1") and the indented lines under it,
// trimmed.
type Block struct {
	Header string
	Lines  []string
}

// Blocks splits running-configuration text into its top-level stanzas.
// Comment lines ("!") and blank lines end nothing and are dropped.
func Blocks(text string) []Block {
	var out []Block
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "!") {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			out = append(out, Block{Header: t})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].Lines = append(out[len(out)-1].Lines, t)
		}
	}
	return out
}

// Running is what a driver's parser reads from running configuration text
// (all of it, or one interface's part).
type Running struct {
	VLANs map[int]string           // VLAN ID → name ("" when the OS shows none)
	Ports map[string]sdk.PortState // by port name, as the device spells it
}
