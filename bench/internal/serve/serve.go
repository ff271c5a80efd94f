// Package serve runs the benchmark's provider programs (bench/floor,
// bench/naive, bench/profiled) as Terraform starts a provider, and profiles
// them when the benchmark asks.
package serve

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// ProfileDirEnv names the directory where each provider process writes the
// CPU profile of its whole life (cpu-<pid>.pprof) and what it allocated
// (heap-<pid>.pprof), for `go tool pprof`; unset, nothing is profiled.
const ProfileDirEnv = "SECURESCORE_BENCH_PPROF_DIR"

// Serve serves the server newServer builds under the release provider's
// address, until Terraform stops the process, with the release's default
// log levels.
func Serve(newServer func() (tfprotov6.ProviderServer, error)) {
	quietUnlessAsked()
	stop := startProfile(os.Getenv(ProfileDirEnv))
	err := tf6server.Serve("registry.terraform.io/securescore/securescore", func() tfprotov6.ProviderServer {
		s, err := newServer()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	})
	// Terraform stops its plugins gracefully, so Serve returns and the
	// profile is complete.
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietUnlessAsked is what the release's main.go does before it serves:
// without a TF_LOG* variable, warnings and errors only, so that a bench
// program and the release it is compared with log alike.
func quietUnlessAsked() {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH") {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SECURESCORE"} {
		_ = os.Setenv(name, "WARN")
	}
}

// startProfile starts the CPU profile into dir and returns what ends it and
// writes the allocation profile.
func startProfile(dir string) func() {
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return func() {}
	}
	return func() {
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
