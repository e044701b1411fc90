package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"slices"

	"github.com/openmercury/mercury/abi"
)

// Driver is a driver's whole behaviour: its description and one typed
// handler per operation. A nil handler means the operation is unsupported;
// describe lists the others. PortSupported may be nil: the SDK then answers
// from Info.PortPattern and Info.VNICTypes.
type Driver struct {
	Info          Description
	PortSupported func(Host, PortSupportedRequest) (Support, error)
	SetPort       func(Host, SetPortRequest) (Result, error)
	ResetPort     func(Host, ResetPortRequest) (Result, error)
	AddNetwork    func(Host, NetworkRequest) (Result, error)
	DeleteNetwork func(Host, NetworkRequest) (Result, error)
	ReadPort      func(Host, ReadPortRequest) (PortState, error)
	LAGSet        func(Host, LAGSetRequest) (Result, error)
	LAGDelete     func(Host, LAGDeleteRequest) (Result, error)
	Save          func(Host, SaveRequest) (Result, error)
	ListPorts     func(Host, ListPortsRequest) (PortList, error)
	ReadNetworks  func(Host, ReadNetworksRequest) (NetworkList, error)
}

// registered is the driver this module exports. A wasm module is one
// driver, and its exports are called by the host with no other way to find
// it, so this is the one package-level variable: set once, in init.
var registered *Driver

// Handle registers d as this module's driver. Call it once, from init.
func Handle(d *Driver) {
	if registered != nil {
		panic("sdk.Handle called twice: a module is one driver")
	}
	registered = d
}

// Registered returns the driver registered with Handle, or nil.
func Registered() *Driver { return registered }

// Dispatch runs operation op of the registered driver with JSON input in.
// It returns an abi.Status* code and the JSON output.
func Dispatch(h Host, op string, in []byte) (int32, []byte) {
	if registered == nil {
		return errorOut(&Error{Kind: "driver", Message: "no driver registered: call sdk.Handle in init"})
	}
	return registered.Dispatch(h, op, in)
}

// Describe returns the driver's description with Operations filled in.
func (d *Driver) Describe() Description {
	info := d.Info
	info.Operations = []string{abi.OpDescribe, abi.OpPortSupported}
	for _, o := range []struct {
		name string
		set  bool
	}{
		{abi.OpSetPort, d.SetPort != nil},
		{abi.OpResetPort, d.ResetPort != nil},
		{abi.OpAddNetwork, d.AddNetwork != nil},
		{abi.OpDeleteNetwork, d.DeleteNetwork != nil},
		{abi.OpReadPort, d.ReadPort != nil},
		{abi.OpLAGSet, d.LAGSet != nil},
		{abi.OpLAGDelete, d.LAGDelete != nil},
		{abi.OpSave, d.Save != nil},
		{abi.OpListPorts, d.ListPorts != nil},
		{abi.OpReadNetworks, d.ReadNetworks != nil},
	} {
		if o.set {
			info.Operations = append(info.Operations, o.name)
		}
	}
	if len(info.NetworkTypes) == 0 {
		info.NetworkTypes = []string{abi.NetworkVLAN}
	}
	if len(info.VNICTypes) == 0 {
		info.VNICTypes = []string{abi.VNICBaremetal}
	}
	return info
}

// Dispatch runs operation op of d with JSON input in, recovering panics.
func (d *Driver) Dispatch(h Host, op string, in []byte) (status int32, out []byte) {
	defer func() {
		if r := recover(); r != nil {
			status, out = errorOut(&Error{Kind: "driver", Message: fmt.Sprintf("driver panicked in %s: %v\n%s", op, r, debug.Stack())})
		}
	}()
	switch op {
	case abi.OpDescribe:
		return encode(d.Describe(), nil)
	case abi.OpPortSupported:
		if d.PortSupported == nil {
			return run(nil, h, in, d.defaultPortSupported)
		}
		return run(nil, h, in, d.PortSupported)
	case abi.OpSetPort:
		return run(d, h, in, d.SetPort)
	case abi.OpResetPort:
		return run(d, h, in, d.ResetPort)
	case abi.OpAddNetwork:
		return run(d, h, in, d.AddNetwork)
	case abi.OpDeleteNetwork:
		return run(d, h, in, d.DeleteNetwork)
	case abi.OpReadPort:
		return run(d, h, in, d.ReadPort)
	case abi.OpLAGSet:
		return run(d, h, in, d.LAGSet)
	case abi.OpLAGDelete:
		return run(d, h, in, d.LAGDelete)
	case abi.OpSave:
		return run(d, h, in, d.Save)
	case abi.OpListPorts:
		return run(d, h, in, d.ListPorts)
	case abi.OpReadNetworks:
		return run(d, h, in, d.ReadNetworks)
	}
	return abi.StatusUnsupported, nil
}

