package inventory

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// obj reads one mapping of the raw configuration tree (as koanf returns
// it) and reports every problem with the key's full path. Each getter marks
// its key as known, so finish can reject the keys nobody asked for.
type obj struct {
	key   string // path shown to the operator: "server.tls", "devices.tor-1"
	alias string // path origins and suppressions are recorded under: "devices[0]"
	m     map[string]any
	known map[string]bool
	r     *report
}

// newObj wraps v, which must be a mapping or absent (nil).
func newObj(r *report, key, alias string, v any) *obj {
	o := &obj{key: key, alias: alias, known: map[string]bool{}, r: r}
	switch m := v.(type) {
	case nil:
	case map[string]any:
		o.m = m
	default:
		r.add(Error, key, alias, show(v), "must be a mapping of keys to values", "write it as `key: value` lines indented under "+lastElem(key))
	}
	return o
}

func lastElem(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

func (o *obj) paths(k string) (key, alias string) {
	if o.key == "" {
		return k, k
	}
	return o.key + "." + k, o.alias + "." + k
}

// fail reports an error about key k holding v.
func (o *obj) fail(k string, v any, msg, fix string) {
	key, alias := o.paths(k)
	o.r.add(Error, key, alias, show(v), msg, fix)
}

// warn reports a warning about key k holding v.
func (o *obj) warn(k string, v any, msg, fix string) {
	key, alias := o.paths(k)
	o.r.add(Warning, key, alias, show(v), msg, fix)
}

// take returns the value of k, and false when k is absent or null.
func (o *obj) take(k string) (any, bool) {
	o.known[k] = true
	v, ok := o.m[k]
	return v, ok && v != nil
}

// has reports whether k is written with a value (not absent, not null).
func (o *obj) has(k string) bool {
	o.known[k] = true
	return o.m[k] != nil
}

// str reads a string. Integers are accepted and written in decimal (YAML
// reads `username: 1234` as a number); anything else is reported.
func (o *obj) str(k string) (string, bool) {
	v, ok := o.take(k)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, uint64:
		return fmt.Sprint(x), true
	}
	o.fail(k, v, "must be a string", "quote the value")
	return "", false
}

// integer reads a whole number in [lo, hi]. Strings of digits are accepted
// (environment overrides are strings).
func (o *obj) integer(k string, lo, hi int, fix string) (int, bool) {
	v, ok := o.take(k)
	if !ok {
		return 0, false
	}
	n, ok := toInt(v)
	if !ok {
		o.fail(k, v, "must be a whole number", fix)
		return 0, false
	}
	if n < lo || n > hi {
		o.fail(k, v, fmt.Sprintf("is out of range %d-%d", lo, hi), fix)
		return 0, false
	}
	return n, true
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return int(x), true
		}
	case uint64:
		if x <= math.MaxInt32 {
			return int(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= math.MaxInt32 {
			return int(x), true
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
			return n, true
		}
	}
	return 0, false
}

// boolean reads true or false (or the strings "true"/"false" from the
// environment).
func (o *obj) boolean(k string) (bool, bool) {
	v, ok := o.take(k)
	if !ok {
		return false, false
	}
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	o.fail(k, v, "must be true or false", "write true or false")
	return false, false
}

// duration reads a Go duration string such as "60s" or "1m30s".
func (o *obj) duration(k string) (time.Duration, bool) {
	v, ok := o.take(k)
	if !ok {
		return 0, false
	}
	if s, isStr := v.(string); isStr {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err == nil {
			return d, true
		}
	}
	fix := "write a number with a unit, such as 60s or 1m30s"
	if n, isNum := toInt(v); isNum {
		fix = fmt.Sprintf("write %ds for %d seconds", n, n)
	}
	o.fail(k, v, "is not a duration", fix)
	return 0, false
}

// strList reads a list of strings, or one comma-separated string (the form
// an environment override takes). Bad items are reported and left out.
func (o *obj) strList(k string) ([]string, bool) {
	items, ok := o.strItems(k)
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.s
	}
	return out, ok
}

// item is a list element with its index in the list as written.
type item struct {
	i int
	s string
}

