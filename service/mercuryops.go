package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// The Mercury methods that reach a device: attach_port, detach_port,
// add_network, delete_network and verify_port; and is_port_supported and
// list_devices, which answer from the drivers and the inventory.

// PortGroup is a Mercury port group: a LAG of the request's link and
// Links, on one device or across the two switches of an MLAG pair. Mode is
// lacp (the default) or static.
type PortGroup struct {
	Name  string `json:"name"`
	Mode  string `json:"mode,omitempty"` // static | lacp
	Links []Link `json:"links,omitempty"`
}

// AttachRequest is the Mercury method attach_port.
type AttachRequest struct {
	Link      Link       `json:"link"`
	Network   Network    `json:"network"`
	Mode      string     `json:"mode,omitempty"`   // access (default), trunk or hybrid
	Native    bool       `json:"native,omitempty"` // trunk/hybrid: the network is the untagged VLAN
	PortGroup *PortGroup `json:"port_group,omitempty"`
	DryRun    bool       `json:"dry_run,omitempty"`
}

// DetachRequest is the Mercury method detach_port. Without a network the
// port returns to the device's idle VLAN, or is shut when it has none.
type DetachRequest struct {
	Link      Link       `json:"link"`
	Network   *Network   `json:"network,omitempty"`
	PortGroup *PortGroup `json:"port_group,omitempty"`
	DryRun    bool       `json:"dry_run,omitempty"`
}

// PortSupportedRequest is the Mercury method is_port_supported.
type PortSupportedRequest struct {
	Link     Link   `json:"link"`
	VNICType string `json:"vnic_type,omitempty"` // baremetal (default) or smart-nic
}

// NetworkRequest is the Mercury methods add_network and delete_network.
type NetworkRequest struct {
	SwitchID string  `json:"switch_id"`
	Network  Network `json:"network"`
	Force    bool    `json:"force,omitempty"` // delete_network: even if ports carry it
	DryRun   bool    `json:"dry_run,omitempty"`
}

// Expectation is the state verify_port expects of a port.
type Expectation struct {
	Mode         string `json:"mode"`
	NativeVLAN   int    `json:"native_vlan,omitempty"`
	AllowedVLANs []int  `json:"allowed_vlans,omitempty"`
}

// VerifyRequest is the Mercury method verify_port.
type VerifyRequest struct {
	Link   Link        `json:"link"`
	Expect Expectation `json:"expect"`
}

// ListDevicesRequest is the Mercury method list_devices. It has no fields.
type ListDevicesRequest struct{}

// DeviceInfo is one device as list_devices shows it. Address and Port are
// shown to operator callers only; secrets never.
type DeviceInfo struct {
	Name         string   `json:"name"`
	MAC          string   `json:"mac,omitempty"`
	Driver       string   `json:"driver"`
	NetworkTypes []string `json:"network_types"`
	IdleVLAN     int      `json:"idle_vlan,omitempty"`
	ManageVLANs  bool     `json:"manage_vlans"`
	SaveConfig   string   `json:"save_config"`
	AllowedVLANs string   `json:"allowed_vlans"` // the VLANs policy permits, as a range list
	Address      string   `json:"address,omitempty"`
	Port         int      `json:"port,omitempty"`
}

// target is a validated link: its device and port, for one operation.
type target struct {
	dev  inventory.Device
	port string
}

// link resolves and validates a link for method, filling the record.
func (s *Service) link(cfg *inventory.Config, rec *Record, l Link, changing bool) (target, error) {
	dev, err := s.linkDevice(cfg, l)
	if err != nil {
		return target{}, err
	}
	rec.Device = dev.Name
	port, err := s.port(dev, "link.port_id", l.PortID, changing)
	if err != nil {
		return target{}, err
	}
	rec.Port = port
	return target{dev: dev, port: port}, nil
}

