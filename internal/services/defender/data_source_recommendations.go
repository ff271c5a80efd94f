package defender

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

const readRecommendationsAction = "Reading the Defender for Cloud recommendations through Resource Graph"

// RecommendationsDataSource reads Defender for Cloud's recommendations of
// many subscriptions, summarised in Resource Graph, biggest gain first.
type RecommendationsDataSource struct {
	providerdata.DataSource[recommendationsModel]
}

// NewRecommendationsDataSource is the factory the provider registers.
func NewRecommendationsDataSource() datasource.DataSource {
	d := &RecommendationsDataSource{}
	d.DataSource = providerdata.NewDataSource("defender_recommendations", defaultReadTimeout, d.read)
	return d
}

type recommendationsModel struct {
	providerdata.ReadTimeout
	scopeModel
	ScoreName               types.String          `tfsdk:"score_name"`
	Statuses                types.Set             `tfsdk:"statuses"`
	Severities              types.Set             `tfsdk:"severities"`
	ControlNames            types.Set             `tfsdk:"control_names"`
	AffectedResourceIDLimit types.Int64           `tfsdk:"affected_resource_id_limit"`
	GroupBy                 types.String          `tfsdk:"group_by"`
	OrderBy                 types.String          `tfsdk:"order_by"`
	IncludePreview          types.Bool            `tfsdk:"include_preview"`
	RiskLevels              types.Set             `tfsdk:"risk_levels"`
	ChangedWithinDays       types.Int64           `tfsdk:"changed_within_days"`
	Recommendations         []recommendationModel `tfsdk:"recommendations"`
	RecommendationCount     types.Int64           `tfsdk:"recommendation_count"`
	NotCalculated           types.List            `tfsdk:"not_calculated_subscription_ids"`
	RestrictedGroups        types.List            `tfsdk:"restricted_management_group_ids"`
}

var recommendationStatuses = []string{client.StatusUnhealthy, client.StatusHealthy, client.StatusNotApplicable}

// group_by and order_by values.
const (
	groupByRecommendation = "recommendation"
	groupBySubscription   = "subscription"
	orderByGain           = "gain"
	orderByRisk           = "risk"
	maxChangedWithinDays  = 90
)

