package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// DefaultSaveDelay is how long a device whose save_config is "deferred"
// waits after its first unsaved change before one save covers every change
// made in the meantime.
const DefaultSaveDelay = 5 * time.Second

// saver coalesces the saves of "deferred" devices: a change schedules a
// save unless one is already due; the save runs under the device's lock,
// as its own audited operation, and covers every change made before it.
type saver struct {
	s     *Service
	delay time.Duration

	mu      sync.Mutex
	due     map[string]*time.Timer // device → its pending save
	running sync.WaitGroup
}

func newSaver(s *Service, delay time.Duration) *saver {
	if delay <= 0 {
		delay = DefaultSaveDelay
	}
	return &saver{s: s, delay: delay, due: map[string]*time.Timer{}}
}

// schedule makes sure a save of dev runs within the delay.
func (sv *saver) schedule(dev string) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if _, ok := sv.due[dev]; ok {
		return
	}
	sv.running.Add(1)
	sv.due[dev] = time.AfterFunc(sv.delay, func() {
		defer sv.running.Done()
		sv.take(dev)
		sv.s.saveNow(context.Background(), dev)
	})
}

// take removes dev's pending save, reporting whether there was one. A
// change after this point schedules the next save.
func (sv *saver) take(dev string) bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	_, ok := sv.due[dev]
	delete(sv.due, dev)
	return ok
}

// PendingSaves lists the devices with a deferred save not yet run.
func (s *Service) PendingSaves() []string {
	s.saves.mu.Lock()
	defer s.saves.mu.Unlock()
	out := make([]string, 0, len(s.saves.due))
	for d := range s.saves.due {
		out = append(out, d)
	}
	return out
}

// FlushSaves runs every pending deferred save now and waits for saves
// already running; call it on shutdown, after the last operation. It
// returns the saves' errors, joined.
func (s *Service) FlushSaves(ctx context.Context) error {
	sv := s.saves
	sv.mu.Lock()
	var devs []string
	for d, t := range sv.due {
		if t.Stop() {
			sv.running.Done() // its func will never run
			devs = append(devs, d)
		}
		delete(sv.due, d)
	}
	sv.mu.Unlock()
	var errs []error
	for _, d := range devs {
		errs = append(errs, s.saveNow(ctx, d))
	}
	done := make(chan struct{})
	go func() { sv.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fault.Wrap(fault.Timeout, ctx.Err(), "deferred saves still running at shutdown"))
	}
	return errors.Join(errs...)
}

// saveNow saves dev's running configuration under its lock, as an audited
// operation of its own ("save", caller "mercury").
func (s *Service) saveNow(ctx context.Context, name string) error {
	st := s.state.Load()
	caller := Caller{Identity: "mercury", RequestID: "deferred-save"}
	rec := newRecord(caller, "save", name, "", nil)
	dev, err := s.resolve(st.cfg, name)
	if err != nil {
		return s.refused(rec, fault.Wrap(fault.KindOf(err), err, "deferred save: the device left the configuration"))
	}
	return s.locked(ctx, st.cfg, rec, []string{dev.Name}, func(ctx context.Context) error {
		var res abi.Result
		cmds, err := s.invoke(ctx, st, call{caller: caller, op: abi.OpSave, dev: dev, request: abi.SaveRequest{}}, &res)
		rec.Commands, rec.Saved, rec.Changed = cmds, res.Saved, res.Changed
		if err != nil {
			s.log.Error("deferred save failed: the device's running configuration is not saved", "device", dev.Name, "err", err)
		}
		return err
	})
}
