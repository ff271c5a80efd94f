package defender_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const recommendationsAddress = "data.securescore_defender_recommendations.test"

func recommendation(i int) tfjsonpath.Path {
	return tfjsonpath.New("recommendations").AtSliceIndex(i)
}

// expectRecommendation checks an attribute of the i-th recommendation.
func expectRecommendation(i int, attribute string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(recommendationsAddress, recommendation(i).AtMapKey(attribute), check)
}

// Hand-written from the seed. Contoso Production's "Secure management
// ports" (max 8) has 16 healthy, 11 unhealthy and 3 not-applicable
// resources: 8 × 16 / 27 = 4.74 points, 3.26 to gain, the largest of its
// controls. Its first recommendation is unhealthy on all 11, so it comes
// first; the emulator's first two unhealthy resources are vm-web-01 and
// vm-web-02. The unhealthy recommendations number 24: 3 (management ports)
// + 6 (vulnerabilities) + 1 (encryption at rest) + 5 (data in transit) + 2
// (application control) + 4 (endpoint protection) + 2 (logging) + 1 (the
// custom initiative's tag control, outside every ascScore control) + 1
// (the preview "Machines should have secrets findings resolved", outside
// every control, last). One subscription: one entry per recommendation and
// subscription. Its gain on the aggregate of a scope of Contoso Production
// alone (weight 67, 60 points) is 100 × 67 × 3.26 / 60 / 67 = 5.43
// percentage points. Contoso Production has Defender CSPM: the
// recommendation is unhealthy on vm-web-01 (internet exposure, High
// severity: Critical, one attack path) and on the data storage account
// (sensitive data).
func TestAccDefenderRecommendations_topOfSubscription(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids           = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  affected_resource_id_limit = 2
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(25)),
		acctest.Expect(recommendationsAddress, "group_by", knownvalue.StringExact("subscription")),
		acctest.Expect(recommendationsAddress, "statuses", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Unhealthy")})),
		statecheck.ExpectKnownValue(recommendationsAddress, recommendation(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"subscription_id":               knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"assessment_key":                knownvalue.StringExact("ac21c637-d558-482c-9d11-d6d9033e834e"),
			"display_name":                  knownvalue.StringExact("Management ports of virtual machines should be protected with just-in-time network access control"),
			"severity":                      knownvalue.StringExact("High"),
			"status":                        knownvalue.StringExact("Unhealthy"),
			"status_cause":                  knownvalue.Null(),
			"status_description":            knownvalue.Null(),
			"healthy_resource_count":        knownvalue.Int64Exact(16),
			"unhealthy_resource_count":      knownvalue.Int64Exact(11),
			"not_applicable_resource_count": knownvalue.Int64Exact(3),
			"control_name":                  knownvalue.NotNull(),
			"control_display_name":          knownvalue.StringExact("Secure management ports"),
			"control_current_score":         knownvalue.Float64Exact(4.74),
			"control_max_score":             knownvalue.Int64Exact(8),
			"potential_score_increase":      knownvalue.Float64Exact(3.26),
			"portal_url":                    knownvalue.StringExact("https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/ac21c637-d558-482c-9d11-d6d9033e834e"),
			"affected_resource_ids": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"),
				knownvalue.StringExact("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02"),
			}),
			"potential_aggregate_increase":   knownvalue.Float64Exact(5.43),
			"subscription_count":             knownvalue.Int64Exact(1),
			"preview":                        knownvalue.Bool(false),
			"risk_level":                     knownvalue.StringExact("Critical"),
			"risk_factors":                   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Internet exposure"), knownvalue.StringExact("Sensitive data")}),
			"attack_path_count":              knownvalue.Int64Exact(1),
			"newly_unhealthy_resource_count": knownvalue.Null(),
			"new_resource_count":             knownvalue.Null(),
		})),
		// The same control's other two: 4 and 3 unhealthy resources.
		expectRecommendation(1, "display_name", knownvalue.StringExact("Management ports should be closed on your virtual machines")),
		expectRecommendation(1, "unhealthy_resource_count", knownvalue.Int64Exact(4)),
		expectRecommendation(2, "unhealthy_resource_count", knownvalue.Int64Exact(3)),
		// Then "Remediate vulnerabilities": 6 - 3.23 = 2.77.
		expectRecommendation(3, "potential_score_increase", knownvalue.Float64Exact(2.77)),
		expectRecommendation(23, "display_name", knownvalue.StringExact("Resources should carry a DataOwner tag")),
		expectRecommendation(23, "potential_score_increase", knownvalue.Null()),
		expectRecommendation(23, "preview", knownvalue.Bool(false)),
		expectRecommendation(24, "display_name", knownvalue.StringExact("Machines should have secrets findings resolved")),
		expectRecommendation(24, "preview", knownvalue.Bool(true)),
		expectRecommendation(24, "potential_aggregate_increase", knownvalue.Null()),
		acctest.Expect(recommendationsAddress, "not_calculated_subscription_ids", knownvalue.ListExact([]knownvalue.Check{})),
	})
	// The controls, the number of recommendations (to size the batches of
	// subscriptions), one summarised batch and the scores' weights a read,
	// whatever the number of resources assessed.
	checkRequestsPerRead(t, 4)
}

