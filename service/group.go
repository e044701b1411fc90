package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// A port group is a LAG: its links, on one device or on the two switches
// of an MLAG pair, become one port-channel (bond) per device, which is then
// put on the network. Each device's part is one lag_set; a device that
// fails undoes the devices done before it.

// groupMember is one device's part of a port group.
type groupMember struct {
	dev   inventory.Device
	ports []string // sorted
}

// groupDevices validates a port group (the request's link included) and
// splits it by device, in device-name order.
func (s *Service) groupDevices(cfg *inventory.Config, rec *Record, first Link, g *PortGroup) ([]groupMember, string, error) {
	if err := checkLAGName("port_group.name", g.Name); err != nil {
		return nil, "", err
	}
	mode := abi.LAGLACP
	switch g.Mode {
	case "", abi.LAGLACP:
	case abi.LAGStatic:
		mode = abi.LAGStatic
	default:
		return nil, "", fault.New(fault.Invalid, "port_group.mode must be lacp or static (got %s)", shown(g.Mode))
	}
	byDev := map[string]*groupMember{}
	for i, l := range append([]Link{first}, g.Links...) {
		t, err := s.link(cfg, &Record{}, l, true)
		if err != nil {
			if i > 0 {
				err = fmt.Errorf("port_group.links[%d]: %w", i-1, err)
			}
			return nil, "", err
		}
		m := byDev[t.dev.Name]
		if m == nil {
			info, err := s.driverInfo(t.dev)
			if err != nil {
				return nil, "", err
			}
			if !slices.Contains(info.Operations, abi.OpLAGSet) {
				return nil, "", fault.New(fault.Unsupported, "driver %s of device %s does not support LAGs (port groups): see the support matrix in docs/drivers.md", t.dev.Driver, t.dev.Name).WithDevice(t.dev.Name)
			}
			m = &groupMember{dev: t.dev}
			byDev[t.dev.Name] = m
		}
		if !slices.Contains(m.ports, t.port) {
			m.ports = append(m.ports, t.port)
		}
	}
	if len(byDev) > 2 {
		return nil, "", fault.New(fault.Invalid, "port group %s spans %d devices: a LAG has its links on one device or on the two switches of an MLAG pair", g.Name, len(byDev))
	}
	var out []groupMember
	for _, m := range byDev {
		slices.Sort(m.ports)
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b groupMember) int { return strings.Compare(a.dev.Name, b.dev.Name) })
	if len(out) == 1 && len(out[0].ports) < 2 {
		return nil, "", fault.New(fault.Invalid, "port group %s has one link (%s %s): list its other links in port_group.links", g.Name, out[0].dev.Name, out[0].ports[0]).WithDevice(out[0].dev.Name)
	}
	rec.Device, rec.Port = out[0].dev.Name, g.Name
	return out, mode, nil
}

