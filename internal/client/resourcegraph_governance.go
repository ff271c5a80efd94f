package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Governance assignments and unhealthy assessments across subscriptions,
// read from Resource Graph's securityresources table
// (https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources).

// GovernanceAssignmentRow is a governance assignment as Resource Graph holds it.
type GovernanceAssignmentRow struct {
	ID             string
	SubscriptionID string
	ResourceID     string
	AssessmentKey  string
	Key            string
	Owner          string
	DueDate        time.Time
	GracePeriod    bool
	TicketLink     string
}

// AssessmentRow is an unhealthy assessment (a recommendation on a resource).
type AssessmentRow struct {
	ID             string
	SubscriptionID string
	ResourceID     string
	Key            string
	DisplayName    string
	Severity       string
}

const governanceAssignmentsKQL = "securityresources\n" +
	"| where type == 'microsoft.security/assessments/governanceassignments'\n" +
	"| project id, name, subscriptionId, properties\n" +
	"| order by id asc"

// unhealthyAssessments is the start of every query of unhealthy assessments.
const unhealthyAssessments = "securityresources\n" +
	"| where type == 'microsoft.security/assessments'\n" +
	"| where properties.status.code =~ 'Unhealthy'\n"

const assessmentColumnsInOrder = "| project id, name, subscriptionId, properties\n" +
	"| order by id asc"

const unhealthyAssessmentsKQL = unhealthyAssessments + assessmentColumnsInOrder

// unhealthyCountKQL counts the unhealthy assessments: one row whatever the
// number of subscriptions.
const unhealthyCountKQL = unhealthyAssessments + "| summarize unhealthy = count()"

// unhealthyAssessmentsOfKQL reads the unhealthy assessments among ids.
func unhealthyAssessmentsOfKQL(ids []string) string {
	return unhealthyAssessments + "| where id in~ " + kqlList(ids) + "\n" + assessmentColumnsInOrder
}

// assessmentIDsPerQuery is how many assessment ids one query of
// unhealthyAssessmentsOfKQL names, so that its text stays short.
const assessmentIDsPerQuery = 100

// QueryGovernanceAssignments reads the governance assignments of scope,
// sorted by id, each once whatever the batching.
func (c *Client) QueryGovernanceAssignments(ctx context.Context, scope ResourceGraphScope) ([]GovernanceAssignmentRow, QueryStats, error) {
	return queryDistinct(ctx, c, scope, governanceAssignmentsKQL, "governance assignments", assignmentFromRow,
		func(r GovernanceAssignmentRow) string { return r.ID })
}

// QueryUnhealthyAssessments reads the unhealthy assessments of scope, sorted by id.
func (c *Client) QueryUnhealthyAssessments(ctx context.Context, scope ResourceGraphScope) ([]AssessmentRow, QueryStats, error) {
	return queryDistinct(ctx, c, scope, unhealthyAssessmentsKQL, "assessments", assessmentFromRow,
		func(r AssessmentRow) string { return r.ID })
}

// QueryUnhealthyAssessmentCount counts the unhealthy assessments of scope
// without reading them: a summarised query asked once per batch of
// subscriptions (querySummary), whose counts are added up.
func (c *Client) QueryUnhealthyAssessmentCount(ctx context.Context, scope ResourceGraphScope) (int64, QueryStats, error) {
	var stats QueryStats
	var total int64
	summary := SummaryQuery{Name: "the count of unhealthy assessments", KQL: unhealthyCountKQL}
	err := c.querySummary(ctx, scope, summary, &stats, func(data any) error {
		rows, err := decodeRows(data, "unhealthy assessment counts", func(row map[string]any) (int64, error) { return rowInteger(row, "unhealthy") })
		stats.Rows += len(rows)
		for _, n := range rows {
			total += n
		}
		return err
	})
	return total, stats, err
}

// QueryUnhealthyAssessmentsOf reads the assessments among ids (assessment
// ids, any case) that are unhealthy, sorted by id: as many rows as ids at
// most, whatever the number of unhealthy assessments around them. Each
// request names up to assessmentIDsPerQuery ids and covers only their
// subscriptions, so it is one page.
func (c *Client) QueryUnhealthyAssessmentsOf(ctx context.Context, ids []string) ([]AssessmentRow, QueryStats, error) {
	var stats QueryStats
	ids = uniqueFold(ids)
	sort.Slice(ids, func(i, j int) bool { return strings.ToLower(ids[i]) < strings.ToLower(ids[j]) })
	var out []AssessmentRow
	for start := 0; start < len(ids); start += assessmentIDsPerQuery {
		chunk := ids[start:min(start+assessmentIDsPerQuery, len(ids))]
		var subscriptions []string
		for _, id := range chunk {
			if parts := strings.Split(id, "/"); len(parts) > 2 && strings.EqualFold(parts[1], "subscriptions") {
				subscriptions = append(subscriptions, parts[2])
			}
		}
		if len(subscriptions) == 0 { // an empty scope would be every visible subscription
			continue
		}
		rows, more, err := queryDistinct(ctx, c, ResourceGraphScope{SubscriptionIDs: uniqueFold(subscriptions)}, unhealthyAssessmentsOfKQL(chunk), "assessments", assessmentFromRow,
			func(r AssessmentRow) string { return r.ID })
		stats.add(more)
		if err != nil {
			return nil, stats, err
		}
		out = append(out, rows...)
	}
	return out, stats, nil
}

func assignmentFromRow(row map[string]any) (GovernanceAssignmentRow, error) {
	var r GovernanceAssignmentRow
	rr := newMemberReader(row)
	r.ID, r.SubscriptionID = rr.str("id"), rr.str("subscriptionId")
	if err := rr.Err(); err != nil {
		return r, err
	}
	resourceID, assessmentKey, key, err := ParseGovernanceAssignmentID(r.ID)
	if err != nil {
		return r, err
	}
	r.ResourceID, r.AssessmentKey, r.Key = resourceID, assessmentKey, key
	props := rr.object("properties")
	r.Owner = props.str("owner")
	due := props.str("remediationDueDate")
	if err := rr.Err(); err != nil {
		return r, err
	}
	if r.DueDate, err = time.Parse(time.RFC3339, due); err != nil {
		return r, fmt.Errorf("properties.remediationDueDate %q is not a date-time", due)
	}
	r.DueDate = r.DueDate.UTC()
	switch v := props.m["isGracePeriod"].(type) {
	case nil:
	case bool:
		r.GracePeriod = v
	default:
		return r, fmt.Errorf("properties.isGracePeriod is %s, not a boolean", jsonKind(v))
	}
	r.TicketLink = props.object("additionalData").str("ticketLink")
	return r, rr.Err()
}

func assessmentFromRow(row map[string]any) (AssessmentRow, error) {
	var r AssessmentRow
	rr := newMemberReader(row)
	r.ID, r.Key, r.SubscriptionID = rr.str("id"), rr.str("name"), rr.str("subscriptionId")
	if i := strings.LastIndex(strings.ToLower(r.ID), strings.ToLower(assessmentsSegment)); i > 0 {
		r.ResourceID = r.ID[:i]
	}
	props := rr.object("properties")
	r.DisplayName = props.str("displayName")
	r.Severity = props.object("metadata").str("severity")
	return r, rr.Err()
}

// AssessmentIDOf is the id of the assessment an assignment belongs to.
func AssessmentIDOf(assignmentID string) string {
	if i := strings.LastIndex(strings.ToLower(assignmentID), "/governanceassignments/"); i > 0 {
		return assignmentID[:i]
	}
	return ""
}
