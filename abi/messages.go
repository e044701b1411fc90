package abi

// Operation names, passed to ExportInvoke. Each has a request and a response
// type below; the SDK decodes and encodes them as JSON.
const (
	OpDescribe      = "describe"       // DescribeRequest -> Description
	OpPortSupported = "port_supported" // PortSupportedRequest -> Support
	OpSetPort       = "set_port"       // SetPortRequest -> Result
	OpResetPort     = "reset_port"     // ResetPortRequest -> Result
	OpAddNetwork    = "add_network"    // NetworkRequest -> Result
	OpDeleteNetwork = "delete_network" // NetworkRequest -> Result
	OpReadPort      = "read_port"      // ReadPortRequest -> PortState
	OpLAGSet        = "lag_set"        // LAGSetRequest -> Result
	OpLAGDelete     = "lag_delete"     // LAGDeleteRequest -> Result
	OpSave          = "save"           // SaveRequest -> Result
	OpListPorts     = "list_ports"     // ListPortsRequest -> PortList
	OpReadNetworks  = "read_networks"  // ReadNetworksRequest -> NetworkList
)

// Ops lists every operation in specification order.
var Ops = []string{
	OpDescribe, OpPortSupported, OpSetPort, OpResetPort, OpAddNetwork,
	OpDeleteNetwork, OpReadPort, OpLAGSet, OpLAGDelete, OpSave, OpListPorts,
	OpReadNetworks,
}

// Mode is a port's switching mode.
type Mode string

// Port modes.
const (
	// ModeAccess: untagged frames on one VLAN (NativeVLAN).
	ModeAccess Mode = "access"
	// ModeTrunk: tagged frames for AllowedVLANs, plus untagged on NativeVLAN
	// when it is set.
	ModeTrunk Mode = "trunk"
	// ModeHybrid: NativeVLAN untagged and AllowedVLANs tagged. Drivers for
	// OSes that have no separate hybrid mode render it as a trunk with a
	// native VLAN.
	ModeHybrid Mode = "hybrid"
)

// Network types for Description.NetworkTypes.
const (
	NetworkVLAN  = "vlan"
	NetworkVXLAN = "vxlan"
)

// VNIC types for PortSupportedRequest.VNICType.
const (
	VNICBaremetal = "baremetal" // a server's port on a switch
	VNICSmartNIC  = "smart-nic" // a DPU representor
)

// LAG modes.
const (
	LAGStatic = "static"
	LAGLACP   = "lacp"
)

// Network is one L2 segment as a device sees it.
type Network struct {
	VLAN int    `json:"vlan"`           // the local VLAN, 1-4094
	VNI  int    `json:"vni,omitempty"`  // VXLAN network identifier, 0 when the network is a plain VLAN
	Name string `json:"name,omitempty"` // VLAN name to configure, already sanitised by the host
}

// PortConfig is the whole desired L2 state of a port or a LAG. set_port and
// lag_set converge the device to it and change nothing that already matches.
type PortConfig struct {
	Mode         Mode   `json:"mode"`
	NativeVLAN   int    `json:"native_vlan,omitempty"`   // access VLAN, or untagged VLAN of a trunk/hybrid port; 0 = none
	AllowedVLANs []int  `json:"allowed_vlans,omitempty"` // tagged VLANs (trunk, hybrid), sorted, no duplicates
	Description  string `json:"description,omitempty"`   // sanitised by the host; "" leaves it unchanged
}

// PortState is a port's configuration as read from the device.
type PortState struct {
	Port         string `json:"port"`
	Exists       bool   `json:"exists"` // false when the device has no such port
	Enabled      bool   `json:"enabled"`
	Mode         Mode   `json:"mode,omitempty"`
	NativeVLAN   int    `json:"native_vlan,omitempty"`
	AllowedVLANs []int  `json:"allowed_vlans,omitempty"`
	Description  string `json:"description,omitempty"`
	LAG          string `json:"lag,omitempty"` // the LAG the port belongs to, if any
	VNIs         []int  `json:"vnis,omitempty"`
}

// LAG names a link aggregation and its members on one device.
type LAG struct {
	Name    string   `json:"name"`             // the caller's LAG name, written into the LAG's description
	Number  int      `json:"number,omitempty"` // port-channel number; 0 lets the driver reuse or choose one
	Mode    string   `json:"mode"`             // LAGStatic or LAGLACP
	Members []string `json:"members"`          // member ports on this device
	// MLAG is the pair id (EOS mlag, NX-OS vpc) when the LAG is one half
	// of a LAG across a switch pair; 0 for a LAG on one switch, and leaves
	// an existing id as it is.
	MLAG int `json:"mlag,omitempty"`
}

// DescribeRequest asks a driver to describe itself. It has no fields.
type DescribeRequest struct{}