// network validates a Mercury network for dev and returns the device-level
// network. policy applies the VLAN policy (not for removals).
func (s *Service) network(cfg *inventory.Config, dev inventory.Device, method string, n Network, policy bool) (abi.Network, error) {
	if n.Name != "" {
		if err := checkDescription("network.name", n.Name); err != nil {
			return abi.Network{}, withDevice(err, dev.Name)
		}
	}
	out := abi.Network{Name: n.Name}
	switch n.Type {
	case "", abi.NetworkVLAN:
		if err := checkVLANRange("network.segmentation_id", n.SegmentationID); err != nil {
			return out, withDevice(err, dev.Name)
		}
		out.VLAN = n.SegmentationID
	case abi.NetworkVXLAN:
		info, err := s.driverInfo(dev)
		if err != nil {
			return out, err
		}
		if !slices.Contains(info.NetworkTypes, abi.NetworkVXLAN) {
			return out, fault.New(fault.Unsupported, "device %s's driver %s configures %v networks, not vxlan", dev.Name, dev.Driver, info.NetworkTypes).WithDevice(dev.Name)
		}
		if err := checkVNI("network.segmentation_id", n.SegmentationID); err != nil {
			return out, withDevice(err, dev.Name)
		}
		if n.VLAN != 0 { // else the service picks it under the device's lock
			if err := checkVLANRange("network.vlan", n.VLAN); err != nil {
				return out, withDevice(err, dev.Name)
			}
		}
		out.VLAN, out.VNI = n.VLAN, n.SegmentationID
	default:
		return out, fault.New(fault.Invalid, "network.type must be vlan or vxlan (got %s)", shown(n.Type)).WithDevice(dev.Name)
	}
	if policy && out.VLAN != 0 {
		if err := checkVLANs(cfg, dev, method, dev.Name, []int{out.VLAN}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// apply runs one changing driver call: for real through change (which
// saves per save_config), or as a dry run that sends nothing and saves
// nothing. It fills out.
func (s *Service) apply(ctx context.Context, st *state, rec *Record, c call, dryRun bool, out *PortChange) error {
	if err := s.guardRemovals(ctx, st, c); err != nil {
		return err
	}
	if !dryRun {
		err := s.change(ctx, st, rec, c)
		out.Changed, out.Saved, out.LAGNumber, out.Created = rec.Changed, rec.Saved, rec.number, rec.created
		return err
	}
	var res abi.Result
	_, err := s.invoke(ctx, st, c, &res)
	rec.Changed, rec.DryRun = res.Changed, true
	out.Changed, out.DryRun, out.Commands, out.LAGNumber, out.Created = res.Changed, true, res.Commands, res.Number, res.Created
	return err
}

// readPort reads a port through its driver. The caller holds the lock.
func (s *Service) readPort(ctx context.Context, st *state, caller Caller, t target) (abi.PortState, error) {
	info, err := s.driverInfo(t.dev)
	if err != nil {
		return abi.PortState{}, err
	}
	if !slices.Contains(info.Operations, abi.OpReadPort) {
		return abi.PortState{}, fault.New(fault.Unsupported, "driver %s cannot read a port (no read_port)", t.dev.Driver).WithDevice(t.dev.Name)
	}
	var ps abi.PortState
	if _, err := s.invoke(ctx, st, call{caller: caller, op: abi.OpReadPort, dev: t.dev, port: t.port, request: abi.ReadPortRequest{Port: t.port}}, &ps); err != nil {
		return ps, err
	}
	if !ps.Exists {
		return ps, fault.New(fault.NotFound, "port %s does not exist on %s", t.port, t.dev.Name).WithDevice(t.dev.Name).WithPort(t.port)
	}
	return ps, nil
}

// AttachPort answers attach_port: access puts the port on the network;
// trunk and hybrid add the network to what the port already carries (read
// first, under the lock), as its untagged VLAN when native is set.
func (s *Service) AttachPort(ctx context.Context, c Caller, r AttachRequest) (PortChange, error) {
	st := s.state.Load()
	rec := newRecord(c, "attach_port", "", "", r)
	t, err := s.link(st.cfg, rec, r.Link, true)
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	mode := abi.ModeAccess
	if r.Mode != "" {
		if mode, err = modeOf(&r.Mode); err != nil {
			return PortChange{}, s.refused(rec, withDevice(err, t.dev.Name))
		}
	}
	if r.Native && mode == abi.ModeAccess {
		return PortChange{}, s.refused(rec, fault.New(fault.Invalid, "native applies to trunk and hybrid ports: an access port's VLAN is always untagged").WithDevice(t.dev.Name))
	}
	if r.PortGroup != nil {
		return s.attachGroup(ctx, st, c, rec, r, r.Network, mode)
	}
	nw, err := s.network(st.cfg, t.dev, "attach_port", r.Network, true)
	if err == nil && nw.VLAN != 0 {
		err = permit(st.cfg, c, t.dev, nw.VLAN)
	}
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	if nw.VNI != 0 {
		return s.attachVXLAN(ctx, st, c, rec, t, nw, mode, r.Native, r.DryRun)
	}
	if !t.dev.Uplink.IsZero() {
		up, err := s.uplink(st.cfg, c, t.dev, "attach_port", nw.VLAN)
		if err != nil {
			return PortChange{}, s.refused(rec, err)
		}
		return s.attachDPU(ctx, st, c, rec, t, up, nw, mode, r.Native, r.DryRun)
	}
	out := PortChange{Device: t.dev.Name, Port: t.port}
	err = s.locked(ctx, st.cfg, rec, []string{t.dev.Name}, func(ctx context.Context) error {
		pc := abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: nw.VLAN}
		var read *abi.PortState
		if mode != abi.ModeAccess {
			cur, err := s.readPort(ctx, st, c, t)
			if err != nil {
				return err
			}
			pc, read = joined(cur, mode, nw.VLAN, r.Native), &cur
		}
		req := abi.SetPortRequest{Port: t.port, Config: pc, DryRun: r.DryRun}
		if t.dev.ManageVLANs {
			req.CreateVLANs = []abi.Network{nw}
		}
		return s.apply(ctx, st, rec, call{caller: c, op: abi.OpSetPort, dev: t.dev, port: t.port, request: req, read: read}, r.DryRun, &out)
	})
	return out, err
}

// joined is cur with vlan added to what a trunk or hybrid port carries.
func joined(cur abi.PortState, mode abi.Mode, vlan int, native bool) abi.PortConfig {
	pc := abi.PortConfig{Mode: mode}
	if cur.Mode == abi.ModeTrunk || cur.Mode == abi.ModeHybrid {
		pc.NativeVLAN, pc.AllowedVLANs = cur.NativeVLAN, slices.Clone(cur.AllowedVLANs)
	}
	if native {
		if pc.NativeVLAN != 0 && pc.NativeVLAN != vlan {
			pc.AllowedVLANs = append(pc.AllowedVLANs, pc.NativeVLAN) // the old untagged VLAN stays, tagged
		}
		pc.NativeVLAN = vlan
		pc.AllowedVLANs = slices.DeleteFunc(pc.AllowedVLANs, func(v int) bool { return v == vlan })
	} else if vlan != pc.NativeVLAN && !slices.Contains(pc.AllowedVLANs, vlan) {
		pc.AllowedVLANs = append(pc.AllowedVLANs, vlan)
	}
	slices.Sort(pc.AllowedVLANs)
	return pc
}

// DetachPort answers detach_port: the network leaves the port (read first,
// under the lock); a port left carrying nothing, or a detach without a
// network, returns to the device's idle VLAN or is shut.
func (s *Service) DetachPort(ctx context.Context, c Caller, r DetachRequest) (PortChange, error) {
	st := s.state.Load()
	rec := newRecord(c, "detach_port", "", "", r)
	t, err := s.link(st.cfg, rec, r.Link, true)
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	if r.PortGroup != nil {
		return s.detachGroup(ctx, st, c, rec, r)
	}
	vlan := 0
	if r.Network != nil {
		nw, err := s.network(st.cfg, t.dev, "detach_port", *r.Network, false)
		if err != nil {
			return PortChange{}, s.refused(rec, err)
		}
		if nw.VNI != 0 {
			if err := permit(st.cfg, c, t.dev); err != nil {
				return PortChange{}, s.refused(rec, err)
			}
			return s.detachVXLAN(ctx, st, c, rec, t, nw, r.DryRun)
		}
		vlan = nw.VLAN
	}
	if err := permit(st.cfg, c, t.dev); err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	if !t.dev.Uplink.IsZero() {
		up, err := s.uplink(st.cfg, c, t.dev, "detach_port")
		if err != nil {
			return PortChange{}, s.refused(rec, err)
		}
		return s.detachDPU(ctx, st, c, rec, t, up, vlan, r.DryRun)
	}
	out := PortChange{Device: t.dev.Name, Port: t.port}
	reset := call{caller: c, op: abi.OpResetPort, dev: t.dev, port: t.port,
		request: abi.ResetPortRequest{Port: t.port, IdleVLAN: t.dev.IdleVLAN, DryRun: r.DryRun}}
	err = s.locked(ctx, st.cfg, rec, []string{t.dev.Name}, func(ctx context.Context) error {
		if vlan == 0 {
			return s.apply(ctx, st, rec, reset, r.DryRun, &out)
		}
		cur, err := s.readPort(ctx, st, c, t)
		if err != nil {
			return err
		}
		pc, carried, empty := left(cur, vlan)
		switch {
		case !carried:
			return nil // nothing to do: changed false
		case empty:
			reset.read = &cur
			return s.apply(ctx, st, rec, reset, r.DryRun, &out)
		}
		req := abi.SetPortRequest{Port: t.port, Config: pc, DryRun: r.DryRun}
		return s.apply(ctx, st, rec, call{caller: c, op: abi.OpSetPort, dev: t.dev, port: t.port, request: req, read: &cur}, r.DryRun, &out)
	})
	return out, err
}

// left is cur without vlan: whether cur carried it, and whether nothing is
// left (the port should then go idle).
func left(cur abi.PortState, vlan int) (pc abi.PortConfig, carried, empty bool) {
	if cur.Mode == abi.ModeAccess || cur.Mode == "" {
		return pc, cur.NativeVLAN == vlan, true
	}
	pc = abi.PortConfig{Mode: cur.Mode, NativeVLAN: cur.NativeVLAN, AllowedVLANs: slices.Clone(cur.AllowedVLANs)}
	if pc.NativeVLAN == vlan {
		pc.NativeVLAN, carried = 0, true
	}
	if i := slices.Index(pc.AllowedVLANs, vlan); i >= 0 {
		pc.AllowedVLANs, carried = slices.Delete(pc.AllowedVLANs, i, i+1), true
	}
	return pc, carried, pc.NativeVLAN == 0 && len(pc.AllowedVLANs) == 0
}

// IsPortSupported answers is_port_supported from the driver (its
// port_supported operation, which reads no device).
func (s *Service) IsPortSupported(ctx context.Context, c Caller, r PortSupportedRequest) (Verdict, error) {
	st := s.state.Load()
	no := func(err error) (Verdict, error) {
		f := false
		return Verdict{Supported: &f, Reason: err.Error()}, nil
	}
	dev, err := s.linkDevice(st.cfg, r.Link)
	if err != nil {
		return no(err)
	}
	port, err := s.port(dev, "link.port_id", r.Link.PortID, false)
	if err != nil {
		return no(err)
	}
	vnic := r.VNICType
	if vnic == "" {
		vnic = abi.VNICBaremetal
	}
	if vnic != abi.VNICBaremetal && vnic != abi.VNICSmartNIC {
		return Verdict{}, fault.New(fault.Invalid, "vnic_type must be baremetal or smart-nic (got %s)", shown(vnic)).WithDevice(dev.Name)
	}
	var sup abi.Support
	if _, err := s.invoke(ctx, st, call{caller: c, op: abi.OpPortSupported, dev: dev, port: port,
		request: abi.PortSupportedRequest{Port: port, VNICType: vnic}}, &sup); err != nil {
		return Verdict{}, err
	}
	return Verdict{Supported: &sup.Supported, Reason: sup.Reason}, nil
}

// AddNetwork answers add_network: the VLAN (and its VNI map) exists on
// the device afterwards.
func (s *Service) AddNetwork(ctx context.Context, c Caller, r NetworkRequest) (PortChange, error) {
	return s.networkOp(ctx, c, "add_network", abi.OpAddNetwork, r, true)
}

// DeleteNetwork answers delete_network: the VLAN is gone afterwards; the
// driver refuses while a port carries it, unless force.
func (s *Service) DeleteNetwork(ctx context.Context, c Caller, r NetworkRequest) (PortChange, error) {
	return s.networkOp(ctx, c, "delete_network", abi.OpDeleteNetwork, r, false)
}

func (s *Service) networkOp(ctx context.Context, c Caller, method, op string, r NetworkRequest, policy bool) (PortChange, error) {
	st := s.state.Load()
	rec := newRecord(c, method, "", "", r)
	dev, err := s.resolve(st.cfg, r.SwitchID)
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	rec.Device = dev.Name
	nw, err := s.network(st.cfg, dev, method, r.Network, policy)
	if err == nil && nw.VLAN != 0 {
		err = permit(st.cfg, c, dev, nw.VLAN)
	}
	if err == nil && nw.VLAN == 0 {
		err = s.needNetworks(target{dev: dev})
	}
	if err != nil {
		return PortChange{}, s.refused(rec, err)
	}
	if r.Force && op == abi.OpAddNetwork {
		return PortChange{}, s.refused(rec, fault.New(fault.Invalid, "force applies to delete_network only").WithDevice(dev.Name))
	}
	out := PortChange{Device: dev.Name}
	err = s.locked(ctx, st.cfg, rec, []string{dev.Name}, func(ctx context.Context) error {
		if nw.VLAN == 0 { // a VXLAN network without its local VLAN: the device's, or a free one
			t := target{dev: dev}
			have, err := s.networks(ctx, st, c, t)
			if err != nil {
				return err
			}
			if op == abi.OpDeleteNetwork {
				for _, n := range have.Networks {
					if n.VNI == nw.VNI {
						nw.VLAN = n.VLAN
					}
				}
				if nw.VLAN == 0 {
					return nil // the device does not map the VNI: nothing to delete
				}
			} else {
				if nw.VLAN, _, err = s.localVLAN(ctx, st, c, t, nw, have); err != nil {
					return err
				}
				if err := checkVLANs(st.cfg, dev, method, dev.Name, []int{nw.VLAN}); err != nil {
					return err
				}
				if err := permit(st.cfg, c, dev, nw.VLAN); err != nil {
					return err
				}
			}
		}
		req := abi.NetworkRequest{Network: nw, Force: r.Force, DryRun: r.DryRun}
		return s.apply(ctx, st, rec, call{caller: c, op: op, dev: dev, request: req}, r.DryRun, &out)
	})
	return out, err
}

// VerifyPort answers verify_port: it reads the port (under the lock, so
// never mid-change) and lists how it differs from expect. It changes
// nothing. Hybrid is compared as a trunk with a native VLAN.
func (s *Service) VerifyPort(ctx context.Context, c Caller, r VerifyRequest) (PortDrift, error) {
	st := s.state.Load()
	rec := newRecord(c, "verify_port", "", "", r)
	t, err := s.link(st.cfg, rec, r.Link, false)
	if err != nil {
		return PortDrift{}, s.refused(rec, err)
	}
	want := r.Expect
	if want.Mode == "" {
		want.Mode = string(abi.ModeAccess)
	}
	if _, err := modeOf(&want.Mode); err != nil {
		return PortDrift{}, s.refused(rec, fault.Wrap(fault.Invalid, err, "expect.mode").WithDevice(t.dev.Name))
	}
	var out PortDrift
	err = s.locked(ctx, st.cfg, rec, []string{t.dev.Name}, func(ctx context.Context) error {
		cur, err := s.readPort(ctx, st, c, t)
		if err != nil {
			return err
		}
		out = PortDrift{Actual: cur, Drift: drift(cur, want)}
		out.InSync = len(out.Drift) == 0
		return nil
	})
	return out, err
}

// drift lists the differences between a port and what is expected of it.
func drift(cur abi.PortState, want Expectation) []string {
	d := []string{}
	mode := abi.Mode(want.Mode)
	if mode == abi.ModeHybrid {
		mode = abi.ModeTrunk
	}
	curMode := cur.Mode
	if curMode == abi.ModeHybrid {
		curMode = abi.ModeTrunk
	}
	if curMode != mode {
		d = append(d, fmt.Sprintf("mode: expected %s, actual %s", want.Mode, cur.Mode))
	}
	if cur.NativeVLAN != want.NativeVLAN {
		d = append(d, fmt.Sprintf("native_vlan: expected %d, actual %d", want.NativeVLAN, cur.NativeVLAN))
	}
	if mode != abi.ModeAccess {
		wantA, curA := slices.Sorted(slices.Values(want.AllowedVLANs)), slices.Sorted(slices.Values(cur.AllowedVLANs))
		if !slices.Equal(wantA, curA) {
			d = append(d, fmt.Sprintf("allowed_vlans: expected %s, actual %s", vlanList(wantA), vlanList(curA)))
		}
	}
	if !cur.Enabled {
		d = append(d, "enabled: expected true, actual false (the port is shut down)")
	}
	return d
}

// ListDevices answers list_devices: every device, without secrets; the
// address only for operator callers.
func (s *Service) ListDevices(_ context.Context, c Caller, _ ListDevicesRequest) ([]DeviceInfo, error) {
	cfg := s.Config()
	out := []DeviceInfo{}
	for _, d := range cfg.Devices() {
		info := DeviceInfo{Name: d.Name, MAC: d.MAC, Driver: d.Driver, IdleVLAN: d.IdleVLAN, ManageVLANs: d.ManageVLANs,
			SaveConfig: string(d.SaveConfig), AllowedVLANs: cfg.PermittedVLANs(d.Name).String(), NetworkTypes: []string{}}
		if desc, err := s.driverInfo(d); err == nil {
			info.NetworkTypes = desc.NetworkTypes
		}
		if isOperator(cfg, c) {
			info.Address, info.Port = d.Address, d.Port
		}
		out = append(out, info)
	}
	return out, nil
}
