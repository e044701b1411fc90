package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var callHelp = `Usage: mercury call [flags] METHOD [key=value ...]

Call one JSON-RPC method of a running Mercury and print the result: an
object as "key  value" rows; an array of objects (list_devices,
list_drivers) as a table with a column per key; an array of scalars
(get_allowed_network_types) one per line; nested values as compact JSON.
With --json, the JSON-RPC reply is printed as it came. Values are JSON when
they parse as JSON (100, null, [100,200], true) and strings otherwise.

  mercury call get_switches
  mercury call update_port switch_id=tor-1 port_name=swp1 description=null \
      mode=access native_vlan=100

Exit status: 0 on a result, 1 on an error reply or a failed call, 2 on a
usage error.

` + reaching(`mercury call --url https://mercury.example:8089/ --ca-file ca.pem \
      --cert operator.pem --key operator.key get_switches`) + `
Flags:`

func runCall(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, callHelp); fs.PrintDefaults() }
	c := clientFlags(fs)
	asJSON := fs.Bool("json", false, "print the raw JSON-RPC reply")
	timeout := fs.Duration("timeout", 120*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return 2
	}
	params := map[string]any{}
	for _, kv := range fs.Args()[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			fmt.Fprintf(stderr, "mercury call: %q is not key=value\n", kv)
			return 2
		}
		var val any
		if err := json.Unmarshal([]byte(v), &val); err != nil {
			val = v
		}
		params[k] = val
	}
	// Like Ironic's client, send a request context (the audit record keeps
	// its user) and the RPC version.
	if _, ok := params["context"]; !ok {
		params["context"] = map[string]any{"user": "mercury-call:" + os.Getenv("USER"), "request_id": "req-mercury-call"}
	}
	params["rpc.version"] = "1.0"
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	raw, reply, err := c.call(ctx, fs.Arg(0), params)
	if err != nil {
		fmt.Fprintf(stderr, "mercury call: %v\n", err)
		if errors.As(err, new(usageError)) {
			return 2
		}
		return 1
	}
	if *asJSON {
		fmt.Fprintln(stdout, strings.TrimSpace(string(raw)))
	}
	if reply.Error != nil {
		if !*asJSON {
			fmt.Fprintf(stderr, "error %d: %s\n", reply.Error.Code, reply.Error.Message)
		}
		return 1
	}
	if !*asJSON {
		printTable(stdout, reply.Result)
	}
	return 0
}

// printTable prints a result for a person: an object as "key  value"
// rows (keys sorted); an array of objects as a table with a column per key
// (in the order the keys first appear) and a row per object; an array of
// scalars one per line; anything else as its JSON. Nested values are
// compact JSON; an empty object or array is "(empty)".
func printTable(w io.Writer, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		fmt.Fprintln(w, "null")
	case raw[0] == '{':
		printObject(w, raw)
	case raw[0] == '[':
		printArray(w, raw)
	default:
		fmt.Fprintln(w, compact(raw))
	}
}

// printObject prints an object as "key  value" rows, one level deep.
func printObject(w io.Writer, raw json.RawMessage) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		fmt.Fprintln(w, string(raw))
		return
	}
	keys := make([]string, 0, len(obj))
	width := 0
	for k := range obj {
		keys = append(keys, k)
		width = max(width, len(k))
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		fmt.Fprintln(w, "(empty)")
	}
	for _, k := range keys {
		fmt.Fprintf(w, "%-*s  %s\n", width, k, compact(obj[k]))
	}
}

// printArray prints an array of objects as a table, an array of scalars
// one per line, and a mixed array one item (as JSON) per line.
func printArray(w io.Writer, raw json.RawMessage) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		fmt.Fprintln(w, string(raw))
		return
	}
	if len(items) == 0 {
		fmt.Fprintln(w, "(empty)")
		return
	}
	objects, scalars := 0, 0
	for _, it := range items {
		switch it[0] {
		case '{':
			objects++
		case '[':
		default:
			scalars++
		}
	}
	switch {
	case objects == len(items):
		printRows(w, items)
	case scalars == len(items):
		for _, it := range items {
			fmt.Fprintln(w, cell(it))
		}
	default:
		for _, it := range items {
			fmt.Fprintln(w, compact(it))
		}
	}
}

// printRows prints objects as a table: a header of the keys, upper-cased,
// in the order they first appear, then a row per object. A key an object
// lacks is an empty cell.
func printRows(w io.Writer, items []json.RawMessage) {
	var cols []string
	seen := map[string]bool{}
	rows := make([]map[string]string, len(items))
	for i, it := range items {
		keys, vals, err := orderedObject(it)
		if err != nil {
			fmt.Fprintln(w, compact(it))
			continue
		}
		rows[i] = map[string]string{}
		for j, k := range keys {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
			rows[i][k] = cell(vals[j])
		}
	}
	width := make([]int, len(cols))
	for j, c := range cols {
		width[j] = len(c)
		for _, r := range rows {
			width[j] = max(width[j], utf8.RuneCountInString(r[c]))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for j, s := range cells {
			if j > 0 {
				b.WriteString("  ")
			}
			b.WriteString(s)
			if j < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[j]-utf8.RuneCountInString(s)))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	header := make([]string, len(cols))
	for j, c := range cols {
		header[j] = strings.ToUpper(c)
	}
	line(header)
	for _, r := range rows {
		if r == nil {
			continue
		}
		cells := make([]string, len(cols))
		for j, c := range cols {
			cells[j] = r[c]
		}
		line(cells)
	}
}

// orderedObject decodes an object's keys, in order, and their values.
func orderedObject(raw json.RawMessage) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, fmt.Errorf("not an object")
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, t.(string))
		vals = append(vals, v)
	}
	return keys, vals, nil
}

// cell is a value as a table shows it: a string without its quotes (when
// it holds no control character), anything else as compact JSON.
func cell(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil && !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return compact(raw)
}

// compact is raw JSON without insignificant space.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
