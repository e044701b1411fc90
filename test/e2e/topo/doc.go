// Package topo builds real switching datapaths on this machine for
// end-to-end tests, and tears them down: network namespaces cabled by veth
// pairs, switches made of a private Open vSwitch (userspace netdev
// datapath) or of a user-mode-linux guest with a VLAN-aware Linux bridge,
// an OpenSSH server on each switch's management address, and helpers that
// judge isolation by ping and tagging by tcpdump.
//
// It is for tests only: everything needs root, and a test that cannot run
// here skips loudly (fails under CI=true, see internal/testenv). It is not
// a simulator (see package simulator) and knows nothing of Mercury's
// drivers: tests hand a switch's SSHTarget and DB (or the UML switch's
// SSHTarget) to Mercury as a device's inventory entry, and check the
// result with Reachable, Blocked and Capture.
//
// # Why these datapaths
//
// The host kernel has no 802.1Q, no VLAN filtering bridge and no OVS
// kernel module. Open vSwitch's netdev datapath tags frames in userspace,
// so an OVSSwitch is a real 802.1Q switch driven by ovs-vsctl. A UMLSwitch
// runs a 6.1 guest kernel as a process, whose bridge has vlan_filtering,
// so `bridge vlan add dev swp1 vid 100 pvid untagged` behaves as on a
// Cumulus-style switch.
//
// # OVS switches
//
//	lab := topo.NewLab(t)                            // torn down by t.Cleanup
//	sw := topo.NewOVSSwitch(t, lab, "sw", topo.OVSConfig{Servers: 2, SSH: true})
//	s1, s2 := sw.Server(t, "swp1"), sw.Server(t, "swp2")
//	sw.SSH().MustRun(t, "sudo -n "+sw.VsctlCommand()+" set port swp1 tag=100")
//	topo.Reachable(t, s1.NS, s2.IP)
//
// Each switch runs its own ovsdb-server and ovs-vswitchd inside its
// namespace, with every file (database, sockets, logs) in the lab's
// directory; DB is the database address a driver gives ovs-vsctl --db.
// Ports start with no VLAN settings. Trunk cables two switches (a
// switch-to-switch or switch-to-DPU uplink); a DPU is an OVSSwitch whose
// servers sit on representor-named ports (dpu.AddServer(t, "pf0hpf")).
// AddBondedServer cables a server by several links that the server bonds
// in its own OVS (active-backup, or LACP for LAG tests).
//
// # The UML switch (boot once per package)
//
// A UML boot takes 10-15 s (much longer on a busy machine), and every
// command inside the guest about a second (fork is slow there), so a
// package boots one, in the background while its other tests run, and
// shares it:
//
//	var uml = topo.NewSharedUML(topo.UMLConfig{})
//
//	func TestMain(m *testing.M) {
//		uml.Prewarm() // start booting now; does nothing without root
//		code := m.Run()
//		if err := uml.Close(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			code = 1
//		}
//		os.Exit(code)
//	}
//
//	func TestX(t *testing.T) {
//		sw := uml.Get(t) // waits for the boot; skips without root
//		sw.Reset(t)      // no port in any VLAN
//		sw.SSH().MustRun(t, "sudo -n bridge vlan add dev swp1 vid 100 pvid untagged")
//	}
//
// Tests sharing the guest must not run in parallel. Log in as the test
// user (testsshd.User), never root. The guest sees the host's files
// read-only, so everything it needs is written to the lab directory
// before boot; the test user and its sudoers drop-in come from
// internal/testsshd.
//
// # Names and addresses
//
// Tests in many packages run at once on one machine, so each Lab leases a
// slot from /run/mercury-e2e/leases (an flock'd file of "slot pid
// starttime" lines; a slot whose process is gone is free again). Slot N
// gives:
//
//   - the name prefix "me" + N in three base-36 digits ("me000", "me01z"):
//     namespaces are "<prefix>-<role>" ("me000-sw", "me000-sw-swp1"), and
//     the only links in the root namespace are the management veths
//     "<prefix>-m<i>", the UML management tap "<prefix>-u<i>" and the UML
//     server taps "<prefix>-t<i>" before they move into their namespaces,
//     all within 15 characters;
//   - the /27 10.99.16.0 + 32·N of 10.99.0.0/16: eight /30 management
//     links, the root side .1 and the device .2 of each. These are the
//     only addresses the harness adds to the root namespace
//     (10.99.0.0/20 is left to the hand-run recipes).
//
// Servers use 10.100.0.0/24 (.1, .2, ... in the order they are added);
// those addresses exist only inside server namespaces, so labs never see
// each other's. Interface names inside namespaces (swp1, eth0, mgmt0,
// trunk ports) need not be unique.
//
// # Teardown
//
// Lab.Close (registered with t.Cleanup by NewLab) stops the daemons it
// started by PID (SIGTERM, then SIGKILL), kills by PID whatever still runs
// in its namespaces, deletes the namespaces and root links, releases the
// lease and removes the directory. Daemons also get SIGKILL if the test
// binary dies first; the namespaces a killed binary leaves behind are
// swept by the next lab to lease the same slot.
package topo
