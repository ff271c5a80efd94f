package defender

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

// GovernanceAssignmentsDataSource reads governance assignments and the
// unhealthy recommendations nobody owns, across subscriptions.
type GovernanceAssignmentsDataSource struct {
	providerdata.DataSource[governanceAssignmentsModel]
	now func() time.Time
}

// NewGovernanceAssignmentsDataSource is the factory the provider registers.
func NewGovernanceAssignmentsDataSource() datasource.DataSource {
	d := &GovernanceAssignmentsDataSource{now: time.Now}
	d.DataSource = providerdata.NewDataSource("defender_governance_assignments", defaultReadTimeout, d.read)
	return d
}

type governanceAssignmentsModel struct {
	providerdata.ReadTimeout
	scopeModel
	OverdueThresholdDays        types.Int64                  `tfsdk:"overdue_threshold_days"`
	IncludeUnowned              types.Bool                   `tfsdk:"include_unowned_recommendations"`
	Assignments                 []governanceAssignmentEntry  `tfsdk:"assignments"`
	Unowned                     []unownedRecommendationEntry `tfsdk:"unowned_recommendations"`
	AssignmentCount             types.Int64                  `tfsdk:"assignment_count"`
	OverdueCount                types.Int64                  `tfsdk:"overdue_count"`
	OverdueBeyondThresholdCount types.Int64                  `tfsdk:"overdue_beyond_threshold_count"`
	InGracePeriodCount          types.Int64                  `tfsdk:"in_grace_period_count"`
	UnhealthyCount              types.Int64                  `tfsdk:"unhealthy_recommendation_count"`
	UnownedUnhealthyCount       types.Int64                  `tfsdk:"unowned_unhealthy_count"`
	AsOfDateTime                types.String                 `tfsdk:"as_of_date_time"`
}

type governanceAssignmentEntry struct {
	ID                     types.String `tfsdk:"id"`
	SubscriptionID         types.String `tfsdk:"subscription_id"`
	ResourceID             types.String `tfsdk:"resource_id"`
	AssessmentKey          types.String `tfsdk:"assessment_key"`
	AssignmentKey          types.String `tfsdk:"assignment_key"`
	RecommendationName     types.String `tfsdk:"recommendation_display_name"`
	Severity               types.String `tfsdk:"severity"`
	OwnerEmail             types.String `tfsdk:"owner_email"`
	RemediationDueDateTime types.String `tfsdk:"remediation_due_date_time"`
	GracePeriod            types.Bool   `tfsdk:"grace_period"`
	Overdue                types.Bool   `tfsdk:"overdue"`
	DaysOverdue            types.Int64  `tfsdk:"days_overdue"`
	InGracePeriod          types.Bool   `tfsdk:"in_grace_period"`
	TicketLink             types.String `tfsdk:"ticket_link"`
}

type unownedRecommendationEntry struct {
	SubscriptionID     types.String `tfsdk:"subscription_id"`
	ResourceID         types.String `tfsdk:"resource_id"`
	AssessmentKey      types.String `tfsdk:"assessment_key"`
	RecommendationName types.String `tfsdk:"recommendation_display_name"`
	Severity           types.String `tfsdk:"severity"`
}