func (d *RecommendationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads Microsoft Defender for Cloud's recommendations (assessments) of one or many subscriptions or management groups with Azure Resource Graph "+
		"(`securityresources | where type == 'microsoft.security/assessments'`), summarised in the query whatever the number of resources assessed: "+
		"one entry per recommendation across the scope (`group_by = \"recommendation\"`, the default for more than one subscription) or per recommendation and subscription (`group_by = \"subscription\"`), "+
		"each with the security control that holds it, what remediating that control would add to the scope's weighted aggregate, Defender CSPM's risk level, and what changed recently. "+
		"Ordered so the biggest gain comes first, or the highest risk. "+
		"Needs the Security Reader role (or Reader) on the subscriptions or management groups.",
		withScope("recommendations", map[string]schema.Attribute{
			"score_name": scoreNameAttribute("The secure score initiative whose controls give the points. Defaults to `ascScore`, Defender for Cloud's default initiative."),
			"statuses": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(recommendationStatuses...))},
				MarkdownDescription: "The recommendation statuses to read: `Unhealthy` (a resource is unhealthy), `Healthy` (none is, one is healthy), `NotApplicable` (none applies). " +
					"Defaults to `[\"Unhealthy\"]`, the remediation backlog."},
			"severities": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(Severities...))},
				MarkdownDescription: "Only recommendations of these severities: `High`, `Medium`, `Low`. All when unset."},
			"control_names": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 260))},
				MarkdownDescription: "Only recommendations of these security controls, by name (the control definition's GUID) or display name (e.g. `Enable MFA`), case-insensitively. " +
					"A name no control in scope has is an error listing the controls found."},
			"affected_resource_id_limit": schema.Int64Attribute{Optional: true, Computed: true, Validators: []validator.Int64{int64validator.Between(0, client.MaxAffectedResourceIDs)},
				MarkdownDescription: fmt.Sprintf("List up to this many unhealthy resource ids per recommendation in `affected_resource_ids` (0 to %d; default 0, no list). "+
					"`unhealthy_resource_count` always counts them all.", client.MaxAffectedResourceIDs)},
			"group_by": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.OneOf(groupByRecommendation, groupBySubscription)},
				MarkdownDescription: "`recommendation`: one entry per recommendation across the scope, with `subscription_count` and the resource counts summed over the subscriptions (a few hundred entries at most, whatever the number of subscriptions). " +
					"`subscription`: one entry per recommendation and subscription, with the subscription's control points. " +
					"Defaults to `subscription` when `subscription_ids` names one subscription, else `recommendation`."},
			"order_by": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.OneOf(orderByGain, orderByRisk)},
				MarkdownDescription: "`gain` (the default): biggest gain first. `risk`: `risk_level` first (Critical, High, Medium, Low, then none), then as `gain` within a level. See `recommendations` for the full order."},
			"include_preview": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Whether preview recommendations are listed. They count in no secure score, so they carry no points or gain and come after every scored one within their risk level. Defaults to `true`."},
			"risk_levels": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(client.RiskLevels...))},
				MarkdownDescription: "Only recommendations whose `risk_level` is one of these: `Critical`, `High`, `Medium`, `Low`. Recommendations without a risk level (no Defender CSPM) are then left out. All when unset."},
			"changed_within_days": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.Between(1, maxChangedWithinDays)},
				MarkdownDescription: fmt.Sprintf("Only recommendations with a resource whose status changed within this many days (1 to %d, from the assessments' `status.statusChangeDate`), "+
					"each with `newly_unhealthy_resource_count` and `new_resource_count`. Unset: every recommendation, and those two counts are null.", maxChangedWithinDays)},
			"recommendations": computed.ObjectList("The recommendations, biggest gain first: ordered by the gain (`potential_aggregate_increase` with `group_by = \"recommendation\"`, "+
				"`potential_score_increase` with `group_by = \"subscription\"`) descending, recommendations without one (outside every control of the initiative) after, preview recommendations last; "+
				"then `unhealthy_resource_count` descending, then `severity` (High, Medium, Low), `display_name`, `subscription_id` and `assessment_key`. "+
				"With `order_by = \"risk\"`, `risk_level` comes before all of these.", recommendationEntrySchema()),
			"recommendation_count": computed.Int64("The number of entries in `recommendations`."),
			"restricted_management_group_ids": computed.StringList("With `management_group_ids`: the groups the identity may not read (Resource Graph answered HTTP 403), in the order given, with a warning; " +
				"their subscriptions' recommendations are listed only through the groups that can be read. Empty when every group was read; null without `management_group_ids`."),
			"not_calculated_subscription_ids": computed.StringList("Subscriptions with recommendations but no control of the initiative: Defender for Cloud assesses them but has not calculated their secure score yet " +
				"(named in a warning). Their recommendations have null control attributes. Lower case, sorted."),
		}))
}

