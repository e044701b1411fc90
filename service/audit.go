package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/openmercury/mercury/fault"
)

// Record is the audit record of one operation: who, what, when, why, how
// and with what result. It never holds a secret: commands typed as secrets
// appear as "<secret NAME>".
type Record struct {
	Seq       uint64          `json:"seq"` // 1, 2, ... per process: a gap seen by a watcher is records it lost
	Time      time.Time       `json:"time"`
	RequestID string          `json:"request_id"`
	Caller    string          `json:"caller"`
	Remote    string          `json:"remote,omitempty"`
	Context   *RequestContext `json:"context,omitempty"`
	Method    string          `json:"method"`
	Device    string          `json:"device,omitempty"`
	Port      string          `json:"port,omitempty"`
	Intent    any             `json:"intent,omitempty"`
	Commands  []string        `json:"commands,omitempty"`
	Changed   bool            `json:"changed"`
	Saved     bool            `json:"saved"`
	DryRun    bool            `json:"dry_run,omitempty"`
	Result    string          `json:"result"` // "ok" or an error kind
	Error     string          `json:"error,omitempty"`
	Duration  float64         `json:"duration_seconds"`
	LockWait  float64         `json:"lock_wait_seconds,omitempty"`
	// A multi-device operation that failed part-way undoes the changes it
	// made: RolledBack says what was restored, NotRolledBack what could not
	// be (with why), for an operator to fix by hand.
	RolledBack    []string `json:"rolled_back,omitempty"`
	NotRolledBack []string `json:"not_rolled_back,omitempty"`

	number  int  // the port-channel number the last lag_set used, for PortChange
	created bool // the last lag_set made its LAG
}

// newRecord starts the audit record of method.
func newRecord(c Caller, method, dev, port string, intent any) *Record {
	return &Record{
		Time: time.Now().UTC(), RequestID: c.RequestID, Caller: c.Identity, Remote: c.Remote,
		Context: c.Context, Method: method, Device: dev, Port: port, Intent: intent,
	}
}

func (r *Record) finish(start time.Time, err error) {
	r.Duration = time.Since(start).Seconds()
	r.Result = "ok"
	if err != nil {
		r.Result = fault.KindOf(err).String()
		r.Error = err.Error()
	}
}

// record writes rec to the audit log, the metrics and the live feed.
func (s *Service) record(rec *Record) {
	level := slog.LevelInfo
	if rec.Result != "ok" {
		level = slog.LevelWarn
	}
	s.audit.LogAttrs(context.Background(), level, "audit",
		slog.String("request_id", rec.RequestID),
		slog.String("caller", rec.Caller),
		slog.String("remote", rec.Remote),
		slog.Any("context", rec.Context),
		slog.String("method", rec.Method),
		slog.String("device", rec.Device),
		slog.String("port", rec.Port),
		slog.Any("intent", rec.Intent),
		slog.Any("commands", rec.Commands),
		slog.Bool("changed", rec.Changed),
		slog.Bool("saved", rec.Saved),
		slog.Bool("dry_run", rec.DryRun),
		slog.String("result", rec.Result),
		slog.String("error", rec.Error),
		slog.Float64("duration_seconds", rec.Duration),
		slog.Float64("lock_wait_seconds", rec.LockWait),
		slog.Any("rolled_back", rec.RolledBack),
		slog.Any("not_rolled_back", rec.NotRolledBack),
	)
	s.metrics.operation(rec, driversOf(s.state.Load().cfg, rec.Device))
	s.events.publish(*rec)
}

// Subscribe returns a channel of every finished operation's record, from
// now on, and a function that ends the subscription. A subscriber that
// falls more than 256 records behind misses the records it has no room for:
// the feed never blocks an operation.
func (s *Service) Subscribe() (<-chan Record, func()) { return s.events.subscribe() }

// feed fans audit records out to subscribers.
type feed struct {
	mu   sync.Mutex
	seq  uint64
	subs map[chan Record]struct{}
}

func newFeed() *feed { return &feed{subs: map[chan Record]struct{}{}} }

func (f *feed) subscribe() (<-chan Record, func()) {
	ch := make(chan Record, 256)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.subs, ch)
			f.mu.Unlock()
			close(ch)
		})
	}
}

func (f *feed) publish(r Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	r.Seq = f.seq
	for ch := range f.subs {
		select {
		case ch <- r:
		default:
		}
	}
}
