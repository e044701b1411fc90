package platform

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// vtysh, FRR's shell, as the Linux-based platforms (SONiC, Cumulus Linux)
// run it: "vtysh -c CMD -c CMD ...", each CMD one line of FRR's CLI, run in
// order as one session.
//
// Oracle: NGS PLUG_EVPN_VNI and UNPLUG_EVPN_VNI (Appendix A, netmiko_sonic
// and netmiko_cumulus_nvue): -c "configure terminal" -c "router bgp ASN"
// -c "address-family l2vpn evpn" then -c "vni N" -c "rd auto" -c
// "route-target import auto" -c "route-target export auto", or -c "no vni
// N".
//
// Modelled: the nodes (enable, configure, router bgp, address-family l2vpn
// evpn, vni), one BGP instance whose AS the first "router bgp" fixes, the
// EVPN VNIs with their rd and route-target settings (state.FRR), "do
// show running-config" and a lone -c "show running-config" that print them.
// A command outside its node is "% Unknown command: ..." as in FRR.
// Approximations: the whole -c list is applied or, at the first refused
// command, none of it (vtysh keeps the lines before the error); "rd auto"
// and "route-target import|export auto" are taken as NGS sends them; only
// the commands above are modelled; the error texts other than "% Unknown
// command" are in FRR's style, not checked against it.

// frrNode is where a vtysh session is in FRR's command tree.
type frrNode int

const (
	frrEnable frrNode = iota
	frrConfig
	frrBGP
	frrEVPN
	frrVNI
)

// shellWords splits a shell command line into words, removing single and
// double quotes and backslash escapes as bash does.
func shellWords(s string) []string {
	var words []string
	var b strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'' && ch == '\'', quote == '"' && ch == '"':
			quote = 0
		case quote == '\'':
			b.WriteByte(ch)
		case ch == '\\' && i+1 < len(s) && quote != '\'':
			i++
			b.WriteByte(s[i])
			in = true
		case quote == '"':
			b.WriteByte(ch)
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == ' ' || ch == '\t':
			if in {
				words = append(words, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(ch)
			in = true
		}
	}
	if in {
		words = append(words, b.String())
	}
	return words
}

// vtysh runs "vtysh -c ... -c ..." (the words after "vtysh" in c's
// parameter "script"). live chooses how the change is stored: at once in
// the running configuration and any candidate (a platform whose own CLI
// keeps a candidate that must not undo FRR's changes), or through
// c.Update.
func vtysh(c *cli.Call, live bool) error {
	words := shellWords(c.Str("script"))
	var cmds []string
	for i := 0; i < len(words); i++ {
		if words[i] != "-c" || i+1 == len(words) {
			return cli.Fail("vtysh: invalid option -- '%s'\nUsage : vtysh [OPTION...]\nTry `vtysh --help' for more information.", strings.TrimLeft(words[i], "-"))
		}
		i++
		cmds = append(cmds, strings.Join(strings.Fields(words[i]), " "))
	}
	if len(cmds) == 0 {
		return cli.Fail("vtysh: an interactive vtysh is not simulated: give the commands with -c")
	}
	if len(cmds) == 1 && (cmds[0] == "show running-config" || cmds[0] == "show run") {
		var b strings.Builder
		view := c.View
		if live {
			view = c.Store().View
		}
		view(func(cfg *state.Config) { frrRunning(&b, c.Host(), cfg.FRR) })
		c.Printf("%s", b.String())
		return nil
	}
	apply := func(cfg *state.Config) error {
		f := cfg.FRR
		if f.VNIs == nil {
			f.VNIs = map[int]state.FRRVNI{}
		}
		node, vni := frrEnable, 0
		for _, line := range cmds {
			next, err := frrLine(&f, node, &vni, line)
			if err != nil {
				return err
			}
			node = next
		}
		if len(f.VNIs) == 0 {
			f.VNIs = nil
		}
		cfg.FRR = f
		return nil
	}
	if live {
		return c.Store().UpdateLive(apply)
	}
	return c.Update(apply)
}

