//go:build !wasip1

package main

func openOther(_ any) error { return nil }
