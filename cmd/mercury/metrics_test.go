package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// recordingRegistry is a prometheus.Registry that remembers every
// collector registered with it, so a test can see every metric Mercury
// defines, not only those that have a value yet.
type recordingRegistry struct {
	*prometheus.Registry
	mu         sync.Mutex
	collectors []prometheus.Collector
}

func (r *recordingRegistry) Register(c prometheus.Collector) error {
	if err := r.Registry.Register(c); err != nil {
		return err
	}
	r.mu.Lock()
	r.collectors = append(r.collectors, c)
	r.mu.Unlock()
	return nil
}

func (r *recordingRegistry) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// names returns the metric names of every registered collector's
// descriptors.
func (r *recordingRegistry) names(t *testing.T) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	fq := regexp.MustCompile(`fqName: "([^"]+)"`)
	var out []string
	for _, c := range r.collectors {
		ch := make(chan *prometheus.Desc, 64)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			m := fq.FindStringSubmatch(d.String())
			if m == nil {
				t.Fatalf("cannot read the name of %s", d)
			}
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// precreate gives every registered metric vector without a child one
// child (label values "x"), so that every family shows in a scrape. It
// finds the number of labels by asking with 0, 1, 2, ... values.
func (r *recordingRegistry) precreate(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.collectors {
		var get func(...string) error
		switch v := c.(type) {
		case *prometheus.CounterVec:
			get = func(l ...string) error { _, err := v.GetMetricWithLabelValues(l...); return err }
		case *prometheus.GaugeVec:
			get = func(l ...string) error { _, err := v.GetMetricWithLabelValues(l...); return err }
		case *prometheus.HistogramVec:
			get = func(l ...string) error { _, err := v.GetMetricWithLabelValues(l...); return err }
		case *prometheus.SummaryVec:
			get = func(l ...string) error { _, err := v.GetMetricWithLabelValues(l...); return err }
		default:
			continue
		}
		if collects(c) {
			continue
		}
		made := false
		for n := 0; n <= 8 && !made; n++ {
			made = get(slices.Repeat([]string{"x"}, n)...) == nil
		}
		if !made {
			t.Fatalf("cannot give %T a child", c)
		}
	}
}

// collects reports whether a collector collects any metric.
func collects(c prometheus.Collector) bool {
	ch := make(chan prometheus.Metric, 1024)
	go func() { c.Collect(ch); close(ch) }()
	n := 0
	for range ch {
		n++
	}
	return n > 0
}

// TestMetrics builds Mercury as `mercury serve` does (newDaemon and
// newAPI) on a simulated EOS switch, with a registry that records every
// collector; makes a successful, a refused and a failing call; gives every
// metric vector still empty a child; scrapes /metrics; lints every family
// with promlint; and checks that every registered metric was scraped (so
// linted) and that docs/metrics.md lists exactly the registered metrics.
func TestMetrics(t *testing.T) {
	reg := &recordingRegistry{Registry: prometheus.NewRegistry()}
	l := serveDaemon(t, reg, nil)
	url := "http://" + l.Addr().String() + "/"

	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"update_port", "switch_id=eos-1", "port_name=Ethernet1", "description=null", "mode=access", "native_vlan=100"},
		{"update_port", "switch_id=eos-1", "port_name=Ethernet99", "description=null", "mode=access", "native_vlan=100"},
		{"update_port", "switch_id=nope", "port_name=Ethernet1", "description=null", "mode=access", "native_vlan=100"},
	} {
		run(context.Background(), append([]string{"call", "--url", url}, args...), &out, &errb)
	}
	if !strings.Contains(out.String(), `"configured"`) {
		t.Fatalf("the successful call did not configure the port: %s %s", out.String(), errb.String())
	}
	reg.precreate(t)

	resp, err := http.Get(url + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var mfs []*dto.MetricFamily
	var scraped []string
	for name, mf := range families {
		if strings.HasPrefix(name, "mercury_") {
			mfs = append(mfs, mf)
			scraped = append(scraped, name)
		}
	}
	slices.Sort(scraped)
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}

	registered := reg.names(t)
	if len(registered) < 20 {
		t.Fatalf("only %d metrics registered: %v", len(registered), registered)
	}
	for _, name := range registered {
		if !strings.HasPrefix(name, "mercury_") {
			t.Errorf("metric %s does not start with mercury_", name)
		}
		if !slices.Contains(scraped, name) {
			t.Errorf("metric %s is registered but was not scraped, so not linted", name)
		}
	}

	doc, err := os.ReadFile(filepath.Join(wasmbuild.Root(), "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(mercury_[a-z_]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1])
	}
	for _, name := range registered {
		if !slices.Contains(documented, name) {
			t.Errorf("metric %s is not in docs/metrics.md", name)
		}
	}
	for _, name := range documented {
		if !slices.Contains(registered, name) {
			t.Errorf("docs/metrics.md lists %s, which Mercury does not register", name)
		}
	}
	for _, name := range scraped {
		if !slices.Contains(registered, name) {
			t.Errorf("metric %s was scraped but not seen registering", name)
		}
	}
}
