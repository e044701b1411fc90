// Package hostfuncs is the host module "mercury" that Mercury's wasm drivers
// import: the only way a driver reaches outside its sandbox.
//
// One file per capability, in specification order (docs/abi.md):
// buffers.go (input_read, output_write, result_read), log.go (log),
// device.go (device_setting), session.go (session_open, session_exec,
// session_send, session_send_secret, session_read_until, session_close) and
// clock.go (sleep_ms).
//
// The module is instantiated once per wazero runtime. The state of one
// driver operation — its device, input, output, result buffer and open
// session handles — is a *Call carried in the context passed to the guest's
// export; WithCall attaches it. A host function called with no Call in its
// context (during _initialize, say) fails with ErrnoDenied.
//
// Host functions depend on narrow interfaces (Settings, Dialer, Session) so
// tests can swap fakes in; the ssh package provides the real sessions. This
// package does not choose which device a call names, enforce policy or pool
// instances: the service and runtime packages do.
package hostfuncs
