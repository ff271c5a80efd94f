package defender_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const scoreAddress = "data.securescore_defender_score.test"

func scoreChecks(subscriptionID string, sc *emulator.ARMScore) []statecheck.StateCheck {
	attr := acctest.ExpectOf(scoreAddress)
	return []statecheck.StateCheck{
		attr("subscription_id", knownvalue.StringExact(subscriptionID)),
		attr("score_name", knownvalue.StringExact(sc.Name)),
		attr("id", knownvalue.StringExact("/subscriptions/"+subscriptionID+"/providers/Microsoft.Security/secureScores/"+sc.Name)),
		attr("display_name", knownvalue.StringExact(sc.DisplayName)),
		attr("current_score", knownvalue.Float64Exact(sc.Current)),
		attr("max_score", knownvalue.Int64Exact(int64(sc.Max))),
		attr("percentage", knownvalue.Float64Exact(sc.Percentage)),
		attr("weight", knownvalue.Int64Exact(int64(sc.Weight))),
	}
}

func TestAccDefenderScore_default(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	acctest.ApplyConfig(t, acctest.ProviderConfig()+`data "securescore_defender_score" "test" {}`, scoreChecks(emulator.DefaultSubscriptionID, mustScore(t, sub, "ascScore"))...)
}

func TestAccDefenderScore_explicitName(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	custom := customScore(t, sub)
	other := subscriptionByName(t, "Contoso Shared Services")
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_score" "test" {
  subscription_id = %q
  score_name      = %q
}`, sub.ID, custom.Name),
				ConfigStateChecks: scoreChecks(sub.ID, custom),
			},
			{
				Config: acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_score" "test" {
  subscription_id = %q
  score_name      = "ascScore"
}`, other.ID),
				ConfigStateChecks: scoreChecks(other.ID, mustScore(t, other, "ascScore")),
			},
		},
	})
}

func TestAccDefenderScore_unknownNameListsExisting(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	names := scoreNames(sub)
	if len(names) < 2 {
		t.Fatalf("the default subscription should have two initiatives, has %v", names)
	}
	acctest.ExpectConfigError(t, acctest.ProviderConfig()+`
data "securescore_defender_score" "test" {
  score_name = "noSuchInitiative"
}`, expectAll(`HTTP 404`, `"noSuchInitiative"`, phrase("49f062d0-1305-4d7c-84dc-fb04b921a0d2 (Contoso ISO 27001 baseline), ascScore (ASC score)")))
}

// Contoso Onboarding's first score is not calculated yet: ARM answers 404
// "Secure score 'ascScore' does not exist in scope" and lists no score. That
// is a warning and null scores, never 0 %.
func TestAccDefenderScore_notCalculated(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_score" "test" {
  subscription_id = "15ffcc73-95fd-429d-bc17-a98c9a6d8d96"
}`, []statecheck.StateCheck{
		acctest.Expect(scoreAddress, "subscription_id", knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96")),
		acctest.Expect(scoreAddress, "score_name", knownvalue.StringExact("ascScore")),
		acctest.Expect(scoreAddress, "id", knownvalue.Null()),
		acctest.Expect(scoreAddress, "current_score", knownvalue.Null()),
		acctest.Expect(scoreAddress, "max_score", knownvalue.Null()),
		acctest.Expect(scoreAddress, "percentage", knownvalue.Null()),
		acctest.Expect(scoreAddress, "weight", knownvalue.Null()),
	})
}

func TestAccDefenderScore_throttledThenSuccess(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	acctest.Emu.SetFault(emulator.RouteARMSecureScoreGet, emulator.Fault{Status: 429, RetryAfter: "1", Times: 1})
	acctest.ApplyConfig(t, acctest.ProviderConfig()+`data "securescore_defender_score" "test" {}`, scoreChecks(emulator.DefaultSubscriptionID, mustScore(t, sub, "ascScore"))...)
	// The throttled attempt, its retry, and the later reads of the test.
	if n := acctest.Emu.Count(emulator.RouteARMSecureScoreGet); n < 2 {
		t.Errorf("score gets = %d; want the throttled attempt and its retry", n)
	}
}