// "Enable auditing and logging" in Contoso Production: 17 healthy, 2
// unhealthy, 2 not applicable; its Low recommendations "Diagnostic logs in
// Key Vault" (unhealthy on both) and "… in Azure Stream Analytics"
// (unhealthy on the second only) are the unhealthy ones; 1 - 0.89 = 0.11
// to gain.
func TestAccDefenderRecommendations_filters(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  severities       = ["Low"]
  control_names    = ["enable auditing and logging"]
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(2)),
		expectRecommendation(0, "display_name", knownvalue.StringExact("Diagnostic logs in Key Vault should be enabled")),
		expectRecommendation(0, "unhealthy_resource_count", knownvalue.Int64Exact(2)),
		expectRecommendation(0, "healthy_resource_count", knownvalue.Int64Exact(17)),
		expectRecommendation(0, "potential_score_increase", knownvalue.Float64Exact(0.11)),
		expectRecommendation(0, "affected_resource_ids", knownvalue.Null()),
		expectRecommendation(1, "display_name", knownvalue.StringExact("Diagnostic logs in Azure Stream Analytics should be enabled")),
		expectRecommendation(1, "unhealthy_resource_count", knownvalue.Int64Exact(1)),
		expectRecommendation(1, "healthy_resource_count", knownvalue.Int64Exact(18)),
	})
}

// "Enable MFA" in Contoso Production is complete (14 healthy, 5 not
// applicable, 10 of 10 points): three Healthy recommendations, nothing to
// gain, High before Medium, then by name.
func TestAccDefenderRecommendations_healthy(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  statuses         = ["Healthy", "NotApplicable"]
  control_names    = ["Enable MFA"]
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(3)),
		expectRecommendation(0, "display_name", knownvalue.StringExact("Accounts with owner permissions on Azure resources should be MFA enabled")),
		expectRecommendation(1, "display_name", knownvalue.StringExact("Accounts with write permissions on Azure resources should be MFA enabled")),
		expectRecommendation(2, "display_name", knownvalue.StringExact("Accounts with read permissions on Azure resources should be MFA enabled")),
		expectRecommendation(2, "status", knownvalue.StringExact("Healthy")),
		expectRecommendation(2, "status_cause", knownvalue.Null()),
		expectRecommendation(2, "healthy_resource_count", knownvalue.Int64Exact(14)),
		expectRecommendation(2, "not_applicable_resource_count", knownvalue.Int64Exact(5)),
		expectRecommendation(2, "potential_score_increase", knownvalue.Float64Exact(0)),
	})
}

// Contoso Onboarding is assessed but not scored yet: its recommendations
// have no control and no points, and it is named as not calculated.
func TestAccDefenderRecommendations_notCalculated(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids = ["15ffcc73-95fd-429d-bc17-a98c9a6d8d96"]
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "not_calculated_subscription_ids", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96"),
		})),
		expectRecommendation(0, "subscription_id", knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96")),
		expectRecommendation(0, "status", knownvalue.StringExact("Unhealthy")),
		expectRecommendation(0, "control_name", knownvalue.Null()),
		expectRecommendation(0, "potential_score_increase", knownvalue.Null()),
	})
}

