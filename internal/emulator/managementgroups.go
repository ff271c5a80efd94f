package emulator

import (
	"fmt"
	"strings"
)

// Management groups beyond contoso-production, one the client cannot read,
// and the resourcecontainers rows of subscriptions (Resource Graph's
// `resourcecontainers` table,
// https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources).

const (
	// NonProductionManagementGroupID holds Contoso Development, Contoso
	// Sandbox and Contoso Onboarding (not calculated yet).
	NonProductionManagementGroupID = "contoso-nonproduction"
	// RestrictedManagementGroupID holds Contoso Legacy and Contoso Data
	// Platform, but the emulator's client may not read the group: Resource
	// Graph answers 403 for a query scoped to it.
	RestrictedManagementGroupID = "contoso-restricted"
)

// seedDefenderWorld runs after the tenants are seeded: initiatives that
// share controls count the same assessments, Contoso Onboarding waits for
// its first score, and Contoso gets its other management groups.
func (e *Emulator) seedDefenderWorld() {
	for _, s := range e.subs {
		alignInitiatives(s)
	}
	e.seedNotCalculated()
	t := e.tenants[strings.ToLower(DefaultTenantID)]
	byName := map[string]string{}
	for _, s := range t.Subscriptions {
		byName[s.DisplayName] = s.ID
	}
	t.ManagementGroups[NonProductionManagementGroupID] = []string{
		byName["Contoso Development"], byName["Contoso Sandbox"], byName["Contoso Onboarding"],
	}
	t.ManagementGroups[RestrictedManagementGroupID] = []string{
		byName["Contoso Legacy (no Defender)"], byName["Contoso Data Platform"],
	}
	e.assessLocked().restricted[RestrictedManagementGroupID] = true
	for _, s := range t.Subscriptions {
		e.assessLocked().exported[strings.ToLower(s.ID)] = true
	}
}

// RestrictManagementGroup makes a management group unreadable (or readable
// again) for the emulator's client.
func (e *Emulator) RestrictManagementGroup(id string, restricted bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.assessLocked().restricted[strings.ToLower(id)] = restricted
}

// restrictedGroupError is the 403 for the first unreadable management group
// of a request, or "" when the client may read them all.
func (e *Emulator) restrictedGroupError(clientID string, groups []string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range groups {
		if e.assessLocked().restricted[strings.ToLower(g)] {
			return fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/providers/Microsoft.Management/managementGroups/%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", clientID, clientID, g)
		}
	}
	return ""
}

// managementGroupsOfLocked lists the management groups holding a subscription.
func managementGroupsOf(t *Tenant, subscriptionID string) []string {
	var out []string
	for g, members := range t.ManagementGroups {
		for _, id := range members {
			if strings.EqualFold(id, subscriptionID) {
				out = append(out, g)
			}
		}
	}
	return out
}

// subscriptionContainerRow is a subscription's resourcecontainers row.
func (e *Emulator) subscriptionContainerRowLocked(s *Subscription) row {
	var chain []any
	if t := e.tenants[strings.ToLower(s.TenantID)]; t != nil {
		for _, g := range managementGroupsOf(t, s.ID) {
			chain = append(chain, map[string]any{"name": g, "displayName": g})
		}
	}
	chain = append(chain, map[string]any{"name": s.TenantID, "displayName": "Tenant Root Group"})
	return row{
		"id": "/subscriptions/" + s.ID, "name": s.DisplayName, "type": "microsoft.resources/subscriptions",
		"tenantId": s.TenantID, "kind": "", "location": "", "resourceGroup": "", "subscriptionId": s.ID,
		"managedBy": "", "sku": nil, "plan": nil, "tags": nil, "identity": nil, "zones": nil, "extendedLocation": nil,
		"properties": map[string]any{
			"state": "Enabled", "subscriptionPolicies": map[string]any{"quotaId": "EnterpriseAgreement_2014-09-01"},
			"managementGroupAncestorsChain": chain,
		},
	}
}

// AddManagementGroup creates (or replaces) management group id in tenantID
// holding subscriptionIDs, for tests of scale at management-group scope.
func (e *Emulator) AddManagementGroup(tenantID, id string, subscriptionIDs ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.tenants[strings.ToLower(tenantID)]; t != nil {
		t.ManagementGroups[id] = append([]string(nil), subscriptionIDs...)
	}
}
