// Package defender holds the Terraform data sources for Microsoft Defender
// for Cloud secure scores (Azure Resource Manager, Microsoft.Security
// 2020-01-01, and Azure Resource Graph).
package defender

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
)

// defaultReadTimeout bounds a read, retries included, unless `timeouts` says otherwise.
const defaultReadTimeout = 5 * time.Minute

// DataSources lists this package's data sources for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewScoreDataSource,
	}
}

// resolveSubscription picks the data source's subscription_id or the
// provider's default, and explains how to set one when neither is.
func resolveSubscription(c *client.Client, argument types.String, diags *diag.Diagnostics) string {
	if !argument.IsNull() && argument.ValueString() != "" {
		return argument.ValueString()
	}
	if c.DefaultSubscriptionID != "" {
		return c.DefaultSubscriptionID
	}
	diags.AddAttributeError(path.Root("subscription_id"), "No subscription",
		"Set subscription_id on this data source, or a default subscription with the provider's subscription_id or the ARM_SUBSCRIPTION_ID environment variable.")
	return ""
}

// scoreNotFound explains an unknown secure score name with the names that
// exist; action says what failed, e.g. "Reading the Defender for Cloud secure score".
func scoreNotFound(ctx context.Context, c *client.Client, action, subscriptionID, name string, err error) diag.Diagnostic {
	hint := fmt.Sprintf("secure score %q in subscription %s", name, subscriptionID)
	if scores, listErr := c.DefenderScores(ctx, subscriptionID); listErr == nil {
		names := make([]string, 0, len(scores))
		for _, s := range scores {
			names = append(names, s.Name)
		}
		sort.Strings(names)
		if len(names) == 0 {
			hint += "; the subscription has no secure scores (is Defender for Cloud enabled on it?)"
		} else {
			hint += "; the subscription has: " + strings.Join(names, ", ")
		}
	}
	return diagnostics.FromError(action, err, diagnostics.Hint{NotFound: hint})
}

// round4 keeps ratios at the API's 4 decimals. Points (sums and differences
// of the API's 2-decimal values) are rounded the same way, which removes
// floating-point noise without hiding any precision the API gives.
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
