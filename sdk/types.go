package sdk

import "github.com/openmercury/mercury/abi"

// The message types of the driver ABI, re-exported so a driver imports only
// this package. They are aliases: an sdk.PortConfig is an abi.PortConfig.
type (
	Mode                 = abi.Mode
	Network              = abi.Network
	PortConfig           = abi.PortConfig
	PortState            = abi.PortState
	LAG                  = abi.LAG
	Description          = abi.Description
	Shell                = abi.Shell
	PortSupportedRequest = abi.PortSupportedRequest
	Support              = abi.Support
	SetPortRequest       = abi.SetPortRequest
	ResetPortRequest     = abi.ResetPortRequest
	NetworkRequest       = abi.NetworkRequest
	ReadPortRequest      = abi.ReadPortRequest
	LAGSetRequest        = abi.LAGSetRequest
	LAGDeleteRequest     = abi.LAGDeleteRequest
	SaveRequest          = abi.SaveRequest
	ListPortsRequest     = abi.ListPortsRequest
	PortList             = abi.PortList
	ReadNetworksRequest  = abi.ReadNetworksRequest
	NetworkList          = abi.NetworkList
	Result               = abi.Result
)

// Port modes.
const (
	ModeAccess = abi.ModeAccess
	ModeTrunk  = abi.ModeTrunk
	ModeHybrid = abi.ModeHybrid
)

// Network types, VNIC types and LAG modes.
const (
	NetworkVLAN   = abi.NetworkVLAN
	NetworkVXLAN  = abi.NetworkVXLAN
	VNICBaremetal = abi.VNICBaremetal
	VNICSmartNIC  = abi.VNICSmartNIC
	LAGStatic     = abi.LAGStatic
	LAGLACP       = abi.LAGLACP
)
