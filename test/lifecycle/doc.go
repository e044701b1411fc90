// Package lifecycle tests `mercury serve` as a process under load: SIGTERM
// while calls are in flight (they finish and are answered; nothing
// acknowledged is lost; new calls are refused; the process exits 0) and
// SIGHUP with a valid and an invalid configuration while calls run (the
// valid one is picked up; with the invalid one the old set keeps serving,
// and the log and a metric say so). The devices are simulated EOS switches
// in this test process, slowed down so that calls overlap the signals.
package lifecycle
