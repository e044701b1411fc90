package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/state"
)

// member is one interface's part in a VLAN.
type member struct {
	name   string
	tagged bool
}

// vlanMembers returns, per VLAN id, the interfaces that carry it, ports in
// display order then port-channels. A port in a port-channel is shown as
// the port-channel. With trunks false only access (untagged) members count.
func vlanMembers(cfg *state.Config, p *cli.Platform, trunks bool) map[int][]member {
	out := map[int][]member{}
	add := func(name string, l state.L2) {
		if l.Mode != state.Trunk {
			out[l.AccessVLAN] = append(out[l.AccessVLAN], member{name: name})
			return
		}
		if !trunks {
			return
		}
		if l.NativeVLAN != 0 {
			out[l.NativeVLAN] = append(out[l.NativeVLAN], member{name: name})
		}
		for _, v := range l.Tagged().IDs() {
			out[v] = append(out[v], member{name: name, tagged: true})
		}
	}
	for _, n := range cfg.PortNames(p.Compare) {
		if port := cfg.Ports[n]; port.LAG == 0 {
			add(n, port.L2)
		}
	}
	for _, n := range cfg.LAGNumbers() {
		lag := cfg.LAGs[n]
		add(lag.Name, lag.L2)
	}
	return out
}

// names returns the members' names, shortened by short.
func names(ms []member, short func(string) string) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, short(m.name))
	}
	return out
}

// wrap joins items with ", " into lines no wider than width, the first
// starting at column first and the rest indented to it.
func wrap(items []string, first, width int) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		next := it
		if cur != "" {
			next = cur + ", " + it
		}
		if cur != "" && first+len(next)+1 > width {
			lines = append(lines, cur+",")
			cur = it
			continue
		}
		cur = next
	}
	return append(lines, cur)
}

// vlanTable renders the Cisco-style "VLAN Name Status Ports" table: id
// column idW wide, then name (32), status (9) and wrapped ports.
func vlanTable(b *strings.Builder, cfg *state.Config, ids []int, idW int, ports map[int][]string) {
	fmt.Fprintf(b, "%-*s %-32s %-9s %s\n", idW, "VLAN", "Name", "Status", "Ports")
	fmt.Fprintf(b, "%s %s %s %s\n", strings.Repeat("-", idW), strings.Repeat("-", 32), strings.Repeat("-", 9), strings.Repeat("-", 31))
	col := idW + 1 + 32 + 1 + 9 + 1
	for _, id := range ids {
		v := cfg.VLANs[id]
		lines := wrap(ports[id], col, 79)
		fmt.Fprintf(b, "%-*d %-32s %-9s %s\n", idW, id, v.Name, "active", lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "%s%s\n", strings.Repeat(" ", col), l)
		}
	}
}

// trimRight removes trailing blanks from every line of s.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// vlanLabel renders a VLAN and its name for "show interfaces switchport":
// "10 (VLAN0010)", or "10 (Inactive)" when the VLAN does not exist.
func vlanLabel(cfg *state.Config, id int) string {
	if v, ok := cfg.VLANs[id]; ok {
		return fmt.Sprintf("%d (%s)", id, v.Name)
	}
	return fmt.Sprintf("%d (Inactive)", id)
}

// interfaceNames returns every port and port-channel, in display order.
func interfaceNames(cfg *state.Config, p *cli.Platform) []string {
	out := cfg.PortNames(p.Compare)
	for _, n := range cfg.LAGNumbers() {
		out = append(out, cfg.LAGs[n].Name)
	}
	return out
}

// lagOfPort returns the channel-group line facts of port name, if any.
func lagOfPort(cfg *state.Config, name string) (int, state.ChannelMode, bool) {
	p, ok := cfg.Ports[name]
	if !ok || p.LAG == 0 {
		return 0, "", false
	}
	return p.LAG, p.ChannelMode, true
}

// sortedVNIs returns the VLAN ids that have a VNI, ascending.
func sortedVNIs(cfg *state.Config) []int {
	var ids []int
	for v := range cfg.VNIs {
		ids = append(ids, v)
	}
	slices.Sort(ids)
	return ids
}