func (d *GovernanceAssignmentsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads the Microsoft Defender for Cloud governance assignments of subscriptions or management groups with Azure Resource Graph "+
		"(`securityresources | where type == 'microsoft.security/assessments/governanceassignments'`), and the unhealthy recommendations nobody owns, "+
		"with counts a pipeline can gate on, e.g. `overdue_beyond_threshold_count == 0` with `overdue_threshold_days = 14`, or `unowned_unhealthy_count == 0`. "+
		"Needs the Security Reader role on the subscriptions or management groups; Resource Graph leaves out what the identity cannot read. "+
		"By default the unhealthy recommendations are counted, not listed: Resource Graph counts them in one summarised request per 1,000 subscriptions, "+
		"and only the unhealthy recommendations the assignments follow are read (for their names and severities). "+
		"State size: one entry per assignment in `assignments`, whatever the number of subscriptions, so a 1,000-subscription read writes as many entries as the scope has assignments and `unowned_recommendations` is null. "+
		"With `include_unowned_recommendations = true`, every unhealthy recommendation of the scope is read, and each one on a resource without an owner is listed in `unowned_recommendations`: "+
		"1,000 subscriptions with 10 unowned unhealthy resource recommendations each write 10,000 entries more.",
		withScope("governance assignments and unhealthy recommendations", map[string]schema.Attribute{
			"overdue_threshold_days": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.Between(0, 3650)},
				MarkdownDescription: "How many days past its due date an assignment may be before `overdue_beyond_threshold_count` counts it. Default 0: every overdue assignment counts."},
			"include_unowned_recommendations": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Whether to list every unhealthy recommendation without an owner in `unowned_recommendations`. Default false: the list is null and `unowned_unhealthy_count` counts them; " +
					"true reads every unhealthy assessment of the scope (one entry per unhealthy recommendation on a resource, paged Resource Graph requests growing with them)."},
			"assignments": computed.ObjectList("Every assignment, by due date (the most overdue first), then `id`.", map[string]schema.Attribute{
				"id":                          computed.String("The assignment's id."),
				"subscription_id":             computed.String("The subscription of the resource."),
				"resource_id":                 computed.String("The resource the recommendation is on."),
				"assessment_key":              computed.String("The recommendation's assessment key."),
				"assignment_key":              computed.String("The assignment's key."),
				"recommendation_display_name": computed.String("The recommendation's name; null when the recommendation is not unhealthy any more."),
				"severity":                    computed.String("The recommendation's severity (High, Medium, Low); null when not known."),
				"owner_email":                 computed.String("The owner; null when the assignment names none."),
				"remediation_due_date_time":   computed.String("The due date (RFC 3339, UTC)."),
				"grace_period":                computed.Bool("Whether the assignment has a grace period."),
				"overdue":                     computed.Bool("Whether the due date has passed (at `as_of_date_time`)."),
				"days_overdue":                computed.Int64("Whole days past the due date; null when not overdue."),
				"in_grace_period":             computed.Bool("Whether the grace period applies now: the assignment has one and its due date has not passed, so the resource does not count against the secure score yet."),
				"ticket_link":                 computed.String("The linked ticket; null when none."),
			}),
			"unowned_recommendations": computed.ObjectList("With `include_unowned_recommendations = true`, the unhealthy recommendations (assessment on a resource) with no assignment that names an owner, by resource and assessment key; null otherwise.", map[string]schema.Attribute{
				"subscription_id":             computed.String("The subscription of the resource."),
				"resource_id":                 computed.String("The resource."),
				"assessment_key":              computed.String("The recommendation's assessment key."),
				"recommendation_display_name": computed.String("The recommendation's name."),
				"severity":                    computed.String("The recommendation's severity; null when not known."),
			}),
			"assignment_count":               computed.Int64("The number of assignments."),
			"overdue_count":                  computed.Int64("Assignments past their due date."),
			"overdue_beyond_threshold_count": computed.Int64("Assignments more than `overdue_threshold_days` days (of 24 hours) past their due date; with the default 0, every overdue assignment."),
			"in_grace_period_count":          computed.Int64("Assignments in their grace period."),
			"unhealthy_recommendation_count": computed.Int64("Unhealthy recommendations in scope (assessments on resources)."),
			"unowned_unhealthy_count":        computed.Int64("Unhealthy recommendations without an owner: `unhealthy_recommendation_count` less the unhealthy ones an assignment naming an owner follows; the length of `unowned_recommendations` when it is listed."),
			"as_of_date_time":                computed.String("The moment `overdue` and `in_grace_period` were computed for (RFC 3339, UTC)."),
		}))
}

