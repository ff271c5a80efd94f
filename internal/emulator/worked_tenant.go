package emulator

import (
	"strings"
	"time"
)

// seedWorkedTenant writes out Woodgrove Bank (WorkedTenantID) by hand: ten
// control profiles and two daily scores, 30 days apart, each value chosen
// so that one rule of Microsoft's documentation decides it. Tests state
// their expected figures as literals worked out from this table, never
// recomputed by code. The shapes are the live service's: placeholders,
// nulls, mixed-case vocabulary, scores as strings, PascalCase comparison
// keys, -1 for no data.
//
//	id                                 category  service  max  cost      impact    state (newest)                      score
//	AdminMFAV2                         Identity  AzureAD  10   Low       low       placeholder                         10      completed
//	BlockLegacyAuthentication          Identity  AzureAD   8   Medium    Moderate  placeholder                         "4"     in progress
//	SelfServicePasswordReset           Identity  AzureAD   1   Low       Low       Ignored (notes)                      0      risk accepted
//	mdo_safeattachments                Apps      MDO       8   low       Low       ThirdParty (notes)                   8      third party (explicit state wins)
//	mdo_zapspam                        Apps      MDO       3   Low       Low       placeholder                         "0.0"   to address, quick win
//	DLPEnabled                         Data      MIP      10   Moderate  Unknown   Reviewed (notes, assignee)           2      planned
//	exo_mailboxaudit                   Data      EXO       5   null      null      resolvedThroughAlternateMitigation   0      alternate mitigation
//	scid_2000                          Device    MDATP     7   Low       Low       placeholder                          0      to address, quick win
//	meeting_restrictanonymousjoin_v1   Apps      MS Teams  2   Unknown   Unknown   placeholder                         (none)  not in the score
//	AdminMFA (deprecated)              Identity  AzureAD  10   Low       Low       placeholder                         (none)  deprecated
//
// The newest score: currentScore 24, maxScore 52 (the eight scored
// profiles); the one 30 days earlier: 18 of 52.
func (e *Emulator) seedWorkedTenant() {
	today := e.today
	at := func(daysAgo, hour int) time.Time {
		return today.AddDate(0, 0, -daysAgo).Add(time.Duration(hour) * time.Hour)
	}
	profile := func(rank int, id, category, service, title string, max float64, cost, impact, tier string) *ControlProfile {
		return &ControlProfile{
			ID: id, AzureTenantID: WorkedTenantID, ActionType: "Config", ControlCategory: category, Title: title,
			ImplementationCost: cost, MaxScore: max, Rank: rank, Service: service, Tier: tier, UserImpact: impact,
			Remediation: "<p>" + title + ".</p>", RemediationImpact: "Users may notice the change.",
			ActionURL: "https://security.microsoft.com/securescore", Threats: []string{"Account breach"},
			ControlStateUpdates: []ControlStateUpdate{placeholderUpdate()},
			VendorInformation:   VendorInformation{Provider: "SecureScore", Vendor: "Microsoft"},
		}
	}
	decided := func(p *ControlProfile, u ControlStateUpdate) *ControlProfile {
		p.ControlStateUpdates = []ControlStateUpdate{u}
		p.LastModifiedDateTime = u.UpdatedDateTime
		return p
	}
	admin := "megan.bowen@woodgrove.onmicrosoft.com"
	profiles := []*ControlProfile{
		profile(1, "AdminMFAV2", "Identity", "AzureAD", "Ensure multifactor authentication is enabled for all users in administrative roles", 10, "Low", "low", "Core"),
		profile(2, "BlockLegacyAuthentication", "Identity", "AzureAD", "Enable Conditional Access policies to block legacy authentication", 8, "Medium", "Moderate", "Core"),
		decided(profile(3, "SelfServicePasswordReset", "Identity", "AzureAD", "Enable self-service password reset", 1, "Low", "Low", "Core"),
			ControlStateUpdate{State: "Ignored", Comment: "Risk accepted: the helpdesk handles resets", UpdatedBy: admin, UpdatedDateTime: at(30, 8)}),
		decided(profile(4, "mdo_safeattachments", "Apps", "MDO", "Turn on Safe Attachments in block mode", 8, "low", "Low", "Core"),
			ControlStateUpdate{State: "ThirdParty", Comment: "Mail flows through Proofpoint first", UpdatedBy: admin, UpdatedDateTime: at(25, 10)}),
		profile(5, "mdo_zapspam", "Apps", "MDO", "Ensure zero-hour auto purge for spam is enabled", 3, "Low", "Low", "Core"),
		decided(profile(6, "DLPEnabled", "Data", "MIP", "Apply data loss prevention policies", 10, "Moderate", "Unknown", "Core"),
			ControlStateUpdate{State: "Reviewed", Comment: "Planned for Q3 with the compliance team", AssignedTo: "nestor.wilke@woodgrove.onmicrosoft.com", UpdatedBy: admin, UpdatedDateTime: at(3, 17)}),
		decided(profile(7, "exo_mailboxaudit", "Data", "EXO", "Ensure mailbox auditing for all users is enabled", 5, "", "", "Core"),
			ControlStateUpdate{State: "resolvedThroughAlternateMitigation", Comment: "Mailboxes are audited by the SIEM connector", UpdatedBy: admin, UpdatedDateTime: at(8, 12)}),
		profile(8, "scid_2000", "Device", "MDATP", "Turn on Microsoft Defender Firewall", 7, "Low", "Low", "Core"),
		profile(9, "meeting_restrictanonymousjoin_v1", "Apps", "MS Teams", "Ensure anonymous users cannot join a meeting", 2, "Unknown", "Unknown", "Defense In Depth"),
		profile(10, "AdminMFA", "Identity", "AzureAD", "Require MFA for administrative roles", 10, "Low", "Low", "Core"),
	}
	profiles[9].Deprecated = true

	entry := func(name, category string, score float64, text, status string) ControlScore {
		return ControlScore{ControlName: name, ControlCategory: category, Description: name, Score: score, ScoreText: text,
			Extra: map[string]any{"implementationStatus": status, "lastSynced": today.Add(-3 * time.Hour).Format(time.RFC3339), "on": "true"}}
	}
	vendor := VendorInformation{Provider: "SecureScore", Vendor: "Microsoft"}
	newest := &SecureScore{
		ID: WorkedTenantID + "_" + today.Format(time.DateOnly), AzureTenantID: WorkedTenantID,
		ActiveUserCount: 80, CreatedDateTime: today, CurrentScore: 24, MaxScore: 52, LicensedUserCount: 100,
		EnabledServices: []string{"HasAzureAD", "HasExchange", "HasMDO"}, VendorInformation: vendor,
		ControlScores: []ControlScore{
			entry("AdminMFAV2", "Identity", 10, "", "All administrators are registered for MFA."),
			entry("BlockLegacyAuthentication", "Identity", 4, "4", "The setting is not compliant."),
			entry("SelfServicePasswordReset", "Identity", 0, "", "The setting is not compliant."),
			entry("mdo_safeattachments", "Apps", 8, "", "Resolved through third party."),
			entry("mdo_zapspam", "Apps", 0, "0.0", "The setting is not compliant."),
			entry("DLPEnabled", "Data", 2, "", "1 of 5 policies are configured as recommended."),
			entry("exo_mailboxaudit", "Data", 0, "", "The setting is not compliant."),
			entry("scid_2000", "Device", 0, "", "0 of 40 devices are compliant."),
		},
		AverageComparativeScores: []AverageComparativeScore{
			{Basis: "AllTenants", AverageScore: 41.5, Extra: map[string]any{
				"identityScore": "12.5", "identityScoreMax": "40", "dataScore": 7, "dataScoreMax": 20, "infrastructureScore": 0, "infrastructureScoreMax": 0}},
			{Basis: "TotalSeats", AverageScore: 38.25, Extra: map[string]any{
				"SeatSizeRangeLowerValue": "100", "SeatSizeRangeUpperValue": "500", "appsScore": 9, "appsScoreMax": "30"}},
			{Basis: "IndustryTypes", AverageScore: -1, Extra: map[string]any{"identityScore": -1, "categoryValue": "Financial Services"}},
		},
	}
	older := &SecureScore{
		ID: WorkedTenantID + "_" + today.AddDate(0, 0, -30).Format(time.DateOnly), AzureTenantID: WorkedTenantID,
		ActiveUserCount: 78, CreatedDateTime: today.AddDate(0, 0, -30), CurrentScore: 18, MaxScore: 52, LicensedUserCount: 100,
		EnabledServices: []string{"HasAzureAD", "HasExchange", "HasMDO"}, VendorInformation: vendor,
		ControlScores:            []ControlScore{entry("AdminMFAV2", "Identity", 10, "", ""), entry("mdo_safeattachments", "Apps", 8, "", "")},
		AverageComparativeScores: []AverageComparativeScore{},
	}
	t := &Tenant{ID: WorkedTenantID, DisplayName: "Woodgrove Bank", ManagementGroups: map[string][]string{},
		Profiles: profiles, SecureScores: []*SecureScore{newest, older}}
	e.tenants[strings.ToLower(WorkedTenantID)] = t
}

// Mutate changes a tenant's data in place under the emulator's lock, for
// tests that need a shape the seed does not have (an OData special value,
// a score that changed overnight). f must not keep t.
func (e *Emulator) Mutate(tenantID string, f func(t *Tenant)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.tenants[strings.ToLower(tenantID)]; t != nil {
		f(t)
	}
}
