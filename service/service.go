package service

import (
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/hostfuncs"
	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/ssh"
)

// Options wire a Service to its parts.
type Options struct {
	Config     *inventory.Config
	Engine     *mruntime.Engine // drivers for every device of Config already loaded
	Pool       *ssh.Pool
	Locker     lock.Interface
	Logger     *slog.Logger // operational log; nil discards
	Audit      *slog.Logger // one record per operation; nil uses Logger
	Registerer prometheus.Registerer
	// Deadline overrides Config's server deadline (for tests); 0 keeps it.
	Deadline time.Duration
	// SaveDelay is how long a save_config: deferred device waits after a
	// change before its save; 0 means DefaultSaveDelay.
	SaveDelay time.Duration
}

// Service runs Mercury's operations.
type Service struct {
	engine  *mruntime.Engine
	pool    *ssh.Pool
	locker  lock.Interface
	log     *slog.Logger
	audit   *slog.Logger
	metrics *metrics
	dl      time.Duration
	state   atomic.Pointer[state]
	events  *feed
	saves   *saver
}

// state is one loaded configuration with what is derived from it.
type state struct {
	cfg     *inventory.Config
	targets *targets
}

func newState(cfg *inventory.Config) *state { return &state{cfg: cfg, targets: newTargets(cfg)} }

// New returns a Service.
func New(opts Options) (*Service, error) {
	if opts.Config == nil || opts.Engine == nil || opts.Pool == nil || opts.Locker == nil {
		return nil, fault.New(fault.Internal, "service.New needs Config, Engine, Pool and Locker")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Audit == nil {
		opts.Audit = opts.Logger
	}
	s := &Service{
		engine: opts.Engine, pool: opts.Pool, locker: opts.Locker,
		log: opts.Logger, audit: opts.Audit, metrics: newMetrics(opts.Registerer),
		dl: opts.Deadline, events: newFeed(),
	}
	s.saves = newSaver(s, opts.SaveDelay)
	s.state.Store(newState(opts.Config))
	return s, nil
}

// Reload makes cfg the configuration for operations that start from now on.
// The caller has already loaded the drivers cfg binds.
func (s *Service) Reload(cfg *inventory.Config) {
	s.state.Store(newState(cfg))
}

// Config returns the configuration in use.
func (s *Service) Config() *inventory.Config { return s.state.Load().cfg }

func (s *Service) deadline(cfg *inventory.Config) time.Duration {
	if s.dl > 0 {
		return s.dl
	}
	if d := cfg.Server().Deadline; d > 0 {
		return d
	}
	return 60 * time.Second
}

// resolve finds the device Ironic's switch_id names: a mac, then a name.
func (s *Service) resolve(cfg *inventory.Config, switchID string) (inventory.Device, error) {
	if err := checkIdentifier("switch_id", switchID); err != nil {
		return inventory.Device{}, err
	}
	d, ok := cfg.FindSwitch(switchID)
	if !ok {
		return d, fault.New(fault.NotFound, "Switch %s could not be found or is not supported by any configured switch driver.", switchID)
	}
	return d, nil
}

// driver returns the device's loaded driver.
func (s *Service) driver(d inventory.Device) (*mruntime.Driver, error) {
	drv, ok := s.engine.Driver(d.Driver)
	if !ok {
		return nil, fault.New(fault.Unsupported, "driver %q of device %s is not loaded", d.Driver, d.Name).WithDevice(d.Name)
	}
	return drv, nil
}

// driverInfo returns the description of the device's driver.
func (s *Service) driverInfo(d inventory.Device) (abi.Description, error) {
	drv, err := s.driver(d)
	if err != nil {
		return abi.Description{}, err
	}
	return drv.Description(), nil
}

// port validates and rewrites a port name for device d: identifier rules,
// port_name_rewrite, the driver's pattern, protected ports.
func (s *Service) port(d inventory.Device, field, raw string, changing bool) (string, error) {
	if err := checkIdentifier(field, raw); err != nil {
		return "", fault.Wrap(fault.Invalid, err, "").WithDevice(d.Name)
	}
	p := d.RewritePort(raw)
	drv, err := s.driver(d)
	if err != nil {
		return "", err
	}
	if err := checkPortName(field, p, drv.PortPattern(), d.Driver); err != nil {
		return "", fault.Wrap(fault.Invalid, err, "").WithDevice(d.Name)
	}
	if changing && d.IsProtected(p) {
		return "", fault.New(fault.Denied, "port %s is protected (devices.%s.protected_ports): Mercury will not change it", p, d.Name).WithDevice(d.Name).WithPort(p)
	}
	return p, nil
}

// dialer opens sessions to one device through the pool.
type dialer struct {
	pool    *ssh.Pool
	dev     inventory.Device
	targets *targets
	shell   *abi.Shell
}

func (dl *dialer) Open(ctx context.Context, kind int32) (hostfuncs.Session, error) {
	t, err := dl.targets.get(dl.dev, dl.shell)
	if err != nil {
		return nil, err
	}
	return dl.pool.Open(ctx, t, ssh.Kind(kind))
}

// call is one driver operation on one device, under its lock.
type call struct {
	caller  Caller
	op      string // driver operation
	dev     inventory.Device
	port    string
	request any // the driver request
	// read, when set, is the port as read under the lock this call runs
	// under: what the call replaces, so checks need not read it again.
	read *abi.PortState
}

// invoke runs c.op on c.dev's driver, decoding the response into resp. The
// caller holds the device lock.
func (s *Service) invoke(ctx context.Context, st *state, c call, resp any) ([]string, error) {
	in, err := json.Marshal(c.request)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "encode %s request", c.op)
	}
	info, err := s.driverInfo(c.dev)
	if err != nil {
		return nil, err
	}
	reply, err := s.engine.Invoke(ctx, c.dev.Driver, hostfuncs.CallOptions{
		Device:   c.dev.Name,
		Op:       c.op,
		Input:    in,
		Settings: c.dev,
		Dialer:   &dialer{pool: s.pool, dev: c.dev, targets: st.targets, shell: info.Shell},
		Logger:   s.log.With("request_id", c.caller.RequestID),
	})
	if err != nil {
		return reply.Commands, withPort(err, c.port)
	}
	if resp != nil {
		if err := json.Unmarshal(reply.Output, resp); err != nil {
			return reply.Commands, fault.New(fault.Driver, "driver %s: %s reply does not decode: %v", c.dev.Driver, c.op, err).WithDevice(c.dev.Name)
		}
	}
	return reply.Commands, nil
}

