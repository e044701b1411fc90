package inventory

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// docs/configuration.md documents every key, every default, and the whole
// ini translation table; this test fails when the code grows something the
// page does not mention.
func TestDocsCoverEveryKey(t *testing.T) {
	b, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	need := func(what, s string) {
		t.Helper()
		if !strings.Contains(doc, s) {
			t.Errorf("docs/configuration.md does not mention %s: %s", what, s)
		}
	}
	var tags []string
	rt := reflect.TypeOf(fileDevice{})
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
		tags = append(tags, name)
	}
	if !slices.Equal(tags, deviceKeys()) {
		t.Errorf("deviceKeys() = %v, want the fileDevice keys %v", deviceKeys(), tags)
	}
	for _, typ := range []any{fileServer{}, fileTLS{}, fileAuth{}, fileDevice{}, fileRewrite{}, fileAlgorithms{}, fileUplink{}} {
		rt := reflect.TypeOf(typ)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
			if !strings.Contains(doc, "."+name+"`") {
				need("the YAML key", "`"+name+"`")
			}
		}
	}
	for _, d := range []string{defaultListen, formatDuration(defaultDeadline), formatDuration(deadlineLimit), defaultDriversDir,
		defaultCacheDir, defaultLockDir, defaultKnownHosts, defaultVXLANVLANs, defaultLAGRange} {
		need("the default", "`"+d+"`")
	}
	for _, d := range ngsDrivers() {
		need("the driver mapping", "| `"+d.deviceType+"` | `"+d.driver+"` |")
	}
	for _, k := range iniKeyNames() {
		need("the ini key", "`"+k+"`")
	}
	for _, s := range settingNames() {
		need("the driver setting", "`"+s+"`")
	}
	need("the environment prefix", "`"+EnvPrefix+"SERVER__")
}
