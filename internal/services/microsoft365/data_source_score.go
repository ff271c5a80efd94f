package microsoft365

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

// defaultHistoryDays is history_days when the configuration leaves it out.
const defaultHistoryDays = 30

// ScoreDataSource reads a tenant's Microsoft 365 Secure Score.
type ScoreDataSource struct {
	providerdata.DataSource[scoreDataSourceModel]
}

// NewScoreDataSource is the factory the provider registers.
func NewScoreDataSource() datasource.DataSource {
	d := &ScoreDataSource{}
	d.DataSource = providerdata.NewDataSource("microsoft365_score", dataSourceReadTimeout, d.read)
	return d
}

type scoreDataSourceModel struct {
	providerdata.ReadTimeout
	scoreValues
	TenantID            types.String       `tfsdk:"tenant_id"`
	HistoryDays         types.Int64        `tfsdk:"history_days"`
	ID                  types.String       `tfsdk:"id"`
	CreatedDateTime     types.String       `tfsdk:"created_date_time"`
	ActiveUserCount     types.Int64        `tfsdk:"active_user_count"`
	EnabledServices     []types.String     `tfsdk:"enabled_services"`
	PointsAvailable     types.Float64      `tfsdk:"points_available"`
	CurrentLicenseScore types.Float64      `tfsdk:"current_license_score"`
	InScoreCount        types.Int64        `tfsdk:"in_score_count"`
	Comparisons         []comparisonModel  `tfsdk:"comparisons"`
	StatusCounts        *statusCountsModel `tfsdk:"status_counts"`
	PlannedScore        types.Float64      `tfsdk:"planned_score"`
	AchievableScore     types.Float64      `tfsdk:"achievable_score"`
}

// scoreValues are what securescore_microsoft365_score and each tenant of
// securescore_microsoft365_tenant_scores say about a tenant's score.
type scoreValues struct {
	pointsModel
	LicensedUserCount      types.Int64            `tfsdk:"licensed_user_count"`
	Categories             map[string]pointsModel `tfsdk:"categories"`
	History                []historyPointModel    `tfsdk:"history"`
	PercentageChange30Days types.Float64          `tfsdk:"percentage_change_30_days"`
}

// newScoreValues reads them from the tenant's data, its newest score and
// that score's summary.
func newScoreValues(tenant tenantData, newest client.SecureScore, summary ScoreSummary, historyDays int) scoreValues {
	v := scoreValues{
		pointsModel:            pointsModel{flexValue(newest.CurrentScore), flexValue(newest.MaxScore), percentageValue(newest)},
		LicensedUserCount:      types.Int64Value(newest.LicensedUserCount),
		Categories:             newCategoryModels(summary.Categories),
		History:                newHistoryModels(History(tenant.Snapshots, historyDays)),
		PercentageChange30Days: types.Float64Null(),
	}
	if change, ok := PercentageChange30Days(tenant.Snapshots); ok {
		v.PercentageChange30Days = types.Float64Value(change)
	}
	return v
}

// pointsModel is the points of a score, a category or a day:
// current_score, max_score and percentage (see withPoints).
type pointsModel struct {
	CurrentScore types.Float64 `tfsdk:"current_score"`
	MaxScore     types.Float64 `tfsdk:"max_score"`
	Percentage   types.Float64 `tfsdk:"percentage"`
}

// withPoints adds the attributes of a pointsModel to attributes, each
// described in the words of the object that has them.
func withPoints(attributes map[string]schema.Attribute, current, maxScore, percentage string) map[string]schema.Attribute {
	attributes["current_score"] = computed.Float64(current)
	attributes["max_score"] = computed.Float64(maxScore)
	attributes["percentage"] = computed.Float64(percentage)
	return attributes
}

type comparisonModel struct {
	Basis                 types.String             `tfsdk:"basis"`
	AverageScore          types.Float64            `tfsdk:"average_score"`
	CategoryAverageScores map[string]types.Float64 `tfsdk:"category_average_scores"`
	CategoryMaxScores     map[string]types.Float64 `tfsdk:"category_max_scores"`
	Details               map[string]types.String  `tfsdk:"details"`
}

