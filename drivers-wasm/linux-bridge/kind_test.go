//go:build !wasip1

// The tests run natively: they build the driver for wasip1 and run it in
// the runtime, which does not itself build for wasip1.

package main

import "github.com/openmercury/mercury/fault"

func kindName(err error) string { return fault.KindOf(err).String() }
