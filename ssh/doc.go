// Package ssh is Mercury's SSH client: it reaches one device at a time for a
// driver call, over golang.org/x/crypto/ssh, and keeps what is expensive to
// build — the connection and, for CLI devices, the logged-in shell — for the
// next call to the same device.
//
// A Target says everything needed to reach one device (address, user,
// credentials already loaded, host-key policy, algorithms, shell prompts); a
// Pool opens Sessions on Targets:
//
//   - Exec sessions run one command per SSH channel on a connection shared by
//     the device's exec sessions; output is stdout and stderr combined.
//   - Interactive sessions drive a PTY shell: Send, SendSecret, ReadUntil a
//     pattern. Each shell has its own connection, since many vendor CLIs allow
//     one shell per connection. Closing the session sends the ShellSpec's
//     Reset lines and, if the base prompt comes back, keeps the logged-in
//     shell for the next Open; otherwise the shell and its connection close.
//
// The pool checks host keys against known_hosts (unknown or changed keys are
// refused), never retries a refused login, keeps connections alive with
// keepalive@openssh.com requests, closes them after an idle timeout, and lets
// at most Target.MaxSessions sessions per device run at once. Every error is
// a *fault.Error naming the device, with the kind a caller branches on
// (Unreachable, Auth, HostKey, Timeout, Busy, ...). Secrets (password, key,
// named secrets) never appear in logs, errors or returned output.
//
// It is not a driver API: it does not know any vendor CLI, does not parse
// output, and does not decide which device a driver may reach (hostfuncs and
// service do). It reads no configuration: inventory builds Targets, with
// LoadPassword and LoadSigner for the credential files.
package ssh