type historyPointModel struct {
	Date types.String `tfsdk:"date"`
	pointsModel
}

type statusCountsModel struct {
	Completed                          types.Int64 `tfsdk:"completed"`
	InProgress                         types.Int64 `tfsdk:"in_progress"`
	ToAddress                          types.Int64 `tfsdk:"to_address"`
	Planned                            types.Int64 `tfsdk:"planned"`
	RiskAccepted                       types.Int64 `tfsdk:"risk_accepted"`
	ResolvedThroughThirdParty          types.Int64 `tfsdk:"resolved_through_third_party"`
	ResolvedThroughAlternateMitigation types.Int64 `tfsdk:"resolved_through_alternate_mitigation"`
	Other                              types.Int64 `tfsdk:"other"`
}

func (d *ScoreDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(status string) schema.Attribute {
		return computed.Int64("Actions in the score whose status is `" + status + "`.")
	}
	resp.Schema = providerdata.Schema(ctx, "Reads a tenant's Microsoft 365 Secure Score from Microsoft Graph v1.0 (`GET /security/secureScores` and `GET /security/secureScoreControlProfiles`): "+
		"the newest daily score, its categories, comparisons with other tenants, history, status counts and the projections the portal offers. "+
		"Scores are in points, as Graph reports them; every `percentage` is a ratio between 0 and 1 with 4 decimals. "+
		"Needs the Microsoft Graph application permission `SecurityEvents.Read.All` (admin consent).",
		withPoints(map[string]schema.Attribute{
			"tenant_id": tenantIDAttribute(),
			"history_days": schema.Int64Attribute{Optional: true, Computed: true,
				Validators:          []validator.Int64{int64validator.Between(1, 90)},
				MarkdownDescription: fmt.Sprintf("How many daily scores `history` holds, 1 to 90 (Graph keeps 90 days). Defaults to %d.", defaultHistoryDays)},
			"id":                computed.String("The newest score's id, `{tenant id}_{date}`."),
			"created_date_time": computed.String("When the newest score was computed (RFC 3339, UTC)."),
			"current_license_score": computed.Float64("The portal's *current license score*, \"the score that can be achieved with your current Microsoft license\": Σ `max_score` of the improvement actions `in_score`. " +
				"Graph's `maxScore` is the same sum as Microsoft computed it for the newest daily score; the two differ only when Microsoft changed an action's `maxScore` or retired it since. " +
				"When `maxScore` is the larger (an action that counts is missing from Graph's list), it is `maxScore`, with a warning, so that this total and `achievable_score` are never below `current_score`."),
			"in_score_count":      computed.Int64("How many improvement actions count in the score (`in_score`); the `status_counts` add up to it."),
			"active_user_count":   computed.Int64("Active users in the tenant."),
			"licensed_user_count": computed.Int64("Licensed users in the tenant."),
			"enabled_services":    computed.StringList("The services the score covers, e.g. `HasExchange`, `HasSharePoint`."),
			"points_available": computed.Float64("The points still to gain by work: Σ `points_remaining` of the actions `in_score` whose status is `to_address`, `in_progress` or `planned`. " +
				"Actions resolved through a third party or an alternate mitigation earn their points from the service, and risk-accepted actions earn none, so neither counts."),
			"categories": categoriesAttribute(),
			"comparisons": computed.ObjectList("How other tenants score, one entry per comparison Graph sends (`averageComparativeScores`).", map[string]schema.Attribute{
				"basis":         computed.String("What the comparison is with: `AllTenants`, `TotalSeats` (tenants of similar size), `IndustryTypes` (tenants of the same industry), or another basis Graph adds."),
				"average_score": computed.Float64("The average score of the compared tenants, in points; null when Graph has no data for the period (it sends `-1`)."),
				"category_average_scores": schema.MapAttribute{Computed: true, ElementType: types.Float64Type,
					MarkdownDescription: "Average points by category, keyed `Identity`, `Data`, `Device`, `Apps`, `Infrastructure` (from Graph's `identityScore`, `dataScore`, …, sent as numbers or strings, keys in any case); a value is null when Graph sends `-1` (no data)."},
				"category_max_scores": schema.MapAttribute{Computed: true, ElementType: types.Float64Type,
					MarkdownDescription: "The most points each category could give the compared tenants, keyed like `category_average_scores` (from `identityScoreMax`, …); null values for `-1`."},
				"details": schema.MapAttribute{Computed: true, ElementType: types.StringType,
					MarkdownDescription: "Every other member of the comparison, as text, keyed in camelCase whatever the spelling Graph sends (live tenants send `SeatSizeRangeLowerValue`), e.g. `seatSizeRangeLowerValue`, `seatSizeRangeUpperValue` or `categoryValue` (the industry); null for `-1`."},
			}),
			"history":                   historyAttribute(),
			"percentage_change_30_days": computed.Float64("The newest `percentage` minus the one 30 days earlier (a difference of ratios, e.g. `0.05` = 5 points of percentage); null when Graph has no score from 30 days earlier."),
			"status_counts": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "How many improvement actions `in_score` have each status; each has exactly one, so the counts add up to `in_score_count`.",
				Attributes: map[string]schema.Attribute{
					"completed":                             count(StatusCompleted),
					"in_progress":                           count(StatusInProgress),
					"to_address":                            count(StatusToAddress),
					"planned":                               count(StatusPlanned),
					"risk_accepted":                         count(StatusRiskAccepted),
					"resolved_through_third_party":          count(StatusResolvedThroughThirdParty),
					"resolved_through_alternate_mitigation": count(StatusResolvedThroughAlternateMitigation),
					"other":                                 computed.Int64("Actions with a state this provider does not know (shown lower_snake_cased in their `status`)."),
				},
			},
			"planned_score":    computed.Float64("The portal's *planned score*: `current_score` + Σ `points_remaining` of `planned` actions."),
			"achievable_score": computed.Float64("The portal's *achievable score*, what the current licences and risk acceptance allow: `current_license_score` − Σ `max_score` of `risk_accepted` actions (they earn no points)."),
		}, "The tenant's score, in points.", "The highest score the tenant can reach, in points (Graph's `maxScore` of the newest score).",
			"`current_score / max_score`: a ratio between 0 and 1, 4 decimals (not a 0-100 number)."))
}

