//go:build wasip1

package sdk

import (
	"log/slog"
	"runtime"
	"time"
	"unsafe"

	"github.com/openmercury/mercury/abi"
)

// The host imports, module "mercury" (docs/abi.md). Lengths and handles are
// 32-bit; pointers are offsets into this module's linear memory.

//go:wasmimport mercury input_read
func hostInputRead(ptr unsafe.Pointer, n uint32) int32

//go:wasmimport mercury output_write
func hostOutputWrite(ptr unsafe.Pointer, n uint32) int32

//go:wasmimport mercury result_read
func hostResultRead(ptr unsafe.Pointer, n uint32, outLen unsafe.Pointer) int32

//go:wasmimport mercury log
func hostLog(level int32, ptr unsafe.Pointer, n uint32) int32

//go:wasmimport mercury device_setting
func hostDeviceSetting(kp unsafe.Pointer, kn uint32, outLen unsafe.Pointer) int32

//go:wasmimport mercury session_open
func hostSessionOpen(dp unsafe.Pointer, dn uint32, kind int32, outHandle unsafe.Pointer) int32

//go:wasmimport mercury session_exec
func hostSessionExec(h int32, cp unsafe.Pointer, cn uint32, timeoutMS int32, outLen, outStatus unsafe.Pointer) int32

//go:wasmimport mercury session_send
func hostSessionSend(h int32, p unsafe.Pointer, n uint32) int32

//go:wasmimport mercury session_send_secret
func hostSessionSendSecret(h int32, p unsafe.Pointer, n uint32) int32

//go:wasmimport mercury session_read_until
func hostSessionReadUntil(h int32, pp unsafe.Pointer, pn uint32, timeoutMS int32, outLen unsafe.Pointer) int32

//go:wasmimport mercury session_close
func hostSessionClose(h int32) int32

//go:wasmimport mercury sleep_ms
func hostSleepMS(ms int32) int32

//go:wasmexport mercury_abi_version
func exportABIVersion() int32 { return abi.Version }

//go:wasmexport mercury_invoke
func exportInvoke(opLen, inLen int32) int32 {
	buf := make([]byte, int(opLen)+int(inLen))
	if rc := hostInputRead(bytesPtr(buf), uint32(len(buf))); rc != abi.ErrnoOK {
		return abi.StatusError
	}
	op, in := string(buf[:opLen]), buf[opLen:]
	status, out := Dispatch(wasmHost{}, op, in)
	if rc := hostOutputWrite(bytesPtr(out), uint32(len(out))); rc != abi.ErrnoOK {
		_, small := errorOut(&Error{Kind: "driver", Message: "output rejected by the host: " + takeResult(0)})
		hostOutputWrite(bytesPtr(small), uint32(len(small)))
		return abi.StatusError
	}
	runtime.KeepAlive(out)
	return status
}

func bytesPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

func strPtr(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }

// takeResult reads the host's pending result buffer; n is its length when
// the host reported it, or 0 to probe.
func takeResult(n uint32) string {
	var total uint32
	if n == 0 {
		if hostResultRead(nil, 0, unsafe.Pointer(&total)) == abi.ErrnoOK {
			return ""
		}
		n = total
	}
	buf := make([]byte, n)
	if hostResultRead(bytesPtr(buf), n, unsafe.Pointer(&total)) != abi.ErrnoOK {
		return ""
	}
	return string(buf[:total])
}

// hostError turns a failed host call into an *Error with the host's message.
func hostError(rc int32, n uint32) *Error {
	return &Error{Kind: errnoKind(rc), Message: takeResult(n)}
}

func errnoKind(rc int32) string {
	switch rc {
	case abi.ErrnoNotFound:
		return "not_found"
	case abi.ErrnoDenied:
		return "denied"
	case abi.ErrnoIO:
		return "unreachable"
	case abi.ErrnoTimeout:
		return "timeout"
	case abi.ErrnoAuth:
		return "auth"
	case abi.ErrnoBusy:
		return "busy"
	default:
		return "driver"
	}
}

type wasmHost struct{}

func (wasmHost) Setting(key string) (string, bool) {
	var n uint32
	if hostDeviceSetting(strPtr(key), uint32(len(key)), unsafe.Pointer(&n)) != abi.ErrnoOK {
		takeResult(n)
		return "", false
	}
	return takeResult(n), true
}

func (wasmHost) Log(level slog.Level, msg string) {
	if len(msg) > abi.MaxLog {
		msg = msg[:abi.MaxLog]
	}
	hostLog(int32(level), strPtr(msg), uint32(len(msg)))
}

func (wasmHost) Open(kind SessionKind) (Session, error) {
	var h int32
	if rc := hostSessionOpen(nil, 0, int32(kind), unsafe.Pointer(&h)); rc != abi.ErrnoOK {
		return nil, hostError(rc, 0)
	}
	return wasmSession(h), nil
}

func (wasmHost) Sleep(d time.Duration) error {
	for d > 0 {
		step := min(d, abi.MaxSleepMS*time.Millisecond)
		if rc := hostSleepMS(int32(step / time.Millisecond)); rc != abi.ErrnoOK {
			return hostError(rc, 0)
		}
		d -= step
	}
	return nil
}

type wasmSession int32

func (s wasmSession) Exec(cmd string) (string, int, error) {
	var n uint32
	var status int32
	rc := hostSessionExec(int32(s), strPtr(cmd), uint32(len(cmd)), 0, unsafe.Pointer(&n), unsafe.Pointer(&status))
	if rc != abi.ErrnoOK {
		return "", -1, hostError(rc, n)
	}
	return takeResult(n), int(status), nil
}

func (s wasmSession) Send(text string) error {
	if rc := hostSessionSend(int32(s), strPtr(text), uint32(len(text))); rc != abi.ErrnoOK {
		return hostError(rc, 0)
	}
	return nil
}

func (s wasmSession) SendSecret(name string) error {
	if rc := hostSessionSendSecret(int32(s), strPtr(name), uint32(len(name))); rc != abi.ErrnoOK {
		return hostError(rc, 0)
	}
	return nil
}

func (s wasmSession) ReadUntil(pattern string, timeout time.Duration) (string, error) {
	var n uint32
	rc := hostSessionReadUntil(int32(s), strPtr(pattern), uint32(len(pattern)), int32(timeout/time.Millisecond), unsafe.Pointer(&n))
	if rc != abi.ErrnoOK {
		return "", hostError(rc, n)
	}
	return takeResult(n), nil
}

func (s wasmSession) Close() error {
	if rc := hostSessionClose(int32(s)); rc != abi.ErrnoOK {
		return hostError(rc, 0)
	}
	return nil
}
