package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

var watchHelp = `Usage: mercury watch [flags]

Follow a running Mercury's operations live: every finished operation's audit
record (who, what, when, on which device and port, the result and how long it
took), one line each, through the watch subscription on the WebSocket
endpoint /ws. With --json, each record is printed as one JSON line, whole.
Stop with Ctrl-C. When this watcher reads too slowly Mercury drops records
rather than slow operations down, and a line says how many were lost.

  mercury watch
  mercury watch --json | jq .

` + reaching(`mercury watch --url https://mercury.example:8089/ --ca-file ca.pem \
      --cert operator.pem --key operator.key`) + `
Flags:`

func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, watchHelp); fs.PrintDefaults() }
	cl := clientFlags(fs)
	asJSON := fs.Bool("json", false, "print each record as a JSON line")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mercury watch: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	c, wsURL, err := cl.dial(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "mercury watch: %v\n", err)
		if errors.As(err, new(usageError)) {
			return 2
		}
		return 1
	}
	defer c.Close()
	go func() { <-ctx.Done(); c.Close() }()
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","method":"watch","id":"mercury-watch"}`)); err != nil {
		fmt.Fprintf(stderr, "mercury watch: %v\n", err)
		return 1
	}
	if err := awaitWatching(c); err != nil {
		fmt.Fprintf(stderr, "mercury watch: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "mercury watch: watching %s; stop with Ctrl-C\n", wsURL)
	if !*asJSON {
		fmt.Fprintf(stdout, "%-8s  %-16s  %-16s  %-12s  %-14s  %-11s  %8s\n", "TIME", "CALLER", "METHOD", "DEVICE", "PORT", "RESULT", "SECONDS")
	}
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return 0
			}
			fmt.Fprintf(stderr, "mercury watch: the connection ended: %v\n", err)
			return 1
		}
		var n struct {
			Method string `json:"method"`
			Params struct {
				Record json.RawMessage `json:"record"`
				Lost   int             `json:"lost"`
			} `json:"params"`
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(msg, &n) != nil {
			continue
		}
		if n.Error != nil {
			fmt.Fprintf(stderr, "mercury watch: %s\n", n.Error.Message)
			return 1
		}
		if n.Method != "watch.record" {
			continue
		}
		if n.Params.Lost > 0 {
			fmt.Fprintf(stderr, "mercury watch: %d records lost (this watcher fell behind)\n", n.Params.Lost)
		}
		if *asJSON {
			fmt.Fprintln(stdout, string(n.Params.Record))
			continue
		}
		var r struct {
			Time     time.Time `json:"time"`
			Caller   string    `json:"caller"`
			Method   string    `json:"method"`
			Device   string    `json:"device"`
			Port     string    `json:"port"`
			Result   string    `json:"result"`
			Changed  bool      `json:"changed"`
			Duration float64   `json:"duration_seconds"`
		}
		json.Unmarshal(n.Params.Record, &r)
		result := r.Result
		if result == "ok" && r.Changed {
			result = "ok changed"
		}
		fmt.Fprintf(stdout, "%-8s  %-16s  %-16s  %-12s  %-14s  %-11s  %8.3f\n", r.Time.Local().Format("15:04:05"),
			clipCol(r.Caller, 16), clipCol(r.Method, 16), clipCol(r.Device, 12), clipCol(r.Port, 14), result, r.Duration)
	}
}

// awaitWatching reads up to the reply to the watch request: from then
// on, every finished operation is sent.
func awaitWatching(c *websocket.Conn) error {
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("the connection ended before watch answered: %v", err)
		}
		var r struct {
			ID     string `json:"id"`
			Result *struct {
				Watching bool `json:"watching"`
			} `json:"result"`
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(msg, &r) != nil || r.ID != "mercury-watch" {
			continue
		}
		if r.Error != nil {
			return fmt.Errorf("watch refused: %s", r.Error.Message)
		}
		if r.Result == nil || !r.Result.Watching {
			return fmt.Errorf("watch answered %s", msg)
		}
		return nil
	}
}

// clipCol shortens s to n characters for a table column.
func clipCol(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
