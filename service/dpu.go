package service

import (
	"context"
	"slices"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// A DPU is a device with an uplink: its representors reach the network
// through the switch port its uplink is cabled to, so attaching a
// representor to a VLAN puts the VLAN on that switch port first, and
// detaching takes it off once no representor of the DPU carries it.

// uplink resolves and checks the switch side of dev's uplink for a change
// to vlans (none for a detach), under the caller's rules.
func (s *Service) uplink(cfg *inventory.Config, c Caller, dev inventory.Device, method string, vlans ...int) (target, error) {
	up, ok := cfg.Device(dev.Uplink.Device)
	if !ok { // the loader checks uplinks; a reload cannot break one
		return target{}, fault.New(fault.Internal, "device %s's uplink names device %s, which the configuration lacks", dev.Name, dev.Uplink.Device).WithDevice(dev.Name)
	}
	port, err := s.port(up, "devices."+dev.Name+".uplink.port", dev.Uplink.Port, true)
	if err != nil {
		return target{}, err
	}
	info, err := s.driverInfo(dev)
	if err != nil {
		return target{}, err
	}
	if !slices.Contains(info.Operations, abi.OpListPorts) {
		return target{}, fault.New(fault.Unsupported, "driver %s of DPU %s cannot list its ports (no list_ports), which the service needs to know when the uplink may drop a VLAN: use a DPU driver such as dpu-ovs", dev.Driver, dev.Name).WithDevice(dev.Name)
	}
	if len(vlans) > 0 {
		if err := checkVLANs(cfg, up, method, up.Name, vlans); err != nil {
			return target{}, err
		}
	}
	if err := permit(cfg, c, up, vlans...); err != nil {
		return target{}, err
	}
	return target{dev: up, port: port}, nil
}

// attachDPU attaches representor t to nw through its DPU's uplink: the
// uplink (a trunk) gets the VLAN if it lacks it, then the representor is
// set as an access port or joins the VLAN. A failure on the DPU undoes the
// uplink change.
func (s *Service) attachDPU(ctx context.Context, st *state, c Caller, rec *Record, t, up target, nw abi.Network, mode abi.Mode, native, dryRun bool) (PortChange, error) {
	out := PortChange{Device: t.dev.Name, Port: t.port}
	sp := s.newSpan(st, c, rec, dryRun)
	err := s.locked(ctx, st.cfg, rec, deviceNames(t.dev, up.dev), func(ctx context.Context) error {
		cur, err := sp.read(ctx, up)
		if err != nil {
			return err
		}
		if cur.Mode != abi.ModeTrunk && cur.Mode != abi.ModeHybrid {
			return fault.New(fault.Conflict, "uplink %s %s of DPU %s is not a trunk (it is %s): configure it as a trunk carrying the DPU's other VLANs, then retry",
				up.dev.Name, up.port, t.dev.Name, describeState(cur)).WithDevice(up.dev.Name).WithPort(up.port)
		}
		if !carries(cur, nw.VLAN) {
			if err := sp.set(ctx, up, cur, joined(cur, cur.Mode, nw.VLAN, false), []abi.Network{nw}); err != nil {
				return err
			}
		}
		rep, err := sp.read(ctx, t)
		if err != nil {
			return sp.fail(ctx, err)
		}
		pc := abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: nw.VLAN}
		if mode != abi.ModeAccess {
			pc = joined(rep, mode, nw.VLAN, native)
		}
		if err := sp.set(ctx, t, rep, pc, []abi.Network{nw}); err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	return sp.result(out), err
}

// detachDPU detaches representor t from vlan (0: from everything), then
// takes every VLAN it no longer carries off the uplink unless another
// representor of the DPU still carries it, as the DPU reports after the
// change. A failure on the uplink undoes the representor change.
func (s *Service) detachDPU(ctx context.Context, st *state, c Caller, rec *Record, t, up target, vlan int, dryRun bool) (PortChange, error) {
	out := PortChange{Device: t.dev.Name, Port: t.port}
	sp := s.newSpan(st, c, rec, dryRun)
	err := s.locked(ctx, st.cfg, rec, deviceNames(t.dev, up.dev), func(ctx context.Context) error {
		rep, err := sp.read(ctx, t)
		if err != nil {
			return err
		}
		var after []int // what the representor carries after the change
		if vlan == 0 {
			err = sp.reset(ctx, t, rep)
			if t.dev.IdleVLAN != 0 {
				after = []int{t.dev.IdleVLAN}
			}
		} else {
			pc, had, empty := left(rep, vlan)
			switch {
			case !had:
				return nil // nothing to do: changed false
			case empty:
				err = sp.reset(ctx, t, rep)
				if t.dev.IdleVLAN != 0 {
					after = []int{t.dev.IdleVLAN}
				}
			default:
				err = sp.set(ctx, t, rep, pc, nil)
				after = carried(abi.PortState{Enabled: true, NativeVLAN: pc.NativeVLAN, AllowedVLANs: pc.AllowedVLANs})
			}
		}
		removed := slices.DeleteFunc(carried(rep), func(v int) bool { return slices.Contains(after, v) })
		if err != nil || len(removed) == 0 {
			return err
		}
		var ports abi.PortList
		if _, err := s.invoke(ctx, st, call{caller: c, op: abi.OpListPorts, dev: t.dev, request: abi.ListPortsRequest{}}, &ports); err != nil {
			return sp.fail(ctx, err)
		}
		for _, p := range ports.Ports {
			if p.Port == t.port || !p.Enabled {
				continue
			}
			removed = slices.DeleteFunc(removed, func(v int) bool { return carries(p, v) })
		}
		cur, err := sp.read(ctx, up)
		if err != nil {
			return sp.fail(ctx, err)
		}
		pc := abi.PortConfig{Mode: cur.Mode, NativeVLAN: cur.NativeVLAN, AllowedVLANs: slices.Clone(cur.AllowedVLANs)}
		for _, v := range removed {
			pc, _, _ = left(abi.PortState{Mode: pc.Mode, NativeVLAN: pc.NativeVLAN, AllowedVLANs: pc.AllowedVLANs}, v)
		}
		switch {
		case pc.NativeVLAN == cur.NativeVLAN && slices.Equal(pc.AllowedVLANs, cur.AllowedVLANs):
			return nil // the uplink carries none of them, or other representors still use them
		case cur.Mode != abi.ModeTrunk && cur.Mode != abi.ModeHybrid:
			return nil // not a trunk: attach refuses such an uplink, and detach leaves it alone
		case pc.NativeVLAN == 0 && len(pc.AllowedVLANs) == 0:
			err = sp.reset(ctx, up, cur) // it would carry nothing: idle, like any port
		default:
			err = sp.set(ctx, up, cur, pc, nil)
		}
		if err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	return sp.result(out), err
}

// carries reports whether a port state carries vlan, tagged or not.
func carries(p abi.PortState, vlan int) bool {
	return p.NativeVLAN == vlan || slices.Contains(p.AllowedVLANs, vlan)
}

// carried is every VLAN a port state carries: none when it is shut or
// parked.
func carried(p abi.PortState) []int {
	var vs []int
	if !p.Enabled {
		return nil
	}
	if p.NativeVLAN != 0 {
		vs = append(vs, p.NativeVLAN)
	}
	return append(vs, p.AllowedVLANs...)
}

// result fills out, the representor's change, from the span's steps.
func (sp *span) result(out PortChange) PortChange {
	out.Steps = sp.out
	out.DryRun = sp.dry
	for _, pc := range sp.out {
		out.Changed = out.Changed || pc.Changed
		out.Commands = append(out.Commands, pc.Commands...)
		if pc.Device == out.Device && pc.Port == out.Port {
			out.Saved = pc.Saved
		}
	}
	return out
}
