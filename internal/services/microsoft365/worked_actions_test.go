package microsoft365_test

import (
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// workedAction is one of Woodgrove Bank's actions as the data sources must
// show it: every value written out by hand from the table in
// internal/emulator/worked_tenant.go and Microsoft's rules.
type workedAction struct {
	id, title, category, service, tier string
	rank                               int64
	maxScore                           float64
	inScore                            bool
	current, remaining                 float64 // ignored when !inScore
	cost, impact                       string  // normalised; "" = null
	implementationStatus               string
	status                             string
	notes, assignedTo, updatedBy       string
	updated                            string // RFC 3339; "" = null
	quickWin, deprecated               bool
}

const woodgroveAdmin = "megan.bowen@woodgrove.onmicrosoft.com"

var workedActions = map[string]workedAction{
	"AdminMFAV2": {id: "AdminMFAV2", title: "Ensure multifactor authentication is enabled for all users in administrative roles", category: "Identity", service: "AzureAD", tier: "Core",
		rank: 1, maxScore: 10, inScore: true, current: 10, remaining: 0, cost: "Low", impact: "Low", // "low" normalised
		implementationStatus: "All administrators are registered for MFA.", status: "completed"},
	"BlockLegacyAuthentication": {id: "BlockLegacyAuthentication", title: "Enable Conditional Access policies to block legacy authentication", category: "Identity", service: "AzureAD", tier: "Core",
		rank: 2, maxScore: 8, inScore: true, current: 4, remaining: 4, cost: "Moderate", impact: "Moderate", // "Medium" is Moderate
		implementationStatus: "The setting is not compliant.", status: "in_progress"},
	"SelfServicePasswordReset": {id: "SelfServicePasswordReset", title: "Enable self-service password reset", category: "Identity", service: "AzureAD", tier: "Core",
		rank: 3, maxScore: 1, inScore: true, current: 0, remaining: 1, cost: "Low", impact: "Low",
		implementationStatus: "The setting is not compliant.", status: "risk_accepted",
		notes: "Risk accepted: the helpdesk handles resets", updatedBy: woodgroveAdmin, updated: day(30, 8)},
	"mdo_safeattachments": {id: "mdo_safeattachments", title: "Turn on Safe Attachments in block mode", category: "Apps", service: "MDO", tier: "Core",
		rank: 4, maxScore: 8, inScore: true, current: 8, remaining: 0, cost: "Low", impact: "Low",
		implementationStatus: "Resolved through third party.", status: "resolved_through_third_party",
		notes: "Mail flows through Proofpoint first", updatedBy: woodgroveAdmin, updated: day(25, 10)},
	"mdo_zapspam": {id: "mdo_zapspam", title: "Ensure zero-hour auto purge for spam is enabled", category: "Apps", service: "MDO", tier: "Core",
		rank: 5, maxScore: 3, inScore: true, current: 0, remaining: 3, cost: "Low", impact: "Low",
		implementationStatus: "The setting is not compliant.", status: "to_address", quickWin: true},
	"DLPEnabled": {id: "DLPEnabled", title: "Apply data loss prevention policies", category: "Data", service: "MIP", tier: "Core",
		rank: 6, maxScore: 10, inScore: true, current: 2, remaining: 8, cost: "Moderate", impact: "Unknown",
		implementationStatus: "1 of 5 policies are configured as recommended.", status: "planned",
		notes: "Planned for Q3 with the compliance team", assignedTo: "nestor.wilke@woodgrove.onmicrosoft.com", updatedBy: woodgroveAdmin, updated: day(3, 17)},
	"exo_mailboxaudit": {id: "exo_mailboxaudit", title: "Ensure mailbox auditing for all users is enabled", category: "Data", service: "EXO", tier: "Core",
		rank: 7, maxScore: 5, inScore: true, current: 0, remaining: 5, cost: "", impact: "", // null stays null
		implementationStatus: "The setting is not compliant.", status: "resolved_through_alternate_mitigation",
		notes: "Mailboxes are audited by the SIEM connector", updatedBy: woodgroveAdmin, updated: day(8, 12)},
	"scid_2000": {id: "scid_2000", title: "Turn on Microsoft Defender Firewall", category: "Device", service: "MDATP", tier: "Core",
		rank: 8, maxScore: 7, inScore: true, current: 0, remaining: 7, cost: "Low", impact: "Low",
		implementationStatus: "0 of 40 devices are compliant.", status: "to_address", quickWin: true},
	"meeting_restrictanonymousjoin_v1": {id: "meeting_restrictanonymousjoin_v1", title: "Ensure anonymous users cannot join a meeting", category: "Apps", service: "MS Teams", tier: "Defense In Depth",
		rank: 9, maxScore: 2, inScore: false, cost: "Unknown", impact: "Unknown", status: "to_address"},
	"AdminMFA": {id: "AdminMFA", title: "Require MFA for administrative roles", category: "Identity", service: "AzureAD", tier: "Core",
		rank: 10, maxScore: 10, inScore: false, cost: "Low", impact: "Low", status: "to_address", deprecated: true},
}

// checks are every attribute of the action in the list and the singular
// data source.
func (a workedAction) checks() map[string]knownvalue.Check {
	points := func(v float64) knownvalue.Check {
		if !a.inScore {
			return knownvalue.Null()
		}
		return approx(v)
	}
	var lastSynced knownvalue.Check = knownvalue.Null()
	if a.inScore {
		lastSynced = knownvalue.StringExact(day(0, -3))
	}
	return map[string]knownvalue.Check{
		"control_id":            knownvalue.StringExact(a.id),
		"title":                 knownvalue.StringExact(a.title),
		"category":              knownvalue.StringExact(a.category),
		"service":               knownvalue.StringExact(a.service),
		"action_type":           knownvalue.StringExact("Config"),
		"tier":                  knownvalue.StringExact(a.tier),
		"in_score":              knownvalue.Bool(a.inScore),
		"max_score":             approx(a.maxScore),
		"current_score":         points(a.current),
		"points_remaining":      points(a.remaining),
		"rank":                  knownvalue.Int64Exact(a.rank),
		"user_impact":           stringOrNull(a.impact),
		"implementation_cost":   stringOrNull(a.cost),
		"threats":               stringList("Account breach"),
		"remediation":           knownvalue.StringExact("<p>" + a.title + ".</p>"),
		"remediation_impact":    knownvalue.StringExact("Users may notice the change."),
		"action_url":            knownvalue.StringExact("https://security.microsoft.com/securescore"),
		"deprecated":            knownvalue.Bool(a.deprecated),
		"implementation_status": stringOrNull(a.implementationStatus),
		"last_synced_date_time": lastSynced,
		"status":                knownvalue.StringExact(a.status),
		"notes":                 stringOrNull(a.notes),
		"assigned_to":           stringOrNull(a.assignedTo),
		"updated_by":            stringOrNull(a.updatedBy),
		"updated_date_time":     stringOrNull(a.updated),
		"compliance":            knownvalue.ListExact([]knownvalue.Check{}), // null on the wire: an empty list
		"quick_win":             knownvalue.Bool(a.quickWin),
	}
}

func workedList(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectExact(workedActions[id].checks()))
	}
	return knownvalue.ListExact(checks)
}
