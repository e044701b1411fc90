// Package testpki makes throwaway certificate authorities and the
// certificates they issue, for tests of TLS and mutual TLS: ECDSA P-256
// keys, valid from an hour ago to an hour from now, PEM-encoded.
package testpki
