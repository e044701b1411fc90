package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openmercury/mercury/simulator"
)

// payload is one entry of testdata/hostile.txt.
type payload struct {
	name, template string
	pad            int
	homoglyph      bool
	raw, jsonesc   bool
	printable      bool // the value passes the identifier rule: an unknown name, not a malformed one
}

// loadCorpus reads testdata/hostile.txt.
func loadCorpus(t *testing.T) []payload {
	t.Helper()
	f, err := os.Open("testdata/hostile.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []payload
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			t.Fatalf("testdata/hostile.txt:%d: %s: the template is not a Go-quoted string: %v", n, name, err)
		}
		p := payload{name: name}
		if p.template, err = strconv.Unquote(q); err != nil {
			t.Fatalf("testdata/hostile.txt:%d: %v", n, err)
		}
		for _, flag := range strings.Fields(rest[len(q):]) {
			switch {
			case strings.HasPrefix(flag, "pad="):
				if p.pad, err = strconv.Atoi(strings.TrimPrefix(flag, "pad=")); err != nil {
					t.Fatalf("testdata/hostile.txt:%d: %s: %v", n, flag, err)
				}
			case flag == "homoglyph":
				p.homoglyph = true
			case flag == "raw":
				p.raw = true
			case flag == "jsonesc":
				p.jsonesc = true
			case flag == "printable":
				p.printable = true
			default:
				t.Fatalf("testdata/hostile.txt:%d: unknown flag %q", n, flag)
			}
		}
		if seen[name] {
			t.Fatalf("testdata/hostile.txt:%d: %s is listed twice", n, name)
		}
		seen[name] = true
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("testdata/hostile.txt has %d entries; it has lost some", len(out))
	}
	return out
}

// cyrillic maps Latin letters to Cyrillic letters that look the same.
var cyrillic = strings.NewReplacer("a", "а", "c", "с", "e", "е", "o", "о", "p", "р", "x", "х", "y", "у",
	"A", "А", "B", "В", "C", "С", "E", "Е", "H", "Н", "K", "К", "M", "М", "O", "О", "P", "Р", "T", "Т", "X", "Х")

