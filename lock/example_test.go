package lock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/openmercury/mercury/lock"
)

// A LAG across an MLAG pair locks both switches for the whole operation.
func ExampleLocker() {
	locks := lock.New(lock.Options{}) // Dir: "/run/mercury/locks" adds lock files
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	held, err := locks.Lock(ctx, "update_lag", "tor-2", "tor-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer held.Release()
	fmt.Println(held.Devices())
	for _, h := range locks.Holders() {
		fmt.Println(h.Device, "held by", h.Op)
	}
	// Output:
	// [tor-1 tor-2]
	// tor-1 held by update_lag
	// tor-2 held by update_lag
}
