package lock

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/openmercury/mercury/fault"
)

// Lock files keep processes on one host apart. A waiter polls flock(2) with
// LOCK_NB and a growing pause instead of blocking in the kernel: a blocked
// flock cannot be interrupted when ctx ends without leaving a goroutine and
// a descriptor behind, while a poll costs a few system calls a second and
// stops the moment ctx ends. The price is that processes are not served in
// arrival order among themselves (each process's queue still is FIFO).

// The pause between polls starts at minPoll and doubles up to maxPoll,
// which bounds how long a free lock file can go unnoticed.
const (
	minPoll = time.Millisecond
	maxPoll = 20 * time.Millisecond
)

// lockFile is a held lock file.
type lockFile struct {
	f *os.File
}

// unlock clears the holder record and releases the flock.
func (lf *lockFile) unlock() {
	_ = lf.f.Truncate(0)
	_ = unix.Flock(int(lf.f.Fd()), unix.LOCK_UN)
	_ = lf.f.Close()
}

// lockFile takes <dir>/<name>.lock for op, polling until ctx ends. The
// caller already holds name's in-process lock.
func (l *Locker) lockFile(ctx context.Context, op, name string, start time.Time) (*lockFile, error) {
	path := filepath.Join(l.dir, name+".lock")
	pause := minPoll
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		f, err := l.open(name, path)
		if err != nil {
			return nil, err
		}
		logged := false
		for {
			err := flock(f)
			if err == nil {
				break
			}
			if !errors.Is(err, unix.EWOULDBLOCK) {
				f.Close()
				return nil, fault.Wrap(fault.Internal, err, "flock %s", path).WithDevice(name)
			}
			if !logged {
				l.log.Debug("waiting for lock file held by another process", "device", name, "op", op, "path", path, "holder", readRecord(f).describe(path))
				logged = true
			}
			if timer == nil {
				timer = time.NewTimer(pause)
			} else {
				timer.Reset(pause)
			}
			select {
			case <-ctx.Done():
				behind := readRecord(f).describe(path)
				f.Close()
				return nil, timeout(ctx, name, time.Since(start), behind)
			case <-timer.C:
			}
			pause = min(2*pause, maxPoll)
		}
		// The lock is ours, but the path may have been removed or replaced
		// while we waited; then we hold a lock nobody else will look at.
		if same, err := samePath(f, path); err != nil || !same {
			f.Close()
			if err := ctx.Err(); err != nil {
				return nil, timeout(ctx, name, time.Since(start), "lock file "+path+" kept being replaced")
			}
			continue
		}
		rec := record{pid: os.Getpid(), op: op, since: time.Now()}.marshal()
		if _, err := f.WriteAt(rec, 0); err == nil {
			err = f.Truncate(int64(len(rec)))
		}
		if err != nil {
			// The record is only for diagnostics; the lock holds without it.
			l.log.Warn("cannot write holder record to lock file", "device", name, "path", path, "err", err)
		}
		return &lockFile{f: f}, nil
	}
}

// open opens (creating it, and the directory, if needed) a lock file, never
// following a symbolic link and refusing anything but a regular file.
func (l *Locker) open(name, path string) (*os.File, error) {
	const flags = os.O_RDWR | os.O_CREATE | syscall.O_NOFOLLOW
	f, err := os.OpenFile(path, flags, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(l.dir, 0o700); err != nil {
			return nil, fault.Wrap(fault.Internal, err, "create lock directory %s", l.dir).WithDevice(name)
		}
		f, err = os.OpenFile(path, flags, 0o600)
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, fault.New(fault.Internal, "lock file %s is a symbolic link; remove it", path).WithDevice(name)
	}
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "open lock file (the lock directory must be writable by Mercury)").WithDevice(name)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fault.Wrap(fault.Internal, err, "stat lock file %s", path).WithDevice(name)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fault.New(fault.Internal, "lock file %s is %s, not a regular file; remove it", path, fileKind(fi.Mode())).WithDevice(name)
	}
	return f, nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// flock tries once to take f exclusively.
func flock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			return err
		}
	}
}

// samePath reports whether path still names the open file f.
func samePath(f *os.File, path string) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}

// record is the holder information written into a held lock file:
//
//	pid 4242
//	op "update_port"
//	since 2026-01-02T15:04:05.999999999Z
type record struct {
	pid   int
	op    string
	since time.Time
}

func (r record) marshal() []byte {
	return fmt.Appendf(nil, "pid %d\nop %s\nsince %s\n", r.pid, strconv.Quote(r.op), r.since.UTC().Format(time.RFC3339Nano))
}

// parseRecord reads what marshal wrote; ok is false without a pid.
func parseRecord(b []byte) (r record, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "pid":
			if n, err := strconv.Atoi(val); err == nil && n > 0 {
				r.pid = n
			}
		case "op":
			if s, err := strconv.Unquote(val); err == nil {
				r.op = s
			}
		case "since":
			if t, err := time.Parse(time.RFC3339Nano, val); err == nil {
				r.since = t
			}
		}
	}
	return r, r.pid != 0
}

// holderRecord is what a waiter read from a lock file held by someone else.
type holderRecord struct {
	record
	ok bool
}

// readRecord reads the holder record of the lock file f; a record being
// rewritten may read as missing.
func readRecord(f *os.File) holderRecord {
	buf := make([]byte, 512)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return holderRecord{}
	}
	r, ok := parseRecord(buf[:n])
	return holderRecord{r, ok}
}

// describe says who holds the lock file at path, for a timeout error.
func (h holderRecord) describe(path string) string {
	if !h.ok {
		return "lock file " + path + " held by another process (no holder record)"
	}
	s := fmt.Sprintf("held by pid %d", h.pid)
	if h.op != "" {
		s += " (" + h.op + ")"
	}
	if !h.since.IsZero() {
		s += fmt.Sprintf(" for %.1fs", max(time.Since(h.since), 0).Seconds())
	}
	return s + " through lock file " + path
}
