// Package apidoc runs every example of docs/api.md's "Mercury methods"
// section, in order, against a real Mercury — the rpc server, the service,
// the arista-eos driver in the runtime — in front of a simulated EOS
// switch, and checks that each reply is the one the document shows.
//
// One field is volatile: a driver's "sha256" changes with every build of
// the driver. The test checks that each one a reply gives is the sha256 of
// the driver file the lab loaded, then compares the reply with the value
// replaced by the placeholder "<sha256 of arista-eos.wasm>", which is what
// the document shows.
//
//	go test ./test/apidoc -update   rewrites the document's replies
package apidoc
