package defender

import (
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// The attributes several Defender for Cloud data sources share, in the same
// words wherever they mean the same, and the model structs that hold the
// groups of them that recur (embedded by the data sources' models).

// pointsModel is the points of a score or a control: current_score,
// max_score and percentage.
type pointsModel struct {
	CurrentScore types.Float64 `tfsdk:"current_score"`
	MaxScore     types.Int64   `tfsdk:"max_score"`
	Percentage   types.Float64 `tfsdk:"percentage"`
}

// newPoints is a pointsModel of known points; percentage is stored as given.
func newPoints(current float64, maxScore int64, percentage float64) pointsModel {
	return pointsModel{types.Float64Value(current), types.Int64Value(maxScore), types.Float64Value(percentage)}
}

// nullPoints is a pointsModel without data (not calculated yet).
func nullPoints() pointsModel {
	return pointsModel{types.Float64Null(), types.Int64Null(), types.Float64Null()}
}

// resourceCountsModel is how many resources a control or a recommendation
// is healthy, unhealthy and not applicable on.
type resourceCountsModel struct {
	HealthyResourceCount       types.Int64 `tfsdk:"healthy_resource_count"`
	UnhealthyResourceCount     types.Int64 `tfsdk:"unhealthy_resource_count"`
	NotApplicableResourceCount types.Int64 `tfsdk:"not_applicable_resource_count"`
}

func newResourceCounts(healthy, unhealthy, notApplicable int64) resourceCountsModel {
	return resourceCountsModel{types.Int64Value(healthy), types.Int64Value(unhealthy), types.Int64Value(notApplicable)}
}

// subscriptionIDAttribute is the subscription of a one-subscription data
// source, defaulting to the provider's (see resolveSubscription).
func subscriptionIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{validators.SubscriptionID()},
		MarkdownDescription: "The subscription. Defaults to the provider's `subscription_id` (`ARM_SUBSCRIPTION_ID`)."}
}

// scoreNameAttribute is the secure score initiative, `ascScore` when not
// set; description says what it selects.
func scoreNameAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 260)},
		MarkdownDescription: description}
}

// apiPercentage describes a score's or a control's percentage as the
// secure score APIs report it.
const apiPercentage = "The ratio `current_score / max_score` as the API reports it: between 0 and 1, 4 decimals (not a 0-100 number)."

// pointsAttributes are the attributes of a pointsModel, each described in
// the words of the object that has them.
func pointsAttributes(current, maxScore, percentage string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"current_score": computed.Float64(current),
		"max_score":     computed.Int64(maxScore),
		"percentage":    computed.Float64(percentage),
	}
}

// resourceCountsAttributes are the attributes of a resourceCountsModel.
func resourceCountsAttributes(healthy, unhealthy, notApplicable string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"healthy_resource_count":        computed.Int64(healthy),
		"unhealthy_resource_count":      computed.Int64(unhealthy),
		"not_applicable_resource_count": computed.Int64(notApplicable),
	}
}

// merged is one object's attributes made of groups (pointsAttributes, …)
// and its own; an attribute name is in one group only.
func merged(groups ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, g := range groups {
		maps.Copy(out, g)
	}
	return out
}

// withScorePoints adds a secure score's display name and points (a
// client.DefenderScore's) to attributes: securescore_defender_score and the
// entries of securescore_defender_scores describe them alike.
func withScorePoints(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	attributes["display_name"] = computed.String("The initiative's display name, e.g. `ASC score`.")
	return merged(attributes, pointsAttributes("The current score, in points.", "The maximum score, in points.", apiPercentage))
}
