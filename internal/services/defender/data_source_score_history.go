package defender

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/tfvalues"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

const readHistoryAction = "Reading the Defender for Cloud secure score history from Log Analytics"

// logAnalyticsRole is what a 403 of the workspace needs.
const logAnalyticsRole = "the Log Analytics Reader role (or Reader) on the workspace"

// ScoreHistoryDataSource reads the daily secure scores that continuous
// export writes to a Log Analytics workspace.
type ScoreHistoryDataSource struct {
	providerdata.DataSource[scoreHistoryModel]
	now func() time.Time
}

// NewScoreHistoryDataSource is the factory the provider registers.
func NewScoreHistoryDataSource() datasource.DataSource {
	d := &ScoreHistoryDataSource{now: time.Now}
	d.DataSource = providerdata.NewDataSource("defender_score_history", defaultReadTimeout, d.read)
	return d
}

type scoreHistoryModel struct {
	providerdata.ReadTimeout
	WorkspaceID     types.String                `tfsdk:"workspace_id"`
	HistoryDays     types.Int64                 `tfsdk:"history_days"`
	SubscriptionIDs types.List                  `tfsdk:"subscription_ids"`
	ScoreName       types.String                `tfsdk:"score_name"`
	Aggregates      []historyAggregateModel     `tfsdk:"aggregates"`
	Latest          []historyLatestModel        `tfsdk:"latest"`
	IncludePoints   types.Bool                  `tfsdk:"include_points"`
	Points          []historyPointModel         `tfsdk:"points"` // nil (null) without include_points
	IncludeControls types.Bool                  `tfsdk:"include_controls"`
	ControlPoints   []historyControlPointModel  `tfsdk:"control_points"`  // nil (null) without include_controls
	ControlChanges  []historyControlChangeModel `tfsdk:"control_changes"` // likewise
	Change7         types.Float64               `tfsdk:"percentage_change_7_days"`
	Change30        types.Float64               `tfsdk:"percentage_change_30_days"`
}

// historyPointModel is an element of points.
type historyPointModel struct {
	Date           types.String `tfsdk:"date"`
	SubscriptionID types.String `tfsdk:"subscription_id"`
	pointsModel
	Weight            types.Int64  `tfsdk:"weight"`
	GeneratedDateTime types.String `tfsdk:"generated_date_time"`
}

// historyAggregateModel is an element of aggregates.
type historyAggregateModel struct {
	Date              types.String  `tfsdk:"date"`
	Percentage        types.Float64 `tfsdk:"percentage"`
	SubscriptionCount types.Int64   `tfsdk:"subscription_count"`
}

// historyLatestModel is an element of latest.
type historyLatestModel struct {
	SubscriptionID types.String  `tfsdk:"subscription_id"`
	Date           types.String  `tfsdk:"date"`
	CurrentScore   types.Float64 `tfsdk:"current_score"`
	Percentage     types.Float64 `tfsdk:"percentage"`
	ScoreChange7   types.Float64 `tfsdk:"current_score_change_7_days"`
	ScoreChange30  types.Float64 `tfsdk:"current_score_change_30_days"`
	Change7        types.Float64 `tfsdk:"percentage_change_7_days"`
	Change30       types.Float64 `tfsdk:"percentage_change_30_days"`
}

// historyControlPointModel is an element of control_points.
type historyControlPointModel struct {
	Date           types.String `tfsdk:"date"`
	SubscriptionID types.String `tfsdk:"subscription_id"`
	Name           types.String `tfsdk:"name"`
	DisplayName    types.String `tfsdk:"display_name"`
	pointsModel
	resourceCountsModel
	GeneratedDateTime types.String `tfsdk:"generated_date_time"`
}

