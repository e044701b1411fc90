package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// A span is one operation that changes ports on several devices (a DPU's
// representor and the switch port its uplink is cabled to). Every step
// reads the port it will change first; when a later step fails, undo
// writes back what was read, newest first. The caller holds the locks of
// every device of the span for the whole operation.
type span struct {
	s    *Service
	st   *state
	c    Caller
	rec  *Record
	dry  bool
	done []step
	out  []PortChange // one per changing step, in order
}

// step is one change a span made, and the driver calls that undo it.
type step struct {
	what string // "tor-1 swp10 back to trunk 10"
	undo []call
	// cannot, when set, says why the step cannot be undone: fail reports
	// it among what could not be undone.
	cannot string
}

func (s *Service) newSpan(st *state, c Caller, rec *Record, dryRun bool) *span {
	return &span{s: s, st: st, c: c, rec: rec, dry: dryRun}
}

// read reads t's port for a later step.
func (sp *span) read(ctx context.Context, t target) (abi.PortState, error) {
	return sp.s.readPort(ctx, sp.st, sp.c, t)
}

// set converges t's port to pc; before is its state as read.
func (sp *span) set(ctx context.Context, t target, before abi.PortState, pc abi.PortConfig, create []abi.Network) error {
	req := abi.SetPortRequest{Port: t.port, Config: pc, DryRun: sp.dry}
	if t.dev.ManageVLANs {
		req.CreateVLANs = create
	}
	return sp.run(ctx, t, before, call{caller: sp.c, op: abi.OpSetPort, dev: t.dev, port: t.port, request: req})
}

// reset returns t's port to its device's idle VLAN (or shuts it).
func (sp *span) reset(ctx context.Context, t target, before abi.PortState) error {
	return sp.resetTo(ctx, t, before, t.dev.IdleVLAN)
}

// resetTo returns t's port to idle VLAN idle (0: shuts it).
func (sp *span) resetTo(ctx context.Context, t target, before abi.PortState, idle int) error {
	req := abi.ResetPortRequest{Port: t.port, IdleVLAN: idle, DryRun: sp.dry}
	return sp.run(ctx, t, before, call{caller: sp.c, op: abi.OpResetPort, dev: t.dev, port: t.port, request: req})
}

// run makes one change to t's port, whose undo writes before back.
func (sp *span) run(ctx context.Context, t target, before abi.PortState, c call) error {
	c.read = &before
	return sp.changeWith(ctx, c, step{
		what: fmt.Sprintf("%s %s back to %s", t.dev.Name, t.port, describeState(before)),
		undo: []call{restoreCall(sp.c, t, before)},
	})
}

// changeWith makes one change, noting undo for fail when it changed the
// device. The record's commands name the device, since a span changes
// several.
func (sp *span) changeWith(ctx context.Context, c call, undo step) error {
	var pc PortChange
	one := &Record{}
	err := sp.s.apply(ctx, sp.st, one, c, sp.dry, &pc)
	for _, cmd := range one.Commands {
		sp.rec.Commands = append(sp.rec.Commands, c.dev.Name+": "+cmd)
	}
	if err != nil {
		return err
	}
	pc.Device, pc.Port = c.dev.Name, c.port
	sp.out = append(sp.out, pc)
	sp.rec.Changed = sp.rec.Changed || pc.Changed
	sp.rec.DryRun = sp.dry
	if pc.Changed && !sp.dry {
		sp.done = append(sp.done, undo)
	}
	return nil
}

// fail undoes every change made so far, newest first, and returns err
// extended with what was undone and what could not be. The undo runs even
// when the operation's deadline has passed, under a deadline of its own.
func (sp *span) fail(ctx context.Context, err error) error {
	if len(sp.done) == 0 {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sp.s.deadline(sp.st.cfg))
	defer cancel()
	var undone, failed []string
	for i := len(sp.done) - 1; i >= 0; i-- {
		d := sp.done[i]
		if d.cannot != "" {
			failed = append(failed, fmt.Sprintf("%s (%s)", d.what, d.cannot))
			continue
		}
		var uerr error
		for _, c := range d.undo {
			one := &Record{}
			uerr = sp.s.change(ctx, sp.st, one, c)
			for _, cmd := range one.Commands {
				sp.rec.Commands = append(sp.rec.Commands, c.dev.Name+": "+cmd)
			}
			if uerr != nil {
				break
			}
		}
		if uerr != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", d.what, uerr))
			continue
		}
		undone = append(undone, d.what)
	}
	sp.rec.RolledBack, sp.rec.NotRolledBack = undone, failed
	var b strings.Builder
	if len(undone) > 0 {
		fmt.Fprintf(&b, "undone: %s", strings.Join(undone, "; "))
	}
	if len(failed) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "COULD NOT UNDO, fix by hand: %s", strings.Join(failed, "; "))
	}
	return &spanError{err: err, summary: b.String(), kind: fault.KindOf(err)}
}

// spanError is a failed multi-device operation: the step's error, and what
// was undone.
type spanError struct {
	err     error
	summary string
	kind    fault.Kind
}

func (e *spanError) Error() string { return e.err.Error() + " (" + e.summary + ")" }

// Unwrap gives the failed step's error, whose kind is the operation's.
func (e *spanError) Unwrap() error { return e.err }

// restoreCall is the driver call that writes a port's earlier state back:
// set_port with its configuration, or reset_port when it had none a
// set_port can write (a port that was shut, parked or unconfigured).
func restoreCall(c Caller, t target, b abi.PortState) call {
	if b.Enabled && (b.Mode == abi.ModeAccess && b.NativeVLAN != 0 ||
		(b.Mode == abi.ModeTrunk || b.Mode == abi.ModeHybrid) && (b.NativeVLAN != 0 || len(b.AllowedVLANs) > 0)) {
		pc := abi.PortConfig{Mode: b.Mode, NativeVLAN: b.NativeVLAN, AllowedVLANs: slices.Clone(b.AllowedVLANs), Description: b.Description}
		return call{caller: c, op: abi.OpSetPort, dev: t.dev, port: t.port, request: abi.SetPortRequest{Port: t.port, Config: pc}}
	}
	return call{caller: c, op: abi.OpResetPort, dev: t.dev, port: t.port,
		request: abi.ResetPortRequest{Port: t.port, IdleVLAN: t.dev.IdleVLAN}}
}

// describeState renders a port state for messages: "access 100",
// "trunk 10,20 native 5", "idle".
func describeState(b abi.PortState) string {
	switch {
	case !b.Enabled || b.Mode == "":
		return "idle"
	case b.Mode == abi.ModeAccess:
		return fmt.Sprintf("access %d", b.NativeVLAN)
	}
	s := string(b.Mode) + " " + strings.Trim(strings.ReplaceAll(vlanList(b.AllowedVLANs), " ", ""), "[]")
	if b.NativeVLAN != 0 {
		s += fmt.Sprintf(" native %d", b.NativeVLAN)
	}
	return s
}
