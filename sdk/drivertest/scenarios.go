package drivertest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator"
)

// scenario is one conformance check; needs lists the operations it uses,
// and a driver lacking one is reported as skipped, never as passing.
type scenario struct {
	name  string
	needs []string
	run   func(k *kit) error
}

// The VLANs scenarios use.
const v1, v2, v3, v4 = 101, 102, 103, 104

func scenarios() []scenario {
	set, reset, read := abi.OpSetPort, abi.OpResetPort, abi.OpReadPort
	add, del, save := abi.OpAddNetwork, abi.OpDeleteNetwork, abi.OpSave
	return []scenario{
		{"attach access", []string{set}, func(k *kit) error {
			p := k.ports[0]
			_, err := k.change(set, access(p, v1, v1), true)
			return steps(func() error { return err }, func() error { return k.isAccess(p, v1) }, func() error { return k.hasVLAN(v1, true) })
		}},
		{"repeat changes nothing", []string{set}, func(k *kit) error {
			p := k.ports[0]
			if _, err := k.change(set, access(p, v1, v1), true); err != nil {
				return err
			}
			n := len(k.dev.ConfigCommands())
			_, err := k.change(set, access(p, v1, v1), false)
			return steps(func() error { return err }, func() error { return k.noConfigSince(n) }, func() error { return k.isAccess(p, v1) })
		}},
		{"move VLAN", []string{set}, func(k *kit) error {
			p := k.ports[0]
			return steps(
				func() error { _, err := k.change(set, access(p, v1, v1), true); return err },
				func() error { _, err := k.change(set, access(p, v2, v2), true); return err },
				func() error { return k.isAccess(p, v2) })
		}},
		{"trunk with native and allowed", []string{set}, func(k *kit) error {
			p := k.ports[1]
			return steps(
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeTrunk, v1, []int{v2, v3}, v1, v2, v3), true)
					return err
				},
				func() error { return k.carries(p, v1, []int{v2, v3}) },
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeTrunk, v1, []int{v2, v3}, v1, v2, v3), false)
					return err
				})
		}},
		{"hybrid", []string{set}, func(k *kit) error {
			p := k.ports[1]
			return steps(
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeHybrid, v2, []int{v3}, v2, v3), true)
					return err
				},
				func() error { return k.carries(p, v2, []int{v3}) },
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeHybrid, v2, []int{v3}, v2, v3), false)
					return err
				})
		}},
		{"detach one VLAN from a trunk", []string{set}, func(k *kit) error {
			p := k.ports[1]
			return steps(
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeTrunk, v1, []int{v2, v3}, v1, v2, v3), true)
					return err
				},
				func() error { _, err := k.change(set, trunk(p, abi.ModeTrunk, v1, []int{v3}), true); return err },
				func() error { return k.carries(p, v1, []int{v3}) })
		}},
		{"reset to the idle VLAN", []string{set, reset}, func(k *kit) error {
			p := k.ports[0]
			return steps(
				func() error {
					_, err := k.change(set, trunk(p, abi.ModeTrunk, v2, []int{v3}, v1, v2, v3), true)
					return err
				},
				func() error {
					_, err := k.change(reset, abi.ResetPortRequest{Port: p, IdleVLAN: v1}, true)
					return err
				},
				func() error { return k.isAccess(p, v1) },
				func() error {
					_, err := k.change(reset, abi.ResetPortRequest{Port: p, IdleVLAN: v1}, false)
					return err
				})
		}},
		{"reset without an idle VLAN shuts the port", []string{set, reset}, func(k *kit) error {
			p := k.ports[0]
			return steps(
				func() error { _, err := k.change(set, access(p, v1, v1), true); return err },
				func() error { _, err := k.change(reset, abi.ResetPortRequest{Port: p}, true); return err },
				func() error {
					if pp := k.port(p); !pp.Shutdown || pp.Untagged() == v1 {
						return fmt.Errorf("%s after reset: shutdown %v, untagged %d; want shut and off VLAN %d", p, pp.Shutdown, pp.Untagged(), v1)
					}
					return nil
				})
		}},
		{"add and delete a VLAN", []string{add, del}, func(k *kit) error {
			n := abi.NetworkRequest{Network: abi.Network{VLAN: v4, Name: "kit-104"}}
			return steps(
				func() error { _, err := k.change(add, n, true); return err },
				func() error { return k.hasVLAN(v4, true) },
				func() error { _, err := k.change(add, n, false); return err },
				func() error { _, err := k.change(del, n, true); return err },
				func() error { return k.hasVLAN(v4, false) },
				func() error { _, err := k.change(del, n, false); return err })
		}},
		{"delete a VLAN in use needs force", []string{set, del}, func(k *kit) error {
			p := k.ports[2]
			n := abi.NetworkRequest{Network: abi.Network{VLAN: v4}}
			return steps(
				func() error { _, err := k.change(set, access(p, v4, v4), true); return err },
				func() error { return k.fails(del, n, "conflict") },
				func() error { return k.hasVLAN(v4, true) },
				func() error { n.Force = true; _, err := k.change(del, n, true); return err },
				func() error { return k.hasVLAN(v4, false) })
		}},
		{"read_port matches the device", []string{set, reset, read}, func(k *kit) error {
			tp, ap, sp := k.ports[1], k.ports[0], k.ports[2]
			req := trunk(tp, abi.ModeTrunk, v1, []int{v2, v3}, v1, v2, v3)
			req.Config.Description = "kit trunk"
			return steps(
				func() error { _, err := k.change(set, req, true); return err },
				func() error { return k.readMatches(tp) },
				func() error { _, err := k.change(set, access(ap, v2, v2), true); return err },
				func() error { return k.readMatches(ap) },
				func() error { _, err := k.change(set, access(sp, v3, v3), true); return err },
				func() error { _, err := k.change(reset, abi.ResetPortRequest{Port: sp}, true); return err },
				func() error { return k.readMatches(sp) })
		}},
		{"a device error surfaces as an error", []string{set}, func(k *kit) error {
			n := len(k.dev.ConfigCommands())
			return steps(
				func() error { return k.fails(set, access(k.absent, v1), "not_found", "device") },
				func() error {
					if slices.Contains(k.ops, reset) {
						return k.fails(reset, abi.ResetPortRequest{Port: k.absent, IdleVLAN: v1}, "not_found", "device")
					}
					return nil
				},
				func() error {
					// read_port answers for a port the device lacks: exists false.
					if !slices.Contains(k.ops, read) {
						return nil
					}
					var st abi.PortState
					if err := k.do(k.deadline, read, abi.ReadPortRequest{Port: k.absent}, &st); err != nil {
						return fmt.Errorf("read_port of %s, which the device lacks: %v; want exists false", k.absent, err)
					}
					if st.Exists {
						return fmt.Errorf("read_port says %s exists; the device has no such port", k.absent)
					}
					return nil
				},
				func() error { return k.noConfigSince(n) })
		}},
		{"a rejected configuration line surfaces as an error", []string{set}, func(k *kit) error {
			p := k.ports[3]
			if _, err := k.change(set, access(p, v1, v1), true); err != nil {
				return fmt.Errorf("before the fault: %v", err)
			}
			n := len(k.dev.Commands())
			k.dev.SetFault(simulator.Fault{RejectConfigLine: 2})
			err := k.do(k.deadline, set, trunk(p, abi.ModeTrunk, v2, []int{v3}, v2, v3), nil)
			k.dev.SetFault(simulator.Fault{})
			var refused string
			for _, c := range k.dev.Commands()[n:] {
				if c.Error != "" {
					refused = c.Line
					break
				}
			}
			switch {
			case refused == "":
				return fmt.Errorf("the device refused no line: the driver sent fewer than 2 configuration lines (%v)", err)
			case err == nil:
				return fmt.Errorf("set_port succeeded although the device refused %q", refused)
			case fault.KindOf(err).String() != "device":
				return fmt.Errorf("set_port failed with kind %s (%v), want device", fault.KindOf(err), err)
			case !strings.Contains(err.Error(), k.dev.Name()) || !strings.Contains(err.Error(), refused):
				return fmt.Errorf("the error %q does not name the device %s and the refused line %q", err, k.dev.Name(), refused)
			}
			return steps(
				func() error { _, err := k.change(set, access(p, v3, v3), true); return err },
				func() error { return k.isAccess(p, v3) })
		}},
		{"invalid input is refused before any I/O", []string{set}, func(k *kit) error {
			for _, bad := range []string{k.ports[0] + "\nreload", k.ports[0] + "; reload", k.ports[0] + " | include x", "\x1b[A" + k.ports[0]} {
				if err := k.fails(set, access(bad, v1), "invalid"); err != nil {
					return fmt.Errorf("port %q: %v", bad, err)
				}
				// Every other operation naming a port refuses it too.
				for op, req := range map[string]any{
					reset:        abi.ResetPortRequest{Port: bad, IdleVLAN: v1},
					read:         abi.ReadPortRequest{Port: bad},
					abi.OpLAGSet: abi.LAGSetRequest{LAG: abi.LAG{Name: "kit-bond", Mode: abi.LAGLACP, Members: []string{k.ports[1], bad}}, Config: access("", v1).Config},
				} {
					if !slices.Contains(k.ops, op) {
						continue
					}
					if err := k.fails(op, req, "invalid"); err != nil {
						return fmt.Errorf("port %q: %v", bad, err)
					}
				}
			}
			if n := k.dev.Accepted(); n != 0 {
				return fmt.Errorf("the device accepted %d connections for refused requests", n)
			}
			return nil
		}},
		{"invalid values are refused before any I/O", []string{set}, func(k *kit) error {
			p := k.ports[0]
			desc := access(p, v1, v1)
			desc.Config.Description = "tenant\nreload"
			bad := []struct {
				what string
				req  abi.SetPortRequest
			}{
				{"access VLAN 0", access(p, 0)},
				{"access VLAN 4095", access(p, 4095)},
				{"access VLAN 5000", access(p, 5000)},
				{"native VLAN -1", trunk(p, abi.ModeTrunk, -1, []int{v2})},
				{"allowed VLAN 0", trunk(p, abi.ModeTrunk, v1, []int{0, v2})},
				{"allowed VLAN 4096", trunk(p, abi.ModeTrunk, v1, []int{v2, 4096})},
				{"mode \"bridge\"", trunk(p, "bridge", v1, nil)},
				{"a VLAN to create numbered 0", access(p, v1, 0)},
				{"a description with a newline", desc},
			}
			var errs []error
			for _, b := range bad {
				if err := k.fails(set, b.req, "invalid"); err != nil {
					errs = append(errs, fmt.Errorf("%s: %v", b.what, err))
				}
			}
			others := []struct {
				what, op string
				req      any
			}{
				{"reset to idle VLAN 4095", reset, abi.ResetPortRequest{Port: p, IdleVLAN: 4095}},
				{"add VLAN 0", add, abi.NetworkRequest{Network: abi.Network{VLAN: 0}}},
				{"add VLAN 4095", add, abi.NetworkRequest{Network: abi.Network{VLAN: 4095}}},
				{"add a VLAN named with a newline", add, abi.NetworkRequest{Network: abi.Network{VLAN: v4, Name: "kit\nreload"}}},
				{"add VNI 16777216", add, abi.NetworkRequest{Network: abi.Network{VLAN: v4, VNI: 1 << 24}}},
				{"delete VLAN 5000", del, abi.NetworkRequest{Network: abi.Network{VLAN: 5000}, Force: true}},
			}
			for _, b := range others {
				if !slices.Contains(k.ops, b.op) {
					continue
				}
				if err := k.fails(b.op, b.req, "invalid"); err != nil {
					errs = append(errs, fmt.Errorf("%s: %v", b.what, err))
				}
			}
			if n := k.dev.Accepted(); n != 0 {
				errs = append(errs, fmt.Errorf("the device accepted %d connections for refused requests", n))
			}
			return errors.Join(errs...)
		}},
		{"dry run sends nothing", []string{set}, func(k *kit) error {
			p := k.ports[0]
			req := access(p, v2, v2)
			req.DryRun = true
			res, err := k.change(set, req, true)
			return steps(
				func() error { return err },
				func() error {
					if len(res.Commands) == 0 {
						return fmt.Errorf("a dry run returned no commands")
					}
					return nil
				},
				func() error { return k.noConfigSince(0) },
				func() error { return k.hasVLAN(v2, false) })
		}},
		{"dry run of reset and VLAN changes sends nothing", []string{set, reset, add, del}, func(k *kit) error {
			p := k.ports[0]
			if _, err := k.change(set, access(p, v1, v1), true); err != nil {
				return err
			}
			before, n := k.dev.State().Running, len(k.dev.ConfigCommands())
			dry := []struct {
				op  string
				req any
			}{
				{reset, abi.ResetPortRequest{Port: p, IdleVLAN: v2, DryRun: true}},
				{reset, abi.ResetPortRequest{Port: p, DryRun: true}},
				{add, abi.NetworkRequest{Network: abi.Network{VLAN: v4}, DryRun: true}},
				{del, abi.NetworkRequest{Network: abi.Network{VLAN: v1}, Force: true, DryRun: true}},
			}
			for _, d := range dry {
				res, err := k.change(d.op, d.req, true)
				if err != nil {
					return fmt.Errorf("dry run: %v", err)
				}
				if len(res.Commands) == 0 {
					return fmt.Errorf("a dry run of %s returned no commands", d.op)
				}
			}
			if err := k.noConfigSince(n); err != nil {
				return err
			}
			if after := k.dev.State().Running; fmt.Sprint(after) != fmt.Sprint(before) {
				return fmt.Errorf("dry runs changed the device:\n before %+v\n after  %+v", before, after)
			}
			return nil
		}},
		{"save", []string{set, save}, func(k *kit) error {
			p := k.ports[0]
			return steps(
				func() error { _, err := k.change(set, access(p, v1, v1), true); return err },
				func() error { _, err := k.change(save, abi.SaveRequest{}, true); return err },
				func() error {
					st := k.dev.State()
					if st.Saves != 1 || st.Startup.Ports[p].AccessVLAN != v1 {
						return fmt.Errorf("saves %d, startup access VLAN of %s %d; want 1 save holding VLAN %d", st.Saves, p, st.Startup.Ports[p].AccessVLAN, v1)
					}
					return nil
				})
		}},
		{"a change is saved without a save step", []string{set, "!" + save}, func(k *kit) error {
			// A driver with no save operation must persist each change
			// itself (Junos commits are persistent) and say so.
			p := k.ports[0]
			res, err := k.change(set, access(p, v1, v1), true)
			if err != nil {
				return err
			}
			if st := k.dev.State(); !res.Saved || st.Startup.Ports[p].AccessVLAN != v1 {
				return fmt.Errorf("result saved=%v, startup access VLAN of %s %d: a driver without save must persist its changes and say saved", res.Saved, p, st.Startup.Ports[p].AccessVLAN)
			}
			return nil
		}},
		{"fault: a failing commit changes nothing", []string{set, "!" + save}, func(k *kit) error {
			// A driver with no save operation persists each change as it
			// makes it (a Junos commit). When the device fails that step
			// (the simulator's save fault), the change fails as a device
			// error and the device is left as it was; the next attach works
			// and brings nothing of the failed one with it.
			p := k.ports[3]
			if _, err := k.change(set, access(p, v1, v1), true); err != nil {
				return fmt.Errorf("before the fault: %v", err)
			}
			before := k.dev.State()
			k.dev.SetFault(simulator.Fault{SaveError: true})
			err := k.fails(set, access(p, v2, v2), "device")
			k.dev.SetFault(simulator.Fault{})
			if err != nil {
				return fmt.Errorf("with the fault: %v", err)
			}
			if msg := k.lastErr.Error(); !strings.Contains(msg, k.dev.Name()) {
				return fmt.Errorf("with the fault, the error %q does not name the device %s", msg, k.dev.Name())
			}
			after := k.dev.State()
			if fmt.Sprint(after.Running) != fmt.Sprint(before.Running) || fmt.Sprint(after.Startup) != fmt.Sprint(before.Startup) {
				return fmt.Errorf("the failed change reached the device:\n before %+v\n after  %+v", before.Running, after.Running)
			}
			return steps(
				func() error { _, err := k.change(set, access(p, v3, v3), true); return err },
				func() error { return k.isAccess(p, v3) },
				func() error { return k.hasVLAN(v2, false) })
		}},
		{"port-channel as one half of a switch pair", []string{abi.OpLAGSet, abi.OpLAGDelete, "mlag"}, func(k *kit) error {
			// The service makes a LAG across a pair with one port-channel
			// number on both switches, which is also the pair id.
			m1, m2 := k.ports[1], k.ports[2]
			req := abi.LAGSetRequest{LAG: abi.LAG{Name: "kit-pair", Mode: abi.LAGLACP, Members: []string{m1}, Number: 7, MLAG: 7},
				Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: v1}, CreateVLANs: nets(v1)}
			taken := abi.LAGSetRequest{LAG: abi.LAG{Name: "kit-other", Mode: abi.LAGLACP, Members: []string{m2}, Number: 7, MLAG: 7},
				Config: abi.PortConfig{Mode: abi.ModeAccess, NativeVLAN: v1}}
			return steps(
				func() error { _, err := k.change(abi.OpLAGSet, req, true); return err },
				func() error {
					if l, ok := k.dev.State().Running.LAGs[7]; !ok || l.Peer != 7 || fmt.Sprint(l.Members) != fmt.Sprint([]string{m1}) {
						return fmt.Errorf("port-channel 7 is %+v (present %v), want %s as its member and pair id 7", l, ok, m1)
					}
					return nil
				},
				func() error { _, err := k.change(abi.OpLAGSet, req, false); return err },
				func() error { return k.fails(abi.OpLAGSet, taken, "conflict") },
				func() error {
					_, err := k.change(abi.OpLAGDelete, abi.LAGDeleteRequest{LAG: abi.LAG{Name: "kit-pair"}, IdleVLAN: v1}, true)
					return err
				})
		}},
		{"port-channel", []string{abi.OpLAGSet, abi.OpLAGDelete}, func(k *kit) error {
			m1, m2 := k.ports[1], k.ports[2]
			req := abi.LAGSetRequest{LAG: abi.LAG{Name: "kit-bond", Mode: abi.LAGLACP, Members: []string{m1, m2}},
				Config: abi.PortConfig{Mode: abi.ModeTrunk, NativeVLAN: v1, AllowedVLANs: []int{v2}}, CreateVLANs: nets(v1, v2, v3)} // v3: the idle VLAN
			var number int
			return steps(
				func() error {
					res, err := k.change(abi.OpLAGSet, req, true)
					number = res.Number
					if err == nil && !res.Created {
						return fmt.Errorf("lag_set made port-channel %d but its result does not say created (the service undoes a LAG it made by deleting it)", number)
					}
					return err
				},
				func() error {
					l, ok := k.dev.State().Running.LAGs[number]
					if !ok || fmt.Sprint(l.Members) != fmt.Sprint([]string{m1, m2}) || l.Untagged() != v1 || fmt.Sprint(l.Tagged().IDs()) != fmt.Sprint([]int{v2}) {
						return fmt.Errorf("port-channel %d on the device: %+v (present %v); want members %s and %s, untagged %d, tagged %d", number, l, ok, m1, m2, v1, v2)
					}
					return nil
				},
				func() error {
					// A member reads as its port-channel: the service reads
					// members to undo a LAG change and to check what it removes.
					if !slices.Contains(k.ops, read) {
						return nil
					}
					var st abi.PortState
					if err := k.do(k.deadline, read, abi.ReadPortRequest{Port: m1}, &st); err != nil {
						return err
					}
					if st.LAG == "" || st.Mode != abi.ModeTrunk || st.NativeVLAN != v1 || fmt.Sprint(st.AllowedVLANs) != fmt.Sprint([]int{v2}) {
						return fmt.Errorf("read_port of member %s: %+v; want its LAG named and the port-channel's trunk, native %d, allowed [%d]", m1, st, v1, v2)
					}
					return nil
				},
				func() error { _, err := k.change(abi.OpLAGSet, req, false); return err },
				func() error {
					// A member of one port-channel cannot join another.
					other := req
					other.LAG = abi.LAG{Name: "kit-other", Mode: abi.LAGLACP, Members: []string{m2, k.ports[3]}}
					n := len(k.dev.ConfigCommands())
					if err := k.fails(abi.OpLAGSet, other, "conflict"); err != nil {
						return fmt.Errorf("%s, already in port-channel %d, into another: %v", m2, number, err)
					}
					if got := len(k.dev.State().Running.LAGs); got != 1 {
						return fmt.Errorf("%d port-channels after the refused lag_set, want 1", got)
					}
					return k.noConfigSince(n)
				},
				func() error {
					_, err := k.change(abi.OpLAGDelete, abi.LAGDeleteRequest{LAG: abi.LAG{Name: "kit-bond"}, IdleVLAN: v3}, true)
					return err
				},
				func() error {
					if n := len(k.dev.State().Running.LAGs); n != 0 {
						return fmt.Errorf("%d port-channels left after lag_delete", n)
					}
					return errors.Join(k.isAccess(m1, v3), k.isAccess(m2, v3))
				})
		}},
		{"VXLAN VNI map", []string{add, del, abi.NetworkVXLAN}, func(k *kit) error {
			n := abi.NetworkRequest{Network: abi.Network{VLAN: v4, VNI: 10104}}
			vni := func(want int) func() error {
				return func() error {
					if got := k.dev.State().Running.VNIs[v4]; got != want {
						return fmt.Errorf("VLAN %d maps to VNI %d on the device, want %d", v4, got, want)
					}
					return nil
				}
			}
			return steps(
				func() error { _, err := k.change(add, n, true); return err },
				vni(10104),
				func() error { _, err := k.change(add, n, false); return err },
				func() error { _, err := k.change(del, n, true); return err },
				vni(0),
				func() error { return k.hasVLAN(v4, false) })
		}},
		{"read_networks matches the device", []string{add, abi.OpReadNetworks}, func(k *kit) error {
			return k.networksMatch(abi.Network{VLAN: v4})
		}},
		{"read_networks shows a VNI map", []string{add, del, abi.NetworkVXLAN, abi.OpReadNetworks}, func(k *kit) error {
			n := abi.Network{VLAN: v4, VNI: 10204}
			defer k.change(del, abi.NetworkRequest{Network: n}, true)
			return k.networksMatch(n)
		}},
		faultScenario("fault: connection refused", simulator.Fault{Refuse: true}, false, set, "unreachable"),
		faultScenario("fault: authentication rejected", simulator.Fault{RejectAuth: true}, false, set, "auth"),
		faultScenario("fault: connection dropped mid-command", simulator.Fault{DropAtConfigLine: 2}, true, set, "unreachable", "timeout", "device"),
		faultScenario("fault: device hangs", simulator.Fault{Hang: true}, true, set, "timeout"),
		faultScenario("fault: slow output", simulator.Fault{LineDelay: 2 * time.Second}, true, set, "timeout"),
		faultScenario("fault: configuration locked", simulator.Fault{ConfigLocked: true}, true, set, "busy"),
		faultScenario("fault: save fails", simulator.Fault{SaveError: true}, true, save, "device"),
	}
}

