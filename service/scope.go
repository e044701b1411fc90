package service

import (
	"slices"

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
