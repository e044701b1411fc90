// Package state is the configuration model behind every simulated switch:
// VLANs and their VNI mappings, physical ports, port-channels (LAGs), and the
// running, startup and candidate copies of that configuration.
//
// A Config is a plain value that a command handler changes; a Store holds a
// device's configurations behind one mutex and applies each change
// atomically (a change that fails leaves nothing behind), so a rejected
// command never alters state. Snapshot returns deep copies for tests.
//
// The model speaks a vendor-neutral vocabulary (mode, access VLAN, native
// VLAN, allowed VLANs); how each operating system's commands map onto it is
// documented beside that platform's grammar in package platform. Beside
// the L2 model it keeps the few other settings networking-generic-switch
// sends: FRR's BGP EVPN VNIs (FRR), VXLAN flooding (VXLANFlood, also
// Junos's per-VLAN multicast group), Junos's per-VLAN EVPN route targets
// (Config.VRFTargets), the EVPN instances, NVE members and flood lists of
// EOS and NX-OS (Overlay), Dell OS10 and NX-OS IPv4 access lists (IPACL)
// and SONiC's ACL tables, rules and files (SonicACL). It is not a general switch model: no routing, no spanning
// tree, no MAC tables, and access lists are kept, not enforced.
package state
