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

const definitionsAddress = "data.securescore_defender_control_definitions.test"

// definitionsChecks expects defs ordered by display name, then name, with
// their descriptions (the definition lists carry them).
func definitionsChecks(defs []emulator.ControlDefinition) []statecheck.StateCheck {
	sorted := append([]emulator.ControlDefinition(nil), defs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].DisplayName != sorted[j].DisplayName {
			return sorted[i].DisplayName < sorted[j].DisplayName
		}
		return sorted[i].Name < sorted[j].Name
	})
	items := make([]knownvalue.Check, 0, len(sorted))
	for _, d := range sorted {
		items = append(items, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                        knownvalue.StringExact("/providers/Microsoft.Security/secureScoreControlDefinitions/" + d.Name),
			"name":                      knownvalue.StringExact(d.Name),
			"display_name":              knownvalue.StringExact(d.DisplayName),
			"description":               knownvalue.StringExact(d.Description),
			"max_score":                 knownvalue.Int64Exact(int64(d.MaxScore)),
			"source_type":               knownvalue.StringExact(d.SourceType),
			"assessment_definition_ids": knownvalue.ListExact(stringChecks(d.AssessmentDefinitions)),
		}))
	}
	return []statecheck.StateCheck{
		acctest.Expect(definitionsAddress, "definitions", knownvalue.ListExact(items)),
	}
}

// The tenant-wide list mixes both spellings of the resource type; every
// item must come through.
func TestAccDefenderControlDefinitions_tenant(t *testing.T) {
	reset(t)
	defs := acctest.Emu.ControlDefinitions("")
	spellings := map[string]bool{}
	for _, d := range defs {
		spellings[d.Type] = true
	}
	if !spellings["Microsoft.Security/secureScoreControlDefinitions"] || !spellings["Microsoft.Security/SecureScoreControlDefinitions"] {
		t.Fatalf("the emulator should serve both spellings of the type, serves %v", spellings)
	}
	runConfig(t, `data "securescore_defender_control_definitions" "test" {}`, append(definitionsChecks(defs),
		acctest.Expect(definitionsAddress, "subscription_id", knownvalue.Null())))
	if n := acctest.Emu.Count(emulator.RouteARMDefinitionList); n == 0 {
		t.Error("no definitions list request reached the emulator")
	}
}

// A subscription's list adds the custom definitions its initiatives use.
func TestAccDefenderControlDefinitions_subscription(t *testing.T) {
	reset(t)
	defs := acctest.Emu.ControlDefinitions(emulator.DefaultSubscriptionID)
	custom := 0
	for _, d := range defs {
		if d.SourceType == "Custom" {
			custom++
		}
	}
	if custom == 0 {
		t.Fatal("the default subscription should have a custom definition")
	}
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_control_definitions" "test" {
  subscription_id = %q
}`, emulator.DefaultSubscriptionID), append(definitionsChecks(defs),
		acctest.Expect(definitionsAddress, "subscription_id", knownvalue.StringExact(emulator.DefaultSubscriptionID))))
}

func TestAccDefenderControlDefinitions_paging(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(2, 0, 0)
	defs := acctest.Emu.ControlDefinitions("")
	runConfig(t, `data "securescore_defender_control_definitions" "test" {}`, definitionsChecks(defs))
	perRead := pages(len(defs), 2)
	n := acctest.Emu.Count(emulator.RouteARMDefinitionList)
	if n == 0 || n%perRead != 0 {
		t.Errorf("definition list requests = %d; want a multiple of %d", n, perRead)
	}
	t.Logf("%d definitions, page size 2: %d pages a read, %d requests in the test", len(defs), perRead, n)
}

func TestAccDefenderControlDefinitions_throttledOnSecondPage(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(2, 0, 0)
	defs := acctest.Emu.ControlDefinitions(emulator.DefaultSubscriptionID)
	expectSecondPageRetried(t, emulator.RouteARMDefinitionList, fmt.Sprintf(`
data "securescore_defender_control_definitions" "test" {
  subscription_id = %q
}`, emulator.DefaultSubscriptionID), definitionsChecks(defs), pages(len(defs), 2))
}

func TestAccDefenderControlDefinitions_noDefenderDataIsEmpty(t *testing.T) {
	reset(t)
	legacy := subscriptionByName(t, "Contoso Legacy (no Defender)")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_control_definitions" "test" {
  subscription_id = %q
}`, legacy.ID), []statecheck.StateCheck{
		acctest.Expect(definitionsAddress, "definitions", knownvalue.ListSizeExact(0)),
	})
}

func TestAccDefenderControlDefinitions_unknownSubscription(t *testing.T) {
	reset(t)
	unknown := "00000000-0000-4000-8000-000000000000"
	expectConfigError(t, fmt.Sprintf(`
data "securescore_defender_control_definitions" "test" {
  subscription_id = %q
}`, unknown), expectAll(`HTTP 404`, `SubscriptionNotFound`, phrase("Not found: subscription "+unknown)))
}
