package topo

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/openmercury/mercury/fault"
)

// proc is a daemon the lab started as its child. It gets SIGKILL if the
// test process dies first (a test binary killed by its timeout runs no
// cleanups), so no daemon outlives the test that made it.
type proc struct {
	name    string
	logFile string
	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has been waited for
}

// start runs argv (inside ns when ns is not nil) with env added to the
// environment and its output appended to logFile, and records it so Close
// stops it.
func (l *Lab) start(ns *Netns, logFile string, env []string, argv ...string) (*proc, error) {
	if ns != nil {
		argv = append([]string{"ip", "netns", "exec", ns.name}, argv...)
	}
	f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "log for %s", argv[0])
	}
	defer f.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	p := &proc{name: strings.Join(argv, " "), logFile: logFile, cmd: cmd, done: make(chan struct{})}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.halted {
		return nil, fault.New(fault.Invalid, "lab %s is closed", l.prefix)
	}
	if err := cmd.Start(); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "start %s", p.name)
	}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	l.procs = append(l.procs, p)
	return p, nil
}

// stopProcs stops every process the lab started and refuses to start
// more, leaving the rest of the lab for Close.
func (l *Lab) stopProcs() {
	l.mu.Lock()
	l.halted = true
	procs := append([]*proc(nil), l.procs...)
	l.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop()
	}
}

// pid is the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, then after stopGrace SIGKILL to the process group
// the process leads (start made it a group of its own: the UML kernel's
// helper processes are in it), and waits for the exit.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(stopGrace):
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
	<-p.done
}

// waitFor polls cond every 20ms until it holds, the process exits, or
// timeout passes.
func (p *proc) waitFor(what string, timeout time.Duration, cond func() bool) *fault.Error {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return nil
		}
		if p.exited() {
			return fault.New(fault.Unreachable, "%s exited before %s; log %s:\n%s", p.name, what, p.logFile, tail(p.logFile, 20))
		}
		if time.Now().After(deadline) {
			return fault.New(fault.Timeout, "%s: no %s after %v; log %s:\n%s", p.name, what, timeout, p.logFile, tail(p.logFile, 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logTails returns the last lines of every daemon's log, for a failed test.
func (l *Lab) logTails() string {
	l.mu.Lock()
	procs := append([]*proc(nil), l.procs...)
	l.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "topo: lab %s daemon logs:\n", l.prefix)
	seen := map[string]bool{}
	for _, p := range procs {
		if seen[p.logFile] {
			continue
		}
		seen[p.logFile] = true
		fmt.Fprintf(&b, "--- %s (%s)\n%s\n", p.logFile, p.name, tail(p.logFile, 30))
	}
	return b.String()
}
