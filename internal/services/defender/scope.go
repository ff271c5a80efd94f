package defender

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/tfvalues"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// What the Resource Graph data sources share: the scope (subscriptions or
// management groups, or every readable subscription) and how a requested
// subscription without a secure score is reported.

// scopeAttributes are subscription_ids and management_group_ids; what names
// what is read, e.g. "recommendations".
func scopeAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"subscription_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
			Validators: []validator.List{
				listvalidator.ValueStringsAre(validators.SubscriptionID()),
				listvalidator.ConflictsWith(path.MatchRoot("management_group_ids")),
			},
			MarkdownDescription: "The subscriptions whose " + what + " are read. Any number: the provider splits the list into Resource Graph requests of at most 1,000 subscriptions. " +
				"An empty list reads nothing. Conflicts with `management_group_ids`; with neither, every subscription the identity can read in the provider's tenant is read."},
		"management_group_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
			Validators: []validator.List{
				listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 90)),
				listvalidator.ConflictsWith(path.MatchRoot("subscription_ids")),
			},
			MarkdownDescription: "The management groups (ids, not display names) whose subscriptions' " + what + " are read, through Resource Graph's `managementGroups` scope. " +
				"An empty list reads nothing. Conflicts with `subscription_ids`."},
	}
}

// scopeModel holds the scope attributes; the model of each data source
// whose schema has them (see withScope) embeds it.
type scopeModel struct {
	SubscriptionIDs    types.List `tfsdk:"subscription_ids"`
	ManagementGroupIDs types.List `tfsdk:"management_group_ids"`
}

// readScope reads the scope attributes; empty is true for an explicitly empty
// list, which must read nothing rather than fall through to "every
// subscription", what a query without scope means.
func (s scopeModel) readScope(ctx context.Context, diags *diag.Diagnostics) (scope client.ResourceGraphScope, empty bool) {
	diags.Append(tfvalues.Strings(ctx, s.SubscriptionIDs, &scope.SubscriptionIDs)...)
	diags.Append(tfvalues.Strings(ctx, s.ManagementGroupIDs, &scope.ManagementGroupIDs)...)
	empty = (!s.SubscriptionIDs.IsNull() && len(scope.SubscriptionIDs) == 0) ||
		(!s.ManagementGroupIDs.IsNull() && len(scope.ManagementGroupIDs) == 0)
	return scope, empty
}

// abbreviate joins up to n values and says how many more there are.
func abbreviate(values []string, n int) string {
	if len(values) <= n {
		return strings.Join(values, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(values[:n], ", "), len(values)-n)
}

// notCalculatedWarning names the subscriptions Defender for Cloud has not
// scored yet: Resource Graph lets the identity read them, but they have no
// secure score row (the REST API answers 404 "Secure score 'ascScore' does
// not exist in scope", https://learn.microsoft.com/rest/api/defenderforcloud/secure-scores/get).
func notCalculatedWarning(ids []string) (summary, detail string) {
	return "Secure score not calculated yet",
		fmt.Sprintf("Defender for Cloud has not calculated a secure score for %d subscription(s) yet: %s. "+
			"A subscription gets its first score some hours after Defender for Cloud starts assessing it (opening Defender for Cloud in the Azure portal once starts it); "+
			"until then it has no score, which is not a score of 0 %%. These subscriptions are left out of the aggregate and listed in not_calculated_subscription_ids.",
			len(ids), abbreviate(ids, maxListedNames))
}

// restrictedGroupsDetail is the warning's text for management groups the
// identity may not read; here says what the data source did with them.
func restrictedGroupsDetail(ids []string, here string) string {
	return fmt.Sprintf("The identity may not read %d management group(s): %s (Resource Graph answered HTTP 403). Defender for Cloud shows their score as \"Restricted\"; "+
		"here %s. Grant the Security Reader role (or Reader) on the management group to read it.", len(ids), abbreviate(ids, maxListedNames), here)
}

// splitMissing sorts the requested subscriptions without a score into the
// ones the identity can read (not calculated yet) and the others (no
// access, another tenant, or no such subscription), each in request order.
func splitMissing(missing []string, visible []client.VisibleSubscription) (notCalculated, unreadable []string) {
	readable := make(map[string]bool, len(visible))
	for _, v := range visible {
		readable[strings.ToLower(v.SubscriptionID)] = true
	}
	for _, id := range missing {
		if readable[strings.ToLower(id)] {
			notCalculated = append(notCalculated, id)
		} else {
			unreadable = append(unreadable, id)
		}
	}
	return notCalculated, unreadable
}

// unscored lists the visible subscriptions without a score, sorted by id.
func unscored(visible []client.VisibleSubscription, scores []client.DefenderScore) []string {
	have := make(map[string]bool, len(scores))
	for _, s := range scores {
		have[strings.ToLower(s.SubscriptionID)] = true
	}
	out := []string{}
	for _, v := range visible {
		if k := strings.ToLower(v.SubscriptionID); !have[k] {
			have[k] = true
			out = append(out, strings.ToLower(v.SubscriptionID))
		}
	}
	sort.Strings(out)
	return out
}

// withScope adds the scope attributes to a schema's attributes.
func withScope(what string, attributes map[string]schema.Attribute) map[string]schema.Attribute {
	for k, v := range scopeAttributes(what) {
		attributes[k] = v
	}
	return attributes
}

// stringListOrNull is a list of strings, or null for nil (not determined).
func stringListOrNull(values []string) types.List {
	if values == nil {
		return types.ListNull(types.StringType)
	}
	elements := make([]attr.Value, len(values))
	for i, v := range values {
		elements[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elements)
}
