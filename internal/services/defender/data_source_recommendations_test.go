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
// custom initiative's tag control, outside every ascScore control, last).
func TestAccDefenderRecommendations_topOfSubscription(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_recommendations" "test" {
  subscription_ids           = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  affected_resource_id_limit = 2
}`, []statecheck.StateCheck{
		acctest.Expect(recommendationsAddress, "recommendation_count", knownvalue.Int64Exact(24)),
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
		})),
		// The same control's other two: 4 and 3 unhealthy resources.
		expectRecommendation(1, "display_name", knownvalue.StringExact("Management ports should be closed on your virtual machines")),
		expectRecommendation(1, "unhealthy_resource_count", knownvalue.Int64Exact(4)),
		expectRecommendation(2, "unhealthy_resource_count", knownvalue.Int64Exact(3)),
		// Then "Remediate vulnerabilities": 6 - 3.23 = 2.77.
		expectRecommendation(3, "potential_score_increase", knownvalue.Float64Exact(2.77)),
		expectRecommendation(23, "display_name", knownvalue.StringExact("Resources should carry a DataOwner tag")),
		expectRecommendation(23, "potential_score_increase", knownvalue.Null()),
		acctest.Expect(recommendationsAddress, "not_calculated_subscription_ids", knownvalue.ListExact([]knownvalue.Check{})),
	})
	// One controls query and one summarised recommendations query a read,
	// whatever the number of resources assessed.
	checkRequestsPerRead(t, 2)
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
	// recommendations are never paged, so 100 subscriptions go in batches
	// of 10 (a page of 1,000 rows over at most 100 rows a subscription):
	// 10 requests.
	if want := pages(len(controls), 1000) + 10; cstats.Requests+rstats.Requests != want ||
		acctest.Emu.Count(emulator.RouteResourceGraph)-before != want {
		t.Errorf("%d controls and %d recommendations took %d requests; want %d", len(controls), len(recs), cstats.Requests+rstats.Requests, want)
	}
	if len(recs) < 100*40 {
		t.Errorf("%d recommendations for 100 subscriptions; the emulator seeds about 60 each", len(recs))
	}
	t.Logf("100 subscriptions: %d controls, %d recommendations, %d requests, %s", len(controls), len(recs), cstats.Requests+rstats.Requests, elapsed.Round(time.Millisecond))
}
