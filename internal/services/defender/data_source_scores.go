package defender

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

const readScoresAction = "Reading the Defender for Cloud secure scores through Resource Graph"

// maxListedNames bounds the names shown by the unknown-name and missing-subscription diagnostics.
const maxListedNames = 10

// ScoresDataSource reads the secure scores of many subscriptions in Resource
// Graph queries and aggregates them.
type ScoresDataSource struct {
	providerdata.DataSource[scoresModel]
}

// NewScoresDataSource is the factory the provider registers.
func NewScoresDataSource() datasource.DataSource {
	d := &ScoresDataSource{}
	d.DataSource = providerdata.NewDataSource("defender_scores", defaultReadTimeout, d.read)
	return d
}

type scoresModel struct {
	providerdata.ReadTimeout
	scopeModel
	ScoreName           types.String      `tfsdk:"score_name"`
	Scores              []scoreEntryModel `tfsdk:"scores"`
	SubscriptionCount   types.Int64       `tfsdk:"subscription_count"`
	AggregatePercentage types.Float64     `tfsdk:"aggregate_percentage"`
	NotCalculated       types.List        `tfsdk:"not_calculated_subscription_ids"`
	ManagementGroups    []groupEntryModel `tfsdk:"management_groups"`
}

func (d *ScoresDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads the Microsoft Defender for Cloud secure scores of many subscriptions with Azure Resource Graph "+
		"(`securityresources | where type == 'microsoft.security/securescores'`), not one call per subscription, and computes their weighted aggregate. "+
		"Needs the Security Reader role (or Reader) on the subscriptions or management groups; Resource Graph leaves out subscriptions the identity cannot read.",
		withScope("secure scores", map[string]schema.Attribute{
			"score_name": scoreNameAttribute("The secure score initiative. Defaults to `ascScore`, Defender for Cloud's default initiative. " +
				"A name no subscription in scope has is an error that lists the names found."),
			"scores": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "One entry per subscription with a score, ordered by `percentage` ascending (the weakest first), then `subscription_id`. " +
					"`subscription_id` is in lower case (Resource Graph's spelling); for lookups by subscription, key the list with a `for` expression: " +
					"`{ for s in data.securescore_defender_scores.this.scores : s.subscription_id => s }[lower(var.subscription_id)]`.",
				NestedObject: scoreEntrySchema(),
			},
			"subscription_count": computed.Int64("The number of subscriptions in `scores`."),
			"aggregate_percentage": computed.Float64("Defender for Cloud's multi-subscription score: `sum(percentage_i * weight_i) / sum(weight_i)` over the subscriptions whose weight is greater than 0; " +
				"a ratio between 0 and 1, 4 decimals. Null when no subscription has a positive weight (no data), so `aggregate_percentage == null` tells it from a score of 0."),
			"not_calculated_subscription_ids": computed.StringList("The subscriptions in scope the identity can read that have no secure score yet (Defender for Cloud has not calculated their first score), in lower case, sorted; " +
				"they are named in a warning and left out of `scores` and the aggregate, never counted as 0 %. Null for an initiative other than `ascScore`, where a subscription without it simply does not use it."),
			"management_groups": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "With `management_group_ids`, one entry per management group, in the order given: each group is read on its own, so a group the identity cannot read is `restricted` " +
					"(with a warning) and hides none of the others. Null without `management_group_ids`. Keyed by group: " +
					"`{ for g in data.securescore_defender_scores.this.management_groups : g.management_group_id => g }`.",
				NestedObject: groupEntrySchema(),
			},
		}))
}

