package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// A VXLAN attach maps the network's local VLAN to its VNI on the device
// (add_network: an EVPN L2VNI on a switch, a tunnel port on a DPU), then
// puts the port on that VLAN. The local VLAN is the network's vlan, else
// the one the device already maps the VNI to, else the lowest VLAN of the
// device's vxlan_vlan_range the device does not use (read_networks, and on
// a DPU list_ports). A DPU's VXLAN traffic leaves through its underlay, so
// its switch uplink is not changed.

// networks reads the device's VLANs and VNI maps.
func (s *Service) networks(ctx context.Context, st *state, c Caller, t target) (abi.NetworkList, error) {
	var list abi.NetworkList
	_, err := s.invoke(ctx, st, call{caller: c, op: abi.OpReadNetworks, dev: t.dev, request: abi.ReadNetworksRequest{}}, &list)
	return list, err
}

// ports reads the device's server-facing ports, when its driver lists them.
func (s *Service) ports(ctx context.Context, st *state, c Caller, t target) ([]abi.PortState, error) {
	info, err := s.driverInfo(t.dev)
	if err != nil || !slices.Contains(info.Operations, abi.OpListPorts) {
		return nil, err
	}
	var list abi.PortList
	_, err = s.invoke(ctx, st, call{caller: c, op: abi.OpListPorts, dev: t.dev, request: abi.ListPortsRequest{}}, &list)
	return list.Ports, err
}

// localVLAN resolves nw's local VLAN on t's device from what the device
// has; existed says whether that VLAN was there before.
func (s *Service) localVLAN(ctx context.Context, st *state, c Caller, t target, nw abi.Network, have abi.NetworkList) (vlan int, existed bool, err error) {
	used := map[int]bool{}
	for _, n := range have.Networks {
		used[n.VLAN] = true
		if n.VNI == nw.VNI && nw.VLAN == 0 {
			return n.VLAN, true, nil
		}
	}
	if nw.VLAN != 0 {
		return nw.VLAN, used[nw.VLAN], nil
	}
	ports, err := s.ports(ctx, st, c, t)
	if err != nil {
		return 0, false, err
	}
	for _, p := range ports {
		for _, v := range carried(p) {
			used[v] = true
		}
	}
	for _, v := range t.dev.VXLANVLANs.List() {
		if !used[v] {
			return v, false, nil
		}
	}
	return 0, false, fault.New(fault.Conflict, "no VLAN of %s's vxlan_vlan_range (%s) is free for VNI %d: widen the range, or give the network a vlan",
		t.dev.Name, t.dev.VXLANVLANs.String(), nw.VNI).WithDevice(t.dev.Name)
}

// isDPU reports whether dev is a DPU: it has an uplink, or its driver
// configures smart-nic ports.
func (s *Service) isDPU(dev inventory.Device) bool {
	info, err := s.driverInfo(dev)
	return !dev.Uplink.IsZero() || err == nil && slices.Contains(info.VNICTypes, abi.VNICSmartNIC)
}

// needNetworks refuses a VXLAN call on a device whose driver cannot read
// its networks, before any I/O.
func (s *Service) needNetworks(t target) error {
	info, err := s.driverInfo(t.dev)
	if err != nil {
		return err
	}
	if !slices.Contains(info.Operations, abi.OpReadNetworks) {
		return fault.New(fault.Unsupported, "driver %s of %s cannot read the device's networks (no read_networks), which a VXLAN attach needs to find the VNI's local VLAN", t.dev.Driver, t.dev.Name).WithDevice(t.dev.Name)
	}
	return nil
}

