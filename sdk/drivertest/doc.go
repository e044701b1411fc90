// Package drivertest tests Mercury drivers: the conformance kit, simulated
// devices over real SSH, and scripted fake devices.
//
// The conformance kit (RunKit, Kit, and `mercury driver test`) runs a fixed
// list of scenarios — attach, repeat, move, trunk, hybrid, reset, VLANs,
// LAGs, VXLAN, read_port, device errors (a missing port, a refused
// configuration line), refused input, dry runs, save and each fault a
// device can show — against a compiled driver in the real
// runtime and a fresh simulated switch of its OS (package simulator),
// judging each step by the switch's state, never by the driver's word. A
// scenario needing an operation the driver lacks is skipped with the
// reason, never counted as passed.
//
// SimCaller and RunSimSteps run a driver's Go code natively against a
// simulated switch, through an ssh.Pool as the service uses it; NativeHost
// and PoolDialer are the parts, for other devices.
//
// A Device is a scripted fake device: the exact commands a driver must send,
// in order, each with the output the device gives (a Script, written inline
// or read from a .script file of recorded device output). It serves two
// paths: natively, through Host, and through the real runtime, with Run;
// either way the test ends by checking that the driver sent exactly the
// scripted commands and no others.
package drivertest
