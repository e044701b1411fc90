// Package testenv holds the rules every real-peer test follows: a test that
// needs root or a system command skips with a clear message on a developer's
// machine, and fails under CI=true, where a skip would hide a missing install
// step.
package testenv
