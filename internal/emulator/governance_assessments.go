package emulator

import (
	"fmt"
	"strings"
)

// A minimal set of per-resource assessments, enough for governance
// assignments to have something to belong to. It is kept apart so that the
// recommendations' assessments (one per resource and assessment definition of
// each control) can replace it: governance.go only uses assessmentLocked,
// assessmentsLocked and assessmentRows.

// Assessment is a Microsoft.Security/assessments item on one resource.
type Assessment struct {
	ID             string // <ResourceID>/providers/Microsoft.Security/assessments/<Key>
	Key            string // the assessment (metadata) name, a GUID
	ResourceID     string
	SubscriptionID string
	DisplayName    string
	Severity       string // High, Medium or Low
	Status         string // Healthy, Unhealthy or NotApplicable
}

// seededResources are the resources every subscription with Defender data
// has, in this order.
func seededResources(subID string) []string {
	base := "/subscriptions/" + subID + "/resourceGroups/"
	return []string{
		base + "rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01",
		base + "rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02",
		base + "rg-data/providers/Microsoft.Storage/storageAccounts/stdata" + strings.ReplaceAll(subID, "-", "")[:12],
	}
}

var severities = []string{"High", "Medium", "Low"}

// buildAssessments gives each ascScore control with unhealthy resources one
// assessment (its first assessment definition), unhealthy on as many of the
// seeded resources as the control counts (at most three).
func buildAssessments(s *Subscription) []*Assessment {
	if len(s.Scores) == 0 {
		return nil
	}
	resources := seededResources(s.ID)
	var out []*Assessment
	for i, c := range s.Scores[0].Controls {
		if c.UnhealthyResourceCount == 0 || len(c.Definition.AssessmentDefinitions) == 0 {
			continue
		}
		def0 := c.Definition.AssessmentDefinitions[0]
		key := def0[strings.LastIndex(def0, "/")+1:]
		for r := 0; r < min(c.UnhealthyResourceCount, len(resources)); r++ {
			out = append(out, &Assessment{
				ID:  resources[r] + "/providers/Microsoft.Security/assessments/" + key,
				Key: key, ResourceID: resources[r], SubscriptionID: s.ID,
				DisplayName: fmt.Sprintf("%s: recommendation 1", c.DisplayName),
				Severity:    severities[i%len(severities)],
				Status:      "Unhealthy",
			})
		}
	}
	return out
}

// assessmentsLocked is a subscription's assessments, built on first use.
func (e *Emulator) assessmentsLocked(s *Subscription) []*Assessment {
	g := e.govLocked()
	k := strings.ToLower(s.ID)
	if a, ok := g.assessments[k]; ok {
		return a
	}
	a := buildAssessments(s)
	g.assessments[k] = a
	return a
}

// assessmentLocked finds the assessment key on resourceID, or nil.
func (e *Emulator) assessmentLocked(resourceID, key string) *Assessment {
	s := e.subs[strings.ToLower(subscriptionOf(resourceID))]
	if s == nil {
		return nil
	}
	for _, a := range e.assessmentsLocked(s) {
		if strings.EqualFold(a.ResourceID, resourceID) && strings.EqualFold(a.Key, key) {
			return a
		}
	}
	return nil
}

// assessmentRows are the securityresources rows of the subscriptions' assessments.
func (e *Emulator) assessmentRows(subs []*Subscription) []row {
	var rows []row
	for _, s := range subs {
		for _, a := range e.assessmentsLocked(s) {
			rows = append(rows, row{
				"id": a.ID, "name": a.Key, "type": "microsoft.security/assessments", "tenantId": s.TenantID, "kind": "", "location": "",
				"resourceGroup": resourceGroupOf(a.ResourceID), "subscriptionId": s.ID, "managedBy": "", "sku": nil, "plan": nil,
				"properties": jsonTree(map[string]any{
					"displayName":     a.DisplayName,
					"status":          map[string]any{"code": a.Status},
					"resourceDetails": map[string]any{"Source": "Azure", "Id": a.ResourceID},
					"metadata":        map[string]any{"severity": a.Severity, "assessmentType": "BuiltIn"},
				}),
				"tags": nil, "identity": nil, "zones": nil, "extendedLocation": nil,
			})
		}
	}
	return rows
}

// Assessments returns copies of a subscription's assessments (nil when the
// subscription is unknown or has no Defender data).
func (e *Emulator) Assessments(subscriptionID string) []Assessment {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.subs[strings.ToLower(subscriptionID)]
	if s == nil {
		return nil
	}
	var out []Assessment
	for _, a := range e.assessmentsLocked(s) {
		out = append(out, *a)
	}
	return out
}

// SetAssessmentStatus changes an assessment's status, as when its resource is
// fixed (Healthy). It reports whether the assessment exists.
func (e *Emulator) SetAssessmentStatus(resourceID, key, status string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.assessmentLocked(resourceID, key)
	if a == nil {
		return false
	}
	a.Status = status
	return true
}

func subscriptionOf(resourceID string) string {
	segs := strings.Split(strings.Trim(resourceID, "/"), "/")
	if len(segs) >= 2 && strings.EqualFold(segs[0], "subscriptions") {
		return segs[1]
	}
	return ""
}

func resourceGroupOf(resourceID string) string {
	segs := strings.Split(strings.Trim(resourceID, "/"), "/")
	if len(segs) >= 4 && strings.EqualFold(segs[2], "resourceGroups") {
		return strings.ToLower(segs[3])
	}
	return ""
}
