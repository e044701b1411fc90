package service

import (
	"slices"
	"strings"
	"time"

	"github.com/openmercury/mercury/inventory"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the service's Prometheus metrics, subsystem "service". Label
// values are bounded: methods by the method table, devices by the
// inventory. A nil *metrics records nothing.
type metrics struct {
	ops       *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	lockWaits *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	const ns, sub = "mercury", "service"
	m := &metrics{
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "operations_total",
			Help: "Operations finished, by method, device and result (ok or an error kind).",
		}, []string{"method", "device", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "operation_duration_seconds",
			Help:    "Operation time from validation to the audit record, lock wait included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 17),
		}, []string{"method", "driver", "device"}),
		lockWaits: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "lock_wait_seconds",
			Help:    "Time operations waited for a device lock.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"device"}),
	}
	reg.MustRegister(m.ops, m.duration, m.lockWaits)
	return m
}

// operation counts and times a finished operation; driver names the
// driver of its device (drivers, comma-separated, for several).
func (m *metrics) operation(r *Record, driver string) {
	if m == nil {
		return
	}
	m.ops.WithLabelValues(r.Method, r.Device, r.Result).Inc()
	m.duration.WithLabelValues(r.Method, driver, r.Device).Observe(r.Duration)
}

// driversOf names the distinct drivers of devices (comma-separated device
// names, as a record holds them), in order; "" for none or unknown.
func driversOf(cfg *inventory.Config, devices string) string {
	var drivers []string
	for name := range strings.SplitSeq(devices, ",") {
		if d, ok := cfg.Device(name); ok && !slices.Contains(drivers, d.Driver) {
			drivers = append(drivers, d.Driver)
		}
	}
	return strings.Join(drivers, ",")
}

func (m *metrics) lockWait(devices []string, d time.Duration) {
	if m == nil {
		return
	}
	for _, dev := range devices {
		m.lockWaits.WithLabelValues(dev).Observe(d.Seconds())
	}
}
