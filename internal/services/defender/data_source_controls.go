package defender

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

const readControlsAction = "Reading the Defender for Cloud security controls"

// ControlsDataSource reads a subscription's security controls.
type ControlsDataSource struct {
	providerdata.DataSource[controlsModel]
}

// NewControlsDataSource is the factory the provider registers.
func NewControlsDataSource() datasource.DataSource {
	d := &ControlsDataSource{}
	d.DataSource = providerdata.NewDataSource("defender_controls", defaultReadTimeout, d.read)
	return d
}

type controlsModel struct {
	providerdata.ReadTimeout
	SubscriptionID         types.String   `tfsdk:"subscription_id"`
	ScoreName              types.String   `tfsdk:"score_name"`
	Controls               []controlModel `tfsdk:"controls"`
	UnhealthyResourceCount types.Int64    `tfsdk:"unhealthy_resource_count"`
	PotentialScoreIncrease types.Float64  `tfsdk:"potential_score_increase"`
}

type controlModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	pointsModel
	Weight types.Int64 `tfsdk:"weight"`
	resourceCountsModel
	PotentialScoreIncrease  types.Float64 `tfsdk:"potential_score_increase"`
	SourceType              types.String  `tfsdk:"source_type"`
	AssessmentDefinitionIDs []string      `tfsdk:"assessment_definition_ids"`
}

func (d *ControlsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads a subscription's Microsoft Defender for Cloud security controls with their definitions "+
		"(`GET /subscriptions/{id}/providers/Microsoft.Security/secureScores/{name}/secureScoreControls?$expand=definition`, api-version 2020-01-01), "+
		"ordered so the controls that would raise the score most come first. A control's points count only when every recommendation in it is healthy for a resource. "+
		"Needs the Security Reader role on the subscription. A subscription whose score Defender for Cloud has not calculated yet gives an empty list and a warning. "+
		"State size: one entry per control of one subscription (about 15 for `ascScore`); 1,000 subscriptions read with `for_each` write about 15,000 entries across 1,000 instances.",
		map[string]schema.Attribute{
			"subscription_id": subscriptionIDAttribute(),
			"score_name": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthAtMost(260)},
				MarkdownDescription: "The secure score initiative whose controls are read (`…/secureScores/{score_name}/secureScoreControls`). " +
					"Defaults to `ascScore`, Defender for Cloud's default initiative. Set it to the empty string `\"\"` to read the subscription-wide list " +
					"(`…/providers/Microsoft.Security/secureScoreControls`) instead of one initiative's; the attribute then stays `\"\"`. " +
					"An initiative the subscription does not have is an error that lists the ones it has."},
			"controls": computed.ObjectList("The controls, ordered by `potential_score_increase` (largest first), then `display_name`.", merged(
				pointsAttributes("The points the control currently contributes.", "The most points the control can contribute.", apiPercentage),
				resourceCountsAttributes("Resources for which every recommendation of the control is healthy.",
					"Resources with at least one unhealthy recommendation of the control.", "Resources the control's recommendations do not apply to."),
				map[string]schema.Attribute{
					"id":                        computed.String("The control's Azure Resource Manager id."),
					"name":                      computed.String("The control's name: the name (a GUID) of its control definition."),
					"display_name":              computed.String("The control's display name, e.g. `Enable MFA`."),
					"weight":                    computed.Int64("The control's relative weight, as the API reports it."),
					"potential_score_increase":  computed.Float64("The points the score would gain if every resource were healthy: `max_score - current_score`."),
					"source_type":               computed.String("Where the control's definition comes from: `BuiltIn` or `Custom`. Null when the service returned no definition."),
					"assessment_definition_ids": computed.StringList("The resource ids of the assessments (recommendations) the control is made of."),
				})),
			"unhealthy_resource_count": computed.Int64("The sum of the controls' `unhealthy_resource_count` (a resource unhealthy in two controls counts twice). Null (with a warning) while Defender for Cloud has not calculated the subscription's first score."),
			"potential_score_increase": computed.Float64("The sum of the controls' `potential_score_increase`, in points. Null while the subscription's first score is not calculated."),
		})
}

