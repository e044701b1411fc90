// Package testsshd runs a real OpenSSH server (/usr/sbin/sshd) for one test
// and tears it down when the test ends.
//
// Start generates an ed25519 host key and a client key in the test's temp
// directory, writes a private sshd_config with absolute paths, starts sshd in
// the foreground as a child process (optionally inside a network namespace),
// waits until it listens, and kills it and every process it started by PID
// in t.Cleanup. The returned Server says how to reach it: address, user,
// password, client key file and a known_hosts file that trusts its host key.
//
// The login is the local user "mercury" (password "Merc-test-pw1", shell
// bash), created on first use, idempotently and under a lock in /run since
// tests in several packages run at once. Its ~/.inputrc turns bracketed paste
// off, so a PTY shell shows plain prompts; its ~/.bashrc is the distribution's
// own, so an interactive shell's prompt is "mercury@HOST:DIR$ " (match it with
// `\$ $`, or send PS1='...' to set a known one). A sudoers drop-in lets the
// user run bridge, ip, ovs-vsctl, ovs-ofctl and ovs-appctl as root without a
// password, and /usr/bin/true only with the password (sudo asks every time),
// which tests of typed secrets use.
//
// It is for tests only: it needs root and sshd, and skips (or fails under
// CI=true) without them. It is not a simulator of any switch CLI; see
// package simulator for that.
package testsshd
