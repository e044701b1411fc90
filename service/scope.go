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
// VLANs cannot detach, replace or reset another's. It reads the port first;
// callers without VLAN rules, other operations and a DPU's uplink (which
// the service widens and prunes for the DPU's representors) pass unread.
// The device's idle VLAN and VLAN 1, where unconfigured ports sit, are no
// tenant's: any caller may take a port off them.
func (s *Service) guardRemovals(ctx context.Context, st *state, c call) error {
	p, ok := st.cfg.Caller(c.caller.Identity)
	if !ok || p.VLANs.IsEmpty() || s.isUplink(st.cfg, c.dev, c.port) {
		return nil
	}
	var after []int
	switch r := c.request.(type) {
	case abi.SetPortRequest:
		after = append([]int{r.Config.NativeVLAN}, r.Config.AllowedVLANs...)
	case abi.ResetPortRequest:
		after = []int{r.IdleVLAN}
	default:
		return nil
	}
	cur, err := s.readPort(ctx, st, c.caller, target{dev: c.dev, port: c.port})
	if err != nil {
		return err
	}
	for _, v := range append([]int{cur.NativeVLAN}, cur.AllowedVLANs...) {
		if v == 0 || v == defaultVLAN || v == c.dev.IdleVLAN || slices.Contains(after, v) || p.VLANs.Contains(v) {
			continue
		}
		return fault.New(fault.Denied, "caller %q may not remove VLAN %d from %s %s, which carries it now: server.auth.callers[%d].vlans is %s (widen it there, or call as an identity that may)",
			c.caller.Identity, v, c.dev.Name, c.port, p.Index, p.VLANs).WithDevice(c.dev.Name).WithPort(c.port)
	}
	return nil
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
