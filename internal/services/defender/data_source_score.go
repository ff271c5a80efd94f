package defender

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// ScoreDataSource reads one subscription's secure score.
type ScoreDataSource struct {
	providerdata.DataSource[scoreModel]
}

// NewScoreDataSource is the factory the provider registers.
func NewScoreDataSource() datasource.DataSource {
	d := &ScoreDataSource{}
	d.DataSource = providerdata.NewDataSource("defender_score", defaultReadTimeout, d.read)
	return d
}

type scoreModel struct {
	providerdata.ReadTimeout
	SubscriptionID types.String `tfsdk:"subscription_id"`
	ScoreName      types.String `tfsdk:"score_name"`
	ID             types.String `tfsdk:"id"`
	DisplayName    types.String `tfsdk:"display_name"`
	pointsModel
	Weight types.Int64 `tfsdk:"weight"`
}

func (d *ScoreDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads a subscription's Microsoft Defender for Cloud secure score (`GET /subscriptions/{id}/providers/Microsoft.Security/secureScores/{name}`, api-version 2020-01-01). "+
		"Needs the Security Reader role on the subscription. For many subscriptions or a management group use `securescore_defender_scores`, which makes one Resource Graph query instead of one call per subscription. "+
		"State size: one object per subscription; 1,000 subscriptions read with `for_each` are 1,000 instances of this data source and 1,000 requests, where `securescore_defender_scores` writes the same 1,000 entries in one read.",
		withScorePoints(map[string]schema.Attribute{
			"subscription_id": subscriptionIDAttribute(),
			"score_name":      scoreNameAttribute("The secure score initiative. Defaults to `ascScore`, Defender for Cloud's default initiative."),
			"id":              computed.String("The score's Azure Resource Manager id. Like every score attribute, null (with a warning) while Defender for Cloud has not calculated the subscription's first score."),
			"weight":          computed.Int64("The subscription's relative weight, used to aggregate several subscriptions."),
		}))
}

// read fills data from the service (see providerdata.DataSource).
func (d *ScoreDataSource) read(ctx context.Context, data *scoreModel, diags *diag.Diagnostics) {
	subscriptionID := resolveSubscription(d.Client, data.SubscriptionID, diags)
	if diags.HasError() {
		return
	}

	name := data.ScoreName.ValueString()
	if name == "" {
		name = client.DefaultSecureScoreName
	}
	score, err := d.Client.DefenderScore(ctx, subscriptionID, name)
	if client.IsNotFound(err) {
		if scores, listErr := d.Client.DefenderScores(ctx, subscriptionID); listErr == nil && len(scores) == 0 {
			// No score at all: not calculated yet, which is no score, not 0 %.
			summary, detail := notCalculatedWarning([]string{subscriptionID})
			diags.AddAttributeWarning(path.Root("subscription_id"), summary,
				detail+" Here every score attribute is null.")
			data.SubscriptionID = types.StringValue(subscriptionID)
			data.ScoreName = types.StringValue(name)
			data.ID, data.DisplayName = types.StringNull(), types.StringNull()
			data.pointsModel, data.Weight = nullPoints(), types.Int64Null()
			return
		}
		diags.Append(scoreNotFound(ctx, d.Client, "Reading the Defender for Cloud secure score", subscriptionID, name, err))
		return
	}
	if err != nil {
		diags.Append(diagnostics.FromError("Reading the Defender for Cloud secure score", err, diagnostics.Hint{}))
		return
	}

	data.SubscriptionID = types.StringValue(subscriptionID)
	data.ScoreName = types.StringValue(name)
	data.ID = types.StringValue(score.ID)
	data.DisplayName = types.StringValue(score.DisplayName)
	data.pointsModel = newPoints(score.Current, score.Max, scoremath.RoundRatio(score.Percentage))
	data.Weight = types.Int64Value(score.Weight)
}
