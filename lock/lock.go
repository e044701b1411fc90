package lock

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/openmercury/mercury/fault"
)

// Interface is what the service depends on: take the locks of every device
// an operation touches, or fail with a *fault.Error. Locker implements it
// for one host; a later implementation will keep hosts apart through etcd.
type Interface interface {
	// Lock blocks until op holds every named device, or ctx ends. Names
	// may repeat and come in any order. The caller must Release the result.
	Lock(ctx context.Context, op string, devices ...string) (*Held, error)
}

var _ Interface = (*Locker)(nil)

// Options configure a Locker.
type Options struct {
	// Dir is the directory of lock files, created 0700 when missing.
	// Empty means no lock files: only operations in this process are
	// kept apart.
	Dir string
	// Logger receives debug records about waits; nil discards them.
	Logger *slog.Logger
}

// Locker hands out per-device locks. It is safe for concurrent use; build
// it with New and share one per process (two Lockers do not see each
// other's in-process queues, only each other's lock files).
type Locker struct {
	dir string
	log *slog.Logger

	mu      sync.Mutex
	devices map[string]*device // only devices that are held
}

// New returns a Locker configured by opts. It touches no files: the lock
// directory is created on first use.
func New(opts Options) *Locker {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Locker{dir: opts.Dir, log: log, devices: make(map[string]*device)}
}

// Held is a set of device locks held by one operation.
type Held struct {
	devices []string
	waited  time.Duration
	once    sync.Once
	release func()
}

// NewHeld returns a Held for devices that calls release exactly once, on
// the first Release. It exists for other Interface implementations and for
// test fakes; Locker builds its own.
func NewHeld(devices []string, waited time.Duration, release func()) *Held {
	return &Held{devices: slices.Clone(devices), waited: waited, release: release}
}

// Release gives up every lock, in the reverse of the order they were
// taken. Only the first call has an effect.
func (h *Held) Release() {
	h.once.Do(func() {
		if h.release != nil {
			h.release()
		}
	})
}

// Waited is how long Lock took, from the call to holding every lock.
func (h *Held) Waited() time.Duration { return h.waited }

// Devices returns the devices held, sorted and without repeats.
func (h *Held) Devices() []string { return slices.Clone(h.devices) }

// Lock blocks until op holds every named device, taking them in sorted
// order, each first in this process and then (with Options.Dir) its lock
// file. It fails with fault.Invalid for an empty op, no devices or a name
// outside [A-Za-z0-9._-]; with fault.Timeout, wrapping ctx.Err(), when ctx
// ends first (deadline or cancellation), saying what it waited behind; and
// with fault.Internal when a lock file cannot be used. On failure every
// lock taken by then is released. op labels the holder in errors and in
// Holders, e.g. "update_port".
func (l *Locker) Lock(ctx context.Context, op string, devices ...string) (*Held, error) {
	start := time.Now()
	if op == "" {
		return nil, fault.New(fault.Invalid, "lock: the operation label is empty")
	}
	names, err := normalize(devices)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fault.Wrap(fault.Timeout, err, "the request ended before taking the device lock").WithDevice(names[0])
	}

	c := &call{op: op, acquiring: true}
	got := make([]taken, 0, len(names))
	for _, name := range names {
		d, err := l.acquire(ctx, c, name, start)
		if err != nil {
			l.releaseAll(got)
			return nil, err
		}
		t := taken{name: name, dev: d}
		if l.dir != "" {
			t.file, err = l.lockFile(ctx, op, name, start)
			if err != nil {
				l.release(name, d)
				l.releaseAll(got)
				return nil, err
			}
		}
		got = append(got, t)
	}

	l.mu.Lock()
	c.acquiring = false
	l.mu.Unlock()
	waited := time.Since(start)
	if waited >= time.Millisecond {
		l.log.Debug("device locks taken", "op", op, "devices", names, "waited", waited)
	}
	return &Held{devices: names, waited: waited, release: func() { l.releaseAll(got) }}, nil
}

// taken is one device lock held by a Lock call.
type taken struct {
	name string
	dev  *device
	file *lockFile // nil without Options.Dir
}

// releaseAll gives up ts in reverse order: each lock file before its
// in-process lock, so the next waiter here finds the file free.
func (l *Locker) releaseAll(ts []taken) {
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].file != nil {
			ts[i].file.unlock()
		}
		l.release(ts[i].name, ts[i].dev)
	}
}

// Holder describes one held device, for diagnostics.
type Holder struct {
	Device string
	Op     string    // the holding operation's label
	Since  time.Time // when it was granted this device
	// Acquiring is true while the holder still waits for its other
	// devices or for this device's lock file.
	Acquiring bool
	Waiting   int // operations queued behind it in this process
}

// Holders returns the devices held in this process, sorted by device. It
// does not see other processes' lock files.
func (l *Locker) Holders() []Holder {
	l.mu.Lock()
	hs := make([]Holder, 0, len(l.devices))
	for name, d := range l.devices {
		hs = append(hs, Holder{
			Device:    name,
			Op:        d.holder.call.op,
			Since:     d.holder.since,
			Acquiring: d.holder.call.acquiring,
			Waiting:   len(d.queue),
		})
	}
	l.mu.Unlock()
	slices.SortFunc(hs, func(a, b Holder) int {
		if a.Device < b.Device {
			return -1
		}
		if a.Device > b.Device {
			return 1
		}
		return 0
	})
	return hs
}

// maxNameLen bounds a device name, well inside a file name's 255 bytes.
const maxNameLen = 128

// normalize validates device names and returns them sorted without repeats.
func normalize(devices []string) ([]string, error) {
	if len(devices) == 0 {
		return nil, fault.New(fault.Invalid, "lock: no device named")
	}
	for _, d := range devices {
		if err := validName(d); err != nil {
			return nil, err
		}
	}
	names := slices.Clone(devices)
	slices.Sort(names)
	return slices.Compact(names), nil
}

// validName accepts names that are safe as file names: 1-128 of
// [A-Za-z0-9._-], and not "." or "..".
func validName(name string) error {
	if name == "" || len(name) > maxNameLen || name == "." || name == ".." {
		return fault.New(fault.Invalid, "lock: device name %q must be 1-%d characters of A-Z a-z 0-9 . _ - (and not . or ..)", name, maxNameLen)
	}
	for _, c := range name {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return fault.New(fault.Invalid, "lock: device name %q has %q; only A-Z a-z 0-9 . _ - are allowed", name, c)
		}
	}
	return nil
}
