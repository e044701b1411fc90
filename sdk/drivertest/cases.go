package drivertest

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/sdk"
)

// Case is one scripted operation for RunCases.
type Case struct {
	Name    string
	Op      string // an abi.Op* name
	Req     any    // the request, marshalled to JSON
	Script  string // the device script: testdata/SCRIPT.script
	Want    any    // pointer to the expected response (e.g. &sdk.Result{...}); nil when ErrKind is set
	ErrKind string // the error kind the operation must fail with ("device", "invalid", ...)
}

// RunCases runs every case twice, as subtests: natively, against the
// driver the test binary registered with sdk.Handle ("native/NAME"), and
// on the compiled module at wasmPath in the real runtime ("compiled/NAME"),
// with cacheDir as the compile cache. Each run checks the response (or the
// error kind) and that the driver sent exactly the script.
func RunCases(t *testing.T, wasmPath, cacheDir string, settings map[string]string, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run("native/"+tc.Name, func(t *testing.T) {
			dev := NewDevice(t, "dut", loadCase(t, tc))
			in, err := json.Marshal(tc.Req)
			if err != nil {
				t.Fatal(err)
			}
			status, out := sdk.Dispatch(Host(dev, settings), tc.Op, in)
			kind := ""
			if status == abi.StatusError {
				var er abi.ErrorReply
				json.Unmarshal(out, &er)
				kind = er.Kind
			} else if status != abi.StatusOK {
				t.Fatalf("status %d: %s", status, out)
			}
			checkCase(t, tc, kind, out)
			dev.Check()
		})
	}
	r := NewRunner(t, wasmPath, cacheDir)
	for _, tc := range cases {
		t.Run("compiled/"+tc.Name, func(t *testing.T) {
			dev := NewDevice(t, "dut", loadCase(t, tc))
			var raw json.RawMessage
			kind := ""
			if err := r.Run(dev, settings, tc.Op, tc.Req, &raw); err != nil {
				kind = fault.KindOf(err).String()
			}
			checkCase(t, tc, kind, raw)
			dev.Check()
		})
	}
}

func loadCase(t *testing.T, tc Case) Script {
	t.Helper()
	s, err := LoadScript(filepath.Join("testdata", tc.Script+".script"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkCase compares an outcome — the error kind ("" for success) and the
// output — with what tc expects.
func checkCase(t *testing.T, tc Case, kind string, out []byte) {
	t.Helper()
	if tc.ErrKind != "" || kind != "" {
		if kind != tc.ErrKind {
			t.Fatalf("error kind %q (output %s), want %q", kind, out, tc.ErrKind)
		}
		return
	}
	got := reflect.New(reflect.TypeOf(tc.Want).Elem()).Interface()
	if err := json.Unmarshal(out, got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if !reflect.DeepEqual(got, tc.Want) {
		t.Fatalf("got  %+v\nwant %+v", got, tc.Want)
	}
}