func withPort(err error, port string) error {
	if fe, ok := err.(*fault.Error); ok && fe.Port == "" && port != "" {
		return fe.WithPort(port)
	}
	return err
}

// locked runs fn holding the locks of devices (sorted by the locker),
// under the operation's deadline, and writes the audit record.
func (s *Service) locked(ctx context.Context, cfg *inventory.Config, rec *Record, devices []string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.deadline(cfg))
	defer cancel()
	start := time.Now()
	held, err := s.locker.Lock(ctx, rec.Method, devices...)
	if err != nil {
		rec.finish(start, err)
		s.record(rec)
		return err
	}
	rec.LockWait = held.Waited().Seconds()
	s.metrics.lockWait(devices, held.Waited())
	err = fn(ctx)
	// The record (and its seq) is written before the lock is released, so
	// audit order is the order the changes reached the device.
	rec.finish(start, err)
	s.record(rec)
	held.Release()
	return err
}

// refused records an operation refused before any device I/O.
func (s *Service) refused(rec *Record, err error) error {
	rec.finish(time.Now(), err)
	s.record(rec)
	return err
}

// GetSwitches answers Ironic's get_switches: every device, keyed by name.
func (s *Service) GetSwitches(_ context.Context, _ Caller) (map[string]SwitchInfo, error) {
	cfg := s.Config()
	out := map[string]SwitchInfo{}
	for _, d := range cfg.Devices() {
		info := SwitchInfo{SwitchID: d.Name, DeviceName: d.Name, DeviceType: d.Driver}
		if v := cfg.PermittedVLANs(d.Name); !v.Equal(inventory.AllVLANs()) {
			str := v.String()
			info.AllowedVLANs = &str
		}
		out[d.Name] = info
	}
	return out, nil
}

// deviceNames returns names sorted, for lock order and audit.
func deviceNames(ds ...inventory.Device) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	sort.Strings(out)
	return out
}

// GetAllowedNetworkTypes answers the Mercury method
// get_allowed_network_types: the network types ("vlan", "vxlan") the
// driver of the device switch_id names can configure, as its describe
// says. It reads no device.
func (s *Service) GetAllowedNetworkTypes(_ context.Context, _ Caller, r NetworkTypesRequest) ([]string, error) {
	dev, err := s.resolve(s.Config(), r.SwitchID)
	if err != nil {
		return nil, err
	}
	info, err := s.driverInfo(dev)
	if err != nil {
		return nil, err
	}
	return append([]string{}, info.NetworkTypes...), nil
}
