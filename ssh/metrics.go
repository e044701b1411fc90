package ssh

import "github.com/prometheus/client_golang/prometheus"

// Collector returns a Prometheus collector of the pool's per-device
// figures, read from Stats at scrape time (subsystem "ssh").
func (p *Pool) Collector() prometheus.Collector { return &collector{p: p} }

type collector struct{ p *Pool }

var (
	descDials        = prometheus.NewDesc("mercury_ssh_dials_total", "SSH connections dialed, by device (successful or not).", []string{"device"}, nil)
	descDialFailures = prometheus.NewDesc("mercury_ssh_dial_failures_total", "SSH dials that failed, any reason, by device.", []string{"device"}, nil)
	descAuthFailures = prometheus.NewDesc("mercury_ssh_auth_failures_total", "SSH logins the device refused, by device.", []string{"device"}, nil)
	descReuses       = prometheus.NewDesc("mercury_ssh_reuses_total", "Sessions served by a pooled connection or logged-in shell, by device.", []string{"device"}, nil)
	descDrops        = prometheus.NewDesc("mercury_ssh_drops_total", "SSH connections closed (idle, broken, discarded, pool closed), by device.", []string{"device"}, nil)
	descConnections  = prometheus.NewDesc("mercury_ssh_connections", "Open SSH connections, by device.", []string{"device"}, nil)
	descSessions     = prometheus.NewDesc("mercury_ssh_sessions", "Sessions open (in use by an operation), by device.", []string{"device"}, nil)
	descIdleShells   = prometheus.NewDesc("mercury_ssh_idle_shells", "Logged-in CLI shells waiting in the pool, by device.", []string{"device"}, nil)
	descWaiting      = prometheus.NewDesc("mercury_ssh_waiting", "Operations waiting for one of the device's session slots (max_sessions), by device.", []string{"device"}, nil)
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDials, descDialFailures, descAuthFailures, descReuses, descDrops, descConnections, descSessions, descIdleShells, descWaiting} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	for name, d := range c.p.Stats().Devices {
		for _, m := range []struct {
			desc *prometheus.Desc
			kind prometheus.ValueType
			v    float64
		}{
			{descDials, prometheus.CounterValue, float64(d.Dials)},
			{descDialFailures, prometheus.CounterValue, float64(d.DialFailures)},
			{descAuthFailures, prometheus.CounterValue, float64(d.AuthFailures)},
			{descReuses, prometheus.CounterValue, float64(d.Reuses)},
			{descDrops, prometheus.CounterValue, float64(d.Drops)},
			{descConnections, prometheus.GaugeValue, float64(d.Connections)},
			{descSessions, prometheus.GaugeValue, float64(d.Sessions)},
			{descIdleShells, prometheus.GaugeValue, float64(d.IdleShells)},
			{descWaiting, prometheus.GaugeValue, float64(d.Waiting)},
		} {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.v, name)
		}
	}
}
