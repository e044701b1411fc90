// Command hostile is a test driver that misbehaves on request: set_port's
// port name selects the misbehaviour. Port "ok" behaves: it runs one
// command on an exec session and returns its output as the description.
package main

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/openmercury/mercury/sdk"
)

var sink [][]byte

func setPort(h sdk.Host, r sdk.SetPortRequest) (sdk.Result, error) {
	switch r.Port {
	case "ok":
		h.Log(slog.LevelInfo, "running echo")
		s, err := h.Open(sdk.SessionExec)
		if err != nil {
			return sdk.Result{}, err
		}
		defer s.Close()
		out, _, err := s.Exec("echo " + r.Config.Description)
		if err != nil {
			return sdk.Result{}, err
		}
		v, _ := h.Setting("idle_vlan")
		return sdk.Result{Changed: true, Commands: []string{strings.TrimSpace(out), v}}, nil
	case "loop":
		for i := 0; ; i++ {
			if i < 0 {
				break
			}
		}
	case "bomb":
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "panic":
		panic("deliberate panic in set_port")
	case "goroutine-panic":
		done := make(chan struct{})
		go func() { panic("deliberate panic in a goroutine") }()
		<-done
	case "deadlock":
		var mu sync.Mutex
		mu.Lock()
		mu.Lock()
	case "bigoutput":
		return sdk.Result{Commands: []string{strings.Repeat("x", 2<<20)}}, nil
	case "othersession":
		return sdk.Result{}, openOther(h)
	case "sleep":
		return sdk.Result{}, h.Sleep(time.Hour)
	case "guestsleep":
		time.Sleep(time.Hour)
	}
	return sdk.Result{}, sdk.Invalid("unknown behaviour %q", r.Port)
}

func init() {
	sdk.Handle(&sdk.Driver{
		Info: sdk.Description{
			Name: "hostile", Version: "0.0.1", Session: "exec", PortPattern: "[a-z-]+",
		},
		SetPort: setPort,
	})
}

func main() {}
