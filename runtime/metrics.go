package runtime

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/fault"
)

// metrics are the runtime's Prometheus metrics, subsystem "runtime". A nil
// *metrics records nothing.
type metrics struct {
	compile     *prometheus.HistogramVec
	instantiate *prometheus.HistogramVec
	invocations *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	poolMisses  *prometheus.CounterVec
	traps       *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	const ns, sub = "mercury", "runtime"
	m := &metrics{
		compile: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "compile_seconds",
			Help:    "Time to compile a driver module (from the compile cache when warm).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 10),
		}, []string{"driver"}),
		instantiate: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "instantiate_seconds",
			Help:    "Time to instantiate and initialise one driver instance.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}, []string{"driver"}),
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "invocations_total",
			Help: "Driver operations run, by driver, operation and result kind (ok or an error kind).",
		}, []string{"driver", "op", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "invocation_seconds",
			Help:    "Time a driver operation spent in the guest, device I/O included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"driver", "op"}),
		poolMisses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "pool_misses_total",
			Help: "Operations that found no pre-warmed instance and instantiated one on the request path.",
		}, []string{"driver"}),
		traps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "traps_total",
			Help: "Guest calls that did not return normally, by driver and trap kind.",
		}, []string{"driver", "kind"}),
	}
	reg.MustRegister(m.compile, m.instantiate, m.invocations, m.duration, m.poolMisses, m.traps)
	return m
}

func (m *metrics) compiled(driver string, d time.Duration) {
	if m != nil {
		m.compile.WithLabelValues(driver).Observe(d.Seconds())
	}
}

func (m *metrics) instantiated(driver string, d time.Duration) {
	if m != nil {
		m.instantiate.WithLabelValues(driver).Observe(d.Seconds())
	}
}

func (m *metrics) poolMiss(driver string) {
	if m != nil {
		m.poolMisses.WithLabelValues(driver).Inc()
	}
}

func (m *metrics) failed(driver, op string, k fault.Kind) {
	if m != nil {
		m.invocations.WithLabelValues(driver, op, k.String()).Inc()
	}
}

func (m *metrics) invoked(driver, op string, err error, d time.Duration) {
	if m == nil {
		return
	}
	m.duration.WithLabelValues(driver, op).Observe(d.Seconds())
	result := "ok"
	if err != nil {
		result = fault.KindOf(err).String()
	}
	m.invocations.WithLabelValues(driver, op, result).Inc()
	var t *Trap
	if errors.As(err, &t) {
		m.traps.WithLabelValues(driver, string(t.Kind)).Inc()
	}
}

// instances reports, at scrape time, each loaded driver's instances:
// pre-warmed and waiting, and running an operation.
type instances struct {
	e    *Engine
	desc *prometheus.Desc
}

func newInstances(e *Engine) *instances {
	return &instances{e: e, desc: prometheus.NewDesc("mercury_runtime_instances",
		"Driver instances by driver and state: ready (pre-warmed in the pool) or running (an operation in flight).",
		[]string{"driver", "state"}, nil)}
}

func (c *instances) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *instances) Collect(ch chan<- prometheus.Metric) {
	for _, name := range c.e.Drivers() {
		d, ok := c.e.Driver(name)
		if !ok {
			continue
		}
		d.mu.Lock()
		running := d.inflight
		d.mu.Unlock()
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(len(d.ready)), name, "ready")
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(running), name, "running")
	}
}
