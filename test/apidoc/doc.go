// Package apidoc runs the Mercury-method examples of docs/api.md, in
// order, against a real Mercury — the rpc server, the service, the
// arista-eos driver in the runtime — in front of a simulated EOS switch,
// and checks that each reply is the one the document shows.
//
//	go test ./test/apidoc -update   rewrites the document's replies
package apidoc
