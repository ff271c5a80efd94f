package main

import (
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// The defaults apply only where the environment sets nothing; after a
// collection that finds more than 24 MiB live the process runs with Go's
// defaults (GOGC=100, no limit), and back under it.
func TestApplyMemoryDefaults(t *testing.T) {
	const off = math.MaxInt64 >> 20
	for _, tc := range []struct {
		env                  map[string]string
		wantPercent, wantMiB [5]int64 // at start, then after collections finding 20, 30, 50 and 10 MiB live; -1: left alone
	}{
		{map[string]string{}, [5]int64{400, 400, 100, 100, 400}, [5]int64{48, 48, off, off, 48}},
		{map[string]string{"GOGC": "100"}, [5]int64{-1, -1, -1, -1, -1}, [5]int64{48, 48, off, off, 48}},
		{map[string]string{"GOMEMLIMIT": "off"}, [5]int64{400, 400, 100, 100, 400}, [5]int64{-1, -1, -1, -1, -1}},
		{map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}, [5]int64{-1, -1, -1, -1, -1}, [5]int64{-1, -1, -1, -1, -1}},
		{map[string]string{"GOMEMLIMIT": ""}, [5]int64{400, 400, 100, 100, 400}, [5]int64{-1, -1, -1, -1, -1}}, // set, even empty: Go's runtime reads it
	} {
		percent, limit := int64(-1), int64(-1)
		var hook func()
		var live uint64
		applyMemoryDefaults(func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok },
			func(p int) int { percent = int64(p); return 100 },
			func(l int64) int64 { limit = l >> 20; return 0 },
			func(f func()) { hook = f },
			func() uint64 { return live })
		for i, l := range []uint64{0, 20 << 20, 30 << 20, 50 << 20, 10 << 20} {
			if i > 0 && hook != nil { // no hook when the environment sets both
				live = l
				hook()
			}
			if percent != tc.wantPercent[i] || limit != tc.wantMiB[i] {
				t.Errorf("%v, %d MiB live: GOGC %d, limit %d MiB; want %d, %d", tc.env, l>>20, percent, limit, tc.wantPercent[i], tc.wantMiB[i])
			}
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
