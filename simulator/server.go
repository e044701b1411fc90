package simulator

import (
	"errors"
	"log/slog"
	"slices"
	"sync"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/simulator/cli"
	"github.com/openmercury/mercury/simulator/platform"
)

// Server hosts simulated devices, each on its own loopback port. It is safe
// for concurrent use.
type Server struct {
	log *slog.Logger

	mu        sync.Mutex
	devices   map[string]*Device
	order     []*Device
	platforms map[string]*cli.Platform
	closed    bool
}

// NewServer returns an empty server. A nil logger discards logs.
func NewServer(log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{log: log, devices: map[string]*Device{}, platforms: map[string]*cli.Platform{}}
}

// Add starts a device described by spec and returns it once it listens.
func (s *Server) Add(spec DeviceSpec) (*Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fault.New(fault.Invalid, "simulator is closed").WithDevice(spec.Name)
	}
	if _, dup := s.devices[spec.Name]; dup {
		return nil, fault.New(fault.Conflict, "a device with this name already exists").WithDevice(spec.Name)
	}
	plat := s.platforms[spec.Platform]
	if plat == nil {
		p, err := platform.Lookup(spec.Platform)
		if err != nil {
			return nil, fault.Wrap(fault.KindOf(err), err, "").WithDevice(spec.Name)
		}
		plat = p
		s.platforms[spec.Platform] = p
	}
	d, err := newDevice(spec, plat, s.log)
	if err != nil {
		return nil, err
	}
	if err := d.listen(); err != nil {
		return nil, err
	}
	s.devices[spec.Name] = d
	s.order = append(s.order, d)
	d.log.Debug("listening", "addr", d.Addr())
	return d, nil
}

// Device returns the device called name.
func (s *Server) Device(name string) (*Device, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[name]
	return d, ok
}

// Devices returns the devices in the order they were added.
func (s *Server) Devices() []*Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

// Close stops every device and waits for their connections to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	devs := slices.Clone(s.order)
	s.mu.Unlock()
	var errs []error
	for _, d := range devs {
		if err := d.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