// Description is what a driver says of itself.
type Description struct {
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	Operations   []string `json:"operations"`    // the Op* names it implements
	NetworkTypes []string `json:"network_types"` // NetworkVLAN, NetworkVXLAN
	VNICTypes    []string `json:"vnic_types"`    // VNICBaremetal, VNICSmartNIC
	Session      string   `json:"session"`       // "exec" or "interactive"
	PortPattern  string   `json:"port_pattern"`  // RE2 a port name must match entirely
	LAGPattern   string   `json:"lag_pattern,omitempty"`
	Models       []string `json:"models,omitempty"` // devices and models it is known to work with
	Notes        []string `json:"notes,omitempty"`  // behaviour an operator should know
	Shell        *Shell   `json:"shell,omitempty"`  // for interactive drivers: how the host keeps a pooled shell
	MLAG         bool     `json:"mlag,omitempty"`   // lag_set writes LAG.MLAG: the driver can make a LAG across a switch pair
}

// Shell tells the host how to keep an interactive CLI shell logged in between
// operations: how to recognise its base prompt, what to send once on a new
// shell, and what to send to bring a used shell back to the base prompt
// before it returns to the pool. A shell that does not show Prompt after
// Reset is closed, never reused.
type Shell struct {
	Prompt string   `json:"prompt"`          // RE2 matching the base prompt at the end of the output
	Setup  []string `json:"setup,omitempty"` // lines sent once on a new shell, e.g. "terminal length 0"
	Reset  []string `json:"reset,omitempty"` // lines sent before the shell returns to the pool, e.g. "end"
}

// PortSupportedRequest asks whether the driver can configure this port.
type PortSupportedRequest struct {
	Port     string `json:"port"`
	VNICType string `json:"vnic_type,omitempty"` // VNICBaremetal when empty
}

// Support answers a PortSupportedRequest.
type Support struct {
	Supported bool   `json:"supported"`
	Reason    string `json:"reason,omitempty"`
}

// SetPortRequest converges one port to Config.
type SetPortRequest struct {
	Port        string     `json:"port"`
	Config      PortConfig `json:"config"`
	CreateVLANs []Network  `json:"create_vlans,omitempty"` // create these first if missing (manage_vlans)
	DryRun      bool       `json:"dry_run,omitempty"`      // report the commands, send none that change state
}

// ResetPortRequest returns a port to its idle state.
type ResetPortRequest struct {
	Port     string `json:"port"`
	IdleVLAN int    `json:"idle_vlan,omitempty"` // access VLAN to leave the port on; 0 = shut the port down
	DryRun   bool   `json:"dry_run,omitempty"`
}

// NetworkRequest creates (add_network) or removes (delete_network) a VLAN
// and, with a VNI, its VXLAN mapping.
type NetworkRequest struct {
	Network Network `json:"network"`
	Force   bool    `json:"force,omitempty"` // delete_network: remove even if ports carry it
	DryRun  bool    `json:"dry_run,omitempty"`
}

// ReadPortRequest reads one port's state.
type ReadPortRequest struct {
	Port string `json:"port"`
}

// LAGSetRequest creates or updates a LAG and converges it to Config.
type LAGSetRequest struct {
	LAG         LAG        `json:"lag"`
	Config      PortConfig `json:"config"`
	CreateVLANs []Network  `json:"create_vlans,omitempty"`
	DryRun      bool       `json:"dry_run,omitempty"`
}

// LAGDeleteRequest removes a LAG and returns its members to IdleVLAN.
type LAGDeleteRequest struct {
	LAG      LAG  `json:"lag"`
	IdleVLAN int  `json:"idle_vlan,omitempty"`
	DryRun   bool `json:"dry_run,omitempty"`
}

// ListPortsRequest reads every port a server can be attached to (on a DPU,
// its host-facing representors). It has no fields.
type ListPortsRequest struct{}

// PortList answers a ListPortsRequest: each port's state, as read_port
// gives it.
type PortList struct {
	Ports []PortState `json:"ports"`
}

// ReadNetworksRequest reads the networks the device has: its VLANs and
// their VXLAN VNIs. It has no fields.
type ReadNetworksRequest struct{}

// NetworkList answers a ReadNetworksRequest, in VLAN order.
type NetworkList struct {
	Networks []Network `json:"networks"`
}

// SaveRequest persists the running configuration. It has no fields.
type SaveRequest struct{}

// Result answers every operation that may change a device.
type Result struct {
	Changed  bool     `json:"changed"`            // false when the device already matched
	Commands []string `json:"commands,omitempty"` // configuration sent, or that would be sent on a dry run
	Saved    bool     `json:"saved,omitempty"`    // the change was written to the startup configuration
	Number   int      `json:"number,omitempty"`   // lag_set: the port-channel number used
	Created  bool     `json:"created,omitempty"`  // lag_set: the LAG did not exist before
}

// ErrorReply is the output of an operation that returned StatusError.
type ErrorReply struct {
	Kind    string `json:"kind"` // a fault.Kind name: device, invalid, unsupported, conflict, busy, ...
	Message string `json:"message"`
}