// A management group the identity may not read (contoso-restricted answers
// 403) is reported and hides nothing: the list is the one of
// contoso-production alone. Only restricted groups read nothing, without
// an error.
func TestAccDefenderRecommendations_restrictedManagementGroup(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids = ["contoso-production", "contoso-restricted"]
}

data "securescore_defender_recommendations" "readable" {
  management_group_ids = ["contoso-production"]
}

data "securescore_defender_recommendations" "none" {
  management_group_ids = ["contoso-restricted"]
  control_names        = ["Secure management ports"]
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "restricted_management_group_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("contoso-restricted")})),
		acctest.Expect("data.securescore_defender_recommendations.readable", "restricted_management_group_ids", knownvalue.ListExact([]knownvalue.Check{})),
		statecheck.CompareValuePairs(recommendationsAddress, tfjsonpath.New("recommendations"),
			"data.securescore_defender_recommendations.readable", tfjsonpath.New("recommendations"), compare.ValuesSame()),
		// Contoso Production alone has 24 unhealthy recommendations (see topOfSubscription); the group holds two more subscriptions.
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Func(func(n int64) error {
			if n <= 24 {
				return fmt.Errorf("%d recommendations, want more than Contoso Production's 24", n)
			}
			return nil
		})),
		acctest.Expect("data.securescore_defender_recommendations.none", "recommendation_count", knownvalue.Int64Exact(0)),
		acctest.Expect("data.securescore_defender_recommendations.none", "restricted_management_group_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("contoso-restricted")})),
	})
}

// Without management_group_ids the restricted list is null.
func TestAccDefenderRecommendations_restrictedNullWithoutGroups(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "restricted_management_group_ids", knownvalue.Null()),
	})
}