// value returns the hostile value for a field whose valid value is valid,
// encoded as a JSON string for the request body.
func (p payload) value(valid string) string {
	v := strings.ReplaceAll(p.template, "{}", valid)
	if p.homoglyph {
		if h := cyrillic.Replace(v); h != v {
			v = h
		} else {
			v = "е" + v // a value with no letter to swap still gets a look-alike
		}
	}
	if p.pad > len(v) {
		v += strings.Repeat("A", p.pad-len(v))
	}
	switch {
	case p.jsonesc:
		return `"` + v + `"`
	case p.raw:
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(v); i++ {
			switch c := v[i]; {
			case c < 0x20 || c == '"' || c == '\\':
				fmt.Fprintf(&b, `\u%04x`, c)
			default:
				b.WriteByte(c) // bytes that are not UTF-8 go in as they are
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// outcome is what a hostile value in a field must produce.
type outcome int

const (
	// refused: a JSON-RPC error whose message names the field.
	refused outcome = iota + 1
	// verdict: an answer of valid/supported false whose reason names the
	// field (is_link_valid, is_port_supported).
	verdict
	// inert: the field never reaches a device (audit context, a
	// switch_info that is not needed, aggregation_mode): the call succeeds
	// and the device receives exactly what a clean repeat of the call sends.
	inert
	// gap: a known gap (docs/reliability.md): the value is accepted, or
	// reaches a device, where it should be refused. The test fails when
	// it is refused cleanly, so the entry goes with the fix.
	gap
)

// field is one identifier field of a method: its path in params, and what
// a hostile value there must produce.
type field struct {
	path  string  // dotted path in params; a number indexes a list
	want  outcome // for every entry of the corpus
	label string  // what a refusal or verdict must name ("" : the path's last element)
	// printable, when set, is the outcome for corpus entries flagged
	// printable (they pass the identifier rule): a link.switch_id Mercury
	// does not know falls back to switch_info, and update_port passes
	// lag_name through without using it.
	printable outcome
}

// method is one JSON-RPC method with valid params for a device and the
// identifier fields to attack.
type method struct {
	name   string
	params func(d *simulator.Device) map[string]any
	fields []field
}

// ctxFields are the Ironic context fields Mercury keeps for the audit
// record; they never reach a device.
var ctxFields = []field{
	{path: "context.user", want: inert}, {path: "context.project_id", want: inert},
	{path: "context.request_id", want: inert}, {path: "context.global_request_id", want: inert},
	{path: "context.user_identity", want: inert},
}

// ctxAll puts the hostile value in every context field at once, for the
// method that reaches a device (one call instead of five per entry).
var ctxAll = []field{{path: "context.*", want: inert}}

func ironicContext() map[string]any {
	return map[string]any{"user": "ironic", "project_id": "p-1", "request_id": "req-1", "global_request_id": "greq-1", "user_identity": "- - - - -", "auth_token": nil}
}

func link(d *simulator.Device, port int) map[string]any {
	return map[string]any{"switch_id": d.Name(), "port_id": d.Spec().Ports[port], "switch_info": d.Name()}
}

var linkFields = []field{
	{path: "link.switch_id", want: refused, label: "switch_id", printable: inert},
	{path: "link.port_id", want: refused, label: "port_id"},
	{path: "link.switch_info", want: inert},
}

// hostileMethods is every JSON-RPC method with the fields to attack.
// list_drivers, list_devices and get_switches take only the audit context.
// The context fields are read by one function for every method (package
// rpc keeps them for the audit record only), so they are attacked on the
// methods without device I/O and on update_port, which reaches a device; attacking them everywhere would only slow the test.
func hostileMethods() []method {
	return []method{
		{name: "update_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_id": d.MAC(), "port_name": d.Spec().Ports[0], "description": "node-1 port 0", "mode": "access",
				"native_vlan": 100, "allowed_vlans": nil, "default_vlan": nil, "lag_name": "bond-node-1", "context": ironicContext(), "rpc.version": "1.0"}
		}, fields: append([]field{{path: "switch_id", want: refused}, {path: "port_name", want: refused}, {path: "description", want: refused},
			{path: "mode", want: refused}, {path: "lag_name", want: refused}}, ctxAll...)},
		{name: "reset_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_id": d.MAC(), "port_name": d.Spec().Ports[1], "native_vlan": 100, "allowed_vlans": nil, "default_vlan": 10, "context": ironicContext()}
		}, fields: []field{{path: "switch_id", want: refused}, {path: "port_name", want: refused}}},
		{name: "update_lag", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_ids": []any{d.MAC()}, "lag_name": "bond-node-2", "description": "node-2 bond", "mode": "trunk",
				"native_vlan": 100, "aggregation_mode": "lacp", "allowed_vlans": []any{101, 102}, "default_vlan": nil, "context": ironicContext()}
		}, fields: []field{{path: "switch_ids.0", want: refused, label: "switch_id"}, {path: "lag_name", want: refused},
			{path: "description", want: refused}, {path: "mode", want: refused}, {path: "aggregation_mode", want: refused}}},
		{name: "delete_lag", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_ids": []any{d.MAC()}, "lag_name": "bond-node-2", "context": ironicContext()}
		}, fields: []field{{path: "switch_ids.0", want: refused, label: "switch_id"}, {path: "lag_name", want: refused}}},
		{name: "get_switches", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"context": ironicContext()}
		}, fields: ctxFields},
		{name: "get_allowed_network_types", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_id": d.MAC(), "context": ironicContext()}
		}, fields: append([]field{{path: "switch_id", want: refused}}, ctxFields...)},
		{name: "is_link_valid", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 0)}
		}, fields: []field{{path: "link.switch_id", want: verdict, label: "switch_id", printable: inert}, {path: "link.port_id", want: verdict, label: "port_id"},
			{path: "link.switch_info", want: inert}}},
		{name: "is_port_supported", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 0), "vnic_type": "baremetal"}
		}, fields: []field{{path: "link.switch_id", want: verdict, label: "switch_id", printable: inert}, {path: "link.port_id", want: verdict, label: "port_id"},
			{path: "link.switch_info", want: inert}, {path: "vnic_type", want: refused}}},
		{name: "attach_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 2), "network": map[string]any{"type": "vlan", "segmentation_id": 200, "name": "tenant-a"},
				"mode": "trunk", "native": false, "context": ironicContext()}
		}, fields: append(slicesClone(linkFields), field{path: "network.type", want: refused, label: "type"},
			field{path: "network.name", want: refused, label: "network.name"}, field{path: "mode", want: refused})},
		{name: "attach_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 3), "network": map[string]any{"type": "vlan", "segmentation_id": 200},
				"port_group": map[string]any{"name": "pg-node-3", "mode": "lacp", "links": []any{link(d, 4)}}, "context": ironicContext()}
		}, fields: []field{{path: "port_group.name", want: refused, label: "port_group.name"}, {path: "port_group.mode", want: refused, label: "port_group.mode"},
			{path: "port_group.links.0.switch_id", want: refused, label: "switch_id", printable: inert}, {path: "port_group.links.0.port_id", want: refused, label: "port_id"}}},
		{name: "detach_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 2), "network": map[string]any{"type": "vlan", "segmentation_id": 200}, "context": ironicContext()}
		}, fields: append(slicesClone(linkFields), field{path: "network.type", want: refused, label: "type"})},
		{name: "add_network", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_id": d.Name(), "network": map[string]any{"type": "vlan", "segmentation_id": 300, "name": "net-300"}, "context": ironicContext()}
		}, fields: []field{{path: "switch_id", want: refused}, {path: "network.type", want: refused, label: "type"},
			{path: "network.name", want: refused, label: "network.name"}}},
		{name: "delete_network", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"switch_id": d.Name(), "network": map[string]any{"type": "vlan", "segmentation_id": 300, "name": "net-300"}, "context": ironicContext()}
		}, fields: []field{{path: "switch_id", want: refused}, {path: "network.type", want: refused, label: "type"}}},
		{name: "verify_port", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"link": link(d, 0), "expect": map[string]any{"mode": "access", "native_vlan": 100}, "context": ironicContext()}
		}, fields: append(slicesClone(linkFields), field{path: "expect.mode", want: refused, label: "mode"})},
		{name: "list_devices", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"context": ironicContext()}
		}, fields: ctxFields},
		{name: "list_drivers", params: func(d *simulator.Device) map[string]any {
			return map[string]any{"context": ironicContext()}
		}, fields: ctxFields},
	}
}

