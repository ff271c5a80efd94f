package defender

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// scoreEntryAttrTypes is the object type of an element of
// securescore_defender_scores.scores.
var scoreEntryAttrTypes = map[string]attr.Type{
	"subscription_id": types.StringType,
	"display_name":    types.StringType,
	"current":         types.Float64Type,
	"max":             types.Int64Type,
	"percentage":      types.Float64Type,
	"weight":          types.Int64Type,
}

// scoresListValue builds the scores list without the framework's reflection,
// which costs about 0.2 ms a struct (it compiles a regular expression per
// field): a 1,000-subscription aggregate spent more time in State.Set than
// waiting for Resource Graph (see bench/RESULTS.md).
func scoresListValue(scores []client.DefenderScore) types.List {
	elemType := types.ObjectType{AttrTypes: scoreEntryAttrTypes}
	elements := make([]attr.Value, 0, len(scores))
	for _, s := range scores {
		elements = append(elements, types.ObjectValueMust(scoreEntryAttrTypes, map[string]attr.Value{
			"subscription_id": types.StringValue(s.SubscriptionID),
			"display_name":    types.StringValue(s.DisplayName),
			"current":         types.Float64Value(s.Current),
			"max":             types.Int64Value(s.Max),
			"percentage":      types.Float64Value(scoremath.RoundRatio(s.Percentage)),
			"weight":          types.Int64Value(s.Weight),
		}))
	}
	return types.ListValueMust(elemType, elements)
}