// read fills data from the service (see providerdata.DataSource).
func (d *ScoreDataSource) read(ctx context.Context, data *scoreDataSourceModel, diags *diag.Diagnostics) {
	g := tenantGraph(d.Client, data.TenantID, diags)
	if diags.HasError() {
		return
	}

	historyDays := defaultHistoryDays
	if !data.HistoryDays.IsNull() && !data.HistoryDays.IsUnknown() {
		historyDays = int(data.HistoryDays.ValueInt64())
	}
	tenant, err := fetchTenant(ctx, g, historyTop(historyDays))
	diags.Append(diagnostics.Warnings(tenant.Warnings)...)
	if err != nil {
		diags.Append(readError("Reading the Microsoft 365 secure score", err))
		return
	}
	newest := tenant.Newest()
	if newest == nil {
		diags.AddError("No Microsoft 365 secure score yet",
			fmt.Sprintf("Microsoft Graph has no secure score for tenant %s. Microsoft computes the first one about a day after the tenant gets a Microsoft 365 subscription; retry later.", g.TenantID))
		return
	}
	actions := NewActions(tenant.Profiles, newest)
	summary := Summarize(*newest, actions)
	if summary.Warning != "" {
		diags.AddWarning("License total from Microsoft Graph's maxScore", summary.Warning)
	}

	data.TenantID = tenantValue(g, data.TenantID)
	data.HistoryDays = types.Int64Value(int64(historyDays))
	data.ID = types.StringValue(newest.ID)
	data.CreatedDateTime = rfc3339(&newest.CreatedDateTime)
	data.scoreValues = newScoreValues(tenant, *newest, summary, historyDays)
	data.ActiveUserCount = types.Int64Value(newest.ActiveUserCount)
	data.EnabledServices = stringValues(newest.EnabledServices)
	data.PointsAvailable = types.Float64Value(summary.PointsAvailable)
	data.CurrentLicenseScore = types.Float64Value(summary.CurrentLicenseScore)
	data.InScoreCount = types.Int64Value(summary.InScoreCount)
	data.Comparisons = newComparisonModels(newest.AverageComparativeScores)
	counts := summary.StatusCounts
	data.StatusCounts = &statusCountsModel{
		Completed:                          types.Int64Value(counts.Completed),
		InProgress:                         types.Int64Value(counts.InProgress),
		ToAddress:                          types.Int64Value(counts.ToAddress),
		Planned:                            types.Int64Value(counts.Planned),
		RiskAccepted:                       types.Int64Value(counts.RiskAccepted),
		ResolvedThroughThirdParty:          types.Int64Value(counts.ResolvedThroughThirdParty),
		ResolvedThroughAlternateMitigation: types.Int64Value(counts.ResolvedThroughAlternateMitigation),
		Other:                              types.Int64Value(counts.Other),
	}
	data.PlannedScore = types.Float64Value(summary.PlannedScore)
	data.AchievableScore = types.Float64Value(summary.AchievableScore)
}