// read fills data from the service (see providerdata.DataSource).
func (d *GovernanceAssignmentsDataSource) read(ctx context.Context, data *governanceAssignmentsModel, diags *diag.Diagnostics) {
	scope, emptyScope := data.readScope(ctx, diags)
	if diags.HasError() {
		return
	}

	includeUnowned := data.IncludeUnowned.ValueBool()
	var assignments []client.GovernanceAssignmentRow
	var unhealthy []client.AssessmentRow
	var unhealthyCount int64
	if !emptyScope {
		var ok bool
		if assignments, unhealthy, unhealthyCount, ok = d.query(ctx, scope, includeUnowned, diags); !ok {
			return
		}
	}
	now := d.now().UTC().Truncate(time.Second)
	summary := SummarizeGovernance(assignments, unhealthy, data.OverdueThresholdDays.ValueInt64(), now)
	data.Assignments = make([]governanceAssignmentEntry, 0, len(summary.Assignments))
	for _, a := range summary.Assignments {
		e := governanceAssignmentEntry{
			ID: types.StringValue(a.ID), SubscriptionID: types.StringValue(a.SubscriptionID),
			ResourceID: types.StringValue(a.ResourceID), AssessmentKey: types.StringValue(a.AssessmentKey), AssignmentKey: types.StringValue(a.Key),
			RecommendationName: nullableString(a.Recommendation.DisplayName), Severity: nullableString(a.Recommendation.Severity),
			OwnerEmail: nullableString(a.Owner), RemediationDueDateTime: types.StringValue(a.DueDate.Format(time.RFC3339)),
			GracePeriod: types.BoolValue(a.GracePeriod), Overdue: types.BoolValue(a.State.Overdue), DaysOverdue: types.Int64Null(),
			InGracePeriod: types.BoolValue(a.State.InGracePeriod), TicketLink: nullableString(a.TicketLink),
		}
		if a.State.Overdue {
			e.DaysOverdue = types.Int64Value(a.State.DaysOverdue)
		}
		data.Assignments = append(data.Assignments, e)
	}
	// Null unless asked for: the rows read by default are only the ones the
	// assignments follow, not every unowned one.
	data.Unowned = nil
	if includeUnowned {
		data.Unowned = make([]unownedRecommendationEntry, 0, len(summary.Unowned))
		for _, u := range summary.Unowned {
			data.Unowned = append(data.Unowned, unownedRecommendationEntry{
				SubscriptionID: types.StringValue(u.SubscriptionID), ResourceID: types.StringValue(u.ResourceID), AssessmentKey: types.StringValue(u.Key),
				RecommendationName: nullableString(u.DisplayName), Severity: nullableString(u.Severity),
			})
		}
	}
	data.AssignmentCount = types.Int64Value(int64(len(summary.Assignments)))
	data.OverdueCount = types.Int64Value(summary.Overdue)
	data.OverdueBeyondThresholdCount = types.Int64Value(summary.OverdueBeyondThreshold)
	data.InGracePeriodCount = types.Int64Value(summary.InGracePeriod)
	data.UnhealthyCount = types.Int64Value(unhealthyCount)
	// The count and the rows come from separate requests: a recommendation
	// fixed between them must not make the difference negative.
	data.UnownedUnhealthyCount = types.Int64Value(max(0, unhealthyCount-summary.OwnedUnhealthy))
	data.AsOfDateTime = types.StringValue(now.Format(time.RFC3339))
}

