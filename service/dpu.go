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

// repChange is what a DPU operation does to its representor, given the
// representor's state as read: set it to pc, reset it to the idle VLAN,
// or nothing.
type repChange struct {
	pc    abi.PortConfig
	reset bool
	idle  int // with reset: the idle VLAN, when not the device's
	none  bool
}

// dpuChange changes representor t of a DPU whose uplink is up. First the
// uplink trunk gains add (the VLANs the representor is about to carry);
// then the representor is read and changed as next says; last, every VLAN
// it stopped carrying that no other representor carries (list_ports, read
// from the DPU) leaves the uplink. Each step reads what it changes first;
// a failure undoes the steps before it.
func (s *Service) dpuChange(ctx context.Context, st *state, c Caller, rec *Record, t, up target, add []int, dryRun bool, next func(rep abi.PortState) repChange) (PortChange, error) {
	out := PortChange{Device: t.dev.Name, Port: t.port}
	sp := s.newSpan(st, c, rec, dryRun)
	err := s.locked(ctx, st.cfg, rec, deviceNames(t.dev, up.dev), func(ctx context.Context) error {
		var upState *abi.PortState // the uplink as it is now, once read
		if len(add) > 0 {
			cur, err := sp.read(ctx, up)
			if err != nil {
				return err
			}
			if cur.Mode != abi.ModeTrunk && cur.Mode != abi.ModeHybrid {
				return fault.New(fault.Conflict, "uplink %s %s of DPU %s is not a trunk (it is %s): configure it as a trunk carrying the DPU's other VLANs, then retry",
					up.dev.Name, up.port, t.dev.Name, describeState(cur)).WithDevice(up.dev.Name).WithPort(up.port)
			}
			pc := abi.PortConfig{Mode: cur.Mode, NativeVLAN: cur.NativeVLAN, AllowedVLANs: slices.Clone(cur.AllowedVLANs)}
			var create []abi.Network
			for _, v := range add {
				if !carries(cur, v) {
					pc.AllowedVLANs = append(pc.AllowedVLANs, v)
					create = append(create, abi.Network{VLAN: v})
				}
			}
			if len(create) > 0 {
				slices.Sort(pc.AllowedVLANs)
				if err := sp.set(ctx, up, cur, pc, create); err != nil {
					return err
				}
				cur = abi.PortState{Exists: true, Enabled: true, Mode: pc.Mode, NativeVLAN: pc.NativeVLAN, AllowedVLANs: pc.AllowedVLANs}
			}
			upState = &cur
		}
		rep, err := sp.read(ctx, t)
		if err != nil {
			return sp.fail(ctx, err)
		}
		ch := next(rep)
		var after []int // what the representor carries after the change
		switch {
		case ch.none:
			return nil
		case ch.reset:
			idle := t.dev.IdleVLAN
			if ch.idle != 0 {
				idle = ch.idle
			}
			err = sp.resetTo(ctx, t, rep, idle)
			if idle != 0 {
				after = []int{idle}
			}
		default:
			err = sp.set(ctx, t, rep, ch.pc, nil)
			after = carried(abi.PortState{Enabled: true, NativeVLAN: ch.pc.NativeVLAN, AllowedVLANs: ch.pc.AllowedVLANs})
		}
		if err != nil {
			return sp.fail(ctx, err)
		}
		removed := slices.DeleteFunc(carried(rep), func(v int) bool { return slices.Contains(after, v) })
		if len(removed) == 0 {
			return nil
		}
		var ports abi.PortList
		if _, err := s.invoke(ctx, st, call{caller: c, op: abi.OpListPorts, dev: t.dev, request: abi.ListPortsRequest{}}, &ports); err != nil {
			return sp.fail(ctx, err)
		}
		for _, p := range ports.Ports {
			if p.Port != t.port && p.Enabled {
				removed = slices.DeleteFunc(removed, func(v int) bool { return carries(p, v) })
			}
		}
		if len(removed) == 0 {
			return nil // other representors still use them
		}
		if upState == nil {
			cur, err := sp.read(ctx, up)
			if err != nil {
				return sp.fail(ctx, err)
			}
			upState = &cur
		}
		cur := *upState
		if cur.Mode != abi.ModeTrunk && cur.Mode != abi.ModeHybrid {
			return nil // not a trunk: attach refuses such an uplink, and this leaves it alone
		}
		pc := abi.PortConfig{Mode: cur.Mode, NativeVLAN: cur.NativeVLAN, AllowedVLANs: slices.Clone(cur.AllowedVLANs)}
		for _, v := range removed {
			pc, _, _ = left(abi.PortState{Mode: pc.Mode, NativeVLAN: pc.NativeVLAN, AllowedVLANs: pc.AllowedVLANs}, v)
		}
		switch {
		case pc.NativeVLAN == cur.NativeVLAN && slices.Equal(pc.AllowedVLANs, cur.AllowedVLANs):
			return nil // the uplink carries none of them
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

// attachDPU attaches representor t to VLAN network nw: the uplink gets the
// VLAN first, then the representor is set as an access port or joins it.
func (s *Service) attachDPU(ctx context.Context, st *state, c Caller, rec *Record, t, up target, nw abi.Network, mode abi.Mode, native, dryRun bool) (PortChange, error) {
	return s.dpuChange(ctx, st, c, rec, t, up, []int{nw.VLAN}, dryRun, func(rep abi.PortState) repChange {
		if mode == abi.ModeAccess {
			return repChange{pc: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: nw.VLAN}}
		}
		return repChange{pc: joined(rep, mode, nw.VLAN, native)}
	})
}

// detachDPU detaches representor t from vlan (0: from everything).
func (s *Service) detachDPU(ctx context.Context, st *state, c Caller, rec *Record, t, up target, vlan int, dryRun bool) (PortChange, error) {
	return s.dpuChange(ctx, st, c, rec, t, up, nil, dryRun, func(rep abi.PortState) repChange {
		if vlan == 0 {
			return repChange{reset: true}
		}
		pc, had, empty := left(rep, vlan)
		switch {
		case !had:
			return repChange{none: true}
		case empty:
			return repChange{reset: true}
		}
		return repChange{pc: pc}
	})
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
