// Package lifecycle tests `mercury serve` as a process under load: SIGTERM
// while calls are in flight (they finish and are answered; nothing
// acknowledged is lost; new calls are refused; the process exits 0);
// SIGHUP while calls run, none of which may fail: a valid configuration is
// picked up (a device added; a device's new password_file after its
// password changed on the switch), an invalid configuration and an invalid
// driver file are refused with the old set serving on, and the log and the
// reload metrics say so; and a save_config: deferred change, answered
// saved: false, saved exactly once at SIGTERM before the process exits.
// The devices are simulated EOS switches in this test process, slowed down
// so that calls overlap the signals.
package lifecycle
