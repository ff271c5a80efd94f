// Command terraform-provider-securescore serves the securescore provider to Terraform.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// afterServe runs when Terraform has stopped the provider. Only the
// benchmark's profiling build sets it (profile_bench.go).
var afterServe = func() {}

// wrapServer wraps the provider's gRPC server. Only the benchmark's floor
// build sets it (floor_bench.go).
var wrapServer = func(s tfprotov6.ProviderServer) tfprotov6.ProviderServer { return s }

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// provider.NewServer is the framework's server with the provider's own
	// data source reads (internal/provider/data_source_read.go).
	newServer := provider.NewServer(version)
	err := tf6server.Serve("registry.terraform.io/securescore/securescore", func() tfprotov6.ProviderServer {
		s, err := newServer()
		if err != nil {
			log.Fatal(err.Error())
		}
		return wrapServer(s)
	}, opts...)
	afterServe()
	if err != nil {
		log.Fatal(err.Error())
	}
}
