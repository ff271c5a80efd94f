package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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
// Terraform runs. A fixed limit would make the collector run without pause
// once the live data outgrows it (a data source of 60,000 recommendations
// holds hundreds of MB): after each collection the limit follows the live
// heap, never below memoryLimit and never under half as much again as what is
// live, so a large plan collects as often as GOGC=50 would, not constantly.
// Both settings are soft: a plan that needs more memory still gets it.
const (
	gcPercent   = 400
	memoryLimit = 48 << 20
)

func init() {
	applyMemoryDefaults(os.LookupEnv, debug.SetGCPercent, func(limit int64) {
		debug.SetMemoryLimit(limit)
		afterEachGC(func() { debug.SetMemoryLimit(limitFor(liveHeap())) })
	})
}

func applyMemoryDefaults(lookup func(string) (string, bool), setGCPercent func(int) int, setMemoryLimit func(int64)) {
	if _, set := lookup("GOGC"); !set {
		setGCPercent(gcPercent)
	}
	if _, set := lookup("GOMEMLIMIT"); !set {
		setMemoryLimit(memoryLimit)
	}
}

// limitFor is the soft limit for a live heap of live bytes.
func limitFor(live uint64) int64 {
	return max(memoryLimit, int64(live+live/2))
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
