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

// The Ironic dialect: update_port, reset_port, update_lag, delete_lag and
// get_switches with the semantics of Ironic's networking service (see
// docs/api.md), plus hybrid mode and a VLAN deny-list.

// checkVLANs applies the VLAN policy to vlans on dev. Its message for a
// refused VLAN is the one Ironic's service gives.
func checkVLANs(cfg *inventory.Config, dev inventory.Device, method, switchID string, vlans []int) error {
	var bad []int
	var why []string
	for _, v := range vlans {
		if err := cfg.CheckVLAN(dev.Name, v); err != nil {
			if fault.KindOf(err) == fault.Invalid {
				return err
			}
			if !slices.Contains(bad, v) {
				bad = append(bad, v)
				why = append(why, strings.TrimPrefix(err.Error(), dev.Name+": "))
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	allowed := cfg.PermittedVLANs(dev.Name)
	list := allowed.String()
	if allowed.Len() <= 256 {
		list = vlanList(allowed.List())
	}
	return fault.New(fault.Denied, "VLANs %s are not allowed for %s on switch %s. Allowed VLANs: %s (%s)",
		vlanList(bad), method, switchID, list, strings.Join(why, "; ")).WithDevice(dev.Name)
}

func modeOf(m *string) (abi.Mode, error) {
	if m == nil {
		return "", fault.New(fault.Invalid, "mode must be one of: access, trunk, hybrid")
	}
	switch abi.Mode(*m) {
	case abi.ModeAccess, abi.ModeTrunk, abi.ModeHybrid:
		return abi.Mode(*m), nil
	}
	return "", fault.New(fault.Invalid, "mode must be one of: access, trunk, hybrid (got %s)", shown(*m))
}

// portConfig validates Ironic's port parameters into a desired config.
func portConfig(mode *string, native *int, allowed []int, description *string) (abi.PortConfig, error) {
	m, err := modeOf(mode)
	if err != nil {
		return abi.PortConfig{}, err
	}
	pc := abi.PortConfig{Mode: m}
	if native == nil {
		if m == abi.ModeAccess {
			return pc, fault.New(fault.Invalid, "native_vlan must be an integer between 1 and 4094 (an access port needs its VLAN)")
		}
	} else {
		if err := checkVLANRange("native_vlan", *native); err != nil {
			return pc, err
		}
		pc.NativeVLAN = *native
	}
	if m != abi.ModeAccess {
		for _, v := range allowed {
			if err := checkVLANRange("allowed_vlans entry", v); err != nil {
				return pc, err
			}
		}
		pc.AllowedVLANs = slices.Compact(slices.Sorted(slices.Values(allowed)))
		pc.AllowedVLANs = slices.DeleteFunc(pc.AllowedVLANs, func(v int) bool { return v == pc.NativeVLAN })
		if pc.NativeVLAN == 0 && len(pc.AllowedVLANs) == 0 {
			return pc, fault.New(fault.Invalid, "a %s port needs native_vlan or allowed_vlans", m)
		}
	}
	if description != nil {
		if err := checkDescription("description", *description); err != nil {
			return pc, err
		}
		pc.Description = *description
	}
	return pc, nil
}

func networksFor(pc abi.PortConfig) []abi.Network {
	var out []abi.Network
	if pc.NativeVLAN != 0 {
		out = append(out, abi.Network{VLAN: pc.NativeVLAN})
	}
	for _, v := range pc.AllowedVLANs {
		out = append(out, abi.Network{VLAN: v})
	}
	return out
}

// UpdatePort answers Ironic's update_port: the port takes the desired
// configuration in one converging step (which also removes the idle VLAN).
func (s *Service) UpdatePort(ctx context.Context, c Caller, r UpdatePortRequest) (UpdatePortResult, error) {
	st := s.state.Load()
	rec := newRecord(c, "update_port", "", r.PortName, r)
	dev, err := s.resolve(st.cfg, r.SwitchID)
	if err != nil {
		return UpdatePortResult{}, s.refused(rec, err)
	}
	rec.Device = dev.Name
	vlans := slices.Clone(r.AllowedVLANs)
	if r.NativeVLAN != nil {
		vlans = append([]int{*r.NativeVLAN}, vlans...)
	}
	if err := checkVLANs(st.cfg, dev, "update_port", r.SwitchID, vlans); err != nil {
		return UpdatePortResult{}, s.refused(rec, err)
	}
	if err := permit(st.cfg, c, dev, vlans...); err != nil {
		return UpdatePortResult{}, s.refused(rec, err)
	}
	pc, err := portConfig(r.Mode, r.NativeVLAN, r.AllowedVLANs, r.Description)
	if err != nil {
		return UpdatePortResult{}, s.refused(rec, withDevice(err, dev.Name))
	}
	if r.DefaultVLAN != nil {
		if err := checkVLANRange("default_vlan", *r.DefaultVLAN); err != nil {
			return UpdatePortResult{}, s.refused(rec, withDevice(err, dev.Name))
		}
	}
	if r.LAGName != nil && *r.LAGName != "" {
		if err := checkLAGName("lag_name", *r.LAGName); err != nil {
			return UpdatePortResult{}, s.refused(rec, withDevice(err, dev.Name))
		}
	}
	port, err := s.port(dev, "port_name", r.PortName, true)
	if err != nil {
		return UpdatePortResult{}, s.refused(rec, err)
	}
	rec.Port = port
	req := abi.SetPortRequest{Port: port, Config: pc}
	if dev.ManageVLANs {
		req.CreateVLANs = networksFor(pc)
	}
	if !dev.Uplink.IsZero() { // a DPU: its uplink switch carries the port's VLANs
		up, err := s.uplink(st.cfg, c, dev, "update_port", vlans...)
		if err != nil {
			return UpdatePortResult{}, s.refused(rec, err)
		}
		_, err = s.dpuChange(ctx, st, c, rec, target{dev: dev, port: port}, up, vlans, false, func(abi.PortState) repChange { return repChange{pc: pc} })
		if err != nil {
			return UpdatePortResult{}, err
		}
	} else {
		err = s.locked(ctx, st.cfg, rec, []string{dev.Name}, func(ctx context.Context) error {
			return s.guardedChange(ctx, st, rec, call{caller: c, op: abi.OpSetPort, dev: dev, port: port, request: req})
		})
	}
	if err != nil {
		return UpdatePortResult{}, err
	}
	allowed := pc.AllowedVLANs
	if allowed == nil {
		allowed = []int{}
	}
	return UpdatePortResult{
		SwitchID: r.SwitchID, PortName: r.PortName, Description: r.Description, Mode: string(pc.Mode),
		NativeVLAN: r.NativeVLAN, AllowedVLANs: allowed, DefaultVLAN: r.DefaultVLAN, LAGName: r.LAGName,
		Status: "configured",
	}, nil
}

// ResetPort answers Ironic's reset_port: the port returns to the idle VLAN
// (default_vlan, else the device's idle_vlan), or is shut when there is
// none. Removals are never refused by VLAN policy.
func (s *Service) ResetPort(ctx context.Context, c Caller, r ResetPortRequest) (ResetPortResult, error) {
	st := s.state.Load()
	rec := newRecord(c, "reset_port", "", r.PortName, r)
	dev, err := s.resolve(st.cfg, r.SwitchID)
	if err != nil {
		return ResetPortResult{}, s.refused(rec, err)
	}
	rec.Device = dev.Name
	idle := dev.IdleVLAN
	if r.DefaultVLAN != nil {
		if err := checkVLANRange("default_vlan", *r.DefaultVLAN); err != nil {
			return ResetPortResult{}, s.refused(rec, withDevice(err, dev.Name))
		}
		idle = *r.DefaultVLAN
	}
	port, err := s.port(dev, "port_name", r.PortName, true)
	if err == nil {
		err = permit(st.cfg, c, dev)
	}
	if err != nil {
		return ResetPortResult{}, s.refused(rec, err)
	}
	rec.Port = port
	if !dev.Uplink.IsZero() { // a DPU: VLANs no representor carries leave its uplink
		up, err := s.uplink(st.cfg, c, dev, "reset_port")
		if err != nil {
			return ResetPortResult{}, s.refused(rec, err)
		}
		_, err = s.dpuChange(ctx, st, c, rec, target{dev: dev, port: port}, up, nil, false, func(abi.PortState) repChange { return repChange{reset: true, idle: idle} })
		if err != nil {
			return ResetPortResult{}, err
		}
	} else {
		err = s.locked(ctx, st.cfg, rec, []string{dev.Name}, func(ctx context.Context) error {
			return s.guardedChange(ctx, st, rec, call{caller: c, op: abi.OpResetPort, dev: dev, port: port,
				request: abi.ResetPortRequest{Port: port, IdleVLAN: idle}})
		})
	}
	if err != nil {
		return ResetPortResult{}, err
	}
	allowed := r.AllowedVLANs
	if allowed == nil {
		allowed = []int{}
	}
	return ResetPortResult{
		SwitchID: r.SwitchID, PortName: r.PortName, Description: "Default port configuration",
		Mode: "access", NativeVLAN: r.NativeVLAN, AllowedVLANs: allowed, DefaultVLAN: r.DefaultVLAN,
		Status: "reset",
	}, nil
}

// change runs one changing driver call and, when the driver did not
// persist the change itself, saves per the device's save_config: at once
// ("always"), later in one save for a burst of changes ("deferred", the
// result says saved: false), or not at all ("never").
// guardedChange is change after guardRemovals.
func (s *Service) guardedChange(ctx context.Context, st *state, rec *Record, c call) error {
	if err := s.guardRemovals(ctx, st, c); err != nil {
		return err
	}
	return s.change(ctx, st, rec, c)
}

func (s *Service) change(ctx context.Context, st *state, rec *Record, c call) error {
	var res abi.Result
	cmds, err := s.invoke(ctx, st, c, &res)
	rec.Commands = append(rec.Commands, cmds...)
	if err != nil {
		return err
	}
	rec.Changed, rec.Saved, rec.number, rec.created = res.Changed, res.Saved, res.Number, res.Created
	if !res.Changed || res.Saved || c.dev.SaveConfig == inventory.SaveNever {
		return nil
	}
	info, _ := s.driverInfo(c.dev)
	if !slices.Contains(info.Operations, abi.OpSave) {
		return nil
	}
	if c.dev.SaveConfig == inventory.SaveDeferred {
		s.saves.schedule(c.dev.Name)
		return nil
	}
	var saved abi.Result
	cmds, err = s.invoke(ctx, st, call{caller: c.caller, op: abi.OpSave, dev: c.dev, port: c.port, request: abi.SaveRequest{}}, &saved)
	rec.Commands = append(rec.Commands, cmds...)
	if err != nil {
		return fault.Wrap(fault.KindOf(err), err, "the change was applied but saving the configuration failed").WithDevice(c.dev.Name)
	}
	rec.Saved = saved.Saved
	return nil
}

// lagModeOf maps Ironic's aggregation_mode (a Linux bonding mode, or
// Mercury's lacp / static) to the switch side's LAG mode: 802.3ad is LACP,
// the other bonding modes a static LAG; null means LACP.
func lagModeOf(m *string) (string, error) {
	if m == nil {
		return abi.LAGLACP, nil
	}
	switch *m {
	case "lacp", "802.3ad":
		return abi.LAGLACP, nil
	case "static", "balance-rr", "active-backup", "balance-xor", "broadcast", "balance-tlb", "balance-alb":
		return abi.LAGStatic, nil
	}
	return "", fault.New(fault.Invalid, "aggregation_mode must be 802.3ad or lacp (LACP), or static or a Linux bonding mode (balance-rr, active-backup, balance-xor, broadcast, balance-tlb, balance-alb) for a static LAG (got %s)", shown(*m))
}

// lagDevices resolves and checks the switches of a LAG call.
func (s *Service) lagDevices(cfg *inventory.Config, switchIDs []string, lagName string) ([]inventory.Device, error) {
	if len(switchIDs) == 0 {
		return nil, fault.New(fault.Invalid, "switch_ids is empty")
	}
	if err := checkLAGName("lag_name", lagName); err != nil {
		return nil, err
	}
	var devs []inventory.Device
	for _, id := range switchIDs {
		d, err := s.resolve(cfg, id)
		if err != nil {
			return nil, err
		}
		info, err := s.driverInfo(d)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(info.Operations, abi.OpLAGSet) {
			return nil, fault.New(fault.Unsupported, "driver %s of switch %s does not support LAGs", d.Driver, id).WithDevice(d.Name)
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// UpdateLAG answers Ironic's update_lag on each named switch, under all
// their locks (taken in sorted order).
func (s *Service) UpdateLAG(ctx context.Context, c Caller, r UpdateLAGRequest) (UpdateLAGResult, error) {
	st := s.state.Load()
	rec := newRecord(c, "update_lag", strings.Join(r.SwitchIDs, ","), r.LAGName, r)
	devs, err := s.lagDevices(st.cfg, r.SwitchIDs, r.LAGName)
	if err != nil {
		return UpdateLAGResult{}, s.refused(rec, err)
	}
	var vlans []int
	if r.NativeVLAN != nil {
		vlans = append(vlans, *r.NativeVLAN)
	}
	vlans = append(vlans, r.AllowedVLANs...)
	for _, d := range devs {
		if err := checkVLANs(st.cfg, d, "update_lag", r.SwitchIDs[0], vlans); err != nil {
			return UpdateLAGResult{}, s.refused(rec, err)
		}
		if err := permit(st.cfg, c, d, vlans...); err != nil {
			return UpdateLAGResult{}, s.refused(rec, err)
		}
		if err := permitLAGByName(st.cfg, c, "update_lag", d); err != nil {
			return UpdateLAGResult{}, s.refused(rec, err)
		}
	}
	pc, err := portConfig(r.Mode, r.NativeVLAN, r.AllowedVLANs, r.Description)
	if err != nil {
		return UpdateLAGResult{}, s.refused(rec, err)
	}
	mode, err := lagModeOf(r.AggregationMode)
	if err != nil {
		return UpdateLAGResult{}, s.refused(rec, err)
	}
	slices.SortFunc(devs, func(a, b inventory.Device) int { return strings.Compare(a.Name, b.Name) })
	if err := s.checkPair(r.LAGName, devs); err != nil {
		return UpdateLAGResult{}, s.refused(rec, err)
	}
	err = s.locked(ctx, st.cfg, rec, deviceNames(devs...), func(ctx context.Context) error {
		// A failure undoes the switches done: a LAG the call made is
		// deleted; one it changed in place is reported, since Ironic's
		// update_lag names no members and the LAG's earlier settings
		// cannot be read back.
		sp := s.newSpan(st, c, rec, false)
		build := func(i int) (abi.LAGSetRequest, error) {
			req := abi.LAGSetRequest{LAG: abi.LAG{Name: r.LAGName, Mode: mode}, Config: pc}
			if devs[i].ManageVLANs {
				req.CreateVLANs = networksFor(pc)
			}
			return req, nil
		}
		undo := func(i int, res PortChange) step {
			d := devs[i]
			if res.Created {
				return step{what: fmt.Sprintf("%s LAG %s removed", d.Name, r.LAGName),
					undo: []call{{caller: c, op: abi.OpLAGDelete, dev: d, port: r.LAGName,
						request: abi.LAGDeleteRequest{LAG: abi.LAG{Name: r.LAGName}, IdleVLAN: d.IdleVLAN}}}}
			}
			return step{what: fmt.Sprintf("%s LAG %s", d.Name, r.LAGName),
				cannot: "changed in place; its earlier settings cannot be read back: set it again with update_lag"}
		}
		if err := s.setLAG(ctx, sp, c, devs, build, undo); err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	if err != nil {
		return UpdateLAGResult{}, err
	}
	allowed := pc.AllowedVLANs
	if allowed == nil {
		allowed = []int{}
	}
	return UpdateLAGResult{
		SwitchIDs: r.SwitchIDs, LAGName: r.LAGName, Description: r.Description, Mode: string(pc.Mode),
		NativeVLAN: r.NativeVLAN, AllowedVLANs: allowed, AggregationMode: r.AggregationMode,
		DefaultVLAN: r.DefaultVLAN, Status: "configured",
	}, nil
}

// DeleteLAG answers Ironic's delete_lag.
func (s *Service) DeleteLAG(ctx context.Context, c Caller, r DeleteLAGRequest) (DeleteLAGResult, error) {
	st := s.state.Load()
	rec := newRecord(c, "delete_lag", strings.Join(r.SwitchIDs, ","), r.LAGName, r)
	devs, err := s.lagDevices(st.cfg, r.SwitchIDs, r.LAGName)
	if err != nil {
		return DeleteLAGResult{}, s.refused(rec, err)
	}
	for _, d := range devs {
		err := permit(st.cfg, c, d)
		if err == nil {
			err = permitLAGByName(st.cfg, c, "delete_lag", d)
		}
		if err != nil {
			return DeleteLAGResult{}, s.refused(rec, err)
		}
	}
	err = s.locked(ctx, st.cfg, rec, deviceNames(devs...), func(ctx context.Context) error {
		for _, d := range devs {
			req := abi.LAGDeleteRequest{LAG: abi.LAG{Name: r.LAGName}, IdleVLAN: d.IdleVLAN}
			if err := s.change(ctx, st, rec, call{caller: c, op: abi.OpLAGDelete, dev: d, port: r.LAGName, request: req}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return DeleteLAGResult{}, err
	}
	return DeleteLAGResult{SwitchIDs: r.SwitchIDs, LAGName: r.LAGName, Status: "deleted"}, nil
}

func withDevice(err error, dev string) error {
	if fe, ok := err.(*fault.Error); ok && fe.Device == "" {
		return fe.WithDevice(dev)
	}
	return fmt.Errorf("%s: %w", dev, err)
}
