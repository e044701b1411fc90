// Package cli is the generic engine of a simulated switch CLI: the line
// editor (echo, backspace, ^C, ^Z, CR/LF handling), prompt rendering from
// per-mode templates, the mode stack and its fall-back to parent modes, the
// "--More--" pager, "do" and "| include" handling, and a small grammar
// (keywords matched by unique prefix, alternatives, optional groups, typed
// parameters) that finds the command a line means or the token where it
// goes wrong, so each platform reports errors in its own words.
//
// A platform (package platform) is a Spec: data — prompts, error texts,
// interface naming, pager — and a table of Commands whose handlers read and
// change a state.Store. NewPlatform checks and compiles a Spec. A Session
// runs one shell or one exec request against an Env, the narrow view of the
// device it needs (hostname, store, faults, command log).
//
// It is not an SSH server (package simulator wires sessions to SSH
// channels) and it knows no vendor.
package cli
