//go:build securescore_bench_pprof

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// The benchmark's profiling build (`go run ./bench -cpuprofile DIR` builds
// it with -tags securescore_bench_pprof): every provider process writes the
// CPU profile of its whole life (cpu-<pid>.pprof) and what it allocated
// (heap-<pid>.pprof) to $SECURESCORE_BENCH_PPROF_DIR, for `go tool pprof`. Terraform stops its plugins gracefully, so Serve returns
// and the profile is complete. A release build has none of this.
func init() {
	dir := os.Getenv("SECURESCORE_BENCH_PPROF_DIR")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return
	}
	afterServe = func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		// What the process allocated over its life (go tool pprof
		// -sample_index=alloc_space), for the garbage collector's share.
		if heap, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
	}
}
