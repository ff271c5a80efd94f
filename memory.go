package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The garbage collector's settings of the provider process, unless the
// environment sets its own (GOGC, GOMEMLIMIT; GOGC=100 GOMEMLIMIT=off gives
// Go's defaults back). The README's performance section says why, and
// bench/RESULTS.md measures them against Go's defaults.
//
// Almost all a plan allocates is garbage when its RPC returns: the framework
// rebuilds schema maps and values for every attribute of every resource, about
// 1 MB a resource in a 300-action plan, while some 20 MB stay live. At Go's
// default GOGC=100 the collector runs each time the heap doubles from that
// small live set, 40 times in that plan; gcPercent lets the heap grow five-fold
// between collections instead, and the soft memory limit bounds what that may
// cost, so the provider stays under 80 MB of RSS next to the other plugins
// Terraform runs.
//
// Those settings pay only while the live heap is small. Once a collection
// finds more than half of memoryLimit live (the recommendations of 1,000
// subscriptions hold 140 MB; before the provider wrote data source states
// itself, 5,000 subscriptions' scores and days of history held 30 MB), the
// limit leaves less room for garbage than Go's default would and the
// collector runs almost without pause: with a limit that followed the live
// heap at 1.5 times, the bench measured 1.5 s more CPU and 2.4 s more plan
// time at 5,000 subscriptions to save 31 MB, and 7 s of GC in a 16 s plan of
// 6,000 recommendations. So from such a collection on, the process runs
// with Go's defaults (GOGC=100, no limit), and back when the live heap
// shrinks again; at the boundary both give the same heap goal, twice the
// live heap.
const (
	gcPercent   = 400
	memoryLimit = 48 << 20
	largeHeap   = memoryLimit / 2
)

func init() {
	applyMemoryDefaults(os.LookupEnv, debug.SetGCPercent, debug.SetMemoryLimit, func(f func()) { afterEachGC(f) }, liveHeap)
}

// applyMemoryDefaults sets what the environment leaves unset and, after
// each collection, switches between the tuned settings and Go's defaults
// by the live heap.
func applyMemoryDefaults(lookup func(string) (string, bool), setGCPercent func(int) int, setMemoryLimit func(int64) int64,
	afterGC func(func()), live func() uint64) {
	_, ownGC := lookup("GOGC")
	_, ownLimit := lookup("GOMEMLIMIT")
	if ownGC && ownLimit {
		return
	}
	var percent atomic.Int64
	apply := func(live uint64) {
		p, limit := settingsFor(live)
		if !ownGC && percent.Swap(int64(p)) != int64(p) {
			setGCPercent(p)
		}
		if !ownLimit {
			setMemoryLimit(limit)
		}
	}
	apply(0)
	afterGC(func() { apply(live()) })
}

// settingsFor is GOGC and the soft limit for a live heap of live bytes.
func settingsFor(live uint64) (int, int64) {
	if live > largeHeap {
		return 100, math.MaxInt64 // Go's defaults
	}
	return gcPercent, memoryLimit
}

// liveHeap is the heap the last collection marked live.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// afterEachGC runs f after every garbage collection, from the finalizer of
// an object that each collection finds unreachable (the runtime has no hook
// of its own).
func afterEachGC(f func()) {
	sentinel := &struct{ _ *int }{}
	runtime.SetFinalizer(sentinel, func(any) {
		f()
		afterEachGC(f)
	})
}
