package sdk

import (
	"fmt"
	"strings"

	"github.com/openmercury/mercury/abi"
)

// checkValues refuses a request whose VLANs, VNIs, mode or text no device
// could take, before the handler runs and so before any I/O: the host
// validates too, but a driver run by another host (or a test) must not
// send such a value to a device and report the device's complaint instead.
func checkValues(req any) error {
	switch r := req.(type) {
	case *abi.SetPortRequest:
		return firstErr(checkConfig(r.Config), checkNetworks(r.CreateVLANs))
	case *abi.LAGSetRequest:
		return firstErr(checkConfig(r.Config), checkNetworks(r.CreateVLANs), checkText("LAG name", r.LAG.Name))
	case *abi.ResetPortRequest:
		return checkOptionalVLAN("idle VLAN", r.IdleVLAN)
	case *abi.LAGDeleteRequest:
		return checkOptionalVLAN("idle VLAN", r.IdleVLAN)
	case *abi.NetworkRequest:
		return checkNetworks([]abi.Network{r.Network})
	}
	return nil
}

func checkConfig(c abi.PortConfig) error {
	switch c.Mode {
	case abi.ModeAccess:
		if err := checkVLAN("access VLAN", c.NativeVLAN); err != nil {
			return err
		}
	case abi.ModeTrunk, abi.ModeHybrid, "":
		if err := checkOptionalVLAN("native VLAN", c.NativeVLAN); err != nil {
			return err
		}
	default:
		return Invalid("mode %q is not access, trunk or hybrid", c.Mode)
	}
	for _, v := range c.AllowedVLANs {
		if err := checkVLAN("allowed VLAN", v); err != nil {
			return err
		}
	}
	return checkText("description", c.Description)
}

func checkNetworks(ns []abi.Network) error {
	for _, n := range ns {
		if err := checkVLAN("VLAN", n.VLAN); err != nil {
			return err
		}
		if n.VNI < 0 || n.VNI > 1<<24-1 {
			return Invalid("VNI %d of VLAN %d is out of range 1-16777215", n.VNI, n.VLAN)
		}
		if err := checkText(fmt.Sprintf("name of VLAN %d", n.VLAN), n.Name); err != nil {
			return err
		}
	}
	return nil
}

func checkVLAN(what string, v int) error {
	if v < 1 || v > 4094 {
		return Invalid("%s %d is out of range 1-4094", what, v)
	}
	return nil
}

// checkOptionalVLAN is checkVLAN where 0 means none.
func checkOptionalVLAN(what string, v int) error {
	if v == 0 {
		return nil
	}
	return checkVLAN(what, v)
}

// checkText refuses a control character (a newline would end the command
// on a CLI and start another).
func checkText(what, s string) error {
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		return Invalid("%s %q contains the control character %q", what, s, s[i])
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