// faultScenario: with the fault set, op fails with one of kinds within the
// fault deadline; once it is cleared, the next attach works. warm runs an
// attach first, so that faults of an open session (hang, drop, slow
// output) meet a pooled shell; faults of a new connection (refuse, auth)
// start cold.
func faultScenario(name string, f simulator.Fault, warm bool, op string, kinds ...string) scenario {
	needs := []string{abi.OpSetPort}
	if op != abi.OpSetPort {
		needs = append(needs, op)
	}
	return scenario{name, needs, func(k *kit) error {
		p := k.ports[3]
		if warm {
			if _, err := k.change(abi.OpSetPort, access(p, v1, v1), true); err != nil {
				return fmt.Errorf("before the fault: %v", err)
			}
		}
		var req any = access(p, v2, v2)
		if op == abi.OpSave {
			req = abi.SaveRequest{}
		}
		k.dev.SetFault(f)
		start := time.Now()
		err := k.fails(op, req, kinds...)
		took := time.Since(start)
		k.dev.SetFault(simulator.Fault{})
		if err != nil {
			return fmt.Errorf("with the fault: %v", err)
		}
		if msg := k.lastErr.Error(); !strings.Contains(msg, k.dev.Name()) {
			return fmt.Errorf("with the fault, the error %q does not name the device %s", msg, k.dev.Name())
		}
		if took > k.faultDeadline+2*time.Second {
			return fmt.Errorf("with the fault, %s returned after %v: the %v deadline was not kept", op, took.Round(time.Millisecond), k.faultDeadline)
		}
		if _, err := k.change(abi.OpSetPort, access(p, v3, v3), true); err != nil {
			return fmt.Errorf("after the fault was cleared: %v", err)
		}
		if err := k.isAccess(p, v3); err != nil {
			return fmt.Errorf("after the fault was cleared: %v", err)
		}
		if op == abi.OpSave {
			if _, err := k.change(op, req, true); err != nil {
				return fmt.Errorf("after the fault was cleared: %v", err)
			}
			if st := k.dev.State(); st.Startup.Ports[p].AccessVLAN != v3 {
				return fmt.Errorf("after the fault was cleared, save left %s on VLAN %d in the startup configuration, want %d", p, st.Startup.Ports[p].AccessVLAN, v3)
			}
		}
		return nil
	}}
}