func recommendationEntrySchema() map[string]schema.Attribute {
	return merged(resourceCountsAttributes("Resources on which the recommendation is healthy.", "Resources on which it is unhealthy.", "Resources it does not apply to."), map[string]schema.Attribute{
		"subscription_id":       computed.String("The subscription; null with `group_by = \"recommendation\"`."),
		"assessment_key":        computed.String("The recommendation's assessment key (its assessment metadata name, a GUID), the same in every subscription."),
		"display_name":          computed.String("The recommendation, e.g. `Management ports should be closed on your virtual machines`."),
		"severity":              computed.String("`High`, `Medium` or `Low`."),
		"status":                computed.String("`Unhealthy` when a resource (of the subscription, or of the scope with `group_by = \"recommendation\"`) is unhealthy, else `Healthy` when one is healthy, else `NotApplicable`."),
		"status_cause":          computed.String("Why the recommendation does not apply or is not healthy, as the service codes it (e.g. `OffByPolicy`, `Exempt`); null when it gives none or for `Healthy`."),
		"status_description":    computed.String("The service's words for `status_cause`; null when it gives none."),
		"control_name":          computed.String("The security control that holds the recommendation (its definition's name, a GUID, as `securescore_defender_controls` names it); null when no control of the initiative holds it or the subscription's score is not calculated yet."),
		"control_display_name":  computed.String("The control's display name, e.g. `Secure management ports`; null like `control_name`."),
		"control_current_score": computed.Float64("The points the control currently contributes to the subscription's score; null like `control_name`, for a preview recommendation, and with `group_by = \"recommendation\"` (the points differ by subscription)."),
		"control_max_score":     computed.Int64("The most points the control can contribute; null like `control_current_score`."),
		"potential_score_increase": computed.Float64("The points the subscription's score would gain once every resource of the control is healthy (`control_max_score - control_current_score`): " +
			"a control's points count only when every recommendation in it is healthy for a resource, so this is the gain of remediating this recommendation and the others of its control. Null like `control_current_score`."),
		"potential_aggregate_increase": computed.Float64("How many percentage points the scope's weighted aggregate (`sum(weight_i * current_i / max_i) / sum(weight_i)`, as `securescore_defender_scores` computes `aggregate_percentage`, times 100) " +
			"rises once the recommendation's control is fully healthy in every subscription where the recommendation is unhealthy: `100 * sum(weight_i * (control max_i - control current_i) / max_i) / sum(weight_i)` over those subscriptions, 2 decimals. " +
			"The sums of weights run over the scope's subscriptions with a positive weight. 0 when the recommendation is unhealthy nowhere; null outside every control, for a preview recommendation, and when no subscription has a positive weight."),
		"subscription_count": computed.Int64("The subscriptions where the recommendation is unhealthy (with `group_by = \"subscription\"`: 1 or 0)."),
		"preview":            computed.Bool("Whether the recommendation is in preview. \"Recommendations flagged as Preview aren't included in secure score calculations\": its points and gains are null."),
		"risk_level": computed.String("The highest risk level among the unhealthy resources: `Critical`, `High`, `Medium` or `Low`. Null when the service gives none: risk prioritization needs the Defender CSPM plan. " +
			"Risk prioritization does not change the secure score."),
		"risk_factors":                   computed.StringList("The risk factors of the unhealthy resources (e.g. `Internet exposure`, `Sensitive data`), distinct, sorted; empty without Defender CSPM."),
		"attack_path_count":              computed.Int64("The distinct attack paths the unhealthy resources are on (0 without Defender CSPM)."),
		"newly_unhealthy_resource_count": computed.Int64("With `changed_within_days`: the unhealthy resources whose status changed within the window (they turned unhealthy in it); null without."),
		"new_resource_count":             computed.Int64("With `changed_within_days`: the resources first evaluated within the window (new resources, whatever their status); null without."),
		"portal_url":                     computed.String("The recommendation in the Azure portal; null when the service gives no link."),
		"affected_resource_ids":          computed.StringList("Up to `affected_resource_id_limit` unhealthy resource ids, sorted; null when the limit is 0."),
	})
}

// recommendationModel is one entry of recommendations.
type recommendationModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	AssessmentKey     types.String `tfsdk:"assessment_key"`
	DisplayName       types.String `tfsdk:"display_name"`
	Severity          types.String `tfsdk:"severity"`
	Status            types.String `tfsdk:"status"`
	StatusCause       types.String `tfsdk:"status_cause"`
	StatusDescription types.String `tfsdk:"status_description"`
	resourceCountsModel
	ControlName            types.String  `tfsdk:"control_name"`
	ControlDisplayName     types.String  `tfsdk:"control_display_name"`
	ControlCurrentScore    types.Float64 `tfsdk:"control_current_score"`
	ControlMaxScore        types.Int64   `tfsdk:"control_max_score"`
	PotentialScoreIncrease types.Float64 `tfsdk:"potential_score_increase"`
	PortalURL              types.String  `tfsdk:"portal_url"`
	AffectedResourceIDs    []string      `tfsdk:"affected_resource_ids"`

	PotentialAggregateIncrease  types.Float64 `tfsdk:"potential_aggregate_increase"`
	SubscriptionCount           types.Int64   `tfsdk:"subscription_count"`
	Preview                     types.Bool    `tfsdk:"preview"`
	RiskLevel                   types.String  `tfsdk:"risk_level"`
	RiskFactors                 []string      `tfsdk:"risk_factors"`
	AttackPathCount             types.Int64   `tfsdk:"attack_path_count"`
	NewlyUnhealthyResourceCount types.Int64   `tfsdk:"newly_unhealthy_resource_count"`
	NewResourceCount            types.Int64   `tfsdk:"new_resource_count"`
}

