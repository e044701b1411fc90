// Package conformance runs the driver conformance kit (sdk/drivertest) on
// every in-tree driver that has a simulated platform: the compiled driver
// in the real runtime, against the simulator of its OS over real SSH.
package conformance
