package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/inventory"
	"github.com/openmercury/mercury/lock"
	mruntime "github.com/openmercury/mercury/runtime"
	"github.com/openmercury/mercury/service"
	"github.com/openmercury/mercury/ssh"
)

// daemon is a running Mercury: configuration, drivers, connections, locks
// and the service, assembled from one configuration file.
type daemon struct {
	path    string
	log     *slog.Logger
	reg     registry
	engine  *mruntime.Engine
	pool    *ssh.Pool
	service *service.Service

	reloads    *prometheus.CounterVec
	lastReload prometheus.Gauge
	mu         sync.Mutex // serialises reloads
}

// registry is where a daemon registers its metrics and /metrics reads
// them: a *prometheus.Registry.
type registry interface {
	prometheus.Registerer
	prometheus.Gatherer
}

// newDaemon loads path and everything it names, registering its metrics
// with reg (a new, empty registry). It fails, naming each problem, when
// the configuration or a bound driver is invalid.
func newDaemon(ctx context.Context, path string, log *slog.Logger, reg registry) (*daemon, error) {
	cfg, err := inventory.Load(path, os.Environ())
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		log.Warn("configuration", "problem", w)
	}
	srv := cfg.Server()
	engine, err := mruntime.New(ctx, mruntime.Options{
		CacheDir: srv.CacheDir, Only: bound(cfg), Logger: log, Registerer: reg,
	})
	if err != nil {
		return nil, err
	}
	if err := engine.LoadDir(ctx, srv.DriversDir); err != nil {
		engine.Close(context.Background())
		return nil, err
	}
	pool := ssh.NewPool(ssh.Options{Logger: log})
	svc, err := service.New(service.Options{
		Config: cfg, Engine: engine, Pool: pool, Logger: log, Registerer: reg,
		Locker: lock.New(lock.Options{Dir: srv.LockDir, Logger: log}),
	})
	if err != nil {
		pool.Close()
		engine.Close(context.Background())
		return nil, err
	}
	d := &daemon{path: path, log: log, reg: reg, engine: engine, pool: pool, service: svc,
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mercury", Subsystem: "config", Name: "reloads_total",
			Help: "Configuration reloads (SIGHUP), by result: ok, or failed (the old configuration stays).",
		}, []string{"result"}),
		lastReload: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "mercury", Subsystem: "config", Name: "last_reload_successful",
			Help: "1 when the configuration file as it is now is what runs (start-up or the last reload succeeded); 0 when the last reload failed and an older configuration runs.",
		}),
	}
	d.reloads.WithLabelValues("ok")
	d.reloads.WithLabelValues("failed")
	d.lastReload.Set(1)
	reg.MustRegister(d.reloads, d.lastReload, pool.Collector())
	return d, nil
}

// reload re-reads the configuration, secrets and drivers. When anything is
// invalid the running set stays and the error says why.
func (d *daemon) reload(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	err := d.reloadLocked(ctx)
	result := "ok"
	if err != nil {
		result = "failed"
		d.log.Error("reload failed; keeping the running configuration", "config", d.path, "err", err)
	} else {
		d.log.Info("reloaded", "config", d.path)
	}
	d.reloads.WithLabelValues(result).Inc()
	if err != nil {
		d.lastReload.Set(0)
	} else {
		d.lastReload.Set(1)
	}
	return err
}

func (d *daemon) reloadLocked(ctx context.Context) error {
	cfg, err := inventory.Load(d.path, os.Environ())
	if err != nil {
		return err
	}
	if cfg.Server().Listen != d.service.Config().Server().Listen {
		return fmt.Errorf("server.listen changed from %s to %s: restart Mercury to move it", d.service.Config().Server().Listen, cfg.Server().Listen)
	}
	if cfg.Server().WebSocket != d.service.Config().Server().WebSocket {
		return fmt.Errorf("server.websocket changed: its limits are read at start; restart Mercury to change them")
	}
	// The engine keeps its set when any driver fails to load.
	if err := d.engine.LoadDirOnly(ctx, cfg.Server().DriversDir, bound(cfg)); err != nil {
		return err
	}
	d.service.Reload(cfg)
	return nil
}

func (d *daemon) close() {
	// Deferred saves still due run now, before the connections close.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	if err := d.service.FlushSaves(ctx); err != nil {
		d.log.Error("saving configurations at shutdown", "err", err)
	}
	cancel()
	d.pool.Close()
	d.engine.Close(context.Background())
}

// bound returns the drivers cfg's devices use: only those are loaded, and
// none when there are no devices.
func bound(cfg *inventory.Config) []string {
	return append([]string{}, cfg.Drivers()...)
}
