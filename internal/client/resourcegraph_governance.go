package client

import (
	"context"
	"fmt"
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

const unhealthyAssessmentsKQL = "securityresources\n" +
	"| where type == 'microsoft.security/assessments'\n" +
	"| where properties.status.code =~ 'Unhealthy'\n" +
	"| project id, name, subscriptionId, properties\n" +
	"| order by id asc"

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