// echoesLongValue lists the fields whose refusal quotes the whole value,
// so a 10 kB value gives a 10 kB error message and audit line (a known gap,
// in docs/reliability.md). The test fails when one of them stops doing so,
// so the entry is removed with the fix.
var echoesLongValue = map[string]bool{}

func slicesClone(f []field) []field { return append([]field(nil), f...) }

// marker stands for the hostile value in the encoded request until it is
// spliced in.
const marker = "\u0001HOSTILE\u0001"

// request encodes a JSON-RPC call of m with params, the field at path set
// to the hostile value (already JSON), and returns the field's valid value.
// A path ending in "*" sets every string field of that object.
func request(t *testing.T, m string, params map[string]any, path string, hostile func(valid string) string) ([]byte, string) {
	t.Helper()
	var valid string
	if path != "" {
		var cur any = params
		keys := strings.Split(path, ".")
		for i, k := range keys {
			last := i == len(keys)-1
			switch c := cur.(type) {
			case map[string]any:
				if last && k == "*" {
					for key, v := range c {
						if str, ok := v.(string); ok {
							valid = str
							c[key] = marker
						}
					}
				} else if last {
					valid, _ = c[k].(string)
					c[k] = marker
				} else {
					cur = c[k]
				}
			case []any:
				n, _ := strconv.Atoi(k)
				if last {
					valid, _ = c[n].(string)
					c[n] = marker
				} else {
					cur = c[n]
				}
			default:
				t.Fatalf("%s: no field %s in params", m, path)
			}
		}
		if valid == "" {
			t.Fatalf("%s: field %s has no valid string value in the clean params", m, path)
		}
	}
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": m, "params": params, "id": "req-hostile"})
	if err != nil {
		t.Fatal(err)
	}
	if path != "" {
		enc, _ := json.Marshal(marker)
		b = bytes.ReplaceAll(b, enc, []byte(hostile(valid)))
	}
	return b, valid
}

