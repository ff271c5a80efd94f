// Package providerdata is what the data sources and resources share: the
// configured API client they are handed, and (base.go) the type name,
// Configure, configuration loading, timeouts and, for data sources, Read.
package providerdata

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// Client returns the provider's client from Configure's ProviderData. It
// returns nil without a diagnostic while the provider is not configured yet
// (validation runs before Configure).
func Client(providerData any, diags *diag.Diagnostics) *client.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data type",
			fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return c
}

// Require adds the diagnostic for a data source or resource used without a
// client and reports whether the client is usable. Configure refuses
// settings that are unknown during plan with an error naming them, so
// Terraform stops before this is reached; it guards against a provider
// that was not configured at all.
func Require(c *client.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The securescore provider handed no API client to this data source or resource: its configuration step did not run. This is a bug in the provider; please report it.")
		return false
	}
	return true
}
