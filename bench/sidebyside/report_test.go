package sidebyside

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The paths, in table order.
const (
	netmikoDefault = "netmiko, defaults"
	netmikoFast    = "netmiko, fast_cli=True"
	floorFresh     = "raw x/crypto/ssh, fresh connection (floor)"
	floorKept      = "raw x/crypto/ssh, kept connection (floor)"
	mercuryCold    = "Mercury cold attach (new SSH connection)"
	mercuryWarm    = "Mercury warm attach (pooled)"
	ironicWarm     = "Mercury warm, JSON-RPC from the Ironic client"
)

// paths lists every path in table order.
var paths = []string{netmikoDefault, netmikoFast, floorFresh, floorKept, mercuryCold, mercuryWarm, ironicWarm}

// sample is one attach: its wall-clock time and the CPU time its client
// spent (the netmiko worker, this test process, or mercury serve).
type sample struct {
	Wall, CPU time.Duration
	// Start and End bound the attach as this process saw it; Client and
	// Device split that time by the packet capture (-sidebyside.wire).
	Start, End     time.Time
	Client, Device time.Duration
}

// walls and cpus return one field of every sample.
func walls(ss []sample) []time.Duration {
	return field(ss, func(s sample) time.Duration { return s.Wall })
}
func cpus(ss []sample) []time.Duration {
	return field(ss, func(s sample) time.Duration { return s.CPU })
}

func field(ss []sample, f func(sample) time.Duration) []time.Duration {
	ds := make([]time.Duration, len(ss))
	for i, s := range ss {
		ds[i] = f(s)
	}
	return ds
}

// median returns the median of ds (the mean of the middle two for an even
// count), or 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// ratio is a/b, or 0 when b is 0.
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// target is one goal of issue 11: the median of slow divided by the
// median of fast must be at least min (a speed-up), or at most max (an
// overhead over a floor). For a speed-up, floor is the raw-SSH path that
// bounds fast: slow divided by it is the best any client could reach.
type target struct {
	what              string
	slow, fast, floor string
	min, max          float64
}

var targets = []target{
	{what: "warm ≥ 60× faster than netmiko defaults", slow: netmikoDefault, fast: mercuryWarm, floor: floorKept, min: 60},
	{what: "cold ≥ 15× faster than netmiko defaults", slow: netmikoDefault, fast: mercuryCold, floor: floorFresh, min: 15},
	{what: "cold ≥ 3× faster than netmiko fast_cli", slow: netmikoFast, fast: mercuryCold, floor: floorFresh, min: 3},
	{what: "warm within 1.3× of its floor (kept connection)", slow: mercuryWarm, fast: floorKept, max: 1.3},
	{what: "cold within 1.3× of its floor (fresh connection)", slow: mercuryCold, fast: floorFresh, max: 1.3},
	{what: "JSON-RPC warm within 1.3× of the kept floor", slow: ironicWarm, fast: floorKept, max: 1.3},
}

// table renders the results as Markdown: one row per path with its
// median, range, ratio to Mercury's warm attach and median CPU time of
// its client, then the targets,
// each marked met or missed, with what the floor itself reaches. Paths
// without results are left out.
func table(results map[string][]sample) string {
	var b strings.Builder
	med := func(p string) time.Duration { return median(walls(results[p])) }
	warm := med(mercuryWarm)
	b.WriteString("| # | path | runs | median ms | min–max ms | × Mercury warm | client CPU ms (median) |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for i, p := range paths {
		ds := walls(results[p])
		if len(ds) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s–%s | %.1f× | %s |\n", i+1, p, len(ds), ms(median(ds)),
			ms(slices.Min(ds)), ms(slices.Max(ds)), ratio(median(ds), warm), ms(median(cpus(results[p]))))
	}
	b.WriteString("\n| target (reported, not asserted) | measured | the floor reaches | |\n|---|---|---|---|\n")
	for _, tg := range targets {
		s, f := med(tg.slow), med(tg.fast)
		if s == 0 || f == 0 {
			continue
		}
		r := ratio(s, f)
		met := (tg.min > 0 && r >= tg.min) || (tg.max > 0 && r <= tg.max)
		verdict := "met"
		if !met {
			verdict = "**missed**"
		}
		extra, floor := "", "—"
		if tg.max > 0 { // an overhead over a floor: also say how much, in ms
			extra = fmt.Sprintf(" (%+.1f ms)", float64(s-f)/float64(time.Millisecond))
		}
		if fl := med(tg.floor); tg.floor != "" && fl > 0 {
			floor = fmt.Sprintf("%.2f×", ratio(s, fl))
		}
		fmt.Fprintf(&b, "| %s | %.2f×%s | %s | %s |\n", tg.what, r, extra, floor, verdict)
	}
	return b.String()
}
