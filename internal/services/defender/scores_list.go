package defender

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// scoreEntryModel is an element of scores.
type scoreEntryModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	DisplayName    types.String `tfsdk:"display_name"`
	pointsModel
	Weight types.Int64 `tfsdk:"weight"`
}

// scoreEntrySchema is an element of scores.
func scoreEntrySchema() schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: withScorePoints(map[string]schema.Attribute{
		"subscription_id": computed.String("The subscription."),
		"weight":          computed.Int64("The subscription's relative weight in `aggregate_percentage`."),
	})}
}

// scoreEntries builds the scores list, in the order of scores.
func scoreEntries(scores []client.DefenderScore) []scoreEntryModel {
	entries := make([]scoreEntryModel, 0, len(scores))
	for _, s := range scores {
		entries = append(entries, scoreEntryModel{
			SubscriptionID: types.StringValue(s.SubscriptionID),
			DisplayName:    types.StringValue(s.DisplayName),
			pointsModel:    newPoints(s.Current, s.Max, scoremath.RoundRatio(s.Percentage)),
			Weight:         types.Int64Value(s.Weight),
		})
	}
	return entries
}

// groupEntryModel is an element of management_groups.
type groupEntryModel struct {
	ManagementGroupID types.String  `tfsdk:"management_group_id"`
	Restricted        types.Bool    `tfsdk:"restricted"`
	SubscriptionCount types.Int64   `tfsdk:"subscription_count"`
	AggregatePercent  types.Float64 `tfsdk:"aggregate_percentage"`
	NotCalculated     types.List    `tfsdk:"not_calculated_subscription_ids"`
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

// groupEntries builds management_groups, in the order given; null (nil)
// without management_group_ids.
func groupEntries(groups []groupResult, requested bool) []groupEntryModel {
	if !requested {
		return nil
	}
	entries := make([]groupEntryModel, 0, len(groups))
	for _, g := range groups {
		entry := groupEntryModel{
			ManagementGroupID: types.StringValue(g.id),
			Restricted:        types.BoolValue(g.restricted),
			SubscriptionCount: types.Int64Null(),
			AggregatePercent:  types.Float64Null(),
			NotCalculated:     types.ListNull(types.StringType),
		}
		if !g.restricted {
			entry.SubscriptionCount = types.Int64Value(int64(len(g.scores)))
			entry.AggregatePercent = types.Float64PointerValue(aggregatePercentage(g.scores))
			entry.NotCalculated = stringListOrNull(g.notCalculated)
		}
		entries = append(entries, entry)
	}
	return entries
}
