// Command naive is the benchmark's naive baseline: the provider as a generic
// Graph client would read improvement actions, one GET of the action and one
// secure score request per resource, without the shared reads of the
// release. It is the release provider whose Configure hands its data
// sources and resources a client built with the profile cache off; no
// setting of the released provider reaches that option.
package main

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
	"github.com/securescore/terraform-provider-securescore/internal/client"
	release "github.com/securescore/terraform-provider-securescore/internal/provider"
)

func main() {
	serve.Serve(providerserver.NewProtocol6WithError(&naiveProvider{Provider: release.New("bench-naive")()}))
}

type naiveProvider struct{ provider.Provider }

// Configure lets the release provider configure itself, then rebuilds its
// client with the same endpoints and identity and the profile cache off.
// The benchmark authenticates with a client secret from ARM_CLIENT_SECRET.
func (p *naiveProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.Provider.Configure(ctx, req, resp)
	configured, ok := resp.ResourceData.(*client.Client)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	endpoints := configured.Endpoints
	naive, err := client.New(client.Config{
		Auth: client.AuthConfig{
			TenantID:           configured.HomeTenantID,
			ClientID:           configured.ClientID,
			ClientSecret:       os.Getenv("ARM_CLIENT_SECRET"),
			AuxiliaryTenantIDs: configured.AuxiliaryTenantIDs,
		},
		Cloud:               &endpoints,
		SubscriptionID:      configured.DefaultSubscriptionID,
		ProviderVersion:     "bench-naive",
		DisableProfileCache: true,
	})
	if err != nil {
		resp.Diagnostics.AddError("naive baseline: building its client", err.Error())
		return
	}
	resp.DataSourceData, resp.ResourceData = naive, naive
}