func (d *Driver) defaultPortSupported(_ Host, r PortSupportedRequest) (Support, error) {
	vnic := r.VNICType
	if vnic == "" {
		vnic = abi.VNICBaremetal
	}
	info := d.Describe()
	if !slices.Contains(info.VNICTypes, vnic) {
		return Support{Reason: fmt.Sprintf("driver %s does not configure vnic_type %q (it supports %v)", info.Name, vnic, info.VNICTypes)}, nil
	}
	if info.PortPattern != "" {
		re, err := regexp.Compile("^(?:" + info.PortPattern + ")$")
		if err != nil {
			return Support{}, &Error{Kind: "driver", Message: fmt.Sprintf("driver %s has a bad port_pattern: %v", info.Name, err)}
		}
		if !re.MatchString(r.Port) {
			return Support{Reason: fmt.Sprintf("port name %q does not match %s's pattern %s", r.Port, info.Name, info.PortPattern)}, nil
		}
	}
	return Support{Supported: true}, nil
}

// run decodes in into Req, refuses a port name that does not match the
// driver's port_pattern (when d is not nil) before the handler can open a
// session, calls f and encodes its result.
func run[Req, Resp any](d *Driver, h Host, in []byte, f func(Host, Req) (Resp, error)) (int32, []byte) {
	if f == nil {
		return abi.StatusUnsupported, nil
	}
	var req Req
	if len(in) > 0 {
		if err := json.Unmarshal(in, &req); err != nil {
			return errorOut(&Error{Kind: "invalid", Message: "decode request: " + err.Error()})
		}
	}
	if d != nil {
		if err := d.checkPorts(&req); err != nil {
			return errorOut(err)
		}
		if err := checkValues(&req); err != nil {
			return errorOut(err)
		}
	}
	resp, err := f(h, req)
	return encode(resp, err)
}

// checkPorts refuses a request naming a port outside Info.PortPattern: the
// host checks too, but a driver run by another host (or a test) must not
// send a malformed name to a device.
func (d *Driver) checkPorts(req any) error {
	var ports []string
	switch r := req.(type) {
	case *abi.SetPortRequest:
		ports = []string{r.Port}
	case *abi.ResetPortRequest:
		ports = []string{r.Port}
	case *abi.ReadPortRequest:
		ports = []string{r.Port}
	case *abi.LAGSetRequest:
		ports = r.LAG.Members
	}
	if len(ports) == 0 || d.Info.PortPattern == "" {
		return nil
	}
	re, err := regexp.Compile("^(?:" + d.Info.PortPattern + ")$")
	if err != nil {
		return &Error{Kind: "driver", Message: fmt.Sprintf("driver %s has a bad port_pattern: %v", d.Info.Name, err)}
	}
	for _, p := range ports {
		if !re.MatchString(p) {
			return &Error{Kind: "invalid", Message: fmt.Sprintf("port name %q does not match driver %s's pattern %s", p, d.Info.Name, d.Info.PortPattern)}
		}
	}
	return nil
}

func encode(v any, err error) (int32, []byte) {
	if err != nil {
		return errorOut(err)
	}
	b, mErr := json.Marshal(v)
	if mErr != nil {
		return errorOut(&Error{Kind: "driver", Message: "encode response: " + mErr.Error()})
	}
	return abi.StatusOK, b
}

func errorOut(err error) (int32, []byte) {
	reply := abi.ErrorReply{Kind: "device", Message: err.Error()}
	var se *Error
	if errors.As(err, &se) {
		reply.Kind = se.Kind
	}
	b, _ := json.Marshal(reply)
	return abi.StatusError, b
}
