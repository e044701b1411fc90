// Package reliability holds Mercury's reliability tests: a real Mercury
// (the rpc server on a loopback listener, the service, the compiled
// drivers in the runtime, the SSH pool) in front of simulated switches of
// several platforms, judged by what the simulators received and hold.
//
//   - TestHostileInput sends every identifier field of every JSON-RPC
//     method with every entry of testdata/hostile.txt (newlines, control
//     bytes, shell metacharacters, overlong, non-UTF-8, Unicode
//     look-alikes) and checks each gets a clear error, or the answer a
//     clean value would get, and that no command reaches a device.
//   - TestLoad runs concurrent clients over HTTP and WebSocket with mixed
//     methods on several devices and checks every port ends in the state
//     of its last acknowledged intent in audit order, that no error
//     appears the simulators did not inject, and that goroutines and file
//     descriptors return to their level before the run. -long runs the
//     long size (64 clients x 1000 calls) instead of the CI size (8 x 200).
//   - TestFaultsUnderLoad gives some devices faults (refused and hung
//     connections, rejected authentication, a locked configuration, a
//     refused line, a dropped connection, slow output, a failing save)
//     while clients load the others, and checks each faulty device's error,
//     that a failed call changes nothing, that the healthy devices keep
//     going, and that a client hanging up mid-call does not cut a change
//     off.
//   - TestShutdownUnderLoad sends SIGTERM to a real `mercury serve` under
//     load and checks that it drains, exits 0 in bounded time and loses
//     nothing it acknowledged.
//
// docs/reliability.md lists each guarantee with the test that proves it.
//
// It is not a benchmark: nothing here asserts a speed (see bench/).
package reliability
