package rpc

import (
	"context"

	"github.com/openmercury/mercury/service"
)

// Backend is what the methods call: the service's operations. Errors are
// *fault.Error; their Kind picks the reply through the table in errors.go.
// Each call gets a context bounded by Options.Deadline, and is not cancelled
// when the client hangs up (a half-applied change is worse than a finished
// one nobody waits for).
type Backend interface {
	UpdatePort(ctx context.Context, c service.Caller, r service.UpdatePortRequest) (service.UpdatePortResult, error)
	ResetPort(ctx context.Context, c service.Caller, r service.ResetPortRequest) (service.ResetPortResult, error)
	UpdateLAG(ctx context.Context, c service.Caller, r service.UpdateLAGRequest) (service.UpdateLAGResult, error)
	DeleteLAG(ctx context.Context, c service.Caller, r service.DeleteLAGRequest) (service.DeleteLAGResult, error)
	GetSwitches(ctx context.Context, c service.Caller) (map[string]service.SwitchInfo, error)
	GetAllowedNetworkTypes(ctx context.Context, c service.Caller, r service.NetworkTypesRequest) ([]string, error)
	IsLinkValid(ctx context.Context, c service.Caller, r service.LinkRequest) (service.Verdict, error)
	ListDrivers(ctx context.Context, c service.Caller, r service.ListDriversRequest) ([]service.DriverInfo, error)
	AttachPort(ctx context.Context, c service.Caller, r service.AttachRequest) (service.PortChange, error)
	DetachPort(ctx context.Context, c service.Caller, r service.DetachRequest) (service.PortChange, error)
	IsPortSupported(ctx context.Context, c service.Caller, r service.PortSupportedRequest) (service.Verdict, error)
	AddNetwork(ctx context.Context, c service.Caller, r service.NetworkRequest) (service.PortChange, error)
	DeleteNetwork(ctx context.Context, c service.Caller, r service.NetworkRequest) (service.PortChange, error)
	VerifyPort(ctx context.Context, c service.Caller, r service.VerifyRequest) (service.PortDrift, error)
	ListDevices(ctx context.Context, c service.Caller, r service.ListDevicesRequest) ([]service.DeviceInfo, error)
}

// methods is every JSON-RPC method Mercury answers. The Ironic dialect's
// signatures are NetworkingManager's, copied from Ironic, because a bad
// keyword argument is reported in Python's words against them (pysig.go).
// The failure text prefixes a NetworkError message; the first two are
// Ironic's own.
func methods() []method {
	return []method{
		ironic("update_port", wrapped, "context, switch_id, port_name, description, mode, native_vlan, allowed_vlans=None, default_vlan=None, lag_name=None",
			"Failed to configure network port", updatePort),
		ironic("reset_port", direct, "context, switch_id, port_name, native_vlan, allowed_vlans=None, default_vlan=None",
			"Failed to reset network port", resetPort),
		ironic("update_lag", wrapped, "context, switch_ids, lag_name, description, mode, native_vlan, aggregation_mode, allowed_vlans=None, default_vlan=None",
			"Failed to configure LAG", updateLAG),
		ironic("delete_lag", direct, "context, switch_ids, lag_name",
			"Failed to delete LAG", deleteLAG),
		ironic("get_switches", direct, "context",
			"Failed to get switch information", getSwitches),
		// The Mercury API, one line each. Every method takes dry_run: those
		// that only read are built with mercuryRead, and ignore it.
		mercuryRead("get_allowed_network_types", "Failed to get allowed network types", Backend.GetAllowedNetworkTypes),
		mercuryRead("is_link_valid", "Failed to check the link", Backend.IsLinkValid),
		mercuryRead("list_drivers", "Failed to list drivers", Backend.ListDrivers),
		mercury("attach_port", "Failed to attach the port", Backend.AttachPort),
		mercury("detach_port", "Failed to detach the port", Backend.DetachPort),
		mercuryRead("is_port_supported", "Failed to check the port", Backend.IsPortSupported),
		mercury("add_network", "Failed to add the network", Backend.AddNetwork),
		mercury("delete_network", "Failed to delete the network", Backend.DeleteNetwork),
		mercuryRead("verify_port", "Failed to verify the port", Backend.VerifyPort),
		mercuryRead("list_devices", "Failed to list devices", Backend.ListDevices),
	}
}

func updatePort(a *args) invoker {
	r := service.UpdatePortRequest{
		SwitchID:     a.str("switch_id"),
		PortName:     a.str("port_name"),
		Description:  a.optStr("description"),
		Mode:         a.optStr("mode"),
		NativeVLAN:   a.vlan("native_vlan"),
		AllowedVLANs: a.vlans("allowed_vlans"),
		LAGName:      a.optStr("lag_name"),
		DefaultVLAN:  a.vlan("default_vlan"),
	}
	return func(ctx context.Context, b Backend, c service.Caller) (any, error) {
		res, err := b.UpdatePort(ctx, c, r)
		res.AllowedVLANs = nonNil(res.AllowedVLANs) // Ironic answers [] for null
		return res, err
	}
}

func resetPort(a *args) invoker {
	r := service.ResetPortRequest{
		SwitchID:     a.str("switch_id"),
		PortName:     a.str("port_name"),
		NativeVLAN:   a.vlan("native_vlan"),
		AllowedVLANs: a.vlans("allowed_vlans"),
		DefaultVLAN:  a.vlan("default_vlan"),
	}
	return func(ctx context.Context, b Backend, c service.Caller) (any, error) {
		res, err := b.ResetPort(ctx, c, r)
		res.AllowedVLANs = nonNil(res.AllowedVLANs)
		return res, err
	}
}

func updateLAG(a *args) invoker {
	r := service.UpdateLAGRequest{
		SwitchIDs:       a.strs("switch_ids"),
		LAGName:         a.str("lag_name"),
		Description:     a.optStr("description"),
		Mode:            a.optStr("mode"),
		NativeVLAN:      a.vlan("native_vlan"),
		AggregationMode: a.optStr("aggregation_mode"),
		AllowedVLANs:    a.vlans("allowed_vlans"),
		DefaultVLAN:     a.vlan("default_vlan"),
	}
	return func(ctx context.Context, b Backend, c service.Caller) (any, error) {
		res, err := b.UpdateLAG(ctx, c, r)
		res.SwitchIDs = nonNil(res.SwitchIDs)
		res.AllowedVLANs = nonNil(res.AllowedVLANs)
		return res, err
	}
}

func deleteLAG(a *args) invoker {
	r := service.DeleteLAGRequest{
		SwitchIDs: a.strs("switch_ids"),
		LAGName:   a.str("lag_name"),
	}
	return func(ctx context.Context, b Backend, c service.Caller) (any, error) {
		res, err := b.DeleteLAG(ctx, c, r)
		res.SwitchIDs = nonNil(res.SwitchIDs)
		return res, err
	}
}

func getSwitches(*args) invoker {
	return func(ctx context.Context, b Backend, c service.Caller) (any, error) {
		res, err := b.GetSwitches(ctx, c)
		if res == nil {
			res = map[string]service.SwitchInfo{} // Ironic answers {} when there are none
		}
		return res, err
	}
}

// nonNil turns a nil slice into an empty one, so it encodes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
