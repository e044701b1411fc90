package cli

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openmercury/mercury/sdk"
)

// findLAG returns the port-channel a request names: its number when given,
// else the one whose description is the LAG's name.
func findLAG(run Running, l sdk.LAG) (int, sdk.PortState, bool) {
	if l.Number != 0 {
		p, ok := run.LAGs[l.Number]
		return l.Number, p, ok
	}
	nums := make([]int, 0, len(run.LAGs))
	for n := range run.LAGs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		if run.LAGs[n].Description == l.Name {
			return n, run.LAGs[n], true
		}
	}
	return 0, sdk.PortState{}, false
}

// freeLAG returns the lowest port-channel number in the device's lag_range
// (default 1-128) that used does not report as taken.
func freeLAG(h sdk.Host, used func(n int) bool) (int, error) {
	lo, hi, err := lagRange(h)
	if err != nil {
		return 0, err
	}
	for n := lo; n <= hi; n++ {
		if !used(n) {
			return n, nil
		}
	}
	return 0, sdk.Conflict("every port-channel number in lag_range %d-%d is in use: widen the device's lag_range", lo, hi)
}

// lagRange reads the device's lag_range setting (default 1-128).
func lagRange(h sdk.Host) (int, int, error) {
	v, ok := h.Setting("lag_range")
	if !ok || v == "" {
		return 1, 128, nil
	}
	a, b, _ := strings.Cut(v, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo < 1 || hi < lo {
		return 0, 0, sdk.Invalid("lag_range %q is not a range such as 1-128: fix the device's lag_range setting", v)
	}
	return lo, hi, nil
}

func (d *driver) lagSet(h sdk.Host, r sdk.LAGSetRequest) (sdk.Result, error) {
	t := d.sw.Templates
	if err := d.checkText("LAG name", r.LAG.Name); err != nil {
		return sdk.Result{}, err
	}
	if err := d.checkText("description", r.Config.Description); err != nil {
		return sdk.Result{}, err
	}
	s, run, err := d.openAll(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	n, cur, exists := findLAG(run, r.LAG)
	if exists && r.LAG.Number != 0 && cur.Description != "" && cur.Description != r.LAG.Name {
		return sdk.Result{}, sdk.Conflict("port-channel %d is LAG %q's (its description): choose another number, or delete that LAG", n, cur.Description)
	}
	if r.LAG.MLAG != 0 && len(t.LAGPeer) == 0 {
		return sdk.Result{}, sdk.Unsupported("driver %s cannot make a LAG across a switch pair (no MLAG/vPC id)", d.sw.Info.Name)
	}
	if !exists {
		if n == 0 {
			if n, err = freeLAG(h, func(n int) bool { _, ok := run.LAGs[n]; return ok }); err != nil {
				return sdk.Result{}, err
			}
		}
		cur = sdk.PortState{Exists: true, Enabled: !d.defaultShut(), Mode: sdk.ModeAccess, NativeVLAN: d.defaultVLAN()}
	}
	ifName := lagIfName(d.sw, n)
	for _, m := range r.LAG.Members {
		p, ok := run.Ports[m]
		if !ok {
			return sdk.Result{}, sdk.Errorf("not_found", "LAG member %s does not exist on this device", m)
		}
		if p.LAG != "" && p.LAG != ifName {
			return sdk.Result{}, sdk.Conflict("LAG member %s already belongs to %s: delete that LAG or take the port out first", m, p.LAG)
		}
	}
	var lines []string
	for _, nw := range r.CreateVLANs {
		if _, ok := run.VLANs[nw.VLAN]; !ok {
			l, err := render(t.CreateVLAN, vars{"vlan": strconv.Itoa(nw.VLAN), "name": d.vlanName(nw)})
			if err != nil {
				return sdk.Result{}, err
			}
			lines = append(lines, l...)
		}
	}
	num := vars{"n": strconv.Itoa(n), "mode": t.LACPMode, "mlag": strconv.Itoa(r.LAG.MLAG)}
	if r.LAG.Mode == sdk.LAGStatic {
		num["mode"] = t.StaticMode
	}
	cfg := r.Config
	cfg.Description = r.LAG.Name
	own, err := d.portLines(ifName, cur, desired{cfg: cfg})
	if err != nil {
		return sdk.Result{}, err
	}
	if r.LAG.MLAG != 0 && run.Peers[n] != r.LAG.MLAG {
		peer, err := render(t.LAGPeer, num)
		if err != nil {
			return sdk.Result{}, err
		}
		own = append(own, peer...)
	}
	wantMode := sdk.LAGLACP
	if r.LAG.Mode == sdk.LAGStatic {
		wantMode = sdk.LAGStatic
	}
	curMode, known := run.LAGModes[n]
	remode := exists && known && curMode != wantMode
	if len(own) > 0 || !exists || remode {
		head, err := render(t.LAGInterface, num)
		if err != nil {
			return sdk.Result{}, err
		}
		if remode && wantMode == sdk.LAGStatic {
			off, err := render(t.LACPOff, num)
			if err != nil {
				return sdk.Result{}, err
			}
			head = append(head, off...)
		}
		lines = append(append(lines, head...), own...)
	}
	for _, m := range r.LAG.Members {
		if run.Ports[m].LAG == ifName {
			continue
		}
		l, err := d.onPort(m, t.LAGJoin, num)
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	if len(r.LAG.Members) > 0 {
		for _, m := range d.members(run, ifName) {
			if !slices.Contains(r.LAG.Members, m) {
				l, err := d.onPort(m, t.LAGLeave, num)
				if err != nil {
					return sdk.Result{}, err
				}
				lines = append(lines, l...)
			}
		}
	}
	res, err := d.apply(s, lines, r.DryRun)
	res.Number, res.Created = n, !exists
	return res, err
}

func (d *driver) lagDelete(h sdk.Host, r sdk.LAGDeleteRequest) (sdk.Result, error) {
	t := d.sw.Templates
	s, run, err := d.openAll(h)
	if err != nil {
		return sdk.Result{}, err
	}
	defer s.Close()
	n, _, exists := findLAG(run, r.LAG)
	if !exists {
		return sdk.Result{}, nil
	}
	num := vars{"n": strconv.Itoa(n)}
	want := desired{shutdown: true}
	if r.IdleVLAN != 0 {
		want = desired{cfg: sdk.PortConfig{Mode: sdk.ModeAccess, NativeVLAN: r.IdleVLAN}}
	}
	var lines []string
	for _, m := range d.members(run, lagIfName(d.sw, n)) {
		idle, err := d.portLines(m, run.Ports[m], want)
		if err != nil {
			return sdk.Result{}, err
		}
		l, err := d.onPort(m, append(slices.Clone(t.LAGLeave), idle...), num)
		if err != nil {
			return sdk.Result{}, err
		}
		lines = append(lines, l...)
	}
	l, err := render(t.LAGRemove, num)
	if err != nil {
		return sdk.Result{}, err
	}
	res, err := d.apply(s, append(lines, l...), r.DryRun)
	res.Number = n
	return res, err
}

// onPort renders the port's interface line followed by lines, which may
// name the port as {port}.
func (d *driver) onPort(port string, lines []string, v vars) ([]string, error) {
	head, err := render(d.sw.Templates.Interface, vars{"port": port})
	if err != nil {
		return nil, err
	}
	v = maps.Clone(v)
	v["port"] = port
	body, err := render(lines, v)
	if err != nil {
		return nil, err
	}
	return append(head, body...), nil
}

// members lists, sorted, the ports of the port-channel named ifName.
func (d *driver) members(run Running, ifName string) []string {
	var out []string
	for name, p := range run.Ports {
		if p.LAG == ifName {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// lagIfName is port-channel n's interface name.
func lagIfName(sw *Switch, n int) string {
	format := sw.LAGName
	if sw.Syntax != nil && sw.Syntax.LAGName != "" {
		format = sw.Syntax.LAGName
	}
	if format == "" {
		return strconv.Itoa(n)
	}
	return strings.Replace(format, "%s", strconv.Itoa(n), 1)
}

func (d *driver) defaultShut() bool { return d.sw.Syntax != nil && d.sw.Syntax.DefaultShut }
