package defender

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// scoreEntryAttrTypes is the object type of an element of
// securescore_defender_scores.scores.
var scoreEntryAttrTypes = map[string]attr.Type{
	"subscription_id": types.StringType,
	"display_name":    types.StringType,
	"current_score":   types.Float64Type,
	"max_score":       types.Int64Type,
	"percentage":      types.Float64Type,
	"weight":          types.Int64Type,
}

// scoreEntrySchema is an element of scores and scores_by_subscription_id.
func scoreEntrySchema() schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: withScorePoints(map[string]schema.Attribute{
		"subscription_id": computed.String("The subscription."),
		"weight":          computed.Int64("The subscription's relative weight in `aggregate_percentage`."),
	})}
}

// subscriptionKey is the key of scores_by_subscription_id: Resource Graph
// spells subscription ids in lower case, and so do the keys, whatever case
// the row had.
func subscriptionKey(id string) string { return strings.ToLower(id) }

// scoresValues builds the scores list and its map by subscription id
// without the framework's reflection, which costs about 0.2 ms a struct (it
// compiles a regular expression per field): a 1,000-subscription aggregate
// spent more time in State.Set than waiting for Resource Graph (see
// bench/RESULTS.md). Both hold the same objects.
func scoresValues(scores []client.DefenderScore) (types.List, types.Map) {
	elemType := types.ObjectType{AttrTypes: scoreEntryAttrTypes}
	elements := make([]attr.Value, 0, len(scores))
	byID := make(map[string]attr.Value, len(scores))
	for _, s := range scores {
		entry := types.ObjectValueMust(scoreEntryAttrTypes, map[string]attr.Value{
			"subscription_id": types.StringValue(s.SubscriptionID),
			"display_name":    types.StringValue(s.DisplayName),
			"current_score":   types.Float64Value(s.Current),
			"max_score":       types.Int64Value(s.Max),
			"percentage":      types.Float64Value(scoremath.RoundRatio(s.Percentage)),
			"weight":          types.Int64Value(s.Weight),
		})
		elements = append(elements, entry)
		byID[subscriptionKey(s.SubscriptionID)] = entry
	}
	return types.ListValueMust(elemType, elements), types.MapValueMust(elemType, byID)
}

// groupEntryAttrTypes is the object type of management_groups entries.
var groupEntryAttrTypes = map[string]attr.Type{
	"management_group_id":             types.StringType,
	"restricted":                      types.BoolType,
	"subscription_count":              types.Int64Type,
	"aggregate_percentage":            types.Float64Type,
	"not_calculated_subscription_ids": types.ListType{ElemType: types.StringType},
}

func groupEntrySchema() schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"management_group_id":             computed.String("The management group, as given in `management_group_ids`."),
		"restricted":                      computed.Bool("Whether the identity may not read the group (Resource Graph answered HTTP 403); Defender for Cloud shows such a group's score as \"Restricted\"."),
		"subscription_count":              computed.Int64("The group's subscriptions with a score. Null when `restricted`."),
		"aggregate_percentage":            computed.Float64("The group's weighted score, computed like the top-level `aggregate_percentage` over the group's subscriptions. Null when `restricted` or when no subscription of the group has a positive weight."),
		"not_calculated_subscription_ids": computed.StringList("The group's readable subscriptions without a score yet. Null when `restricted` or for an initiative other than `ascScore`."),
	}}
}

// groupsValues builds management_groups and its map; null without
// management_group_ids.
func groupsValues(groups []groupResult, requested bool) (types.List, types.Map) {
	elemType := types.ObjectType{AttrTypes: groupEntryAttrTypes}
	if !requested {
		return types.ListNull(elemType), types.MapNull(elemType)
	}
	elements := make([]attr.Value, 0, len(groups))
	byID := make(map[string]attr.Value, len(groups))
	for _, g := range groups {
		entry := map[string]attr.Value{
			"management_group_id":             types.StringValue(g.id),
			"restricted":                      types.BoolValue(g.restricted),
			"subscription_count":              types.Int64Null(),
			"aggregate_percentage":            types.Float64Null(),
			"not_calculated_subscription_ids": types.ListNull(types.StringType),
		}
		if !g.restricted {
			entry["subscription_count"] = types.Int64Value(int64(len(g.scores)))
			entry["aggregate_percentage"] = types.Float64PointerValue(aggregatePercentage(g.scores))
			entry["not_calculated_subscription_ids"] = stringListOrNull(g.notCalculated)
		}
		obj := types.ObjectValueMust(groupEntryAttrTypes, entry)
		elements = append(elements, obj)
		byID[g.id] = obj
	}
	return types.ListValueMust(elemType, elements), types.MapValueMust(elemType, byID)
}
