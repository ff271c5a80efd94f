// Command naive is the benchmark's naive baseline: a provider of its own
// that manages improvement actions as a generic Graph client would, every
// resource sending its own requests (one GET of the action and one of the
// newest secure score for a read) where the release shares one list and
// one score among all the resources of a process. It keeps the release's
// contract (the same schema, plan-time checks and checks before a write),
// so the comparison is of the request pattern only. It reuses the release
// provider's configuration, client and mapping; only the improvement
// action resource is its own.
package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
	release "github.com/securescore/terraform-provider-securescore/internal/provider"
)

func main() {
	serve.Serve(providerserver.NewProtocol6WithError(&naiveProvider{Provider: release.New("bench-naive")()}))
}

// naiveProvider is the release provider's configuration (schema, Configure)
// with the naive improvement action as its only resource.
type naiveProvider struct{ provider.Provider }

func (p *naiveProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newAction}
}
