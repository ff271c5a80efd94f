package main

import (
	"os"
	"runtime/debug"
)

// The garbage collector's settings of the provider process, unless the
// environment sets its own (GOGC, GOMEMLIMIT; GOGC=100 GOMEMLIMIT=off gives
// Go's defaults back). The README's performance section says why, and
// bench/RESULTS.md measures both with and without.
//
// Almost all a plan allocates is garbage when its RPC returns: the framework
// rebuilds schema maps and values for every attribute of every resource, about
// 1 MB a resource in a 300-action plan, while some 20 MB stay live. At Go's
// default GOGC=100 the collector runs each time the heap doubles from that
// small live set, 40 times in that plan; gcPercent lets the heap grow five-fold
// between collections instead. memoryLimit bounds what that may cost: a plan
// whose live data comes near it (5,000 subscriptions hold more) collects
// sooner, so the provider stays under 80 MB of RSS next to the other plugins
// Terraform runs. Both are soft: a plan that needs more memory still gets it.
const (
	gcPercent   = 400
	memoryLimit = 48 << 20
)

func init() { applyMemoryDefaults(os.LookupEnv, debug.SetGCPercent, debug.SetMemoryLimit) }

func applyMemoryDefaults(lookup func(string) (string, bool), setGCPercent func(int) int, setMemoryLimit func(int64) int64) {
	if _, set := lookup("GOGC"); !set {
		setGCPercent(gcPercent)
	}
	if _, set := lookup("GOMEMLIMIT"); !set {
		setMemoryLimit(memoryLimit)
	}
}
