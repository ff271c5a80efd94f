package defender

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

var (
	_ datasource.DataSource              = &ScoresDataSource{}
	_ datasource.DataSourceWithConfigure = &ScoresDataSource{}
)

const readScoresAction = "Reading the Defender for Cloud secure scores through Resource Graph"

// maxListedNames bounds the names shown by the unknown-name and missing-subscription diagnostics.
const maxListedNames = 10

// ScoresDataSource reads the secure scores of many subscriptions in Resource
// Graph queries and aggregates them.
type ScoresDataSource struct {
	client *client.Client
}

// NewScoresDataSource is the factory the provider registers.
func NewScoresDataSource() datasource.DataSource { return &ScoresDataSource{} }

type scoresModel struct {
	SubscriptionIDs      types.List     `tfsdk:"subscription_ids"`
	ManagementGroupIDs   types.List     `tfsdk:"management_group_ids"`
	ScoreName            types.String   `tfsdk:"score_name"`
	Scores               types.List     `tfsdk:"scores"` // of scoreEntryAttrTypes objects
	ScoresBySubscription types.Map      `tfsdk:"scores_by_subscription_id"`
	SubscriptionCount    types.Int64    `tfsdk:"subscription_count"`
	AggregatePercentage  types.Float64  `tfsdk:"aggregate_percentage"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

func (d *ScoresDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_defender_scores"
}

func (d *ScoresDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the Microsoft Defender for Cloud secure scores of many subscriptions with Azure Resource Graph " +
			"(`securityresources | where type == 'microsoft.security/securescores'`), not one call per subscription, and computes their weighted aggregate. " +
			"Needs the Security Reader role (or Reader) on the subscriptions or management groups; Resource Graph leaves out subscriptions the identity cannot read.",
		Attributes: map[string]schema.Attribute{
			"subscription_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.List{
					listvalidator.ValueStringsAre(validators.SubscriptionID()),
					listvalidator.ConflictsWith(path.MatchRoot("management_group_ids")),
				},
				MarkdownDescription: "The subscriptions to read. Any number: the provider splits the list into Resource Graph requests of at most 1,000 subscriptions. " +
					"An empty list reads nothing. Conflicts with `management_group_ids`; with neither, every subscription the identity can read in the provider's tenant is read. " +
					"Listed subscriptions without a score (no Defender for Cloud data, no access, another tenant) are left out with a warning."},
			"management_group_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.List{
					listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 90)),
					listvalidator.ConflictsWith(path.MatchRoot("subscription_ids")),
				},
				MarkdownDescription: "The management groups (ids, not display names) whose subscriptions are read, through Resource Graph's `managementGroups` scope. " +
					"An empty list reads nothing. Conflicts with `subscription_ids`."},
			"score_name": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 260)},
				MarkdownDescription: "The secure score initiative. Defaults to `ascScore`, Defender for Cloud's default initiative. " +
					"A name no subscription in scope has is an error that lists the names found."},
			"scores": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "One entry per subscription with a score, ordered by `percentage` ascending (the weakest first), then `subscription_id`.",
				NestedObject:        scoreEntrySchema(),
			},
			"scores_by_subscription_id": schema.MapNestedAttribute{Computed: true,
				MarkdownDescription: "The entries of `scores` keyed by `subscription_id` in lower case (Resource Graph's spelling), for lookups that do not move when the order does: " +
					"`scores_by_subscription_id[lower(var.subscription_id)]`.",
				NestedObject: scoreEntrySchema(),
			},
			"subscription_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "The number of subscriptions in `scores`."},
			"aggregate_percentage": schema.Float64Attribute{Computed: true,
				MarkdownDescription: "Defender for Cloud's multi-subscription score: `sum(percentage_i * weight_i) / sum(weight_i)` over the subscriptions whose weight is greater than 0; " +
					"a ratio between 0 and 1, 4 decimals. Null when no subscription has a positive weight (no data), so `aggregate_percentage == null` tells it from a score of 0."},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func (d *ScoresDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *ScoresDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data scoresModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() || !providerdata.Require(d.client, &resp.Diagnostics) {
		return
	}
	readTimeout, diags := data.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	var q client.ScoreQuery
	resp.Diagnostics.Append(listStrings(ctx, data.SubscriptionIDs, &q.SubscriptionIDs)...)
	resp.Diagnostics.Append(listStrings(ctx, data.ManagementGroupIDs, &q.ManagementGroupIDs)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	q.Name = data.ScoreName.ValueString()
	if q.Name == "" {
		q.Name = client.DefaultSecureScoreName
	}
	// An explicitly empty list selects no subscription; it must not fall
	// through to "every subscription", which is what a query without scope means.
	emptyScope := (!data.SubscriptionIDs.IsNull() && len(q.SubscriptionIDs) == 0) ||
		(!data.ManagementGroupIDs.IsNull() && len(q.ManagementGroupIDs) == 0)

	scores := []client.DefenderScore{}
	if !emptyScope {
		start := time.Now()
		var stats client.QueryStats
		var err error
		scores, stats, err = d.client.QueryDefenderScores(ctx, q)
		tflog.Debug(ctx, "Resource Graph secure score query", map[string]any{
			"subscriptions": len(q.SubscriptionIDs), "management_groups": len(q.ManagementGroupIDs),
			"batches": stats.Batches, "requests": stats.Requests, "rows": stats.Rows, "duration_ms": time.Since(start).Milliseconds(),
		})
		if err != nil {
			resp.Diagnostics.Append(diagnostics.FromError(readScoresAction, err, diagnostics.Hint{}))
			return
		}
		if len(scores) == 0 {
			resp.Diagnostics.Append(d.checkNameExists(ctx, q)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
		if missing := missingSubscriptions(q.SubscriptionIDs, scores); len(missing) > 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("subscription_ids"), "Subscriptions without a secure score",
				fmt.Sprintf("Resource Graph returned no %q score for %d of the listed subscriptions: %s. "+
					"They have no Defender for Cloud data, or the identity cannot read them (it needs the Security Reader role), or they belong to another tenant. They are left out of scores and aggregate_percentage.",
					q.Name, len(missing), abbreviate(missing, maxListedNames)))
		}
	}

	sortScores(scores)
	data.ScoreName = types.StringValue(q.Name)
	data.Scores, data.ScoresBySubscription = scoresValues(scores)
	data.SubscriptionCount = types.Int64Value(int64(len(scores)))
	data.AggregatePercentage = types.Float64PointerValue(aggregatePercentage(scores))
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// checkNameExists explains an empty result: an error naming the initiatives
// found in scope when there are some, nothing when the scope has no Defender
// for Cloud data at all (an empty list is then the answer).
func (d *ScoresDataSource) checkNameExists(ctx context.Context, q client.ScoreQuery) diag.Diagnostics {
	var diags diag.Diagnostics
	names, _, err := d.client.QueryDefenderScoreNames(ctx, q, maxListedNames)
	if err != nil {
		diags.Append(diagnostics.FromError(readScoresAction, err, diagnostics.Hint{}))
		return diags
	}
	if len(names) == 0 {
		return diags
	}
	diags.AddAttributeError(path.Root("score_name"), "Unknown secure score",
		fmt.Sprintf("No subscription in scope has a secure score named %q; the names found are: %s. Set score_name to one of them or omit it for ascScore.",
			q.Name, strings.Join(names, ", ")))
	return diags
}

// listStrings reads a list of strings; a null list leaves target nil.
func listStrings(ctx context.Context, list types.List, target *[]string) diag.Diagnostics {
	if list.IsNull() || list.IsUnknown() {
		return nil
	}
	values := []string{}
	diags := list.ElementsAs(ctx, &values, false)
	*target = values
	return diags
}

// abbreviate joins up to n values and says how many more there are.
func abbreviate(values []string, n int) string {
	if len(values) <= n {
		return strings.Join(values, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(values[:n], ", "), len(values)-n)
}
