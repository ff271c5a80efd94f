// Package defender holds the Terraform data sources for Microsoft Defender
// for Cloud secure scores (Azure Resource Manager, Microsoft.Security
// 2020-01-01, and Azure Resource Graph).
package defender

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// defaultReadTimeout bounds a read, retries included, unless `timeouts` says otherwise.
const defaultReadTimeout = 5 * time.Minute

// DataSources lists this package's data sources for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewScoreDataSource,
		NewControlsDataSource,
		NewControlDefinitionsDataSource,
		NewScoresDataSource,
		NewRecommendationsDataSource,
		NewScoreHistoryDataSource,
		NewGovernanceAssignmentsDataSource,
	}
}

// Resources lists this package's resources for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewGovernanceRuleResource,
		NewGovernanceAssignmentResource,
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
		if len(scores) == 0 {
			hint += "; the subscription has no secure scores (is Defender for Cloud enabled on it?)"
		} else {
			hint += "; the subscription has: " + initiativeList(scores)
		}
	}
	return diagnostics.FromError(action, err, diagnostics.Hint{NotFound: hint})
}

// initiativeList names the initiatives of scores, sorted by name, each with
// its display name: a custom initiative's name is a GUID.
func initiativeList(scores []client.DefenderScore) string {
	sorted := append([]client.DefenderScore(nil), scores...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	names := make([]string, 0, len(sorted))
	for _, s := range sorted {
		if s.DisplayName != "" && s.DisplayName != s.Name {
			names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.DisplayName))
		} else {
			names = append(names, s.Name)
		}
	}
	return strings.Join(names, ", ")
}

// potentialIncrease is what a control would add to the score once every
// resource in it is healthy: max - current, in points.
func potentialIncrease(c client.DefenderControl) float64 {
	return scoremath.RoundPoints(float64(c.Max) - c.Current)
}

// sortControls orders controls by potential_score_increase, largest first,
// then by display name and name, so the most rewarding controls come first
// and the order is stable.
func sortControls(controls []client.DefenderControl) {
	sort.SliceStable(controls, func(i, j int) bool {
		a, b := controls[i], controls[j]
		if pa, pb := potentialIncrease(a), potentialIncrease(b); pa != pb {
			return pa > pb
		}
		if a.DisplayName != b.DisplayName {
			return a.DisplayName < b.DisplayName
		}
		return a.Name < b.Name
	})
}

// controlTotals sums the controls' unhealthy resources and potential increases.
func controlTotals(controls []client.DefenderControl) (unhealthy int64, potential float64) {
	for _, c := range controls {
		unhealthy += c.UnhealthyResourceCount
		potential += potentialIncrease(c)
	}
	return unhealthy, scoremath.RoundPoints(potential)
}

// sortScores orders scores by percentage, lowest (weakest) first, then by
// subscription id.
func sortScores(scores []client.DefenderScore) {
	sort.SliceStable(scores, func(i, j int) bool {
		a, b := scores[i], scores[j]
		if pa, pb := scoremath.RoundRatio(a.Percentage), scoremath.RoundRatio(b.Percentage); pa != pb {
			return pa < pb
		}
		return strings.ToLower(a.SubscriptionID) < strings.ToLower(b.SubscriptionID)
	})
}

// aggregatePercentage is Defender for Cloud's multi-subscription score:
// sum(percentage_i * weight_i) / sum(weight_i) over the subscriptions with a
// positive weight, rounded to 4 decimals; nil (no data) when no subscription
// has one.
func aggregatePercentage(scores []client.DefenderScore) *float64 {
	var weighted, weights float64
	for _, s := range scores {
		if s.Weight <= 0 {
			continue
		}
		weighted += s.Percentage * float64(s.Weight)
		weights += float64(s.Weight)
	}
	if weights == 0 {
		return nil
	}
	aggregate := scoremath.RoundRatio(weighted / weights)
	return &aggregate
}

// controlDefinitionType is the resource type of control definitions; the
// service spells it with a lower- or upper-case S, so compare with EqualFold.
const controlDefinitionType = "Microsoft.Security/secureScoreControlDefinitions"

// isControlDefinition reports whether an item of a definitions list is a
// control definition (an item without a type is given the benefit of the doubt).
func isControlDefinition(d client.DefenderControlDefinition) bool {
	return d.Type == "" || strings.EqualFold(d.Type, controlDefinitionType)
}

// sortDefinitions orders definitions by display name, then name.
func sortDefinitions(definitions []client.DefenderControlDefinition) {
	sort.SliceStable(definitions, func(i, j int) bool {
		a, b := definitions[i], definitions[j]
		if a.DisplayName != b.DisplayName {
			return a.DisplayName < b.DisplayName
		}
		return a.Name < b.Name
	})
}

// missingSubscriptions lists the requested subscriptions (in request order,
// case-insensitively de-duplicated) that have no score in scores.
func missingSubscriptions(requested []string, scores []client.DefenderScore) []string {
	have := make(map[string]bool, len(scores))
	for _, s := range scores {
		have[strings.ToLower(s.SubscriptionID)] = true
	}
	return uniqueFold(slices.DeleteFunc(slices.Clone(requested), func(id string) bool { return have[strings.ToLower(id)] }))
}

// stringsOrEmpty never returns nil, so a list attribute is [] rather than null.
func stringsOrEmpty(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}