// attachVXLAN attaches t to VXLAN network nw (nw.VLAN 0: chosen here).
func (s *Service) attachVXLAN(ctx context.Context, st *state, c Caller, rec *Record, t target, nw abi.Network, mode abi.Mode, native, dryRun bool) (PortChange, error) {
	if err := s.needNetworks(t); err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	out := PortChange{Device: t.dev.Name, Port: t.port}
	sp := s.newSpan(st, c, rec, dryRun)
	err := s.locked(ctx, st.cfg, rec, []string{t.dev.Name}, func(ctx context.Context) error {
		have, err := s.networks(ctx, st, c, t)
		if err != nil {
			return err
		}
		vlan, existed, err := s.localVLAN(ctx, st, c, t, nw, have)
		if err != nil {
			return err
		}
		if err := checkVLANs(st.cfg, t.dev, "attach_port", t.dev.Name, []int{vlan}); err != nil {
			return err
		}
		if err := permit(st.cfg, c, t.dev, vlan); err != nil {
			return err
		}
		nw.VLAN = vlan
		add := call{caller: c, op: abi.OpAddNetwork, dev: t.dev, port: t.port, request: abi.NetworkRequest{Network: nw, DryRun: dryRun}}
		undo := step{what: fmt.Sprintf("%s VLAN %d and its VNI %d removed", t.dev.Name, vlan, nw.VNI),
			undo: []call{{caller: c, op: abi.OpDeleteNetwork, dev: t.dev, request: abi.NetworkRequest{Network: nw}}}}
		if existed { // never remove a VLAN that was there: its new VNI map stays
			undo = step{what: fmt.Sprintf("%s VLAN %d kept (it was there before), with its map to VNI %d", t.dev.Name, vlan, nw.VNI)}
		}
		if err := sp.changeWith(ctx, add, undo); err != nil {
			return err
		}
		cur, err := sp.read(ctx, t)
		if err != nil {
			return sp.fail(ctx, err)
		}
		pc := abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: vlan}
		if mode != abi.ModeAccess {
			pc = joined(cur, mode, vlan, native)
		}
		if err := sp.set(ctx, t, cur, pc, nil); err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	return sp.result(out), err
}

// detachVXLAN takes t off VXLAN network nw (nw.VLAN 0: the VLAN the device
// maps the VNI to). On a DPU, the tunnel goes too once no representor
// carries the VLAN.
func (s *Service) detachVXLAN(ctx context.Context, st *state, c Caller, rec *Record, t target, nw abi.Network, dryRun bool) (PortChange, error) {
	if err := s.needNetworks(t); err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	out := PortChange{Device: t.dev.Name, Port: t.port}
	sp := s.newSpan(st, c, rec, dryRun)
	err := s.locked(ctx, st.cfg, rec, []string{t.dev.Name}, func(ctx context.Context) error {
		have, err := s.networks(ctx, st, c, t)
		if err != nil {
			return err
		}
		for _, n := range have.Networks {
			if n.VNI == nw.VNI && nw.VLAN == 0 {
				nw.VLAN = n.VLAN
			}
		}
		if nw.VLAN == 0 {
			return nil // the device does not map the VNI: nothing carries it
		}
		cur, err := sp.read(ctx, t)
		if err != nil {
			return err
		}
		pc, had, empty := left(cur, nw.VLAN)
		switch {
		case !had:
			return nil
		case empty:
			err = sp.reset(ctx, t, cur)
		default:
			err = sp.set(ctx, t, cur, pc, nil)
		}
		if err != nil || !s.isDPU(t.dev) {
			return err
		}
		ports, err := s.ports(ctx, st, c, t)
		if err != nil {
			return sp.fail(ctx, err)
		}
		for _, p := range ports {
			if p.Port != t.port && slices.Contains(carried(p), nw.VLAN) {
				return nil // another representor still uses the tunnel
			}
		}
		del := call{caller: c, op: abi.OpDeleteNetwork, dev: t.dev, port: t.port, request: abi.NetworkRequest{Network: nw, DryRun: dryRun}}
		undo := step{what: fmt.Sprintf("%s VNI %d on VLAN %d made again", t.dev.Name, nw.VNI, nw.VLAN),
			undo: []call{{caller: c, op: abi.OpAddNetwork, dev: t.dev, request: abi.NetworkRequest{Network: nw}}}}
		if err := sp.changeWith(ctx, del, undo); err != nil {
			return sp.fail(ctx, err)
		}
		return nil
	})
	return sp.result(out), err
}
