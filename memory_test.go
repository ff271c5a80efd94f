package main

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// The defaults apply only where the environment sets nothing.
func TestApplyMemoryDefaults(t *testing.T) {
	for _, tc := range []struct {
		env                  map[string]string
		wantPercent, wantMiB int64 // -1: left alone
	}{
		{map[string]string{}, 400, 48},
		{map[string]string{"GOGC": "100"}, -1, 48},
		{map[string]string{"GOMEMLIMIT": "off"}, 400, -1},
		{map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}, -1, -1},
		{map[string]string{"GOMEMLIMIT": ""}, 400, -1}, // set, even empty: Go's runtime reads it
	} {
		percent, limit := int64(-1), int64(-1)
		applyMemoryDefaults(func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok },
			func(p int) int { percent = int64(p); return 100 },
			func(l int64) { limit = l >> 20 })
		if percent != tc.wantPercent || limit != tc.wantMiB {
			t.Errorf("%v: GOGC %d, limit %d MiB; want %d, %d", tc.env, percent, limit, tc.wantPercent, tc.wantMiB)
		}
	}
}

// The limit never falls under 48 MiB, nor under 1.5 times the live heap.
func TestLimitFor(t *testing.T) {
	for live, want := range map[uint64]int64{
		0:         48 << 20,
		20 << 20:  48 << 20, // a 300-action plan
		32 << 20:  48 << 20,
		40 << 20:  60 << 20,
		600 << 20: 900 << 20, // 60,000 recommendations
	} {
		if got := limitFor(live); got != want {
			t.Errorf("live %d MiB: limit %d MiB, want %d", live>>20, got>>20, want>>20)
		}
	}
}

// The hook runs after every collection, not once.
func TestAfterEachGC(t *testing.T) {
	var runs atomic.Int32
	afterEachGC(func() { runs.Add(1) })
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() < 3 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := runs.Load(); n < 3 {
		t.Fatalf("the hook ran %d times after several collections, want one per collection", n)
	}
}
