// Package quickstart tests the README's quick start as a newcomer runs it:
// what `make run` runs, then every `build/mercury call` line the README
// shows, verbatim, through a shell.
package quickstart