// read fills data from the service (see providerdata.DataSource).
func (d *RecommendationsDataSource) read(ctx context.Context, data *recommendationsModel, diags *diag.Diagnostics) {
	scope, emptyScope := data.readScope(ctx, diags)
	q := client.RecommendationQuery{Scope: scope, Statuses: []string{client.StatusUnhealthy}}
	if !data.Statuses.IsNull() && !data.Statuses.IsUnknown() {
		diags.Append(data.Statuses.ElementsAs(ctx, &q.Statuses, false)...)
	}
	if !data.Severities.IsNull() && !data.Severities.IsUnknown() {
		diags.Append(data.Severities.ElementsAs(ctx, &q.Severities, false)...)
	}
	var controlFilter, riskLevels []string
	if !data.ControlNames.IsNull() && !data.ControlNames.IsUnknown() {
		diags.Append(data.ControlNames.ElementsAs(ctx, &controlFilter, false)...)
	}
	if !data.RiskLevels.IsNull() && !data.RiskLevels.IsUnknown() {
		diags.Append(data.RiskLevels.ElementsAs(ctx, &riskLevels, false)...)
	}
	q.ResourceIDLimit = int(data.AffectedResourceIDLimit.ValueInt64())
	if days := data.ChangedWithinDays.ValueInt64(); days > 0 {
		q.ChangedSince = time.Now().UTC().Add(-time.Duration(days) * 24 * time.Hour)
	}
	if diags.HasError() {
		return
	}
	scoreName := data.ScoreName.ValueString()
	if scoreName == "" {
		scoreName = client.DefaultSecureScoreName
	}
	groupBy := data.GroupBy.ValueString()
	if groupBy == "" {
		groupBy = groupByRecommendation
		if len(uniqueFold(scope.SubscriptionIDs)) == 1 && len(scope.ManagementGroupIDs) == 0 {
			groupBy = groupBySubscription
		}
	}
	orderBy := data.OrderBy.ValueString()
	if orderBy == "" {
		orderBy = orderByGain
	}
	includePreview := data.IncludePreview.IsNull() || data.IncludePreview.IsUnknown() || data.IncludePreview.ValueBool()

	var ranked []rankedRecommendation
	notCalculated := []string{}
	var restricted []string
	if !emptyScope {
		start := time.Now()
		var controls []client.ControlPoints
		var cstats client.QueryStats
		var err error
		controls, restricted, cstats, err = readControlPoints(ctx, d.Client, scope, scoreName)
		if err != nil {
			diags.Append(diagnostics.FromError(readRecommendationsAction, err, diagnostics.Hint{}))
			return
		}
		if len(restricted) > 0 {
			diags.AddAttributeWarning(path.Root("management_group_ids"), "Management groups restricted", restrictedGroupsDetail(restricted,
				"they are listed in restricted_management_group_ids, and their subscriptions' recommendations only through the groups that can be read"))
			q.Scope.ManagementGroupIDs = readableGroups(scope.ManagementGroupIDs, restricted)
		}
		if len(controlFilter) > 0 {
			keys, unknown := controlKeys(controls, controlFilter)
			if len(unknown) > 0 && (len(controls) > 0 || len(restricted) == 0) { // nothing readable is no mistake of the name
				diags.AddAttributeError(path.Root("control_names"), "Unknown security control",
					fmt.Sprintf("No control of the %q initiative in scope is named %s; the controls found are: %s. Use a control's name (GUID) or display name.",
						scoreName, strings.Join(quoteAll(unknown), ", "), abbreviate(controlNames(controls), 40)))
				return
			}
			q.AssessmentKeys = keys
		}
		var recs []client.Recommendation
		var rstats, sstats client.QueryStats
		var scores []client.DefenderScore
		if (len(controlFilter) == 0 || len(q.AssessmentKeys) > 0) && (len(scope.ManagementGroupIDs) == 0 || len(q.Scope.ManagementGroupIDs) > 0) {
			if groupBy == groupBySubscription {
				recs, rstats, err = d.Client.QueryRecommendations(ctx, q)
			} else {
				recs, rstats, err = d.Client.QueryRecommendationSummary(ctx, q)
			}
			if err == nil {
				scores, sstats, err = d.Client.QueryDefenderScores(ctx, client.ScoreQuery{
					SubscriptionIDs: q.Scope.SubscriptionIDs, ManagementGroupIDs: q.Scope.ManagementGroupIDs, Name: scoreName,
				})
			}
			if err != nil {
				diags.Append(diagnostics.FromError(readRecommendationsAction, err, diagnostics.Hint{}))
				return
			}
		}
		tflog.Debug(ctx, "Resource Graph recommendations query", map[string]any{
			"subscriptions": len(scope.SubscriptionIDs), "management_groups": len(scope.ManagementGroupIDs), "group_by": groupBy,
			"requests": cstats.Requests + rstats.Requests + sstats.Requests, "control_rows": cstats.Rows, "recommendation_rows": rstats.Rows,
			"duration_ms": time.Since(start).Milliseconds(),
		})
		if strings.EqualFold(scoreName, client.DefaultSecureScoreName) && groupBy == groupBySubscription {
			notCalculated = unscoredWithRecommendations(recs, controls)
		}
		kept := keepRecommendations(recs, includePreview, riskLevels)
		weights := newScopeWeights(scores)
		if groupBy == groupBySubscription {
			ranked = rankRecommendations(kept, controls, weights, orderBy == orderByRisk)
		} else {
			ranked = summarizeRecommendations(kept, controls, weights, orderBy == orderByRisk)
			if strings.EqualFold(scoreName, client.DefaultSecureScoreName) {
				notCalculated = unscoredInSummary(recs, controls)
			}
		}
		if len(notCalculated) > 0 {
			summary, detail := notCalculatedWarning(notCalculated)
			diags.AddWarning(summary, strings.Replace(detail, "left out of the aggregate and listed in not_calculated_subscription_ids",
				"listed in not_calculated_subscription_ids, and their recommendations carry no control or points", 1))
		}
	}

	data.ScoreName = types.StringValue(scoreName)
	statuses := make([]attr.Value, 0, len(q.Statuses))
	for _, s := range q.Statuses {
		statuses = append(statuses, types.StringValue(s))
	}
	data.Statuses = types.SetValueMust(types.StringType, statuses)
	data.AffectedResourceIDLimit = types.Int64Value(int64(q.ResourceIDLimit))
	data.GroupBy, data.OrderBy, data.IncludePreview = types.StringValue(groupBy), types.StringValue(orderBy), types.BoolValue(includePreview)
	data.Recommendations = recommendationEntries(ranked, q.ResourceIDLimit > 0, !q.ChangedSince.IsZero())
	data.RecommendationCount = types.Int64Value(int64(len(ranked)))
	data.NotCalculated = stringListOrNull(notCalculated)
	data.RestrictedGroups = types.ListNull(types.StringType)
	if !data.ManagementGroupIDs.IsNull() {
		data.RestrictedGroups = stringListOrNull(append([]string{}, restricted...))
	}
}

