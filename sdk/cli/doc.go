// Package cli is the CLI-session helper for drivers of switches configured
// through an interactive command line (Arista EOS, Cisco IOS and NX-OS,
// Dell OS10 and the like).
//
// A driver describes its OS as data: a Platform (prompts, how to gain
// privilege, paging, configuration mode, commit and save steps, the lines
// that mean an error) and a Switch (command templates for each change, and
// a parser for the OS's running configuration). Switch.Driver turns that
// table into an *sdk.Driver whose operations are idempotent: each reads
// the device first and sends nothing when it already matches.
//
// Session is the lower layer, for drivers that need more than templates:
// it opens a pooled shell, gains privilege with the device's enable secret
// (which the driver never sees), runs show commands and sends
// configuration blocks, checking every line's output against the
// platform's error patterns and leaving configuration mode on any error.
package cli