// historyControlChangeModel is an element of control_changes.
type historyControlChangeModel struct {
	SubscriptionID types.String `tfsdk:"subscription_id"`
	Name           types.String `tfsdk:"name"`
	DisplayName    types.String `tfsdk:"display_name"`
	Date           types.String `tfsdk:"date"`
	pointsModel
	ScoreChange7  types.Float64 `tfsdk:"current_score_change_7_days"`
	ScoreChange30 types.Float64 `tfsdk:"current_score_change_30_days"`
}

func (d *ScoreHistoryDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	day := computed.String("The day, `YYYY-MM-DD` (UTC).")
	const percentage = "`current_score / max_score` as the service reports it: between 0 and 1, 4 decimals."
	resp.Schema = providerdata.Schema(ctx, "Reads the daily Microsoft Defender for Cloud secure scores of subscriptions from a Log Analytics workspace that continuous export fills (table `SecureScores`), "+
		"through the Azure Monitor Log Analytics query API: the weighted aggregate per day, each subscription's newest point and its change over 7 and 30 days, "+
		"and with `include_points` one point a day per subscription. "+
		"Needs the Log Analytics Reader role (or Reader) on the workspace.",
		map[string]schema.Attribute{
			"workspace_id": schema.StringAttribute{Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(client.GUIDPattern,
					"must be the workspace's Workspace ID (a GUID, shown on the workspace's Overview page), not its Azure resource id")},
				MarkdownDescription: "The Log Analytics workspace that continuous export writes secure scores to: its Workspace ID (a GUID), not its resource id."},
			"history_days": schema.Int64Attribute{Optional: true, Computed: true, Validators: []validator.Int64{int64validator.Between(1, client.MaxHistoryDays)},
				MarkdownDescription: fmt.Sprintf("Days of history, today (UTC) included: 1 to %d, default 30. The workspace's retention bounds what it holds; a shorter history than asked is a warning.", client.MaxHistoryDays)},
			"subscription_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validators.SubscriptionID())},
				MarkdownDescription: "Only these subscriptions. Every subscription the workspace holds scores of when unset; a listed one without history is a warning."},
			"score_name": scoreNameAttribute("The secure score initiative. Defaults to `ascScore`."),
			"include_points": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Also write `points`, one entry per subscription and day (for 1,000 subscriptions over 30 days, 30,000 entries in the state). Default `false`: `aggregates` and `latest` answer most questions."},
			"points": computed.ObjectList("With `include_points`: one entry per subscription and day, oldest day first, then by `subscription_id`: the day's last record. "+
				"Continuous export writes a score when it changes and a snapshot weekly, so a day without a record keeps the day before's score (`generated_date_time` says when it was written). Null otherwise.", merged(
				pointsAttributes("The score, in points.", "The maximum score, in points.", percentage),
				map[string]schema.Attribute{
					"date":                day,
					"subscription_id":     computed.String("The subscription, in lower case."),
					"weight":              computed.Int64("The subscription's weight in the aggregate."),
					"generated_date_time": computed.String("When continuous export wrote the record (`TimeGenerated`), RFC 3339 UTC."),
				})),
			"aggregates": computed.ObjectList("One entry per day of the window, oldest first: the weighted score of the subscriptions with a point that day, as `securescore_defender_scores` computes it.", map[string]schema.Attribute{
				"date": day,
				"percentage": schema.Float64Attribute{Computed: true,
					MarkdownDescription: "`sum(percentage_i * weight_i) / sum(weight_i)` over the subscriptions with a positive weight, 4 decimals; null without one."},
				"subscription_count": computed.Int64("Subscriptions with a point that day."),
			}),
			"latest": computed.ObjectList("One entry per subscription with a point, ordered by `subscription_id`: its newest point and its change. "+
				"A change is the newest day's value minus that of 7 (or 30) days before; null when either day has no point. "+
				"Keyed by subscription: `{ for s in data.securescore_defender_score_history.this.latest : s.subscription_id => s }`.", map[string]schema.Attribute{
				"subscription_id":              computed.String("The subscription, in lower case."),
				"date":                         day,
				"current_score":                computed.Float64("The newest score, in points."),
				"percentage":                   computed.Float64("The newest percentage (0 to 1)."),
				"current_score_change_7_days":  computed.Float64("Points gained (negative: lost) over the last 7 days."),
				"current_score_change_30_days": computed.Float64("Points gained over the last 30 days."),
				"percentage_change_7_days":     computed.Float64("The change of `percentage` over the last 7 days (-0.05 is 5 percentage points lost)."),
				"percentage_change_30_days":    computed.Float64("The change of `percentage` over the last 30 days."),
			}),
			"include_controls": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Also read each security control's daily score from the table `SecureScoreControls` (continuous export's \"Control score\"), " +
					"into `control_points` and `control_changes`: one more query. A workspace without that table is an error saying how to export it. Default `false`."},
			"control_points": computed.ObjectList("With `include_controls`: one entry per day, subscription and control, oldest day first, then by `subscription_id` and `name`, "+
				"each the day's last record carried over the days without one as in `points`. Null otherwise.", merged(
				pointsAttributes("The points the control contributed that day.", "The most points the control can contribute.", percentage),
				resourceCountsAttributes("Healthy resources that day.", "Unhealthy resources that day.", "Resources the control did not apply to that day."),
				map[string]schema.Attribute{
					"date":                day,
					"subscription_id":     computed.String("The subscription, in lower case."),
					"name":                computed.String("The control's name: the name (a GUID) of its control definition, as in `securescore_defender_controls`."),
					"display_name":        computed.String("The control's display name, e.g. `Enable MFA`."),
					"generated_date_time": computed.String("When continuous export wrote the record (`TimeGenerated`), RFC 3339 UTC."),
				})),
			"control_changes": computed.ObjectList("With `include_controls`: each subscription's controls with their newest point and change, the biggest loss of points over 7 days first "+
				"(those without a 7-day change last), then by `subscription_id` and `name`: which controls moved the score. Null otherwise.", merged(
				pointsAttributes("The newest points of the control.", "The most points the control can contribute.", "The newest `current_score / max_score` (0 to 1)."),
				map[string]schema.Attribute{
					"subscription_id":              computed.String("The subscription, in lower case."),
					"name":                         computed.String("The control's name (a GUID)."),
					"display_name":                 computed.String("The control's display name."),
					"date":                         day,
					"current_score_change_7_days":  computed.Float64("Points gained (negative: lost) over the last 7 days; null when either day has no point."),
					"current_score_change_30_days": computed.Float64("Points gained over the last 30 days; null when either day has no point."),
				})),
			"percentage_change_7_days": schema.Float64Attribute{Computed: true,
				MarkdownDescription: "The newest day's aggregate `percentage` minus that of 7 days before (-0.05 is 5 percentage points lost); null when either is unknown or `history_days` is 7 or fewer."},
			"percentage_change_30_days": schema.Float64Attribute{Computed: true,
				MarkdownDescription: "The same over 30 days; null when `history_days` is 30 or fewer."},
		})
}

