// Package runtime runs Mercury's wasm drivers in wazero. Import it as
// mruntime where the standard library's runtime is also needed.
//
// An Engine loads every .wasm file of a drivers directory (or only those the
// inventory binds), validates each at load — exact export signatures, ABI
// version, imports only from the host module "mercury" and an allowed WASI
// subset, memory within the cap, a sane description, an optional sha256
// pin — and refuses a bad one with an error naming the driver and the fault.
// Compiled code is kept in wazero's file compilation cache.
//
// Every operation runs on a fresh instance, taken from a small pool that is
// instantiated and initialised off the request path, and closed when the
// operation ends: a guest's state never outlives one operation, and an
// instance that trapped is never reused (a trapped Go guest's runtime is
// corrupt). Each call runs under the caller's deadline, enforced inside the
// guest by WithCloseOnContextDone, and a linear-memory cap; traps, panics,
// deadlocks, timeouts and malformed replies become *fault.Error values of
// kind Driver or Timeout, and the engine keeps serving.
//
// LoadDir swaps the whole driver set atomically; operations already running
// finish on the driver they started with, which is released afterwards.
//
// This package knows nothing of devices, SSH or policy: a caller passes
// each operation's host-side state (hostfuncs.CallOptions).
package runtime
