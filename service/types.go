package service

import "github.com/openmercury/mercury/abi"

// Caller says who asked and in what context, for the audit record. The
// transport fills it from the authenticated request; the service looks the
// caller's rules (scope, operator) up by Identity in its configuration.
type Caller struct {
	Identity  string          // basic-auth user, certificate subject, or "anonymous"
	Remote    string          // client address
	RequestID string          // Mercury's id for this request, also in logs and error replies
	Method    string          // the JSON-RPC method
	Context   *RequestContext // Ironic's params.context, when sent
}

// RequestContext is the part of Ironic's params.context the audit record
// keeps. auth_token is never copied here.
type RequestContext struct {
	User            string `json:"user,omitempty"`
	Project         string `json:"project,omitempty"`
	RequestID       string `json:"request_id,omitempty"`
	GlobalRequestID string `json:"global_request_id,omitempty"`
	UserIdentity    string `json:"user_identity,omitempty"`
}

// UpdatePortRequest is Ironic's update_port. Pointers are null when the
// caller sent null; Ironic always sends every key.
type UpdatePortRequest struct {
	SwitchID     string
	PortName     string
	Description  *string
	Mode         *string // access | trunk | hybrid
	NativeVLAN   *int
	AllowedVLANs []int // nil when null
	LAGName      *string
	DefaultVLAN  *int // the idle VLAN to leave; the device's idle_vlan when nil
}

// UpdatePortResult is update_port's answer, key for key as Ironic's service
// gives it.
type UpdatePortResult struct {
	SwitchID     string  `json:"switch_id"`
	PortName     string  `json:"port_name"`
	Description  *string `json:"description"`
	Mode         string  `json:"mode"`
	NativeVLAN   *int    `json:"native_vlan"`
	AllowedVLANs []int   `json:"allowed_vlans"` // [] when null
	DefaultVLAN  *int    `json:"default_vlan"`
	LAGName      *string `json:"lag_name"`
	Status       string  `json:"status"` // "configured"
}

// ResetPortRequest is Ironic's reset_port.
type ResetPortRequest struct {
	SwitchID     string
	PortName     string
	NativeVLAN   *int
	AllowedVLANs []int
	DefaultVLAN  *int
}

// ResetPortResult is reset_port's answer (no lag_name key).
type ResetPortResult struct {
	SwitchID     string `json:"switch_id"`
	PortName     string `json:"port_name"`
	Description  string `json:"description"` // "Default port configuration"
	Mode         string `json:"mode"`        // "access"
	NativeVLAN   *int   `json:"native_vlan"`
	AllowedVLANs []int  `json:"allowed_vlans"`
	DefaultVLAN  *int   `json:"default_vlan"`
	Status       string `json:"status"` // "reset"
}

// UpdateLAGRequest is Ironic's update_lag.
type UpdateLAGRequest struct {
	SwitchIDs       []string
	LAGName         string
	Description     *string
	Mode            *string
	NativeVLAN      *int
	AggregationMode *string // static | lacp (Ironic also says "active-backup", "802.3ad", "balance-*")
	AllowedVLANs    []int
	DefaultVLAN     *int
}

// UpdateLAGResult is update_lag's answer.
type UpdateLAGResult struct {
	SwitchIDs       []string `json:"switch_ids"`
	LAGName         string   `json:"lag_name"`
	Description     *string  `json:"description"`
	Mode            string   `json:"mode"`
	NativeVLAN      *int     `json:"native_vlan"`
	AllowedVLANs    []int    `json:"allowed_vlans"`
	AggregationMode *string  `json:"aggregation_mode"`
	DefaultVLAN     *int     `json:"default_vlan"`
	Status          string   `json:"status"` // "configured"
}

// DeleteLAGRequest is Ironic's delete_lag.
type DeleteLAGRequest struct {
	SwitchIDs []string
	LAGName   string
}

// DeleteLAGResult is delete_lag's answer.
type DeleteLAGResult struct {
	SwitchIDs []string `json:"switch_ids"`
	LAGName   string   `json:"lag_name"`
	Status    string   `json:"status"` // "deleted"
}

// SwitchInfo is one entry of get_switches, keyed by device name.
type SwitchInfo struct {
	SwitchID     string  `json:"switch_id"`
	DeviceName   string  `json:"device_name"`
	DeviceType   string  `json:"device_type"` // the driver name
	AllowedVLANs *string `json:"allowed_vlans"`
}

// Link is Ironic's local_link_connection: a device and a port on it.
type Link struct {
	SwitchID   string `json:"switch_id"`
	PortID     string `json:"port_id"`
	SwitchInfo string `json:"switch_info,omitempty"`
}

// Network is an L2 network in the Mercury API.
type Network struct {
	Type           string `json:"type"`            // vlan | vxlan
	SegmentationID int    `json:"segmentation_id"` // VLAN id, or VNI for vxlan
	VLAN           int    `json:"vlan,omitempty"`  // vxlan: the local VLAN; else from vxlan_vlan_range
	Name           string `json:"name,omitempty"`
}

// PortChange answers the Mercury API's changing methods.
type PortChange struct {
	Device   string   `json:"device"`
	Port     string   `json:"port,omitempty"`
	Changed  bool     `json:"changed"`
	Saved    bool     `json:"saved"`
	DryRun   bool     `json:"dry_run,omitempty"`
	Commands []string `json:"commands,omitempty"` // dry run: what would be sent
	// LAGNumber is the port-channel number a port group's LAG has on the
	// device (0 where LAGs are named, such as OVS bonds).
	LAGNumber int `json:"lag_number,omitempty"`
	// Created says a LAG step made its LAG (it did not exist before).
	Created bool `json:"created,omitempty"`
	// Steps are the per-device changes of an operation that spans devices
	// (a DPU representor and its switch uplink), in the order made.
	Steps []PortChange `json:"steps,omitempty"`
}

// Verdict answers is_link_valid and is_port_supported.
type Verdict struct {
	Valid     *bool  `json:"valid,omitempty"`
	Supported *bool  `json:"supported,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// PortDrift answers verify_port.
type PortDrift struct {
	InSync bool          `json:"in_sync"`
	Actual abi.PortState `json:"actual"`
	Drift  []string      `json:"drift"`
}

// NetworkTypesRequest is the Mercury method get_allowed_network_types.
type NetworkTypesRequest struct {
	SwitchID string `json:"switch_id"`
}