// FormatOutcomes renders outcomes as a table, with a summary line.
func FormatOutcomes(out []Outcome) string {
	var b strings.Builder
	w := 0
	for _, o := range out {
		w = max(w, len(o.Scenario))
	}
	pass, fail, skip := 0, 0, 0
	for _, o := range out {
		fmt.Fprintf(&b, "%-*s  %-4s  %7s  %s\n", w, o.Scenario, o.Status, o.Duration.Round(time.Millisecond), firstLine(o.Message))
		switch o.Status {
		case "pass":
			pass++
		case "fail":
			fail++
		default:
			skip++
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d skipped\n", pass, fail, skip)
	return b.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// networksMatch adds n, then checks that read_networks gives the device's
// VLANs and VNI maps exactly.
func (k *kit) networksMatch(n abi.Network) error {
	if _, err := k.change(abi.OpAddNetwork, abi.NetworkRequest{Network: n}, true); err != nil {
		return err
	}
	var list abi.NetworkList
	if err := k.do(k.deadline, abi.OpReadNetworks, abi.ReadNetworksRequest{}, &list); err != nil {
		return err
	}
	run := k.dev.State().Running
	got := map[int]int{}
	for _, nw := range list.Networks {
		got[nw.VLAN] = nw.VNI
		if _, ok := run.VLANs[nw.VLAN]; !ok {
			return fmt.Errorf("read_networks gave VLAN %d, which the device lacks", nw.VLAN)
		}
		if nw.VNI != run.VNIs[nw.VLAN] {
			return fmt.Errorf("read_networks gave VLAN %d with VNI %d, the device maps it to %d", nw.VLAN, nw.VNI, run.VNIs[nw.VLAN])
		}
	}
	// Some OSes do not show the default VLAN 1; every other VLAN must be
	// there.
	for v := range run.VLANs {
		if _, ok := got[v]; !ok && v != 1 {
			return fmt.Errorf("read_networks left out VLAN %d, which the device has", v)
		}
	}
	return nil
}