func TestAccDefenderRecommendations_unknownControl(t *testing.T) {
	reset(t)
	expectConfigError(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  control_names    = ["Enable MFA", "No such control"]
}`, expectAll(`Unknown security control`, `"No such control"`, phrase("Apply system updates")))
}

func TestAccDefenderRecommendations_planTimeValidation(t *testing.T) {
	reset(t)
	for _, tc := range []struct{ body, expect string }{
		{`statuses = ["Broken"]`, `value must be one of`},
		{`severities = ["Critical"]`, `value must be one of`},
		{`affected_resource_id_limit = 101`, `must be between 0 and 100`},
		{`group_by = "tenant"`, `value must be one of`},
		{`order_by = "severity"`, `value must be one of`},
		{`risk_levels = ["Severe"]`, `value must be one of`},
		{`changed_within_days = 0`, `must be between 1 and 90`},
	} {
		expectPlanRefused(t, "data \"securescore_defender_recommendations\" \"test\" {\n  "+tc.body+"\n}",
			expectAll(phrase(tc.expect)), emulator.RouteResourceGraph)
	}
}

// TestAccDefenderRecommendations_scale reads the recommendations of 100
// generated subscriptions (about 60 each) through the client: a number of
// requests that does not grow with the resources assessed,
// and the time of one read (logged; timings belong to make bench).
func TestAccDefenderRecommendations_scale(t *testing.T) {
	reset(t)
	c := newDirectClient(t)
	ids := generatedSubscriptions(t, 100)
	scope := client.ResourceGraphScope{SubscriptionIDs: ids}
	before := acctest.Emu.Count(emulator.RouteResourceGraph)
	start := time.Now()
	controls, cstats, err := c.QueryControlPoints(context.Background(), scope, "")
	if err != nil {
		t.Fatal(err)
	}
	recs, rstats, err := c.QueryRecommendations(context.Background(), client.RecommendationQuery{
		Scope: scope, Statuses: []string{"Unhealthy", "Healthy", "NotApplicable"},
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	// The controls page (one request per 1,000 rows); the summarised
	// recommendations are never paged: one request counts them (the 16
	// built-in controls hold 63), so a batch holds 1000 / 63 = 15
	// subscriptions: 7 batches for 100.
	if want := pages(len(controls), 1000) + 1 + pages(100, 15); cstats.Requests+rstats.Requests != want ||
		acctest.Emu.Count(emulator.RouteResourceGraph)-before != want {
		t.Errorf("%d controls and %d recommendations took %d requests; want %d", len(controls), len(recs), cstats.Requests+rstats.Requests, want)
	}
	if len(recs) < 100*40 {
		t.Errorf("%d recommendations for 100 subscriptions; the emulator seeds about 60 each", len(recs))
	}
	t.Logf("100 subscriptions: %d controls, %d recommendations, %d requests, %s", len(controls), len(recs), cstats.Requests+rstats.Requests, elapsed.Round(time.Millisecond))
}

// The estate view of contoso-production (Contoso Production: weight 67,
// 60 points; Contoso Shared Services: 41, 44; Contoso Data Platform: 12,
// 56; the weights add up to 120), worked by hand from the seed:
//
//   - "Secure management ports" (max 8) is unhealthy in Production (4.74
//     points, 3.26 to gain) and Data Platform (6.4, 1.6), healthy in Shared
//     Services: 100 × (67 × 3.26 / 60 + 12 × 1.6 / 56) / 120
//     = 100 × (3.6403 + 0.3429) / 120 = 3.32 for each of its three
//     recommendations unhealthy in both.
//   - "Remediate vulnerabilities" (max 6): Production 2.77 to gain, Shared
//     Services 0.86: 100 × (67 × 2.77 / 60 + 41 × 0.86 / 44) / 120
//     = 100 × (3.0932 + 0.8014) / 120 = 3.25 for its two recommendations
//     unhealthy in both.
//
// The first recommendation is unhealthy on 11 + 5 resources, healthy on
// 16 + 20 + 2, not applicable on 3 + 5 + 2; Production and Data Platform
// have Defender CSPM and it is High on vm-web-01 in both: Critical, two
// attack paths. The 40 entries are the 38 scored or unscored unhealthy
// recommendations, then the two preview ones.
func TestAccDefenderRecommendations_estate(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids       = ["contoso-production"]
  affected_resource_id_limit = 3
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "group_by", knownvalue.StringExact("recommendation")),
		// Up to 3 ids of the scope, sorted: Contoso Production's (7444…)
		// before Data Platform's (7c6d…), rg-data before rg-web.
		expectRecommendation(0, "affected_resource_ids", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata7444d220dc62"),
			knownvalue.StringExact("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"),
			knownvalue.StringExact("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02"),
		})),
		acctest.Expect(recommendationsAddress, "order_by", knownvalue.StringExact("gain")),
		acctest.Expect(recommendationsAddress, "include_preview", knownvalue.Bool(true)),
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(40)),
		statecheck.ExpectKnownValue(recommendationsAddress, recommendation(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"subscription_id":               knownvalue.Null(),
			"display_name":                  knownvalue.StringExact("Management ports of virtual machines should be protected with just-in-time network access control"),
			"control_display_name":          knownvalue.StringExact("Secure management ports"),
			"control_current_score":         knownvalue.Null(),
			"potential_score_increase":      knownvalue.Null(),
			"potential_aggregate_increase":  knownvalue.Float64Exact(3.32),
			"subscription_count":            knownvalue.Int64Exact(2),
			"unhealthy_resource_count":      knownvalue.Int64Exact(16),
			"healthy_resource_count":        knownvalue.Int64Exact(38),
			"not_applicable_resource_count": knownvalue.Int64Exact(10),
			"risk_level":                    knownvalue.StringExact("Critical"),
			"attack_path_count":             knownvalue.Int64Exact(2),
		})),
		expectRecommendation(1, "display_name", knownvalue.StringExact("Management ports should be closed on your virtual machines")),
		expectRecommendation(1, "potential_aggregate_increase", knownvalue.Float64Exact(3.32)),
		expectRecommendation(2, "display_name", knownvalue.StringExact("Internet-facing virtual machines should be protected with network security groups")),
		expectRecommendation(3, "display_name", knownvalue.StringExact("Machines should have vulnerability findings resolved")),
		expectRecommendation(3, "potential_aggregate_increase", knownvalue.Float64Exact(3.25)),
		expectRecommendation(4, "display_name", knownvalue.StringExact("Azure registry container images should have vulnerabilities resolved")),
		expectRecommendation(4, "potential_aggregate_increase", knownvalue.Float64Exact(3.25)),
		// Unhealthy in Production alone: 100 × 3.0932 / 120 = 2.58.
		expectRecommendation(5, "potential_aggregate_increase", knownvalue.Float64Exact(2.58)),
		expectRecommendation(5, "subscription_count", knownvalue.Int64Exact(1)),
		// The preview ones last: outside every control, then inside
		// "Remediate security configurations" (it keeps its control, not
		// its points).
		expectRecommendation(38, "display_name", knownvalue.StringExact("Machines should have secrets findings resolved")),
		expectRecommendation(38, "subscription_count", knownvalue.Int64Exact(3)),
		expectRecommendation(38, "potential_aggregate_increase", knownvalue.Null()),
		expectRecommendation(39, "display_name", knownvalue.StringExact("Container hosts should be configured securely")),
		expectRecommendation(39, "preview", knownvalue.Bool(true)),
		expectRecommendation(39, "control_display_name", knownvalue.StringExact("Remediate security configurations")),
		expectRecommendation(39, "potential_aggregate_increase", knownvalue.Null()),
	})
}

// order_by = "risk": the Critical recommendations first, by gain: the two
// above (3.32, 3.25), "Secure transfer to storage accounts" (its control is
// unhealthy in all three: 100 × (67 × 1.11 / 60 + 41 × 1.44 / 44 + 12 ×
// 1.33 / 56) / 120 = 100 × (1.2395 + 1.3418 + 0.2850) / 120 = 2.39),
// the owners' MFA (Data Platform alone: 100 × 12 × 6.67 / 56 / 120 = 1.19)
// and adaptive application controls (1.15). Shared Services has no
// Defender CSPM: its resources add no risk.
func TestAccDefenderRecommendations_estateByRisk(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids = ["contoso-production"]
  order_by             = "risk"
}`, []statecheck.StateCheck{
		expectRecommendation(0, "potential_aggregate_increase", knownvalue.Float64Exact(3.32)),
		expectRecommendation(1, "display_name", knownvalue.StringExact("Machines should have vulnerability findings resolved")),
		expectRecommendation(2, "display_name", knownvalue.StringExact("Secure transfer to storage accounts should be enabled")),
		expectRecommendation(2, "potential_aggregate_increase", knownvalue.Float64Exact(2.39)),
		expectRecommendation(2, "subscription_count", knownvalue.Int64Exact(3)),
		expectRecommendation(3, "display_name", knownvalue.StringExact("Accounts with owner permissions on Azure resources should be MFA enabled")),
		expectRecommendation(3, "potential_aggregate_increase", knownvalue.Float64Exact(1.19)),
		expectRecommendation(4, "display_name", knownvalue.StringExact("Adaptive application controls for defining safe applications should be enabled on your machines")),
		expectRecommendation(4, "potential_aggregate_increase", knownvalue.Float64Exact(1.15)),
		expectRecommendation(4, "risk_level", knownvalue.StringExact("Critical")),
		// After the scored Critical ones, the preview one at Critical.
		expectRecommendation(7, "display_name", knownvalue.StringExact("Machines should have secrets findings resolved")),
		expectRecommendation(7, "risk_level", knownvalue.StringExact("Critical")),
		expectRecommendation(8, "risk_level", knownvalue.StringExact("High")),
	})
}