// read fills data from the workspace (see providerdata.DataSource).
func (d *ScoreHistoryDataSource) read(ctx context.Context, data *scoreHistoryModel, diags *diag.Diagnostics) {
	q := client.ScoreHistoryQuery{WorkspaceID: data.WorkspaceID.ValueString(), Days: 30, ScoreName: data.ScoreName.ValueString(), Now: d.now()}
	if !data.HistoryDays.IsNull() && !data.HistoryDays.IsUnknown() {
		q.Days = int(data.HistoryDays.ValueInt64())
	}
	diags.Append(tfvalues.Strings(ctx, data.SubscriptionIDs, &q.SubscriptionIDs)...)
	if diags.HasError() {
		return
	}
	if q.ScoreName == "" {
		q.ScoreName = client.DefaultSecureScoreName
	}

	days := q.Days
	q.Days += historyLookbackDays
	start := time.Now()
	records, err := d.Client.QueryScoreHistory(ctx, q)
	tflog.Debug(ctx, "Log Analytics secure score history query", map[string]any{
		"history_days": days, "subscriptions": len(q.SubscriptionIDs), "rows": len(records), "duration_ms": time.Since(start).Milliseconds(),
	})
	var noTable *client.NoHistoryTableError
	switch {
	case errors.As(err, &noTable) || (err == nil && len(records) == 0):
		diags.AddAttributeError(path.Root("workspace_id"), "No secure score history in the workspace",
			fmt.Sprintf("Workspace %s holds no %q secure scores in the last %d days (table SecureScores%s). "+
				"Defender for Cloud writes them there only when continuous export is on: in the Azure portal, Microsoft Defender for Cloud > Environment settings > the subscription > Continuous export > "+
				"Log Analytics workspace, export \"Secure score\" (overall score and controls) to this workspace (or the azurerm_security_center_automation resource in Terraform). "+
				"Export starts with the next change and a weekly snapshot, so history begins after it is turned on.",
				q.WorkspaceID, q.ScoreName, q.Days, map[bool]string{true: " does not exist", false: " has no rows for this scope"}[noTable != nil]))
		return
	case err != nil:
		diags.Append(diagnostics.FromError(readHistoryAction, err, diagnostics.Hint{Permission: logAnalyticsRole}))
		return
	}

	h := buildHistory(records, days, q.Now)
	if missing := missingHistory(q.SubscriptionIDs, h.subs); len(missing) > 0 {
		diags.AddAttributeWarning(path.Root("subscription_ids"), "Subscriptions without history",
			fmt.Sprintf("The workspace holds no %q score of %d of the listed subscriptions: %s. Continuous export does not write them here, or their score is not calculated yet.",
				q.ScoreName, len(missing), abbreviate(missing, maxListedNames)))
	}
	if windowStart := h.days[0]; h.firstData.After(windowStart.Add(24 * time.Hour)) {
		diags.AddAttributeWarning(path.Root("history_days"), "Shorter history than asked",
			fmt.Sprintf("The workspace's oldest record is from %s, after the first day asked (%s): its retention is shorter than %d days, or continuous export started later. The days before have no points.",
				h.firstData.Format(time.RFC3339), windowStart.Format("2006-01-02"), days))
	}

	data.HistoryDays = types.Int64Value(int64(days))
	data.ScoreName = types.StringValue(q.ScoreName)
	data.Aggregates, data.Latest = historyAggregates(h), historyLatest(h)
	data.Points = nil
	if data.IncludePoints.ValueBool() {
		data.Points = historyPoints(h)
	}
	data.Change7 = types.Float64PointerValue(h.aggregateChange(7))
	data.Change30 = types.Float64PointerValue(h.aggregateChange(30))
	data.ControlPoints, data.ControlChanges = nil, nil
	if data.IncludeControls.ValueBool() {
		start = time.Now()
		controls, err := d.Client.QueryControlHistory(ctx, q)
		tflog.Debug(ctx, "Log Analytics secure score control history query", map[string]any{
			"history_days": days, "subscriptions": len(q.SubscriptionIDs), "rows": len(controls), "duration_ms": time.Since(start).Milliseconds(),
		})
		switch {
		case errors.As(err, &noTable):
			diags.AddAttributeError(path.Root("include_controls"), "No control history in the workspace",
				fmt.Sprintf("Workspace %s has secure scores but no table SecureScoreControls: continuous export sends it only the overall score. "+
					"In the Azure portal, Microsoft Defender for Cloud > Environment settings > the subscription > Continuous export > Log Analytics workspace, "+
					"select \"Control score\" under \"Secure score\" too (or set include_controls = false). History of the controls begins when it is turned on.", q.WorkspaceID))
			return
		case err != nil:
			diags.Append(diagnostics.FromError(readHistoryAction, err, diagnostics.Hint{Permission: logAnalyticsRole}))
			return
		}
		data.ControlPoints, data.ControlChanges = controlHistoryValues(buildControlHistory(controls, h.days))
	}
}