// query reads the assignments of scope, the unhealthy assessments (every
// one with includeUnowned, else only the ones the assignments follow) and
// the number of unhealthy assessments of scope; ok is false when a request
// failed (diags says which).
func (d *GovernanceAssignmentsDataSource) query(ctx context.Context, scope client.ResourceGraphScope, includeUnowned bool, diags *diag.Diagnostics) (assignments []client.GovernanceAssignmentRow, unhealthy []client.AssessmentRow, unhealthyCount int64, ok bool) {
	start := time.Now()
	var stats, more client.QueryStats
	var err error
	fail := func(what string, err error) {
		diags.Append(diagnostics.FromError("Reading "+what+" through Resource Graph", err, diagnostics.Hint{Permission: governanceReadRole}))
	}
	if assignments, stats, err = d.Client.QueryGovernanceAssignments(ctx, scope); err != nil {
		fail("the governance assignments", err)
		return nil, nil, 0, false
	}
	if includeUnowned {
		if unhealthy, more, err = d.Client.QueryUnhealthyAssessments(ctx, scope); err != nil {
			fail("the unhealthy recommendations", err)
			return nil, nil, 0, false
		}
		stats.Requests += more.Requests
		unhealthyCount = int64(len(unhealthy))
	} else {
		ids := make([]string, 0, len(assignments))
		for _, a := range assignments {
			ids = append(ids, client.AssessmentIDOf(a.ID))
		}
		if len(ids) > 0 {
			if unhealthy, more, err = d.Client.QueryUnhealthyAssessmentsOf(ctx, ids); err != nil {
				fail("the recommendations of the assignments", err)
				return nil, nil, 0, false
			}
			stats.Requests += more.Requests
		}
		if unhealthyCount, more, err = d.Client.QueryUnhealthyAssessmentCount(ctx, scope); err != nil {
			fail("the count of unhealthy recommendations", err)
			return nil, nil, 0, false
		}
		stats.Requests += more.Requests
	}
	tflog.Debug(ctx, "Resource Graph governance queries", map[string]any{
		"requests": stats.Requests, "assignments": len(assignments), "unhealthy_read": len(unhealthy), "unhealthy": unhealthyCount,
		"include_unowned_recommendations": includeUnowned, "duration_ms": time.Since(start).Milliseconds(),
	})
	return assignments, unhealthy, unhealthyCount, true
}

// GovernanceSummary is the assignments with their state at a moment, and
// the counts a pipeline gates on.
type GovernanceSummary struct {
	Assignments            []SummarizedAssignment
	Unowned                []client.AssessmentRow
	OwnedUnhealthy         int64 // unhealthy rows an assignment naming an owner follows
	Overdue                int64
	OverdueBeyondThreshold int64
	InGracePeriod          int64
}

// SummarizedAssignment is an assignment with its recommendation and state.
type SummarizedAssignment struct {
	client.GovernanceAssignmentRow
	Recommendation client.AssessmentRow // zero when the recommendation is not unhealthy
	State          AssignmentState
}

// SummarizeGovernance joins assignments to unhealthy recommendations. A
// recommendation is unowned when no assignment of it names an owner.
// Assignments are ordered by due date (the most overdue first), then id;
// an assignment is beyond the threshold when more than thresholdDays days
// (of 24 hours) have passed since its due date.
func SummarizeGovernance(assignments []client.GovernanceAssignmentRow, unhealthy []client.AssessmentRow, thresholdDays int64, now time.Time) GovernanceSummary {
	var s GovernanceSummary
	byAssessment := make(map[string]client.AssessmentRow, len(unhealthy))
	for _, a := range unhealthy {
		byAssessment[strings.ToLower(a.ID)] = a
	}
	owned := map[string]bool{}
	for _, a := range assignments {
		assessmentID := strings.ToLower(client.AssessmentIDOf(a.ID))
		if a.Owner != "" {
			owned[assessmentID] = true
		}
		state := StateOf(a.DueDate, a.GracePeriod, now)
		if state.Overdue {
			s.Overdue++
			if now.Sub(a.DueDate) > time.Duration(thresholdDays)*24*time.Hour {
				s.OverdueBeyondThreshold++
			}
		}
		if state.InGracePeriod {
			s.InGracePeriod++
		}
		s.Assignments = append(s.Assignments, SummarizedAssignment{GovernanceAssignmentRow: a, Recommendation: byAssessment[assessmentID], State: state})
	}
	sort.SliceStable(s.Assignments, func(i, j int) bool {
		a, b := s.Assignments[i], s.Assignments[j]
		if !a.DueDate.Equal(b.DueDate) {
			return a.DueDate.Before(b.DueDate)
		}
		return strings.ToLower(a.ID) < strings.ToLower(b.ID)
	})
	for _, a := range unhealthy {
		if owned[strings.ToLower(a.ID)] {
			s.OwnedUnhealthy++
		} else {
			s.Unowned = append(s.Unowned, a)
		}
	}
	return s
}
