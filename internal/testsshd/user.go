package testsshd

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Paths shared by every test process on the machine.
const (
	lockFile    = "/run/mercury-testsshd.lock"
	sudoersFile = "/etc/sudoers.d/mercury-test"
	privsepDir  = "/run/sshd"
)

// sudoers lets the test user change bridges and OVS without a password, and
// run /usr/bin/true only with its password, asked every time (timestamp 0),
// so tests can type a secret into a real prompt.
const sudoers = `# Written by Mercury's internal/testsshd for tests. Safe to delete.
Defaults:mercury timestamp_timeout=0
mercury ALL=(root) NOPASSWD: /usr/sbin/bridge, /usr/sbin/ip, /usr/bin/ovs-vsctl, /usr/bin/ovs-ofctl, /usr/bin/ovs-appctl
mercury ALL=(root) /usr/bin/true
`

const inputrc = "set enable-bracketed-paste off\n"

// ensureUser makes the machine ready for any Server: the privilege
// separation directory, the test user with its password and files, and the
// sudoers drop-in. It is idempotent and holds an flock on lockFile, since
// tests in several packages run at once.
func ensureUser(t testing.TB) {
	t.Helper()
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("testsshd: flock %s: %v", lockFile, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)

	u, err := user.Lookup(User)
	if err != nil {
		run(t, "useradd", "-m", "-s", "/bin/bash", User)
		if u, err = user.Lookup(User); err != nil {
			t.Fatalf("testsshd: user %s after useradd: %v", User, err)
		}
	}
	// The password is set once per boot (the marker lives in /run) or when
	// the user was just made; chpasswd rewrites /etc/shadow, so not every time.
	marker := filepath.Join(filepath.Dir(lockFile), "mercury-testsshd.user")
	if b, err := os.ReadFile(marker); err != nil || string(b) != u.Uid {
		cmd := exec.Command("chpasswd")
		cmd.Stdin = strings.NewReader(User + ":" + Password + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("testsshd: chpasswd: %v: %s", err, out)
		}
		if err := os.WriteFile(marker, []byte(u.Uid), 0o600); err != nil {
			t.Fatalf("testsshd: %v", err)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	writeIfDifferent(t, filepath.Join(u.HomeDir, ".inputrc"), inputrc, 0o644, uid, gid)
	if cur, err := os.ReadFile(sudoersFile); err != nil || string(cur) != sudoers {
		tmp := sudoersFile + ".tmp"
		writeIfDifferent(t, tmp, sudoers, 0o440, 0, 0)
		run(t, "visudo", "-cqf", tmp)
		if err := os.Rename(tmp, sudoersFile); err != nil {
			t.Fatalf("testsshd: %v", err)
		}
	}
}

func writeIfDifferent(t testing.TB, path, content string, mode os.FileMode, uid, gid int) {
	t.Helper()
	if cur, err := os.ReadFile(path); err == nil && string(cur) == content {
		return
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatalf("testsshd: %v", err)
	}
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("testsshd: %s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}