// attachGroup makes the port group's LAG on each device and puts it on nw.
// Before each device's lag_set it reads the members: a LAG that did not
// exist is undone by deleting it and writing the members back, one that
// did by setting it back to what its members read.
func (s *Service) attachGroup(ctx context.Context, st *state, c Caller, rec *Record, r AttachRequest, nw Network, mode abi.Mode) (PortChange, error) {
	members, lagMode, err := s.groupDevices(st.cfg, rec, r.Link, r.PortGroup)
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	nets := map[string]abi.Network{}
	for _, m := range members {
		n, err := s.network(st.cfg, m.dev, "attach_port", nw, true)
		if err == nil && n.VNI != 0 {
			err = fault.New(fault.Unsupported, "a port group on a VXLAN network is not built yet: attach the group to the local VLAN, and map it to the VNI with add_network").WithDevice(m.dev.Name)
		}
		if err == nil {
			err = permit(st.cfg, c, m.dev, n.VLAN)
		}
		if err != nil {
			return PortChange{}, s.refused(rec, err)
		}
		nets[m.dev.Name] = n
	}
	name := r.PortGroup.Name
	out := PortChange{Device: members[0].dev.Name, Port: name}
	sp := s.newSpan(st, c, rec, r.DryRun)
	var devs []inventory.Device
	for _, m := range members {
		devs = append(devs, m.dev)
	}
	if err := s.checkPair(name, devs); err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	undos := make([]step, len(members))
	err = s.locked(ctx, st.cfg, rec, deviceNames(devs...), func(ctx context.Context) error {
		build := func(i int) (abi.LAGSetRequest, error) {
			m := members[i]
			n := nets[m.dev.Name]
			before, lag, err := sp.readMembers(ctx, m)
			if err != nil {
				return abi.LAGSetRequest{}, err
			}
			undos[i] = s.lagUndo(c, m, name, lagMode, lag, before)
			pc := abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: n.VLAN}
			if mode != abi.ModeAccess {
				cur := abi.PortState{}
				if lag != nil {
					cur = *lag
				}
				pc = joined(cur, mode, n.VLAN, r.Native)
			}
			if lag != nil {
				if err := checkRemoval(sp.st.cfg, c, m.dev, name, *lag, pc); err != nil {
					return abi.LAGSetRequest{}, err
				}
			}
			for _, b := range before {
				if err := checkRemoval(sp.st.cfg, c, m.dev, b.Port, b, pc); err != nil {
					return abi.LAGSetRequest{}, err
				}
			}
			req := abi.LAGSetRequest{LAG: abi.LAG{Name: name, Mode: lagMode, Members: m.ports}, Config: pc, DryRun: r.DryRun}
			if m.dev.ManageVLANs {
				req.CreateVLANs = []abi.Network{n}
			}
			return req, nil
		}
		if err := s.setLAG(ctx, sp, c, devs, build, func(i int, _ PortChange) step { return undos[i] }); err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	return sp.result(out), err
}

// checkPair refuses a LAG across two devices unless both drivers can make
// one half of a LAG across a switch pair.
func (s *Service) checkPair(lag string, devs []inventory.Device) error {
	if len(devs) != 2 {
		return nil
	}
	for _, d := range devs {
		info, err := s.driverInfo(d)
		if err != nil {
			return err
		}
		if !info.MLAG {
			return fault.New(fault.Unsupported, "LAG %s spans %s and %s, but driver %s of %s cannot make a LAG across a switch pair (no MLAG/vPC id)",
				lag, devs[0].Name, devs[1].Name, d.Driver, d.Name).WithDevice(d.Name)
		}
	}
	return nil
}

// setLAG runs one LAG's lag_set on each of its devices (one, or the two
// switches of a pair, in name order) in the span: build gives device i's
// request, undo the step that undoes device i's change. Across a pair
// the first switch picks the port-channel number, the second takes it,
// and both take it as their pair id (a second lag_set on the first). The
// caller fails the span on an error.
func (s *Service) setLAG(ctx context.Context, sp *span, c Caller, devs []inventory.Device, build func(i int) (abi.LAGSetRequest, error), undo func(i int, res PortChange) step) error {
	run := func(i int, req abi.LAGSetRequest, last bool) (PortChange, error) {
		n := len(sp.done)
		if err := sp.changeWith(ctx, call{caller: c, op: abi.OpLAGSet, dev: devs[i], port: req.LAG.Name, request: req}, step{}); err != nil {
			return PortChange{}, err
		}
		res := sp.out[len(sp.out)-1]
		if len(sp.done) > n { // it changed the device
			sp.done[n] = undo(i, res)
			if last { // the pair id: its undo is the first lag_set's
				sp.done[n] = step{what: devs[i].Name + " LAG " + req.LAG.Name + " pair id"}
			}
		}
		return res, nil
	}
	pair := len(devs) == 2
	var first abi.LAGSetRequest
	number := 0
	for i := range devs {
		req, err := build(i)
		if err != nil {
			return err
		}
		if pair && i == 1 {
			req.LAG.Number, req.LAG.MLAG = number, number
		}
		res, err := run(i, req, false)
		if err != nil {
			return err
		}
		if pair && i == 0 {
			if number, first = res.LAGNumber, req; number == 0 {
				return fault.New(fault.Driver, "driver %s did not say which port-channel number it used", devs[0].Driver).WithDevice(devs[0].Name)
			}
		}
	}
	if pair {
		first.LAG.Number, first.LAG.MLAG = number, number
		_, err := run(0, first, true)
		return err
	}
	return nil
}

// readMembers reads m's member ports, and the LAG they are in when they
// are: a member already in a LAG is in this group's (a driver refuses a
// member of another LAG), named as the device names it (Port-Channel5, or
// the bond's name).
func (sp *span) readMembers(ctx context.Context, m groupMember) (before []abi.PortState, lag *abi.PortState, err error) {
	for _, p := range m.ports {
		ps, err := sp.read(ctx, target{dev: m.dev, port: p})
		if err != nil {
			return nil, nil, err
		}
		ps.Port = p
		before = append(before, ps)
		if ps.LAG != "" && lag == nil {
			lag = &ps
		}
	}
	return before, lag, nil
}

// lagUndo is the step that undoes a lag_set on m: delete the LAG it made
// and write the members back, or set the LAG it changed back to how its
// members read.
func (s *Service) lagUndo(c Caller, m groupMember, name, mode string, lag *abi.PortState, before []abi.PortState) step {
	if lag != nil {
		var members []string
		for _, b := range before {
			if b.LAG != "" {
				members = append(members, b.Port)
			}
		}
		pc := abi.PortConfig{Mode: lag.Mode, NativeVLAN: lag.NativeVLAN, AllowedVLANs: slices.Clone(lag.AllowedVLANs)}
		return step{
			what: fmt.Sprintf("%s LAG %s back to %s", m.dev.Name, name, describeState(*lag)),
			undo: []call{{caller: c, op: abi.OpLAGSet, dev: m.dev, port: name,
				request: abi.LAGSetRequest{LAG: abi.LAG{Name: name, Mode: mode, Members: members}, Config: pc}}},
		}
	}
	undo := []call{{caller: c, op: abi.OpLAGDelete, dev: m.dev, port: name,
		request: abi.LAGDeleteRequest{LAG: abi.LAG{Name: name, Members: m.ports}, IdleVLAN: m.dev.IdleVLAN}}}
	for _, b := range before {
		undo = append(undo, restoreCall(c, target{dev: m.dev, port: b.Port}, b))
	}
	return step{what: fmt.Sprintf("%s LAG %s removed, its members %v back as they were", m.dev.Name, name, m.ports), undo: undo}
}

// detachGroup deletes the port group's LAG on each device, its members
// going to the idle VLAN. A device that fails sets the LAGs already
// deleted back up as their members read.
func (s *Service) detachGroup(ctx context.Context, st *state, c Caller, rec *Record, r DetachRequest) (PortChange, error) {
	members, lagMode, err := s.groupDevices(st.cfg, rec, r.Link, r.PortGroup)
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	for _, m := range members {
		if err := permit(st.cfg, c, m.dev); err != nil {
			return PortChange{}, s.refused(rec, err)
		}
	}
	name := r.PortGroup.Name
	out := PortChange{Device: members[0].dev.Name, Port: name}
	sp := s.newSpan(st, c, rec, r.DryRun)
	var devs []inventory.Device
	for _, m := range members {
		devs = append(devs, m.dev)
	}
	err = s.locked(ctx, st.cfg, rec, deviceNames(devs...), func(ctx context.Context) error {
		for _, m := range members {
			before, lag, err := sp.readMembers(ctx, m)
			if err != nil {
				return sp.fail(ctx, err)
			}
			if lag == nil {
				continue // not a LAG on this device: nothing to delete
			}
			if err := checkRemoval(st.cfg, c, m.dev, name, *lag, abi.PortConfig{NativeVLAN: m.dev.IdleVLAN}); err != nil {
				return sp.fail(ctx, err)
			}
			undo := s.lagUndo(c, m, name, lagMode, lag, before)
			undo.what = fmt.Sprintf("%s LAG %s made again as %s", m.dev.Name, name, describeState(*lag))
			req := abi.LAGDeleteRequest{LAG: abi.LAG{Name: name, Members: m.ports}, IdleVLAN: m.dev.IdleVLAN, DryRun: r.DryRun}
			if err := sp.changeWith(ctx, call{caller: c, op: abi.OpLAGDelete, dev: m.dev, port: name, request: req}, undo); err != nil {
				return sp.fail(ctx, err)
			}
		}
		return nil
	})
	return sp.result(out), err
}
