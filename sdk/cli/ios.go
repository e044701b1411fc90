package cli

import "strings"

// IOSSyntax is how the IOS family (IOS, IOS-XE, NX-OS, EOS) spells VLANs
// and switch ports in its running configuration: "vlan N" stanzas with a
// "name", and under "interface P" the switchport lines. ports are the
// interface-name prefixes of switch ports; lag formats a port-channel's
// interface name from its number ("Port-Channel%s"). Adjust the result
// for an OS's defaults (ImplicitVLAN1, DefaultShut, VNI lines).
func IOSSyntax(lag string, ports ...string) *Syntax {
	return &Syntax{
		VLAN: "vlan ", VLANName: "name ", DefaultVLANName: "VLAN%04d",
		Ports: ports,
		Trunk: "switchport mode trunk", Access: "switchport access vlan ",
		Native: "switchport trunk native vlan ", Allowed: "switchport trunk allowed vlan ",
		Description: "description ", ChannelGroup: "channel-group ", LAGName: lag,
		Shutdown: "shutdown", NoShutdown: "no shutdown", DefaultAllowed: "all",
	}
}

// IOSTemplates are the IOS family's configuration lines (the command set
// networking-generic-switch sends to IOS, NX-OS and EOS), with
// port-channels named as lag formats them ("Port-Channel%s"). Add MapVNI
// and UnmapVNI for an OS that maps VLANs to VXLAN VNIs.
func IOSTemplates(lag string) Templates {
	pc := "interface " + strings.Replace(lag, "%s", "{n}", 1)
	return Templates{
		Interface:       []string{"interface {port}"},
		Access:          []string{"switchport mode access", "switchport access vlan {vlan}"},
		Trunk:           []string{"switchport mode trunk"},
		Native:          "switchport trunk native vlan {vlan}",
		NoNative:        "no switchport trunk native vlan",
		Allowed:         "switchport trunk allowed vlan {vlans}",
		AllowedNone:     "switchport trunk allowed vlan none",
		NativeInAllowed: true,
		Description:     "description {text}",
		Enable:          "no shutdown",
		Disable:         "shutdown",
		CreateVLAN:      []string{"vlan {vlan}", "name {name}", "exit"},
		DeleteVLAN:      []string{"no vlan {vlan}"},
		LAGInterface:    []string{pc},
		LAGJoin:         []string{"channel-group {n} mode {mode}"},
		LAGLeave:        []string{"no channel-group"},
		LAGRemove:       []string{"no " + pc},
		LACPMode:        "active",
		StaticMode:      "on",
	}
}
