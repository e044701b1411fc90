package lock

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// helperEnv, when set to "dir device op", makes the test binary act as a
// second Mercury process for TestCrossProcess instead of running tests.
const helperEnv = "MERCURY_LOCK_TEST_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		os.Exit(helperProcess(spec))
	}
	goleak.VerifyTestMain(m)
}

// helperProcess takes one device's lock file, says "locked" on stdout,
// holds it until a line (or EOF) on stdin, then releases it and says
// "released".
func helperProcess(spec string) int {
	var dir, device, op string
	if _, err := fmt.Sscan(spec, &dir, &device, &op); err != nil {
		fmt.Fprintln(os.Stderr, "helper: bad spec:", err)
		return 2
	}
	h, err := New(Options{Dir: dir}).Lock(context.Background(), op, device)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: lock:", err)
		return 1
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	h.Release()
	fmt.Println("released")
	return 0
}
