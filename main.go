// Command terraform-provider-securescore serves the securescore provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// afterServe runs when Terraform has stopped the provider. Only the
// benchmark's profiling build sets it (profile_bench.go).
var afterServe = func() {}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/securescore/securescore",
		Debug:   debug,
	})
	afterServe()
	if err != nil {
		log.Fatal(err.Error())
	}
}
