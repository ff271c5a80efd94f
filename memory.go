package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the provider's soft memory limit: Terraform can run
// it next to many other plugins, and a plan over thousands of objects
// briefly holds several copies of them (config, state, wire format). With
// the default GOGC alone the heap may grow to twice what is live before the
// garbage collector runs; the limit makes it collect sooner instead, so the
// peak stays near what is live (bench/RESULTS.md measures it). It is soft:
// a plan that needs more still gets it. GOMEMLIMIT overrides it.
const defaultMemoryLimit = 48 << 20

func init() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
