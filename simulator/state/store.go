package state

import "sync"

// Store holds one device's configurations: running, startup (what a reload
// would come back with) and, for commit-based platforms, a shared candidate.
// It is safe for concurrent use; every change is atomic.
type Store struct {
	mu        sync.Mutex
	running   Config
	startup   Config
	candidate *Config
	saves     int
	commits   int
}

// NewStore returns a store whose running and startup configurations are
// both initial.
func NewStore(initial Config) *Store {
	return &Store{running: initial.Clone(), startup: initial.Clone()}
}

// Snapshot is a deep copy of a Store at one moment.
type Snapshot struct {
	Running   Config
	Startup   Config
	Candidate *Config // nil unless a shared candidate holds uncommitted changes
	Saves     int     // how many times the running config was saved
	Commits   int     // how many times a candidate was committed
}

// Snapshot returns a deep copy of the store.
func (s *Store) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Running: s.running.Clone(), Startup: s.startup.Clone(), Saves: s.saves, Commits: s.commits}
	if s.candidate != nil {
		c := s.candidate.Clone()
		snap.Candidate = &c
	}
	return snap
}

// View calls fn with the running configuration. fn must not keep or change it.
func (s *Store) View(fn func(c *Config)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.running)
}

// Update applies fn to a copy of the running configuration and installs the
// copy only when fn returns nil, so a failed change leaves no trace.
func (s *Store) Update(fn func(c *Config) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.running.Clone()
	if err := fn(&next); err != nil {
		return err
	}
	s.running = next
	return nil
}

// Save copies the running configuration to the startup configuration.
func (s *Store) Save() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startup = s.running.Clone()
	s.saves++
}

// Reload replaces the running configuration with the startup one, as a
// reboot would, and drops any candidate.
func (s *Store) Reload() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = s.startup.Clone()
	s.candidate = nil
}

// ViewCandidate calls fn with the shared candidate, or with the running
// configuration when there is no candidate. fn must not keep or change it.
func (s *Store) ViewCandidate(fn func(c *Config)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.candidate != nil {
		fn(s.candidate)
		return
	}
	fn(&s.running)
}

// UpdateCandidate applies fn to a copy of the shared candidate (started from
// the running configuration when there is none) and keeps the copy only when
// fn returns nil. The running configuration does not change until Commit.
func (s *Store) UpdateCandidate(fn func(c *Config) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := &s.running
	if s.candidate != nil {
		base = s.candidate
	}
	next := base.Clone()
	if err := fn(&next); err != nil {
		return err
	}
	s.candidate = &next
	return nil
}

// Commit installs the shared candidate as the running configuration. It
// reports false when there was no candidate.
func (s *Store) Commit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.candidate == nil {
		return false
	}
	s.running = *s.candidate
	s.candidate = nil
	s.commits++
	return true
}

// Discard drops the shared candidate.
func (s *Store) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.candidate = nil
}

// Checkout returns a private copy of the running configuration, for a
// session that keeps its own candidate (Junos "configure private").
func (s *Store) Checkout() Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running.Clone()
}

// Install makes c, a private candidate, the running configuration.
func (s *Store) Install(c Config) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = c.Clone()
	s.commits++
}

// UpdateLive applies fn to the running configuration and, when there is
// one, to the shared candidate, atomically: for settings that take effect
// at once and that no commit may undo (FRR's, changed through vtysh on a
// switch whose own CLI keeps a candidate). When fn fails for either copy,
// neither changes.
func (s *Store) UpdateLive(fn func(c *Config) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.running.Clone()
	if err := fn(&next); err != nil {
		return err
	}
	if s.candidate != nil {
		cand := s.candidate.Clone()
		if err := fn(&cand); err != nil {
			return err
		}
		s.candidate = &cand
	}
	s.running = next
	return nil
}