// strItems is strList keeping each item's index, for messages about items.
func (o *obj) strItems(k string) ([]item, bool) {
	v, ok := o.take(k)
	if !ok {
		return nil, false
	}
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case string:
		for s := range strings.SplitSeq(x, ",") {
			items = append(items, strings.TrimSpace(s))
		}
	default:
		o.fail(k, v, "must be a list", "write a YAML list: [a, b]")
		return nil, false
	}
	out := make([]item, 0, len(items))
	for i, it := range items {
		ik := fmt.Sprintf("%s[%d]", k, i)
		switch x := it.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				o.fail(ik, it, "is empty", "remove the empty item")
				continue
			}
			out = append(out, item{i, x})
		case int, int64, uint64:
			out = append(out, item{i, fmt.Sprint(x)})
		default:
			o.fail(ik, it, "must be a string", "quote the value")
		}
	}
	return out, true
}

// vlans reads a VLAN set: a number, a string such as "100-200,300", or a
// list of numbers and such strings. An explicitly empty set is reported:
// it would silently forbid or allow everything.
func (o *obj) vlans(k string) (VLANSet, bool) {
	v, ok := o.take(k)
	if !ok {
		return VLANSet{}, false
	}
	const fix = `write VLAN ids 1-4094 and ranges, as a list [100, "200-300"] or a string "100-200,300"`
	var parts []string
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			switch y := it.(type) {
			case string:
				parts = append(parts, y)
			default:
				n, isInt := toInt(y)
				if !isInt {
					o.fail(k, v, fmt.Sprintf("item %s is not a VLAN id or range", show(it)), fix)
					return VLANSet{}, false
				}
				parts = append(parts, strconv.Itoa(n))
			}
		}
	case string:
		parts = []string{x}
	default:
		n, isInt := toInt(x)
		if !isInt {
			o.fail(k, v, "is not a VLAN list", fix)
			return VLANSet{}, false
		}
		parts = []string{strconv.Itoa(n)}
	}
	set, err := ParseVLANSet(strings.Join(parts, ","))
	if err != nil {
		o.fail(k, v, err.Error(), fix)
		return VLANSet{}, false
	}
	if set.IsEmpty() {
		o.fail(k, v, "is empty", "remove the key to use the default, or list at least one VLAN")
		return VLANSet{}, false
	}
	return set, true
}

// child returns the mapping under k (empty when absent).
func (o *obj) child(k string) *obj {
	v, _ := o.take(k)
	key, alias := o.paths(k)
	return newObj(o.r, key, alias, v)
}

// list reads a YAML list.
func (o *obj) list(k string) ([]any, bool) {
	v, ok := o.take(k)
	if !ok {
		return nil, false
	}
	l, isList := v.([]any)
	if !isList {
		o.fail(k, v, "must be a list", "write a YAML list, one `- ` item per entry")
		return nil, false
	}
	return l, true
}

// finish reports every key of the mapping that no getter asked for, with
// the nearest known key as a suggestion. Values are not shown: a mistyped
// key may hold a secret.
func (o *obj) finish() {
	var unknown []string
	for k := range o.m {
		if !o.known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	known := make([]string, 0, len(o.known))
	for k := range o.known {
		known = append(known, k)
	}
	sort.Strings(known)
	for _, k := range unknown {
		key, alias := o.paths(k)
		msg, fix := "unknown key", "remove it (keys here: "+strings.Join(known, ", ")+")"
		if s := nearest(k, known); s != "" {
			fix = "did you mean " + s + "?"
		}
		if looksSecret(k) {
			msg = "unknown key; Mercury never reads a credential from the configuration itself"
			fix = "write the secret to a file only Mercury's user can read (chmod 600 FILE) and set password_file, key_file or enable_secret_file"
		}
		o.r.add(Error, key, alias, "", msg, fix)
	}
}

func looksSecret(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"password", "passwd", "secret", "passphrase", "token"} {
		if strings.Contains(k, w) && !strings.HasSuffix(k, "_file") {
			return true
		}
	}
	return false
}

// nearest returns the known key closest to k by edit distance, if close
// enough to be a typo.
func nearest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := editDistance(strings.ToLower(k), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] || (a[i-1] == '-' && b[j-1] == '_') {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// show renders a raw value for a message: strings quoted, lists in
// brackets, mappings by their keys.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = show(it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		return "{" + strings.Join(keys, ", ") + "}"
	}
	return fmt.Sprint(v)
}
