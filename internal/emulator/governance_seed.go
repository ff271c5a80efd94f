package emulator

import (
	"strings"
	"time"
)

// The governance objects the documentation imports: a rule at subscription
// scope, a rule at management-group scope and an assignment, with the ids
// the resource pages' import examples use, and one overdue assignment so
// that the governance assignments data source has something to report.
// Rules and assignments follow the shapes of the REST API specification's
// examples (governanceRules.json, governanceAssignments.json) and what the
// portal offers (https://learn.microsoft.com/azure/defender-for-cloud/governance-rules).
// Their contents are a choice: examples of what a team writes.

// Ids of the seeded governance objects, as the docs' import examples give them.
const (
	// SeededSubscriptionRuleID is a rule of DefaultSubscriptionID.
	SeededSubscriptionRuleID = "ad9a8e26-29d9-4829-bb30-e597a58cdbb8"
	// SeededManagementGroupRuleID is a rule of ManagementGroupID.
	SeededManagementGroupRuleID = "3c9e5f1a-7b2d-4e8f-a1c6-5d0b9e2f4a71"
	// SeededAssignmentKey is the key of the assignment of the "management
	// ports" recommendation (SeededAssessmentKey) on SeededResourceID.
	SeededAssignmentKey = "6634ff9f-127b-4bf2-8e6e-b1737f5e789c"
	// SeededResourceID is the virtual machine the seeded assignment is on.
	SeededResourceID = "/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"
	// SeededAssessmentKey is the unhealthy recommendation of SeededResourceID
	// the seeded assignment follows.
	SeededAssessmentKey = "ac21c637-d558-482c-9d11-d6d9033e834e"
)

// Seeded rule priorities: clear of the ones the examples and guides create
// in the same scopes (10, 20, 100, 200).
const (
	seededManagementGroupRulePriority = 500
	seededSubscriptionRulePriority    = 600
)

// overdueSeedKey keys the seeded overdue assignment.
var overdueSeedKey = guidFrom("governance-seed:overdue")

// SeedGovernanceExamples stores the documented governance rules and
// assignments (again, when a test removed them), and returns the ids of
// what it stored: the two rules' and the assignments'. The bundled
// emulator's command seeds them when it starts.
func (e *Emulator) SeedGovernanceExamples() (ruleIDs, assignmentIDs []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.govLocked()
	created := e.today.Add(-20 * 24 * time.Hour)
	rules := []*storedRule{
		{
			scope: "/subscriptions/" + DefaultSubscriptionID, name: SeededSubscriptionRuleID,
			props: map[string]any{
				"displayName":          "Platform: encryption recommendations",
				"description":          "Encryption recommendations of the production subscription go to the platform team.",
				"rulePriority":         float64(seededSubscriptionRulePriority),
				"ruleType":             "Integrated",
				"sourceResourceType":   "Assessments",
				"remediationTimeframe": "30.00:00:00",
				"isGracePeriod":        true,
				"isDisabled":           false,
				"ownerSource":          map[string]any{"type": "Manually", "value": "platform-team@contoso.com"},
				"governanceEmailNotification": map[string]any{
					"disableManagerEmailNotification": true, "disableOwnerEmailNotification": false,
				},
				"conditionSets": []any{
					map[string]any{"conditions": []any{
						map[string]any{"property": "$.AssessmentKey", "value": "149c2ed9-310e-4f4a-907e-424d5ceb2279", "operator": "Equals"},
					}},
				},
			},
		},
		{
			scope: "/providers/Microsoft.Management/managementGroups/" + ManagementGroupID, name: SeededManagementGroupRuleID,
			props: map[string]any{
				"displayName":          "Production: high severity within 7 days",
				"description":          "Owners come from the owner tag; managers are told about overdue items.",
				"rulePriority":         float64(seededManagementGroupRulePriority),
				"ruleType":             "Integrated",
				"sourceResourceType":   "Assessments",
				"remediationTimeframe": "7.00:00:00",
				"isGracePeriod":        false,
				"isDisabled":           false,
				"ownerSource":          map[string]any{"type": "ByTag", "value": "owner"},
				"governanceEmailNotification": map[string]any{
					"disableManagerEmailNotification": false, "disableOwnerEmailNotification": false,
				},
				"conditionSets": []any{
					map[string]any{"conditions": []any{
						map[string]any{"property": "$.Metadata.Severity", "value": "High", "operator": "Equals"},
					}},
				},
			},
		},
	}
	for _, r := range rules {
		r.createdBy, r.createdOn, r.updatedBy, r.updatedOn = "secops@contoso.com", created, "secops@contoso.com", created
		g.rules[ruleKey(r.scope, r.name)] = r
		ruleIDs = append(ruleIDs, r.scope+"/providers/Microsoft.Security/governanceRules/"+r.name)
	}

	assignments := []struct {
		resourceID, assessment, key string
		props                       map[string]any
	}{
		{SeededResourceID, SeededAssessmentKey, SeededAssignmentKey, map[string]any{
			"owner":              "web-team@contoso.com",
			"remediationDueDate": e.today.AddDate(0, 0, 30).Format(time.RFC3339),
			"isGracePeriod":      true,
			"governanceEmailNotification": map[string]any{
				"disableManagerEmailNotification": false, "disableOwnerEmailNotification": false,
			},
			"additionalData": map[string]any{
				"ticketNumber": float64(4711),
				"ticketLink":   "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=4711",
				"ticketStatus": "Active",
			},
		}},
	}
	// One assignment five days overdue, within the examples' 14-day gate:
	// the first other unhealthy recommendation of the subscription.
	if s := e.subs[strings.ToLower(DefaultSubscriptionID)]; s != nil {
		for _, a := range e.assessmentsLocked(s) {
			documented := strings.EqualFold(a.ResourceID, SeededResourceID) && a.Key == SeededAssessmentKey
			if a.Status == "Unhealthy" && !documented {
				assignments = append(assignments, struct {
					resourceID, assessment, key string
					props                       map[string]any
				}{a.ResourceID, a.Key, overdueSeedKey, map[string]any{
					"owner":              "data-team@contoso.com",
					"remediationDueDate": e.today.AddDate(0, 0, -5).Format(time.RFC3339),
					"isGracePeriod":      false,
					"governanceEmailNotification": map[string]any{
						"disableManagerEmailNotification": false, "disableOwnerEmailNotification": false,
					},
				}})
				break
			}
		}
	}
	for _, s := range assignments {
		a := e.assessmentLocked(s.resourceID, s.assessment)
		if a == nil || a.Status != "Unhealthy" {
			continue
		}
		id := assignmentID(a.ResourceID, a.Key, s.key)
		g.assignments[strings.ToLower(id)] = &storedAssignment{
			id: id, resourceID: a.ResourceID, assessment: a.Key, key: s.key, subID: a.SubscriptionID, props: s.props,
		}
		assignmentIDs = append(assignmentIDs, id)
	}
	return ruleIDs, assignmentIDs
}

// RemoveGovernanceExamples deletes what SeedGovernanceExamples stores.
func (e *Emulator) RemoveGovernanceExamples() {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.govLocked()
	delete(g.rules, ruleKey("/subscriptions/"+DefaultSubscriptionID, SeededSubscriptionRuleID))
	delete(g.rules, ruleKey("/providers/Microsoft.Management/managementGroups/"+ManagementGroupID, SeededManagementGroupRuleID))
	for k, a := range g.assignments {
		if a.key == SeededAssignmentKey || a.key == overdueSeedKey {
			delete(g.assignments, k)
		}
	}
}