// frrLine runs one FRR command in node and returns the node it leaves the
// session in; vni is the VNI whose node the session is in.
func frrLine(f *state.FRR, node frrNode, vni *int, line string) (frrNode, error) {
	unknown := cli.Fail("%% Unknown command: %s", line)
	w := strings.Fields(line)
	if len(w) == 0 {
		return node, nil
	}
	num := func(s string, lo, hi int) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi && s[0] != '+' && s[0] != '-'
	}
	// "exit" and "end" work in every node; a command of a node above the
	// current one moves there, as in FRR.
	switch {
	case line == "end":
		return frrEnable, nil
	case line == "exit" || line == "exit-address-family" && node == frrEVPN || line == "exit-vni" && node == frrVNI:
		if node == frrEnable {
			return node, nil
		}
		return node - 1, nil
	}
	for n := node; n >= frrEnable; n-- {
		switch {
		case n == frrEnable && (line == "configure terminal" || line == "configure" || line == "conf t"):
			return frrConfig, nil
		case n == frrConfig && len(w) == 3 && w[0] == "router" && w[1] == "bgp":
			asn, ok := num(w[2], 1, 4294967295)
			if !ok {
				return node, cli.Fail("%% Invalid AS number: %s", w[2])
			}
			if f.ASN != 0 && f.ASN != asn {
				return node, cli.Fail("BGP instance name and AS number mismatch\nBGP instance is already running; AS is %d", f.ASN)
			}
			f.ASN = asn
			return frrBGP, nil
		case n == frrBGP && line == "address-family l2vpn evpn":
			return frrEVPN, nil
		case n == frrEVPN && len(w) == 2 && w[0] == "vni":
			v, ok := num(w[1], 1, 16777215)
			if !ok {
				return node, cli.Fail("%% Invalid VNI: %s", w[1])
			}
			if _, ok := f.VNIs[v]; !ok {
				f.VNIs[v] = state.FRRVNI{}
			}
			*vni = v
			return frrVNI, nil
		case n == frrEVPN && len(w) == 3 && w[0] == "no" && w[1] == "vni":
			v, ok := num(w[2], 1, 16777215)
			if !ok {
				return node, cli.Fail("%% Invalid VNI: %s", w[2])
			}
			if _, ok := f.VNIs[v]; !ok {
				return node, cli.Fail("%% Failed to delete VNI %d: it is not configured under address-family l2vpn evpn", v)
			}
			delete(f.VNIs, v)
			return frrEVPN, nil
		case n == frrVNI && (line == "rd auto" || line == "route-target import auto" || line == "route-target export auto"):
			e := f.VNIs[*vni]
			switch line {
			case "rd auto":
				e.RDAuto = true
			case "route-target import auto":
				e.ImportAuto = true
			default:
				e.ExportAuto = true
			}
			f.VNIs[*vni] = e
			return frrVNI, nil
		}
	}
	return node, unknown
}

// frrRunning renders FRR's running configuration as vtysh prints it.
func frrRunning(b *strings.Builder, host string, f state.FRR) {
	fmt.Fprintf(b, "Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.5.4\nfrr defaults datacenter\nhostname %s\n!\n", host)
	if f.ASN != 0 {
		fmt.Fprintf(b, "router bgp %d\n", f.ASN)
		if len(f.VNIs) > 0 {
			b.WriteString(" !\n address-family l2vpn evpn\n")
			for _, v := range slices.Sorted(maps.Keys(f.VNIs)) {
				e := f.VNIs[v]
				fmt.Fprintf(b, "  vni %d\n", v)
				if e.RDAuto {
					b.WriteString("   rd auto\n")
				}
				if e.ImportAuto {
					b.WriteString("   route-target import auto\n")
				}
				if e.ExportAuto {
					b.WriteString("   route-target export auto\n")
				}
				b.WriteString("  exit-vni\n")
			}
			b.WriteString(" exit-address-family\n")
		}
		b.WriteString("exit\n!\n")
	}
	b.WriteString("end\n")
}