// risk_levels and include_preview: the seven scored Critical
// recommendations (the five above, endpoint protection and Defender for
// servers), without the preview one.
func TestAccDefenderRecommendations_riskFilter(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids = ["contoso-production"]
  risk_levels          = ["Critical"]
  include_preview      = false
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(7)),
		expectRecommendation(6, "display_name", knownvalue.StringExact("Microsoft Defender for servers should be enabled")),
		// "Enable enhanced security features" is worth 0 points.
		expectRecommendation(6, "potential_aggregate_increase", knownvalue.Float64Exact(0)),
	})
}

// changed_within_days = 7: the emulator's recent changes are in
// Production's "Secure management ports" and "Remediate vulnerabilities"
// (resource 1 turned unhealthy 6 days ago, resource 3 10 days ago, the
// last unhealthy one first evaluated 3 days ago) and Shared Services'
// "Remediate vulnerabilities" (resource 1, 6 days ago). The management
// ports' first recommendation: resource 1 and the new resource 10, both
// unhealthy, turned unhealthy in the window (2), one new resource.
// "Machines should have vulnerability findings resolved": resource 1 and
// the new resource 5 in Production, resource 1 in Shared Services (3).
// Nine recommendations of those two controls have such a resource.
func TestAccDefenderRecommendations_changedWithinDays(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids = ["contoso-production"]
  changed_within_days  = 7
}

