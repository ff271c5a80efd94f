// Command terraform-provider-securescore serves the securescore provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	// Terraform throws provider logs away unless a TF_LOG* variable asks for
	// them, yet terraform-plugin-log formats every TRACE line the framework
	// writes: without such a variable, write warnings and errors only.
	if !logsRequested() {
		for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SECURESCORE"} {
			_ = os.Setenv(name, "WARN")
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/securescore/securescore",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

func logsRequested() bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH") {
			return true
		}
	}
	return false
}
