//go:build !wasip1

package main

import "github.com/openmercury/mercury/fault"

func kindName(err error) string { return fault.KindOf(err).String() }
