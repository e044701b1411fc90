package rpc

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/openmercury/mercury/fault"
)

// metrics are the rpc subsystem's Prometheus metrics. The method label is a
// method of the table or "unknown" (unknown methods, and requests refused
// before a method was read); code is "ok", a JSON-RPC error code ("-32601",
// "400", "404", "500"), or the HTTP status of a request refused at the HTTP
// level ("401", "405", "413", ...).
type metrics struct {
	known    map[string]bool
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	wsConns  prometheus.Gauge
	watchers prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer, names []string) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		known: map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mercury", Subsystem: "rpc", Name: "requests_total",
			Help: "JSON-RPC requests answered, by method and result code (ok, a JSON-RPC error code, or an HTTP status).",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "mercury", Subsystem: "rpc", Name: "request_duration_seconds",
			Help:    "Time from request to reply, by method, authentication and device work included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"method"}),
		wsConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "mercury", Subsystem: "rpc", Name: "websocket_connections",
			Help: "WebSocket connections open at /ws.",
		}),
		watchers: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "mercury", Subsystem: "rpc", Name: "watchers",
			Help: "WebSocket connections subscribed to the watch feed of audit records.",
		}),
	}
	for _, n := range names {
		m.known[n] = true
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.wsConns, m.watchers} {
		if err := reg.Register(c); err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "register rpc metrics")
		}
	}
	return m, nil
}

// observe records one answered request.
func (m *metrics) observe(method, code string, d time.Duration) {
	if m == nil {
		return
	}
	if !m.known[method] {
		method = "unknown"
	}
	m.requests.WithLabelValues(method, code).Inc()
	m.duration.WithLabelValues(method).Observe(d.Seconds())
}

// wsConnections adds d to the open WebSocket connections.
func (m *metrics) wsConnections(d float64) {
	if m != nil {
		m.wsConns.Add(d)
	}
}

// wsWatchers adds d to the watchers.
func (m *metrics) wsWatchers(d float64) {
	if m != nil {
		m.watchers.Add(d)
	}
}