// read fills data from the service (see providerdata.DataSource).
func (d *ScoresDataSource) read(ctx context.Context, data *scoresModel, diags *diag.Diagnostics) {
	scope, emptyScope := data.readScope(ctx, diags)
	if diags.HasError() {
		return
	}

	q := client.ScoreQuery{SubscriptionIDs: scope.SubscriptionIDs, ManagementGroupIDs: scope.ManagementGroupIDs, Name: data.ScoreName.ValueString()}
	if q.Name == "" {
		q.Name = client.DefaultSecureScoreName
	}
	var result scoresResult
	if emptyScope {
		result.notCalculated = []string{}
	} else {
		start := time.Now()
		var err error
		result, err = readScores(ctx, d.Client, q)
		tflog.Debug(ctx, "Resource Graph secure score query", map[string]any{
			"subscriptions": len(q.SubscriptionIDs), "management_groups": len(q.ManagementGroupIDs),
			"batches": result.stats.Batches, "requests": result.stats.Requests, "rows": result.stats.Rows, "duration_ms": time.Since(start).Milliseconds(),
		})
		if err != nil {
			diags.Append(diagnostics.FromError(readScoresAction, err, diagnostics.Hint{}))
			return
		}
		if len(result.scores) == 0 && (len(q.ManagementGroupIDs) == 0 || len(result.readableGroups()) > 0) {
			named := q
			if len(q.ManagementGroupIDs) > 0 {
				named.ManagementGroupIDs = result.readableGroups()
			}
			diags.Append(d.checkNameExists(ctx, named)...)
			if diags.HasError() {
				return
			}
		}
		d.warn(diags, q, result)
	}

	scores := result.scores
	sortScores(scores)
	data.ScoreName = types.StringValue(q.Name)
	data.Scores = scoreEntries(scores)
	data.SubscriptionCount = types.Int64Value(int64(len(scores)))
	data.AggregatePercentage = types.Float64PointerValue(aggregatePercentage(scores))
	data.NotCalculated = stringListOrNull(result.notCalculated)
	data.ManagementGroups = groupEntries(result.groups, !data.ManagementGroupIDs.IsNull())
}

// warn explains what the scores leave out: subscriptions not calculated
// yet, subscriptions Resource Graph does not show, and restricted groups.
func (d *ScoresDataSource) warn(diags *diag.Diagnostics, q client.ScoreQuery, r scoresResult) {
	scopePath := path.Root("subscription_ids")
	if len(q.ManagementGroupIDs) > 0 {
		scopePath = path.Root("management_group_ids")
	}
	if len(r.notCalculated) > 0 {
		summary, detail := notCalculatedWarning(r.notCalculated)
		diags.AddAttributeWarning(scopePath, summary, detail)
	}
	if len(r.withoutScore) > 0 {
		diags.AddAttributeWarning(scopePath, "Subscriptions without this initiative",
			fmt.Sprintf("%d of the listed subscriptions have no %q secure score: %s. They are left out of scores and aggregate_percentage.",
				len(r.withoutScore), q.Name, abbreviate(r.withoutScore, maxListedNames)))
	}
	if len(r.unreadable) > 0 {
		diags.AddAttributeWarning(scopePath, "Subscriptions without a secure score",
			fmt.Sprintf("Resource Graph shows no %d of the listed subscriptions: %s. The identity cannot read them (it needs the Security Reader role), or they belong to another tenant or do not exist. "+
				"They are left out of scores and aggregate_percentage.", len(r.unreadable), abbreviate(r.unreadable, maxListedNames)))
	}
	if restricted := r.restrictedGroups(); len(restricted) > 0 {
		diags.AddAttributeWarning(scopePath, "Management groups restricted", restrictedGroupsDetail(restricted,
			"they are restricted = true in management_groups, with a null aggregate, and their subscriptions count only through the groups that can be read"))
	}
}

// checkNameExists explains an empty result: an error naming the initiatives
// found in scope when there are some, nothing when the scope has no Defender
// for Cloud data at all (an empty list is then the answer).
func (d *ScoresDataSource) checkNameExists(ctx context.Context, q client.ScoreQuery) diag.Diagnostics {
	var diags diag.Diagnostics
	names, _, err := d.Client.QueryDefenderScoreNames(ctx, q, maxListedNames)
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