func newComparisonModels(scores []client.AverageComparativeScore) []comparisonModel {
	out := make([]comparisonModel, 0, len(scores))
	for _, s := range scores {
		m := comparisonModel{
			Basis:                 types.StringValue(s.Basis),
			AverageScore:          pointerValue(s.AverageScore),
			CategoryAverageScores: make(map[string]types.Float64, len(s.CategoryAverageScores)),
			CategoryMaxScores:     make(map[string]types.Float64, len(s.CategoryMaxScores)),
			Details:               make(map[string]types.String, len(s.Details)),
		}
		for category, v := range s.CategoryAverageScores {
			m.CategoryAverageScores[category] = pointerValue(v)
		}
		for category, v := range s.CategoryMaxScores {
			m.CategoryMaxScores[category] = pointerValue(v)
		}
		for key, v := range s.Details {
			m.Details[key] = types.StringNull()
			if v != nil {
				m.Details[key] = types.StringValue(*v)
			}
		}
		out = append(out, m)
	}
	return out
}

// categoriesAttribute is the score by control category, shared with the
// tenant scores data source.
func categoriesAttribute() schema.Attribute {
	return computed.ObjectMap("The score by control category (`Identity`, `Data`, `Device`, `Apps`, and any other the tenant has, such as `Infrastructure`), keyed by category.", withPoints(map[string]schema.Attribute{},
		"Σ of the category's points in the newest score (`controlScores`).",
		"Σ `max_score` of the category's improvement actions `in_score`.",
		"`current_score / max_score`: a ratio between 0 and 1, 4 decimals; 0 when `max_score` is 0."))
}

// historyAttribute is the daily scores, shared with the tenant scores data source.
func historyAttribute() schema.Attribute {
	return computed.ObjectList("The daily scores of the last `history_days` days (the newest score's day and the days before it), oldest first; a day without a score is missing (fewer when the tenant is younger).", withPoints(map[string]schema.Attribute{
		"date": computed.String("The day, `YYYY-MM-DD` (UTC)."),
	}, "The day's score, in points.", "The day's maximum score, in points.", "`current_score / max_score`: a ratio between 0 and 1, 4 decimals."))
}

func newCategoryModels(categories map[string]CategoryScore) map[string]pointsModel {
	out := make(map[string]pointsModel, len(categories))
	for name, c := range categories {
		out[name] = pointsModel{types.Float64Value(c.CurrentScore), types.Float64Value(c.MaxScore), types.Float64Value(c.Percentage)}
	}
	return out
}

func newHistoryModels(points []HistoryPoint) []historyPointModel {
	out := make([]historyPointModel, 0, len(points))
	for _, h := range points {
		out = append(out, historyPointModel{
			Date:        types.StringValue(h.Date),
			pointsModel: pointsModel{flexValue(h.CurrentScore), flexValue(h.MaxScore), types.Float64Value(h.Percentage)},
		})
	}
	return out
}

// percentageValue is the snapshot's current / max ratio; null when Graph
// sent no usable maximum.
func percentageValue(s client.SecureScore) types.Float64 {
	if !s.MaxScore.Set || !s.CurrentScore.Set {
		return types.Float64Null()
	}
	return types.Float64Value(percentage(s))
}