// missingHistory lists the requested subscriptions without points.
func missingHistory(requested, have []string) []string {
	set := map[string]bool{}
	for _, k := range have {
		set[k] = true
	}
	var out []string
	for _, id := range uniqueFold(requested) {
		if !set[strings.ToLower(id)] {
			out = append(out, id)
		}
	}
	return out
}

func historyPoints(h dailyHistory) []historyPointModel {
	points := make([]historyPointModel, 0, len(h.points))
	for _, p := range h.points {
		points = append(points, historyPointModel{
			Date: date(p.Day), SubscriptionID: types.StringValue(strings.ToLower(p.SubscriptionID)),
			pointsModel: newPoints(p.Current, p.Max, p.Percentage), Weight: types.Int64Value(p.Weight), GeneratedDateTime: stamp(p.Generated),
		})
	}
	return points
}

func historyAggregates(h dailyHistory) []historyAggregateModel {
	aggregates := make([]historyAggregateModel, 0, len(h.aggregates))
	for _, a := range h.aggregates {
		aggregates = append(aggregates, historyAggregateModel{
			Date: date(a.day), Percentage: types.Float64PointerValue(a.percentage), SubscriptionCount: types.Int64Value(int64(a.subscriptions)),
		})
	}
	return aggregates
}

// historyLatest is each subscription's newest point and change, in the
// order of h.subs (by subscription id).
func historyLatest(h dailyHistory) []historyLatestModel {
	latest := make([]historyLatestModel, 0, len(h.subs))
	for _, k := range h.subs {
		p := h.latest(k)
		if p == nil {
			continue
		}
		points7, pct7 := h.subscriptionChange(k, 7)
		points30, pct30 := h.subscriptionChange(k, 30)
		latest = append(latest, historyLatestModel{
			SubscriptionID: types.StringValue(k), Date: date(p.Day), CurrentScore: types.Float64Value(p.Current), Percentage: types.Float64Value(p.Percentage),
			ScoreChange7: types.Float64PointerValue(points7), ScoreChange30: types.Float64PointerValue(points30),
			Change7: types.Float64PointerValue(pct7), Change30: types.Float64PointerValue(pct30),
		})
	}
	return latest
}

