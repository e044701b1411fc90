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
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/openmercury/mercury/internal/wasmbuild"
)

// TestMetrics scrapes /metrics of a Mercury serving a simulated switch
// after a successful, a refused and a failing call, lints every family
// with promlint, and checks docs/metrics.md lists exactly the metrics
// Mercury has: each scraped one is documented, and each documented one is
// either scraped or defined in the source (families that appear only after
// their event, such as traps).
func TestMetrics(t *testing.T) {
	url := serveSimulated(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"update_port", "switch_id=eos-1", "port_name=Ethernet1", "description=null", "mode=access", "native_vlan=100"},
		{"update_port", "switch_id=eos-1", "port_name=Ethernet99", "description=null", "mode=access", "native_vlan=100"},
		{"update_port", "switch_id=nope", "port_name=Ethernet1", "description=null", "mode=access", "native_vlan=100"},
	} {
		run(ctx, append([]string{"call", "--url", url}, args...), &out, &errb)
	}
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

	doc, err := os.ReadFile(filepath.Join(wasmbuild.Root(), "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(mercury_[a-z_]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, name := range scraped {
		if !documented[name] {
			t.Errorf("metric %s is not in docs/metrics.md", name)
		}
	}
	source := goSource(t)
	for name := range documented {
		if slices.Contains(scraped, name) {
			continue
		}
		parts := strings.SplitN(strings.TrimPrefix(name, "mercury_"), "_", 2)
		if len(parts) != 2 || !(strings.Contains(source, `"`+name+`"`) || strings.Contains(source, `Name: "`+parts[1]+`"`)) {
			t.Errorf("docs/metrics.md lists %s, which Mercury does not define", name)
		}
	}
}

// goSource returns the repository's non-test Go source, concatenated.
func goSource(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(wasmbuild.Root(), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "build" || d.Name() == ".git" || d.Name() == "testdata") {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			s, _ := os.ReadFile(p)
			b.Write(s)
		}
		return nil
	})
	return b.String()
}
