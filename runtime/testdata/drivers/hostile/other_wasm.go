//go:build wasip1

package main

import "unsafe"

//go:wasmimport mercury session_open
func sessionOpen(dp unsafe.Pointer, dn uint32, kind int32, outHandle unsafe.Pointer) int32

// openOther asks the host for a session to a device this call did not name.
func openOther(_ any) error {
	dev := "some-other-switch"
	var h int32
	if rc := sessionOpen(unsafe.Pointer(unsafe.StringData(dev)), uint32(len(dev)), 0, unsafe.Pointer(&h)); rc != 0 {
		return errnoError(rc)
	}
	return nil
}

type errnoError int32

func (e errnoError) Error() string { return "session_open refused with errno " + string(rune('0'+e)) }