func controlHistoryValues(h controlHistory) ([]historyControlPointModel, []historyControlChangeModel) {
	points := make([]historyControlPointModel, 0, len(h.points))
	for _, p := range h.points {
		points = append(points, historyControlPointModel{
			Date: date(p.Day), SubscriptionID: types.StringValue(strings.ToLower(p.SubscriptionID)),
			Name: types.StringValue(p.Name), DisplayName: types.StringValue(p.DisplayName),
			pointsModel: newPoints(p.Current, p.Max, p.Percentage), resourceCountsModel: newResourceCounts(p.Healthy, p.Unhealthy, p.NotApplicable),
			GeneratedDateTime: stamp(p.Generated),
		})
	}
	changes := make([]historyControlChangeModel, 0, len(h.changes))
	for _, c := range h.changes {
		p := c.latest
		changes = append(changes, historyControlChangeModel{
			SubscriptionID: types.StringValue(strings.ToLower(p.SubscriptionID)), Name: types.StringValue(p.Name),
			DisplayName: types.StringValue(p.DisplayName), Date: date(p.Day),
			pointsModel:  newPoints(p.Current, p.Max, p.Percentage),
			ScoreChange7: types.Float64PointerValue(c.change7), ScoreChange30: types.Float64PointerValue(c.change30),
		})
	}
	return points, changes
}

// stamp is a record's time as the schema writes it (RFC 3339, UTC).
func stamp(t time.Time) types.String { return types.StringValue(t.UTC().Format(time.RFC3339)) }

// date is a day as the schema writes it (YYYY-MM-DD, UTC).
func date(t time.Time) types.String { return types.StringValue(t.UTC().Format(time.DateOnly)) }
