package defender

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// The attributes several Defender for Cloud data sources share, in the same
// words wherever they mean the same.

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

// percentageAttribute is a score's or a control's ratio as the API reports it.
func percentageAttribute() schema.Float64Attribute {
	return computed.Float64("The ratio `current_score / max_score` as the API reports it: between 0 and 1, 4 decimals (not a 0-100 number).")
}

// withScorePoints adds a secure score's display name and points (a
// client.DefenderScore's) to attributes: securescore_defender_score and the
// entries of securescore_defender_scores describe them alike.
func withScorePoints(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	attributes["display_name"] = computed.String("The initiative's display name, e.g. `ASC score`.")
	attributes["current_score"] = computed.Float64("The current score, in points.")
	attributes["max_score"] = computed.Int64("The maximum score, in points.")
	attributes["percentage"] = percentageAttribute()
	return attributes
}
