// Package lock serialises the operations Mercury runs against one device.
//
// Each device has its own FIFO queue inside the process: operations on one
// device run one at a time in strict arrival order, operations on different
// devices run in parallel. An operation that spans devices (a DPU and its
// switch uplink, a LAG across an MLAG pair) names them all in one Lock call;
// the Locker takes them in sorted order, so two such operations can never
// wait for each other in a cycle, and holds them all until Release.
//
// When Options.Dir is set, every device lock is backed by a lock file,
// <Dir>/<device>.lock, held with flock(2), so two Mercury processes on one
// host never configure the same device at once. The file is taken after the
// in-process lock, so a process makes at most one attempt per device at a
// time; it holds the holder's pid, operation and start time for diagnostics.
// Lock files are never deleted: deleting one while another process waits on
// it would let two processes hold "the same" lock.
//
// A waiter gives up when its context ends, with a fault.Timeout error that
// says how long it waited and behind what: the operation holding the device
// in this process, or the pid and operation of another process holding the
// lock file.
//
// What it is not: a lock across hosts. Service code depends on Interface, the
// seam for a later etcd-backed implementation that keeps several Mercury
// hosts apart (high availability); that implementation does not exist yet.
// It is also not a reader/writer lock, and it does not know which devices
// exist: callers validate names against the inventory first.
package lock
