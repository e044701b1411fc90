package lock

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openmercury/mercury/fault"
)

// The in-process queue. Locker.mu guards every field below; a device is in
// Locker.devices exactly while it has a holder, and a waiter is queued only
// behind a holder, so releasing hands the lock straight to the first waiter.

// device is one held device and the operations queued for it.
type device struct {
	holder *ticket
	queue  []*ticket // FIFO
}

// call is one Lock call; its tickets share it.
type call struct {
	op        string
	acquiring bool // still taking its other locks; set false once it holds all
}

// ticket is one call's claim on one device.
type ticket struct {
	call    *call
	since   time.Time     // when granted
	ready   chan struct{} // closed when granted; nil for an immediate grant
	granted bool
}

// acquire takes name's in-process lock for c, waiting in FIFO order until
// ctx ends. It returns the device the caller must hand back to release.
func (l *Locker) acquire(ctx context.Context, c *call, name string, start time.Time) (*device, error) {
	l.mu.Lock()
	d := l.devices[name]
	if d == nil {
		d = &device{holder: &ticket{call: c, since: time.Now(), granted: true}}
		l.devices[name] = d
		l.mu.Unlock()
		return d, nil
	}
	t := &ticket{call: c, ready: make(chan struct{})}
	d.queue = append(d.queue, t)
	holderOp, ahead := d.holder.call.op, len(d.queue)-1
	l.mu.Unlock()

	l.log.Debug("waiting for device lock", "device", name, "op", c.op, "holder", holderOp, "ahead", ahead)
	select {
	case <-t.ready:
		return d, nil
	case <-ctx.Done():
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	waited := time.Since(start)
	if t.granted {
		// Granted just as ctx ended: this call gives up, so the lock must
		// go to the next waiter rather than stay with nobody.
		l.releaseLocked(name, d)
		return nil, timeout(ctx, name, waited, "the request ended just as it was granted")
	}
	for i, q := range d.queue {
		if q == t {
			d.queue = slices.Delete(d.queue, i, i+1)
			ahead = i
			break
		}
	}
	h := d.holder
	behind := fmt.Sprintf("held by %s for %.1fs", h.call.op, time.Since(h.since).Seconds())
	if h.call.acquiring {
		behind += " (itself still waiting for another lock)"
	}
	if ahead > 0 {
		behind += fmt.Sprintf(", %d more queued ahead", ahead)
	}
	return nil, timeout(ctx, name, waited, behind)
}

// release gives name's in-process lock, held through d, to the next waiter.
func (l *Locker) release(name string, d *device) {
	l.mu.Lock()
	l.releaseLocked(name, d)
	l.mu.Unlock()
}

func (l *Locker) releaseLocked(name string, d *device) {
	if len(d.queue) == 0 {
		d.holder = nil
		delete(l.devices, name)
		return
	}
	next := d.queue[0]
	d.queue[0] = nil
	d.queue = d.queue[1:]
	next.granted = true
	next.since = time.Now()
	d.holder = next
	close(next.ready)
}

// timeout is the error for a waiter whose ctx ended after waiting waited
// for name; behind says what it waited for.
func timeout(ctx context.Context, name string, waited time.Duration, behind string) error {
	verb := "waited"
	if errors.Is(ctx.Err(), context.Canceled) {
		verb = "the request was canceled after waiting"
	}
	return fault.Wrap(fault.Timeout, ctx.Err(), "%s %.1fs for the device lock, %s", verb, waited.Seconds(), behind).WithDevice(name)
}
