package abi

// Version is the ABI version a driver reports from ExportABIVersion. The host
// refuses drivers that report any other value.
const Version = 1

// HostModule is the only non-WASI module a driver may import from.
const HostModule = "mercury"

// WASIModule is the WASI module Go's wasip1 runtime imports from. The host
// provides it with no files, no arguments, no environment and no sockets:
// only a real clock, crypto-grade randomness and stdout/stderr into the
// operation's log.
const WASIModule = "wasi_snapshot_preview1"

// Guest exports.
const (
	ExportInitialize = "_initialize"         // () -> ()
	ExportABIVersion = "mercury_abi_version" // () -> i32
	ExportInvoke     = "mercury_invoke"      // (op_len i32, in_len i32) -> i32 status
	ExportMemory     = "memory"
)

// Host imports, module "mercury". Every function returns an Errno (i32).
const (
	FuncInputRead         = "input_read"          // (ptr, len) -> errno
	FuncOutputWrite       = "output_write"        // (ptr, len) -> errno
	FuncResultRead        = "result_read"         // (ptr, len, out_len_ptr) -> errno
	FuncLog               = "log"                 // (level, ptr, len) -> errno
	FuncDeviceSetting     = "device_setting"      // (key_ptr, key_len, out_len_ptr) -> errno
	FuncSessionOpen       = "session_open"        // (dev_ptr, dev_len, kind, out_handle_ptr) -> errno
	FuncSessionExec       = "session_exec"        // (h, cmd_ptr, cmd_len, timeout_ms, out_len_ptr, out_status_ptr) -> errno
	FuncSessionSend       = "session_send"        // (h, ptr, len) -> errno
	FuncSessionSendSecret = "session_send_secret" // (h, name_ptr, name_len) -> errno
	FuncSessionReadUntil  = "session_read_until"  // (h, pat_ptr, pat_len, timeout_ms, out_len_ptr) -> errno
	FuncSessionClose      = "session_close"       // (h) -> errno
	FuncSleepMS           = "sleep_ms"            // (ms) -> errno
)

// HostFuncs lists every host import in specification order.
var HostFuncs = []string{
	FuncInputRead, FuncOutputWrite, FuncResultRead, FuncLog, FuncDeviceSetting,
	FuncSessionOpen, FuncSessionExec, FuncSessionSend, FuncSessionSendSecret,
	FuncSessionReadUntil, FuncSessionClose, FuncSleepMS,
}

// Errno is the result of every host function.
type Errno = int32

// Error codes. On any code but ErrnoOK the host stores a message describing
// the failure in the result buffer, readable with result_read, and where the
// function has an out_len_ptr it writes the message's length there.
const (
	ErrnoOK       Errno = 0 // success
	ErrnoNotFound Errno = 1 // no such setting, handle, secret or device
	ErrnoDenied   Errno = 2 // not allowed: another device, a secret name not configured
	ErrnoIO       Errno = 3 // the device connection failed or broke
	ErrnoTimeout  Errno = 4 // the call's deadline or the function's timeout passed
	ErrnoInvalid  Errno = 5 // a bad argument: unknown kind, bad pattern, wrong length
	ErrnoTooBig   Errno = 6 // a size cap was exceeded
	ErrnoAuth     Errno = 7 // the device refused the credentials
	ErrnoBusy     Errno = 8 // no session available within the deadline
)

// Invoke status, the result of ExportInvoke.
const (
	StatusOK          int32 = 0 // the output buffer holds the operation's JSON response
	StatusError       int32 = 1 // the output buffer holds an ErrorReply
	StatusUnsupported int32 = 2 // the driver does not implement the operation
)

// Session kinds for session_open.
const (
	SessionExec        int32 = 0 // one command per channel (Linux devices, DPUs)
	SessionInteractive int32 = 1 // a PTY shell with prompts (vendor CLIs)
)

// Log levels for log, as log/slog levels.
const (
	LogDebug int32 = -4
	LogInfo  int32 = 0
	LogWarn  int32 = 4
	LogError int32 = 8
)

// Size caps. A host function that would exceed one returns ErrnoTooBig; the
// host fails an operation whose output exceeded MaxOutput.
const (
	MaxOpName     = 64        // bytes of an operation name
	MaxInput      = 1 << 20   // bytes of an operation's JSON input
	MaxOutput     = 1 << 20   // bytes of an operation's JSON output
	MaxResult     = 4 << 20   // bytes of one host result (command output, setting)
	MaxLog        = 16 << 10  // bytes of one log message
	MaxCommand    = 64 << 10  // bytes of one command or send
	MaxPattern    = 1 << 10   // bytes of a read_until pattern
	MaxSettingKey = 128       // bytes of a setting key or secret name
	MaxSessions   = 8         // sessions open at once in one instance
	MaxSleepMS    = 60 * 1000 // longest single sleep_ms
)