// readControlPoints reads the controls of scope. Management groups are read
// one by one, so that one the identity may not read (HTTP 403) is reported
// in restricted, in the order given, and hides none of the others.
func readControlPoints(ctx context.Context, c *client.Client, scope client.ResourceGraphScope, scoreName string) ([]client.ControlPoints, []string, client.QueryStats, error) {
	if len(scope.ManagementGroupIDs) == 0 {
		controls, stats, err := c.QueryControlPoints(ctx, scope, scoreName)
		return controls, nil, stats, err
	}
	var all []client.ControlPoints
	var restricted []string
	var stats client.QueryStats
	seen := map[string]bool{}
	for _, id := range uniqueFold(scope.ManagementGroupIDs) {
		controls, s, err := c.QueryControlPoints(ctx, client.ResourceGraphScope{ManagementGroupIDs: []string{id}}, scoreName)
		stats.Requests += s.Requests
		stats.Rows += s.Rows
		if client.IsForbidden(err) {
			restricted = append(restricted, id)
			continue
		}
		if err != nil {
			return nil, nil, stats, err
		}
		for _, cp := range controls { // a subscription can sit in two of the groups
			if k := strings.ToLower(cp.SubscriptionID + "/" + cp.Name); !seen[k] {
				seen[k] = true
				all = append(all, cp)
			}
		}
	}
	return all, restricted, stats, nil
}

