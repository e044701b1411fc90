package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

const callHelp = `Usage: mercury call [flags] METHOD [key=value ...]

Call one JSON-RPC method of a running Mercury and print the result as a
table (or as JSON with --json). Values are JSON when they parse as JSON
(100, null, [100,200], true) and strings otherwise.

  mercury call get_switches
  mercury call update_port switch_id=tor-1 port_name=swp1 description=null \
      mode=access native_vlan=100

Exit status: 0 on a result, 1 on an error reply or a failed call.

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

// printTable prints an object as "key  value" rows, one level deep.
func printTable(w io.Writer, raw json.RawMessage) {
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
		fmt.Fprintf(w, "%-*s  %s\n", width, k, obj[k])
	}
}

// client calls a running Mercury's JSON-RPC endpoint over HTTP.
type client struct {
	url, user, passwordFile string
}

// clientFlags adds the flags that say how to reach Mercury (--url,
// --user, --password-file) to fs; the client holds their values once fs
// is parsed.
func clientFlags(fs *flag.FlagSet) *client {
	c := &client{}
	fs.StringVar(&c.url, "url", envOr("MERCURY_URL", "http://127.0.0.1:8089/"), "Mercury's JSON-RPC endpoint; $MERCURY_URL")
	fs.StringVar(&c.user, "user", "", "http_basic user name")
	fs.StringVar(&c.passwordFile, "password-file", "", "file holding the http_basic password")
	return c
}

// basicAuth returns the Authorization header value for --user, or "".
func (c *client) basicAuth() (string, error) {
	if c.user == "" {
		return "", nil
	}
	pw, err := os.ReadFile(c.passwordFile)
	if err != nil {
		return "", usageError{fmt.Errorf("--password-file: %v", err)}
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.user+":"+strings.TrimRight(string(pw), "\r\n"))), nil
}

// usageError is a client error caused by the command line (exit 2).
type usageError struct{ error }

// rpcReply is a JSON-RPC reply.
type rpcReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// call sends one request and returns the raw reply and its decoding. err
// is set when no JSON-RPC reply came back.
func (c *client) call(ctx context.Context, method string, params map[string]any) ([]byte, rpcReply, error) {
	var reply rpcReply
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params, "id": "mercury-" + method})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, reply, usageError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	auth, err := c.basicAuth()
	if err != nil {
		return nil, reply, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, reply, fmt.Errorf("%v (is mercury serve running at %s?)", err, c.url)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &reply); err != nil {
		return raw, reply, fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	return raw, reply, nil
}
