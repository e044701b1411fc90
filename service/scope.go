package service

import (
	"context"
	"slices"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// permit applies the caller's rules (server.auth.callers, looked up in the
// configuration the operation runs on, so a reload changes them) to a
// change on dev that puts or removes vlans. A caller without rules may do
// anything the VLAN policy allows.
func permit(cfg *inventory.Config, c Caller, dev inventory.Device, vlans ...int) error {
	p, ok := cfg.Caller(c.Identity)
	if !ok {
		return nil
	}
	if len(p.Devices) > 0 && !slices.Contains(p.Devices, dev.Name) {
		return fault.New(fault.Denied, "caller %q may not change device %s: server.auth.callers[%d].devices lists only %v (add the device there, or call as an identity that may)",
			c.Identity, dev.Name, p.Index, p.Devices).WithDevice(dev.Name)
	}
	if !p.VLANs.IsEmpty() {
		for _, v := range vlans {
			if !p.VLANs.Contains(v) {
				return fault.New(fault.Denied, "caller %q may not use VLAN %d on %s: server.auth.callers[%d].vlans is %s (widen it there, or call as an identity that may)",
					c.Identity, v, dev.Name, p.Index, p.VLANs).WithDevice(dev.Name)
			}
		}
	}
	return nil
}

// isOperator reports whether the caller's rules make it an operator, who
// sees device addresses.
func isOperator(cfg *inventory.Config, c Caller) bool {
	p, ok := cfg.Caller(c.Identity)
	return ok && p.Operator
}

// guardRemovals applies a VLAN-scoped caller's rules to what a set_port or
// reset_port takes away: each VLAN the port carries now and will not carry
// afterwards must be one the caller may use, so a caller limited to its own
// VLANs cannot detach, replace or reset another's. It reads the port first
// unless the call carries the state its caller read;
// callers without VLAN rules, other operations and a DPU's uplink (which
// the service widens and prunes for the DPU's representors) pass unread.
func (s *Service) guardRemovals(ctx context.Context, st *state, c call) error {
	if _, ok := vlanScoped(st.cfg, c.caller); !ok || s.isUplink(st.cfg, c.dev, c.port) {
		return nil
	}
	var after abi.PortConfig
	switch r := c.request.(type) {
	case abi.SetPortRequest:
		after = r.Config
	case abi.ResetPortRequest:
		after = abi.PortConfig{NativeVLAN: r.IdleVLAN}
	default:
		return nil
	}
	if c.read != nil {
		return checkRemoval(st.cfg, c.caller, c.dev, c.port, *c.read, after)
	}
	cur, err := s.readPort(ctx, st, c.caller, target{dev: c.dev, port: c.port})
	if err != nil {
		return err
	}
	return checkRemoval(st.cfg, c.caller, c.dev, c.port, cur, after)
}

// vlanScoped returns the caller's rules when they limit its VLANs.
func vlanScoped(cfg *inventory.Config, c Caller) (inventory.CallerPolicy, bool) {
	p, ok := cfg.Caller(c.Identity)
	return p, ok && !p.VLANs.IsEmpty()
}

// checkRemoval refuses a change of port (or LAG) on dev from cur to after
// that takes off a VLAN the caller's rules do not give it. The device's
// idle VLAN and VLAN 1, where unconfigured ports sit, are no tenant's: any
// caller may take a port off them.
func checkRemoval(cfg *inventory.Config, c Caller, dev inventory.Device, port string, cur abi.PortState, after abi.PortConfig) error {
	p, ok := vlanScoped(cfg, c)
	if !ok {
		return nil
	}
	kept := append([]int{after.NativeVLAN}, after.AllowedVLANs...)
	for _, v := range append([]int{cur.NativeVLAN}, cur.AllowedVLANs...) {
		if v == 0 || v == defaultVLAN || v == dev.IdleVLAN || slices.Contains(kept, v) || p.VLANs.Contains(v) {
			continue
		}
		return fault.New(fault.Denied, "caller %q may not remove VLAN %d from %s %s, which carries it now: server.auth.callers[%d].vlans is %s (widen it there, or call as an identity that may)",
			c.Identity, v, dev.Name, port, p.Index, p.VLANs).WithDevice(dev.Name).WithPort(port)
	}
	return nil
}

// permitLAGByName refuses Ironic's update_lag and delete_lag to a caller
// whose VLANs are limited: they name a LAG but not its members, so what
// they would take off cannot be read first. attach_port and detach_port
// with a port_group name the members and are checked.
func permitLAGByName(cfg *inventory.Config, c Caller, method string, dev inventory.Device) error {
	p, ok := vlanScoped(cfg, c)
	if !ok {
		return nil
	}
	return fault.New(fault.Denied, "caller %q may not use %s: server.auth.callers[%d].vlans limits its VLANs, and %s names no member ports, so what it would remove from the LAG cannot be checked (use attach_port or detach_port with port_group, or call as an identity without a vlans rule)",
		c.Identity, method, p.Index, method).WithDevice(dev.Name)
}

// defaultVLAN is the VLAN switches put unconfigured access ports in.
const defaultVLAN = 1

// isUplink reports whether port on dev feeds a DPU.
func (s *Service) isUplink(cfg *inventory.Config, dev inventory.Device, port string) bool {
	for _, d := range cfg.Devices() {
		if d.Uplink.Device != dev.Name {
			continue
		}
		if up, err := s.port(dev, "", d.Uplink.Port, true); err == nil && up == port {
			return true
		}
	}
	return false
}
