package defender_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const controlsAddress = "data.securescore_defender_controls.test"

// controlsChecks expects sc's controls, ordered by max_score - current_score descending,
// then display name, then name, with the sums at the top level.
func controlsChecks(subscriptionID, scoreNameAttr string, sc *emulator.ARMScore) []statecheck.StateCheck {
	type expected struct {
		c         *emulator.ARMControl
		potential float64
	}
	list := make([]expected, 0, len(sc.Controls))
	var unhealthy int64
	var potential float64
	for _, c := range sc.Controls {
		p := roundTo4(float64(c.Max) - c.Current)
		list = append(list, expected{c, p})
		unhealthy += int64(c.UnhealthyResourceCount)
		potential += p
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.potential != b.potential {
			return a.potential > b.potential
		}
		if a.c.DisplayName != b.c.DisplayName {
			return a.c.DisplayName < b.c.DisplayName
		}
		return a.c.Name < b.c.Name
	})
	items := make([]knownvalue.Check, 0, len(list))
	for _, e := range list {
		c := e.c
		items = append(items, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                            knownvalue.StringExact("/subscriptions/" + subscriptionID + "/providers/Microsoft.Security/secureScores/" + sc.Name + "/secureScoreControls/" + c.Name),
			"name":                          knownvalue.StringExact(c.Name),
			"display_name":                  knownvalue.StringExact(c.DisplayName),
			"current_score":                 knownvalue.Float64Exact(c.Current),
			"max_score":                     knownvalue.Int64Exact(int64(c.Max)),
			"percentage":                    knownvalue.Float64Exact(c.Percentage),
			"weight":                        knownvalue.Int64Exact(int64(c.Weight)),
			"healthy_resource_count":        knownvalue.Int64Exact(int64(c.HealthyResourceCount)),
			"unhealthy_resource_count":      knownvalue.Int64Exact(int64(c.UnhealthyResourceCount)),
			"not_applicable_resource_count": knownvalue.Int64Exact(int64(c.NotApplicableResourceCount)),
			"potential_score_increase":      knownvalue.Float64Exact(e.potential),
			"source_type":                   knownvalue.StringExact(c.Definition.SourceType),
			"assessment_definition_ids":     knownvalue.ListExact(stringChecks(c.Definition.AssessmentDefinitions)),
		}))
	}
	attr := acctest.ExpectOf(controlsAddress)
	return []statecheck.StateCheck{
		attr("subscription_id", knownvalue.StringExact(subscriptionID)),
		attr("score_name", knownvalue.StringExact(scoreNameAttr)),
		attr("controls", knownvalue.ListExact(items)),
		attr("unhealthy_resource_count", knownvalue.Int64Exact(unhealthy)),
		attr("potential_score_increase", knownvalue.Float64Exact(roundTo4(potential))),
	}
}

func TestAccDefenderControls_default(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	runConfig(t, `data "securescore_defender_controls" "test" {}`,
		controlsChecks(sub.ID, "ascScore", mustScore(t, sub, "ascScore")))
}

func TestAccDefenderControls_explicitName(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	custom := customScore(t, sub)
	hasCustom := false
	for _, c := range custom.Controls {
		hasCustom = hasCustom || c.Definition.SourceType == "Custom"
	}
	if !hasCustom {
		t.Fatalf("initiative %s has no Custom control", custom.Name)
	}
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_controls" "test" {
  subscription_id = %q
  score_name      = %q
}`, sub.ID, custom.Name), controlsChecks(sub.ID, custom.Name, custom))
}

func TestAccDefenderControls_otherSubscription(t *testing.T) {
	reset(t)
	sub := subscriptionByName(t, "Contoso Data Platform")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_controls" "test" {
  subscription_id = %q
  score_name      = "ascScore"
}`, sub.ID), controlsChecks(sub.ID, "ascScore", mustScore(t, sub, "ascScore")))
}

// score_name = "" reads the subscription-wide list, which the service (and
// the emulator) fills with the default initiative's controls.
func TestAccDefenderControls_subscriptionWide(t *testing.T) {
	reset(t)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	runConfig(t, `
data "securescore_defender_controls" "test" {
  score_name = ""
}`, controlsChecks(sub.ID, "", mustScore(t, sub, "ascScore")))
	if acctest.Emu.Count(emulator.RouteARMControlList) == 0 {
		t.Error("no control list request reached the emulator")
	}
}

func TestAccDefenderControls_paging(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(2, 0, 0)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	sc := mustScore(t, sub, "ascScore")
	runConfig(t, `data "securescore_defender_controls" "test" {}`, controlsChecks(sub.ID, "ascScore", sc))
	perRead := pages(len(sc.Controls), 2)
	n := acctest.Emu.Count(emulator.RouteARMControlList)
	if n == 0 || n%perRead != 0 {
		t.Errorf("control list requests = %d; want a multiple of %d (every page of %d controls, 2 a page, on each read)", n, perRead, len(sc.Controls))
	}
	t.Logf("%d controls, page size 2: %d pages a read, %d requests in the test", len(sc.Controls), perRead, n)
}

func TestAccDefenderControls_throttledOnSecondPage(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(2, 0, 0)
	sub := subscriptionByID(t, emulator.DefaultSubscriptionID)
	sc := mustScore(t, sub, "ascScore")
	expectSecondPageRetried(t, emulator.RouteARMControlList, `data "securescore_defender_controls" "test" {}`,
		controlsChecks(sub.ID, "ascScore", sc), pages(len(sc.Controls), 2))
}

func TestAccDefenderControls_unknownNameListsExisting(t *testing.T) {
	reset(t)
	// The default subscription's initiatives, each with its display name.
	expectConfigError(t, `
data "securescore_defender_controls" "test" {
  score_name = "noSuchInitiative"
}`, expectAll(`Unknown secure score`, `"noSuchInitiative"`, phrase("49f062d0-1305-4d7c-84dc-fb04b921a0d2 (Contoso ISO 27001 baseline), ascScore (ASC score)")))
}

// A subscription without a score (Contoso Onboarding, not calculated yet;
// Contoso Legacy, no Defender for Cloud data) has no controls: an empty list
// and null totals, not 0 points to gain.
func TestAccDefenderControls_notCalculatedIsEmpty(t *testing.T) {
	reset(t)
	for _, id := range []string{"15ffcc73-95fd-429d-bc17-a98c9a6d8d96", "bf07d1a0-b10a-4260-8ce0-62dc1d486ad1"} {
		runConfig(t, fmt.Sprintf(`
data "securescore_defender_controls" "test" {
  subscription_id = %q
}`, id), []statecheck.StateCheck{
			acctest.Expect(controlsAddress, "controls", knownvalue.ListSizeExact(0)),
			acctest.Expect(controlsAddress, "unhealthy_resource_count", knownvalue.Null()),
			acctest.Expect(controlsAddress, "potential_score_increase", knownvalue.Null()),
		})
	}
}
