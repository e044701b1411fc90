package lock

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/openmercury/mercury/fault"
)

func TestLockFileRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run", "locks") // missing: Lock creates it
	l := New(Options{Dir: dir})
	before := time.Now()
	h, err := l.Lock(context.Background(), `update_port "x"`, "tor-1", "dpu-1")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("lock directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	for _, dev := range []string{"dpu-1", "tor-1"} {
		path := filepath.Join(dir, dev+".lock")
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, %v; want mode 0600", path, fi.Mode(), err)
		}
		b, _ := os.ReadFile(path)
		r, ok := parseRecord(b)
		if !ok || r.pid != os.Getpid() || r.op != `update_port "x"` || r.since.Before(before.Add(-time.Second)) {
			t.Fatalf("%s holds %q, parsed %+v", path, b, r)
		}
	}
	h.Release()
	for _, dev := range []string{"dpu-1", "tor-1"} {
		path := filepath.Join(dir, dev+".lock")
		fi, err := os.Stat(path)
		if err != nil || fi.Size() != 0 {
			t.Fatalf("after Release %s: %v; want an empty file that stays", path, err)
		}
	}
}

// TestLockFileBetweenLockers uses two Lockers on one directory, which see
// only each other's lock files, as two processes would.
func TestLockFileBetweenLockers(t *testing.T) {
	dir := t.TempDir()
	l1, l2 := New(Options{Dir: dir}), New(Options{Dir: dir})
	h1, err := l1.Lock(context.Background(), "update_port", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	_, err = l2.Lock(ctx, "reset_port", "tor-1")
	if took := time.Since(start); took > timeout+slack {
		t.Errorf("Lock returned %v after its deadline", took-timeout)
	}
	checkFileTimeout(t, err, dir, "tor-1", os.Getpid(), "update_port")
	if hs := l2.Holders(); len(hs) != 0 {
		t.Fatalf("the waiter kept its in-process lock: %+v", hs)
	}

	done := make(chan error)
	go func() {
		h, err := l2.Lock(context.Background(), "reset_port", "tor-1")
		if err == nil {
			h.Release()
		}
		done <- err
	}()
	waitingForFile(t, l2, "tor-1")
	h1.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestLockFileReplaced removes a lock file while one Locker holds it and
// another waits on it: the waiter must end up holding the file at the path,
// not the orphan it waited on.
func TestLockFileReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tor-1.lock")
	l1, l2, l3 := New(Options{Dir: dir}), New(Options{Dir: dir}), New(Options{Dir: dir})
	h1, err := l1.Lock(context.Background(), "first", "tor-1")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Held)
	go func() {
		h, err := l2.Lock(context.Background(), "second", "tor-1")
		if err != nil {
			t.Error(err)
		}
		got <- h
	}()
	waitingForFile(t, l2, "tor-1")
	time.Sleep(50 * time.Millisecond) // let it open the file it will wait on
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	h1.Release()
	h2 := <-got
	if h2 == nil {
		return
	}
	defer h2.Release()
	b, err := os.ReadFile(path)
	if r, ok := parseRecord(b); err != nil || !ok || r.op != "second" {
		t.Fatalf("%s after the waiter took it: %q, %v", path, b, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if h3, err := l3.Lock(ctx, "third", "tor-1"); err == nil {
		h3.Release()
		t.Fatal("a third Locker took tor-1 while the second held it")
	}
}

func TestLockFileRefused(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir, path string) // makes path something unusable
		want    string
	}{
		{
			name: "symlink",
			prepare: func(t *testing.T, dir, path string) {
				target := filepath.Join(dir, "precious")
				if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, path); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					if b, _ := os.ReadFile(target); string(b) != "keep me" {
						t.Errorf("the symlink's target was changed to %q", b)
					}
				})
			},
			want: "is a symbolic link; remove it",
		},
		{
			name: "named pipe",
			prepare: func(t *testing.T, dir, path string) {
				if err := unix.Mkfifo(path, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: "is a named pipe, not a regular file; remove it",
		},
		{
			name: "directory",
			prepare: func(t *testing.T, dir, path string) {
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			},
			want: "open lock file",
		},
		{
			name: "lock directory is a file",
			prepare: func(t *testing.T, dir, path string) {
				if err := os.Remove(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dir, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: "open lock file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "locks")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			tt.prepare(t, dir, filepath.Join(dir, "tor-1.lock"))
			l := New(Options{Dir: dir})
			h, err := l.Lock(context.Background(), "update_port", "tor-1")
			if err == nil {
				h.Release()
				t.Fatal("Lock succeeded")
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Internal || fe.Device != "tor-1" || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want an Internal error for tor-1 containing %q", err, tt.want)
			}
			if hs := l.Holders(); len(hs) != 0 {
				t.Fatalf("in-process lock kept after the file failed: %+v", hs)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	since := time.Date(2026, 1, 2, 15, 4, 5, 123456789, time.UTC)
	for _, op := range []string{"update_port", `a "quoted" op`, "two\nlines", "ünïcode", ""} {
		in := record{pid: 4242, op: op, since: since}
		out, ok := parseRecord(in.marshal())
		if !ok || out.pid != in.pid || out.op != in.op || !out.since.Equal(in.since) {
			t.Errorf("round trip of %+v gave %+v, %v", in, out, ok)
		}
	}
	for _, bad := range []string{"", "pid\n", "pid abc\nop \"x\"\n", "pid -3\n", "garbage", "op \"x\"\nsince 2026-01-02T15:04:05Z\n"} {
		if r, ok := parseRecord([]byte(bad)); ok {
			t.Errorf("parseRecord(%q) = %+v, ok", bad, r)
		}
	}
	tests := []struct {
		h    holderRecord
		want *regexp.Regexp
	}{
		{holderRecord{}, regexp.MustCompile(`^lock file /l/x\.lock held by another process \(no holder record\)$`)},
		{holderRecord{record{pid: 7}, true}, regexp.MustCompile(`^held by pid 7 through lock file /l/x\.lock$`)},
		{holderRecord{record{pid: 7, op: "update_port", since: time.Now().Add(-3 * time.Second)}, true},
			regexp.MustCompile(`^held by pid 7 \(update_port\) for \d+\.\ds through lock file /l/x\.lock$`)},
	}
	for _, tt := range tests {
		if got := tt.h.describe("/l/x.lock"); !tt.want.MatchString(got) {
			t.Errorf("describe(%+v) = %q, want %s", tt.h, got, tt.want)
		}
	}
}

// helper is a second Mercury process (this test binary, re-executed) that
// holds one device's lock file.
type helper struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
	waited bool
}

func startHelper(t *testing.T, dir, device, op string) *helper {
	t.Helper()
	h := &helper{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	h.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %s", helperEnv, dir, device, op))
	h.cmd.Stderr = &h.stderr
	var err error
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.stdout = bufio.NewReader(out)
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !h.waited {
			h.cmd.Process.Kill()
			h.cmd.Wait()
		}
	})
	h.expect(t, "locked")
	return h
}

func (h *helper) expect(t *testing.T, line string) {
	t.Helper()
	got, err := h.stdout.ReadString('\n')
	if strings.TrimSpace(got) != line {
		t.Fatalf("helper process said %q (%v), want %q; stderr: %s", got, err, line, h.stderr.String())
	}
}

func (h *helper) wait(t *testing.T) {
	t.Helper()
	err := h.cmd.Wait()
	h.waited = true
	if err != nil {
		t.Fatalf("helper process: %v; stderr: %s", err, h.stderr.String())
	}
}

func TestCrossProcess(t *testing.T) {
	dir := t.TempDir()
	child := startHelper(t, dir, "tor-1", "helper_op")
	pid := child.cmd.Process.Pid

	b, err := os.ReadFile(filepath.Join(dir, "tor-1.lock"))
	if r, ok := parseRecord(b); err != nil || !ok || r.pid != pid || r.op != "helper_op" {
		t.Fatalf("lock file written by pid %d holds %q (%v)", pid, b, err)
	}

	l := New(Options{Dir: dir})
	// Another device is not blocked by the child.
	if h, err := l.Lock(context.Background(), "other", "tor-2"); err != nil {
		t.Fatalf("tor-2: %v", err)
	} else {
		h.Release()
	}

	// A waiter that runs out of time says who holds the device.
	const timeout = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	_, err = l.Lock(ctx, "update_port", "tor-1")
	if took := time.Since(start); took > timeout+slack {
		t.Errorf("Lock returned %v after its deadline", took-timeout)
	}
	checkFileTimeout(t, err, dir, "tor-1", pid, "helper_op")

	// A patient waiter gets the device once the child lets go.
	type result struct {
		h   *Held
		err error
	}
	done := make(chan result, 1)
	go func() {
		h, err := l.Lock(context.Background(), "update_port", "tor-1")
		done <- result{h, err}
	}()
	waitingForFile(t, l, "tor-1")
	const heldFor = 100 * time.Millisecond
	time.Sleep(heldFor)
	select {
	case r := <-done:
		t.Fatalf("Lock returned while another process held the lock file: %v", r.err)
	default:
	}
	fmt.Fprintln(child.stdin, "release")
	child.expect(t, "released")
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.h.Waited() < heldFor {
		t.Errorf("Waited() = %v, but it waited at least %v", r.h.Waited(), heldFor)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "tor-1.lock"))
	if rec, ok := parseRecord(b); !ok || rec.pid != os.Getpid() || rec.op != "update_port" {
		t.Errorf("lock file after taking it holds %q", b)
	}
	r.h.Release()
	child.wait(t)
}

// TestCrossProcessCrash checks that a holder that dies frees the lock file,
// and that its stale record is replaced.
func TestCrossProcessCrash(t *testing.T) {
	dir := t.TempDir()
	child := startHelper(t, dir, "tor-1", "helper_op")
	child.cmd.Process.Kill()
	child.cmd.Wait()
	child.waited = true

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := New(Options{Dir: dir}).Lock(ctx, "update_port", "tor-1")
	if err != nil {
		t.Fatalf("lock file of a killed process still held: %v", err)
	}
	defer h.Release()
	b, _ := os.ReadFile(filepath.Join(dir, "tor-1.lock"))
	if r, ok := parseRecord(b); !ok || r.pid != os.Getpid() || r.op != "update_port" || bytes.Count(b, []byte("pid")) != 1 {
		t.Fatalf("lock file holds %q, want only this process's record", b)
	}
}

// checkFileTimeout asserts err is the timeout of a waiter behind a lock file
// held by pid for op.
func checkFileTimeout(t *testing.T, err error, dir, device string, pid int, op string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Timeout || fe.Device != device {
		t.Fatalf("err = %v, want fault.Timeout for %s", err, device)
	}
	m := waitMsg.FindStringSubmatch(err.Error())
	want := fmt.Sprintf(`^held by pid %d \(%s\) for \d+\.\ds through lock file %s$`, pid, regexp.QuoteMeta(op), regexp.QuoteMeta(filepath.Join(dir, device+".lock")))
	if m == nil || m[1] != device || !regexp.MustCompile(want).MatchString(m[3]) {
		t.Fatalf("error text %q\nwant %s: waited N.Ns for the device lock, %s", err, device, want)
	}
}

// waitingForFile waits until l holds device in process but is still
// acquiring, i.e. waiting for its lock file.
func waitingForFile(t *testing.T, l *Locker, device string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, h := range l.Holders() {
			if h.Device == device && h.Acquiring {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s never waited for its lock file: %+v", device, l.Holders())
}