// states returns the configuration every simulated device holds.
func states(sim *simulator.Server) []any {
	var out []any
	for _, d := range sim.Devices() {
		out = append(out, d.State())
	}
	return out
}

// since returns the lines each device received after the counts in before,
// as "device mode: line".
func since(sim *simulator.Server, before []int) []string {
	var out []string
	for i, d := range sim.Devices() {
		cmds := d.Commands()
		for _, c := range cmds[before[i]:] {
			out = append(out, d.Name()+" "+c.Mode+": "+c.Line)
		}
	}
	return out
}

// counts returns how many lines each device has received.
func counts(sim *simulator.Server) []int {
	var out []int
	for _, d := range sim.Devices() {
		out = append(out, len(d.Commands()))
	}
	return out
}

// TestHostileInput sends every field of hostileMethods with every entry of
// testdata/hostile.txt to a real Mercury in front of simulated Arista EOS
// and Cisco NX-OS switches. Each call must be refused with a clear error
// naming the field (or, for the is_* questions, answered "no" with that
// reason; or, for fields that never reach a device, behave exactly as the
// clean call), and no device may receive a line or change state because of
// it. Before each method's attacks, the clean call must succeed, twice:
// the hostile runs are compared with the second (idempotent) one.
func TestHostileInput(t *testing.T) {
	corpus := loadCorpus(t)
	lab := newLab(t, fleet{{"arista-eos", "eos", 1}, {"cisco-nxos", "nxos", 1}}, "    idle_vlan: 10\n", rpcOptions())
	client := &http.Client{}
	defer client.CloseIdleConnections()
	total := 0
	gaps := map[string]int{}
	for _, devName := range []string{"eos-1", "nxos-1"} {
		dev := lab.device(t, devName)
		for _, m := range hostileMethods() {
			// The clean call, twice: it must work, and the second sends what
			// an idempotent repeat sends.
			var clean []string
			for i := 0; i < 2; i++ {
				before := counts(lab.sim)
				body, _ := request(t, m.name, m.params(dev), "", nil)
				r, err := post(client, lab.url, body)
				if err != nil {
					t.Fatal(err)
				}
				if r.Error != nil {
					t.Fatalf("%s %s: the clean call fails: %d %s\n%s", devName, m.name, r.Error.Code, r.Error.Message, body)
				}
				clean = since(lab.sim, before)
			}
			for _, f := range m.fields {
				if devName != "eos-1" && !strings.Contains(f.path, "port") {
					// On the second platform only the port fields, whose check
					// depends on the driver's port pattern; the others are the
					// service's, the same for every driver.
					continue
				}
				label := f.label
				if label == "" {
					label = f.path[strings.LastIndex(f.path, ".")+1:]
				}
				for _, p := range corpus {
					total++
					name := devName + "/" + m.name + "/" + f.path + "/" + p.name
					before := states(lab.sim)
					n := counts(lab.sim)
					body, _ := request(t, m.name, m.params(dev), f.path, p.value)
					r, err := post(client, lab.url, body)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					want := f.want
					if p.printable && f.printable != 0 {
						want = f.printable
					}
					if want == gap {
						lines := since(lab.sim, n)
						if r.Error != nil && len(lines) == 0 {
							t.Errorf("%s: now refused cleanly (%s): remove the gap from the field and from docs/reliability.md's known gaps", name, clip(r.Error.Message))
						}
						gaps[m.name+" "+f.path]++
						continue
					}
					check(t, name, want, label, p, r, clean, since(lab.sim, n), gaps)
					if want != inert {
						if after := states(lab.sim); !reflect.DeepEqual(before, after) {
							t.Errorf("%s: a device's state changed", name)
						}
					}
				}
			}
		}
	}
	for _, d := range lab.sim.Devices() {
		if len(d.Commands()) >= 9000 {
			t.Fatalf("%s's command log is near its cap; the line counts this test compares are no longer exact", d.Name())
		}
	}
	for label := range echoesLongValue {
		if gaps[label] == 0 {
			t.Errorf("a refused overlong %s is no longer echoed whole in the error: remove it from echoesLongValue and from docs/reliability.md's known gaps", label)
		}
	}
	for _, m := range hostileMethods() {
		for _, f := range m.fields {
			if f.printable == gap && gaps[m.name+" "+f.path] == 0 {
				t.Errorf("%s %s is marked a known gap but no printable corpus entry was sent to it", m.name, f.path)
			}
		}
	}
	t.Logf("%d hostile calls, %d corpus entries", total, len(corpus))
}

