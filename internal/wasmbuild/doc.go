// Package wasmbuild builds Go driver sources into .wasm modules for tests
// and benchmarks, once: each build is cached under build/test-drivers/ by a
// hash of the driver's sources and of the SDK and ABI packages it compiles
// against, and guarded by a file lock so parallel test packages share it.
//
// It also gives tests one shared wazero compile cache directory.
package wasmbuild