// read fills data from the service (see providerdata.DataSource).
func (d *ControlsDataSource) read(ctx context.Context, data *controlsModel, diags *diag.Diagnostics) {
	subscriptionID := resolveSubscription(d.Client, data.SubscriptionID, diags)
	if diags.HasError() {
		return
	}

	// Null means the default initiative; "" (set explicitly) the subscription-wide list.
	scoreName := client.DefaultSecureScoreName
	if !data.ScoreName.IsNull() {
		scoreName = data.ScoreName.ValueString()
	}
	controls, err := d.Client.DefenderControls(ctx, subscriptionID, scoreName)
	if client.IsNotFound(err) && scoreName != "" {
		diags.Append(scoreNotFound(ctx, d.Client, readControlsAction, subscriptionID, scoreName, err))
		return
	}
	if err != nil {
		diags.Append(diagnostics.FromError(readControlsAction, err, diagnostics.Hint{}))
		return
	}
	notCalculated := false
	if len(controls) == 0 {
		// The list is empty both for an initiative the subscription does not
		// have and for a subscription whose score is not calculated yet; only
		// the first is a mistake worth an error.
		var more diag.Diagnostics
		notCalculated, more = d.checkScoreExists(ctx, subscriptionID, scoreName)
		diags.Append(more...)
		if diags.HasError() {
			return
		}
	}

	sortControls(controls)
	items := make([]controlModel, 0, len(controls))
	for _, c := range controls {
		item := controlModel{
			ID:                      types.StringValue(c.ID),
			Name:                    types.StringValue(c.Name),
			DisplayName:             types.StringValue(c.DisplayName),
			pointsModel:             newPoints(c.Current, c.Max, scoremath.RoundRatio(c.Percentage)),
			Weight:                  types.Int64Value(c.Weight),
			resourceCountsModel:     newResourceCounts(c.HealthyResourceCount, c.UnhealthyResourceCount, c.NotApplicableResourceCount),
			PotentialScoreIncrease:  types.Float64Value(potentialIncrease(c)),
			SourceType:              types.StringNull(),
			AssessmentDefinitionIDs: []string{},
		}
		if c.Definition != nil {
			if c.Definition.SourceType != "" {
				item.SourceType = types.StringValue(c.Definition.SourceType)
			}
			item.AssessmentDefinitionIDs = stringsOrEmpty(c.Definition.AssessmentDefinitionIDs)
		}
		items = append(items, item)
	}
	unhealthy, potential := controlTotals(controls)

	data.SubscriptionID = types.StringValue(subscriptionID)
	data.ScoreName = types.StringValue(scoreName)
	data.Controls = items
	data.UnhealthyResourceCount = types.Int64Value(unhealthy)
	data.PotentialScoreIncrease = types.Float64Value(potential)
	if notCalculated {
		data.UnhealthyResourceCount, data.PotentialScoreIncrease = types.Int64Null(), types.Float64Null()
	}
}

// checkScoreExists explains an empty control list: not calculated (a
// warning) when the subscription has no score at all, an error naming the
// initiatives that exist when it has scores but not name, nothing otherwise.
func (d *ControlsDataSource) checkScoreExists(ctx context.Context, subscriptionID, name string) (notCalculated bool, diags diag.Diagnostics) {
	scores, err := d.Client.DefenderScores(ctx, subscriptionID)
	if err != nil {
		diags.Append(diagnostics.FromError(readControlsAction, err, diagnostics.Hint{}))
		return false, diags
	}
	if len(scores) == 0 {
		summary, detail := notCalculatedWarning([]string{subscriptionID})
		diags.AddAttributeWarning(path.Root("subscription_id"), summary,
			detail+" Here controls is empty and unhealthy_resource_count and potential_score_increase are null.")
		return true, diags
	}
	if name == "" {
		return false, diags
	}
	for _, s := range scores {
		if strings.EqualFold(s.Name, name) {
			return false, diags
		}
	}
	diags.AddAttributeError(path.Root("score_name"), "Unknown secure score",
		fmt.Sprintf("Subscription %s has no secure score named %q; it has: %s. Set score_name to one of them, omit it for ascScore, or set it to \"\" for the subscription-wide list.",
			subscriptionID, name, initiativeList(scores)))
	return false, diags
}