// check judges one hostile call's reply r and the device lines it caused.
func check(t *testing.T, name string, want outcome, label string, p payload, r reply, clean, lines []string, gaps map[string]int) {
	t.Helper()
	if r.Error != nil && r.Error.Code == -32700 {
		// A body that is not UTF-8 is not JSON-RPC at all: refused whole,
		// whatever the field.
		if !p.raw {
			t.Errorf("%s: refused as invalid JSON, but the body was valid JSON", name)
		}
		if len(lines) > 0 {
			t.Errorf("%s: refused, yet the devices received %q", name, lines)
		}
		return
	}
	if p.raw {
		t.Errorf("%s: a body that is not UTF-8 was accepted as JSON (reply %+v)", name, r)
		return
	}
	switch want {
	case refused:
		if r.Error == nil {
			t.Errorf("%s: accepted (%s); want an error naming %s", name, r.Result, label)
			break
		}
		msg := r.Error.Message
		// An unknown switch is Ironic's SwitchNotFound, "Switch X could
		// not be found ...".
		if !strings.Contains(msg, label) && !(label == "switch_id" && r.Error.Code == 404 && strings.HasPrefix(msg, "Switch ")) {
			t.Errorf("%s: the error does not name %s: %d %s", name, label, r.Error.Code, clip(msg))
		}
		if r.Error.Code != 400 && r.Error.Code != 404 {
			t.Errorf("%s: error code %d, want 400 (InvalidParameterValue) or 404: %s", name, r.Error.Code, clip(msg))
		}
		if len(msg) > 512 && p.pad > 0 && echoesLongValue[label] {
			gaps[label]++
		} else if len(msg) > 512 || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\n\r\x1b") {
			t.Errorf("%s: the error message is not a clear line (%d bytes): %q", name, len(msg), clip(msg))
		}
		if len(lines) > 0 {
			t.Errorf("%s: refused, yet the devices received %q", name, lines)
		}
	case verdict:
		if r.Error != nil {
			t.Errorf("%s: an error (%s); want an answer of false naming %s", name, r.Error.Message, label)
			break
		}
		var v struct {
			Valid, Supported *bool
			Reason           string
		}
		_ = json.Unmarshal(r.Result, &v)
		yes := (v.Valid != nil && *v.Valid) || (v.Supported != nil && *v.Supported)
		if yes || !strings.Contains(v.Reason, label) || len(v.Reason) > 512 {
			t.Errorf("%s: answered %s; want false with a reason naming %s", name, clip(string(r.Result)), label)
		}
		if len(lines) > 0 {
			t.Errorf("%s: the devices received %q", name, lines)
		}
	case inert:
		if r.Error != nil {
			t.Errorf("%s: refused (%s); this field never reaches a device and the clean call succeeds", name, clip(r.Error.Message))
			break
		}
		if strings.Contains(string(r.Result), `"changed":true`) {
			t.Errorf("%s: changed something, where the clean repeat changed nothing: %s", name, r.Result)
		}
		if !reflect.DeepEqual(lines, clean) {
			t.Errorf("%s: the devices received\n%q\nwhere a clean repeat sends\n%q", name, lines, clean)
		}
	}
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}
