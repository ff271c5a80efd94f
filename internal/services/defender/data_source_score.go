package defender

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// ScoreDataSource reads one subscription's secure score.
type ScoreDataSource struct {
	providerdata.DataSource
}

// NewScoreDataSource is the factory the provider registers.
func NewScoreDataSource() datasource.DataSource {
	return &ScoreDataSource{DataSource: providerdata.NewDataSource("defender_score")}
}

type scoreModel struct {
	SubscriptionID types.String   `tfsdk:"subscription_id"`
	ScoreName      types.String   `tfsdk:"score_name"`
	ID             types.String   `tfsdk:"id"`
	DisplayName    types.String   `tfsdk:"display_name"`
	CurrentScore   types.Float64  `tfsdk:"current_score"`
	MaxScore       types.Int64    `tfsdk:"max_score"`
	Percentage     types.Float64  `tfsdk:"percentage"`
	Weight         types.Int64    `tfsdk:"weight"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (d *ScoreDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a subscription's Microsoft Defender for Cloud secure score (`GET /subscriptions/{id}/providers/Microsoft.Security/secureScores/{name}`, api-version 2020-01-01). " +
			"Needs the Security Reader role on the subscription. For many subscriptions or a management group use `securescore_defender_scores`, which makes one Resource Graph query instead of one call per subscription.",
		Attributes: map[string]schema.Attribute{
			"subscription_id": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{validators.SubscriptionID()},
				MarkdownDescription: "The subscription. Defaults to the provider's `subscription_id` (`ARM_SUBSCRIPTION_ID`)."},
			"score_name": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 260)},
				MarkdownDescription: "The secure score initiative. Defaults to `ascScore`, Defender for Cloud's default initiative."},
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The score's Azure Resource Manager id. Like every score attribute, null (with a warning) while Defender for Cloud has not calculated the subscription's first score."},
			"display_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The initiative's display name, e.g. `ASC score`."},
			"current_score": schema.Float64Attribute{Computed: true, MarkdownDescription: "The current score, in points."},
			"max_score":     schema.Int64Attribute{Computed: true, MarkdownDescription: "The maximum score, in points."},
			"percentage":    schema.Float64Attribute{Computed: true, MarkdownDescription: "The ratio `current_score / max_score` as the API reports it: between 0 and 1, 4 decimals (not a 0-100 number)."},
			"weight":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The subscription's relative weight, used to aggregate several subscriptions."},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func (d *ScoreDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data scoreModel
	if !d.Load(ctx, req.Config.Get, &data, &resp.Diagnostics) {
		return
	}
	ctx, cancel := providerdata.Deadline(ctx, data.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	subscriptionID := resolveSubscription(d.Client, data.SubscriptionID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
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
			resp.Diagnostics.AddAttributeWarning(path.Root("subscription_id"), summary,
				detail+" Here every score attribute is null.")
			data.SubscriptionID = types.StringValue(subscriptionID)
			data.ScoreName = types.StringValue(name)
			data.ID, data.DisplayName = types.StringNull(), types.StringNull()
			data.CurrentScore, data.MaxScore = types.Float64Null(), types.Int64Null()
			data.Percentage, data.Weight = types.Float64Null(), types.Int64Null()
			resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
			return
		}
		resp.Diagnostics.Append(scoreNotFound(ctx, d.Client, "Reading the Defender for Cloud secure score", subscriptionID, name, err))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.FromError("Reading the Defender for Cloud secure score", err, diagnostics.Hint{}))
		return
	}

	data.SubscriptionID = types.StringValue(subscriptionID)
	data.ScoreName = types.StringValue(name)
	data.ID = types.StringValue(score.ID)
	data.DisplayName = types.StringValue(score.DisplayName)
	data.CurrentScore = types.Float64Value(score.Current)
	data.MaxScore = types.Int64Value(score.Max)
	data.Percentage = types.Float64Value(scoremath.RoundRatio(score.Percentage))
	data.Weight = types.Int64Value(score.Weight)
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
