// Package quickstart tests the README's quick start as a newcomer runs it,
// and docs/writing-a-driver.md as a driver author follows it:
// what `make run` runs, then every `build/mercury call` line the README
// shows, verbatim, through a shell.
package quickstart
