package client

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"
)

// This file holds the Defender for Cloud governance assignment calls
// (Microsoft.Security/assessments/governanceAssignments, api-version
// 2022-01-01-preview):
// https://learn.microsoft.com/rest/api/defenderforcloud/governance-assignments

// GovernanceAssignment is the owner and due date of one assessment
// (recommendation) on one resource.
type GovernanceAssignment struct {
	ID            string
	ResourceID    string
	AssessmentKey string
	Key           string // the assignment key, a GUID

	Owner               string
	RemediationDueDate  time.Time
	GracePeriod         bool
	DisableOwnerEmail   bool
	DisableManagerEmail bool
	TicketLink          string

	// Carried over on update so that a write does not reset what the
	// resource does not manage.
	TicketNumber   *int32
	TicketStatus   string
	RemediationETA *armsecurity.RemediationEta
}

const assessmentsSegment = "/providers/Microsoft.Security/assessments/"

// ParseGovernanceAssignmentID splits an assignment id into the resource id,
// the assessment key and the assignment key.
func ParseGovernanceAssignmentID(id string) (resourceID, assessmentKey, key string, err error) {
	bad := fmt.Errorf("%q is not a governance assignment id: use {resource_id}/providers/Microsoft.Security/assessments/{assessment_key}/governanceAssignments/{assignment_key}", id)
	i := strings.LastIndex(strings.ToLower(id), strings.ToLower(assessmentsSegment))
	if i <= 0 {
		return "", "", "", bad
	}
	resourceID = id[:i]
	rest := strings.Split(id[i+len(assessmentsSegment):], "/")
	if len(rest) != 3 || rest[0] == "" || !strings.EqualFold(rest[1], "governanceAssignments") || rest[2] == "" {
		return "", "", "", bad
	}
	if err := ValidateResourceID(resourceID); err != nil {
		return "", "", "", bad
	}
	return resourceID, rest[0], rest[2], nil
}

// ValidateResourceID accepts an ARM resource id under a subscription: the
// subscription, a resource group or a resource in it.
func ValidateResourceID(id string) error {
	if !strings.HasPrefix(id, "/") {
		return fmt.Errorf("%q is not an Azure resource id: it must start with /subscriptions/", id)
	}
	parsed, err := arm.ParseResourceID(id)
	if err != nil {
		return fmt.Errorf("%q is not an Azure resource id: %w", id, err)
	}
	if !GUIDPattern.MatchString(parsed.SubscriptionID) {
		return fmt.Errorf("%q is not an Azure resource id under a subscription: expected /subscriptions/{subscription_id} first", id)
	}
	return nil
}

// GovernanceAssignmentID is the id of an assignment.
func GovernanceAssignmentID(resourceID, assessmentKey, key string) string {
	return resourceID + assessmentsSegment + assessmentKey + "/governanceAssignments/" + key
}

func (c *Client) governanceAssignments() (*armsecurity.GovernanceAssignmentsClient, error) {
	f, err := c.securityFactory("")
	if err != nil {
		return nil, err
	}
	return f.NewGovernanceAssignmentsClient(), nil
}

// GovernanceAssignment reads one assignment; a missing assignment (or
// assessment) is an *APIError with status 404.
func (c *Client) GovernanceAssignment(ctx context.Context, resourceID, assessmentKey, key string) (*GovernanceAssignment, error) {
	ac, err := c.governanceAssignments()
	if err != nil {
		return nil, err
	}
	ctx, capt := captured(ctx)
	resp, err := ac.Get(ctx, sdkScope(resourceID), assessmentKey, key, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.Properties == nil || resp.Properties.RemediationDueDate == nil {
		return nil, capt.shapeError(ServiceARM, "", "the governance assignment has no `properties.remediationDueDate`")
	}
	a := assignmentFromSDK(resp.GovernanceAssignment, resourceID, assessmentKey, key)
	return &a, nil
}

// PutGovernanceAssignment creates or replaces an assignment and returns what the service stored.
func (c *Client) PutGovernanceAssignment(ctx context.Context, a GovernanceAssignment) (*GovernanceAssignment, error) {
	ac, err := c.governanceAssignments()
	if err != nil {
		return nil, err
	}
	p := &armsecurity.GovernanceAssignmentProperties{
		RemediationDueDate: to.Ptr(a.RemediationDueDate.UTC()),
		IsGracePeriod:      to.Ptr(a.GracePeriod),
		GovernanceEmailNotification: &armsecurity.GovernanceEmailNotification{
			DisableOwnerEmailNotification:   to.Ptr(a.DisableOwnerEmail),
			DisableManagerEmailNotification: to.Ptr(a.DisableManagerEmail),
		},
		RemediationEta: a.RemediationETA,
	}
	if a.Owner != "" {
		p.Owner = to.Ptr(a.Owner)
	}
	if a.TicketLink != "" || a.TicketNumber != nil || a.TicketStatus != "" {
		p.AdditionalData = &armsecurity.GovernanceAssignmentAdditionalData{TicketNumber: a.TicketNumber}
		if a.TicketLink != "" {
			p.AdditionalData.TicketLink = to.Ptr(a.TicketLink)
		}
		if a.TicketStatus != "" {
			p.AdditionalData.TicketStatus = to.Ptr(a.TicketStatus)
		}
	}
	ctx, capt := captured(ctx)
	resp, err := ac.CreateOrUpdate(ctx, sdkScope(a.ResourceID), a.AssessmentKey, a.Key, armsecurity.GovernanceAssignment{Properties: p}, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.Properties == nil || resp.Properties.RemediationDueDate == nil {
		return nil, capt.shapeError(ServiceARM, "", "the governance assignment has no `properties.remediationDueDate`")
	}
	stored := assignmentFromSDK(resp.GovernanceAssignment, a.ResourceID, a.AssessmentKey, a.Key)
	return &stored, nil
}

// DeleteGovernanceAssignment deletes an assignment; one already gone is no error.
func (c *Client) DeleteGovernanceAssignment(ctx context.Context, resourceID, assessmentKey, key string) error {
	ac, err := c.governanceAssignments()
	if err != nil {
		return err
	}
	ctx, capt := captured(ctx)
	_, err = ac.Delete(ctx, sdkScope(resourceID), assessmentKey, key, nil)
	if err = capt.sdkError(ServiceARM, err); IsNotFound(err) {
		return nil
	}
	return err
}

func assignmentFromSDK(item armsecurity.GovernanceAssignment, resourceID, assessmentKey, key string) GovernanceAssignment {
	p := item.Properties
	a := GovernanceAssignment{
		ID:                 deref(item.ID),
		ResourceID:         resourceID,
		AssessmentKey:      assessmentKey,
		Key:                key,
		Owner:              deref(p.Owner),
		RemediationDueDate: deref(p.RemediationDueDate).UTC(),
		GracePeriod:        deref(p.IsGracePeriod),
		RemediationETA:     p.RemediationEta,
	}
	if a.ID == "" {
		a.ID = GovernanceAssignmentID(resourceID, assessmentKey, key)
	}
	a.ID = "/" + strings.TrimPrefix(a.ID, "/")
	if n := p.GovernanceEmailNotification; n != nil {
		a.DisableOwnerEmail, a.DisableManagerEmail = deref(n.DisableOwnerEmailNotification), deref(n.DisableManagerEmailNotification)
	}
	if d := p.AdditionalData; d != nil {
		a.TicketLink, a.TicketNumber, a.TicketStatus = deref(d.TicketLink), d.TicketNumber, deref(d.TicketStatus)
	}
	return a
}