// readableGroups are ids without the restricted ones, in order.
func readableGroups(ids, restricted []string) []string {
	out := []string{}
	for _, id := range uniqueFold(ids) {
		if !slices.ContainsFunc(restricted, func(r string) bool { return strings.EqualFold(r, id) }) {
			out = append(out, id)
		}
	}
	return out
}

// recommendationEntries are the entries of recommendations; without
// affected resource ids asked for, affected_resource_ids is null, and
// without a window the counts of what changed are.
func recommendationEntries(ranked []rankedRecommendation, withIDs, withChanges bool) []recommendationModel {
	optional := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	entries := make([]recommendationModel, 0, len(ranked))
	for _, r := range ranked {
		e := recommendationModel{
			SubscriptionID: optional(r.SubscriptionID), AssessmentKey: types.StringValue(r.AssessmentKey),
			DisplayName: types.StringValue(r.DisplayName), Severity: optional(r.Severity), Status: types.StringValue(r.Status),
			StatusCause: optional(r.StatusCause), StatusDescription: optional(r.StatusDescription),
			resourceCountsModel: newResourceCounts(r.HealthyResourceCount, r.UnhealthyResourceCount, r.NotApplicableResourceCount),
			ControlName:         types.StringNull(), ControlDisplayName: types.StringNull(),
			ControlCurrentScore: types.Float64Null(), ControlMaxScore: types.Int64Null(),
			PotentialScoreIncrease: types.Float64PointerValue(r.potential()), PortalURL: optional(r.PortalURL),
			PotentialAggregateIncrease: types.Float64PointerValue(r.AggregateGain),
			SubscriptionCount:          types.Int64Value(int64(len(r.UnhealthySubscriptionIDs))),
			Preview:                    types.BoolValue(r.Preview), RiskLevel: optional(r.RiskLevel()),
			RiskFactors: stringsOrEmpty(r.RiskFactors), AttackPathCount: types.Int64Value(int64(len(r.AttackPaths))),
			NewlyUnhealthyResourceCount: types.Int64Null(), NewResourceCount: types.Int64Null(),
		}
		if !r.estate {
			e.SubscriptionCount = types.Int64Value(0)
			if r.UnhealthyResourceCount > 0 {
				e.SubscriptionCount = types.Int64Value(1)
			}
		}
		if c := r.Control; c != nil {
			e.ControlName, e.ControlDisplayName = types.StringValue(c.Name), types.StringValue(c.DisplayName)
			if r.potential() != nil {
				e.ControlCurrentScore, e.ControlMaxScore = types.Float64Value(c.Current), types.Int64Value(c.Max)
			}
		}
		if withIDs {
			e.AffectedResourceIDs = stringsOrEmpty(r.AffectedResourceIDs)
		}
		if withChanges {
			e.NewlyUnhealthyResourceCount, e.NewResourceCount = types.Int64Value(r.NewlyUnhealthyResourceCount), types.Int64Value(r.NewResourceCount)
		}
		entries = append(entries, e)
	}
	return entries
}

func quoteAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