data "securescore_defender_recommendations" "subscription" {
  subscription_ids    = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  changed_within_days = 14
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(9)),
		expectRecommendation(0, "newly_unhealthy_resource_count", knownvalue.Int64Exact(2)),
		expectRecommendation(0, "new_resource_count", knownvalue.Int64Exact(1)),
		expectRecommendation(3, "display_name", knownvalue.StringExact("Machines should have vulnerability findings resolved")),
		expectRecommendation(3, "newly_unhealthy_resource_count", knownvalue.Int64Exact(3)),
		// Within 14 days resource 3's change counts too.
		statecheck.ExpectKnownValue("data.securescore_defender_recommendations.subscription", recommendation(0).AtMapKey("newly_unhealthy_resource_count"), knownvalue.Int64Exact(3)),
	})
}

// group_by = "subscription" over a management group: each entry's gain on
// the group's aggregate is its own subscription's: Production's management
// ports, 100 × 67 × 3.26 / 60 / 120 = 3.03. The order stays by points:
// Data Platform's "Enable MFA" (10 - 3.33 = 6.67 points) first. Ordered by
// risk, Production's Critical recommendations come first by points: the
// management ports' (3.26), the vulnerabilities' (6 - 3.23 = 2.77), data
// in transit's (4 - 2.89 = 1.11), then its High ones.
func TestAccDefenderRecommendations_bySubscription(t *testing.T) {
	reset(t)
	byRisk := func(i int, attribute string, check knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.securescore_defender_recommendations.risk", recommendation(i).AtMapKey(attribute), check)
	}
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  management_group_ids = ["contoso-production"]
  group_by             = "subscription"
}

data "securescore_defender_recommendations" "risk" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  order_by         = "risk"
}`, []statecheck.StateCheck{
		byRisk(0, "potential_score_increase", knownvalue.Float64Exact(3.26)),
		byRisk(1, "potential_score_increase", knownvalue.Float64Exact(2.77)),
		byRisk(2, "display_name", knownvalue.StringExact("Secure transfer to storage accounts should be enabled")),
		byRisk(2, "potential_score_increase", knownvalue.Float64Exact(1.11)),
		byRisk(2, "risk_level", knownvalue.StringExact("Critical")),
		expectRecommendation(0, "subscription_id", knownvalue.StringExact("7c6dd033-15b6-4569-b4b2-a72ab936647d")),
		expectRecommendation(0, "potential_score_increase", knownvalue.Float64Exact(6.67)),
		expectRecommendation(0, "potential_aggregate_increase", knownvalue.Float64Exact(1.19)),
		expectRecommendation(3, "subscription_id", knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78")),
		expectRecommendation(3, "potential_aggregate_increase", knownvalue.Float64Exact(3.03)),
		expectRecommendation(3, "subscription_count", knownvalue.Int64Exact(1)),
	})
}

// A read of 1,000 subscriptions through Terraform writes one entry per
// recommendation: the emulator's generated subscriptions hold the 16
// built-in controls' 63 recommendations, each unhealthy in some of them,
// so 63 entries, not one per recommendation and subscription. It takes
// the controls' pages (one row per control and subscription, 1,000 a
// page), one summarised request and one for the scores' weights.
func TestAccDefenderRecommendations_estateAtScale(t *testing.T) {
	reset(t)
	ids := generatedSubscriptions(t, 1000)
	controls := 0
	for _, id := range ids {
		controls += len(subscriptionByID(t, id).Scores[0].Controls)
	}
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_recommendations" "test" {
  subscription_ids = %s
}`, hclList(ids)), []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "group_by", knownvalue.StringExact("recommendation")),
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(63)),
	})
	checkRequestsPerRead(t, pages(controls, 1000)+2)
}
