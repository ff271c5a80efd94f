// Command profiled is the benchmark's profiling build: the release provider
// served as main.go serves it, writing CPU and allocation profiles to
// $SECURESCORE_BENCH_PPROF_DIR (bench/internal/serve).
package main

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

func main() {
	serve.Serve(providerserver.NewProtocol6WithError(provider.New("bench")()))
}
