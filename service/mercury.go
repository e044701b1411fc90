package service

import (
	"context"
	"slices"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/inventory"
)

// The Mercury methods (docs/api.md, "Mercury methods"). Those built so far
// read no device: they answer from the inventory and the drivers'
// descriptions.

// LinkRequest is the Mercury method is_link_valid.
type LinkRequest struct {
	Link Link `json:"link"`
}

// DriverInfo is one loaded driver as list_drivers shows it: its
// description, the digest of its file and the devices bound to it.
type DriverInfo struct {
	abi.Description
	SHA256  string   `json:"sha256"`
	Devices []string `json:"devices"`
}

// ListDriversRequest is the Mercury method list_drivers. It has no fields.
type ListDriversRequest struct{}

// IsLinkValid answers is_link_valid: whether the device exists, the port
// name is well formed for its driver (after port_name_rewrite) and the port
// is not protected. A link that is not valid is an answer, not an error.
func (s *Service) IsLinkValid(_ context.Context, _ Caller, r LinkRequest) (Verdict, error) {
	dev, err := s.linkDevice(s.Config(), r.Link)
	if err == nil {
		_, err = s.port(dev, "link.port_id", r.Link.PortID, true)
	}
	valid := err == nil
	v := Verdict{Valid: &valid}
	if err != nil {
		v.Reason = err.Error()
	}
	return v, nil
}

// linkDevice resolves a link's device: switch_id as Ironic sends it, then
// switch_info as a device name.
func (s *Service) linkDevice(cfg *inventory.Config, l Link) (inventory.Device, error) {
	dev, err := s.resolve(cfg, l.SwitchID)
	if fault.KindOf(err) == fault.NotFound && l.SwitchInfo != "" {
		if d, infoErr := s.resolve(cfg, l.SwitchInfo); infoErr == nil {
			return d, nil
		}
	}
	return dev, err
}

// ListDrivers answers list_drivers: every loaded driver, by name.
func (s *Service) ListDrivers(_ context.Context, _ Caller, _ ListDriversRequest) ([]DriverInfo, error) {
	cfg := s.Config()
	out := []DriverInfo{}
	for _, name := range s.engine.Drivers() {
		drv, ok := s.engine.Driver(name)
		if !ok {
			continue // replaced by a reload since Drivers listed it
		}
		info := DriverInfo{Description: drv.Description(), SHA256: drv.SHA256(), Devices: []string{}}
		for _, d := range cfg.Devices() {
			if d.Driver == name {
				info.Devices = append(info.Devices, d.Name)
			}
		}
		slices.Sort(info.Devices)
		out = append(out, info)
	}
	return out, nil
}
