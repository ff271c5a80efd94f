package microsoft365_test

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func actionDataSourceConfig(name, id string) string {
	return fmt.Sprintf(`
data "securescore_microsoft365_improvement_action" %q {
  id = %q
}
`, name, id)
}

// singularChecks checks every attribute of one singular data source.
func singularChecks(address string, a expectedAction, configuredID string) []statecheck.StateCheck {
	attributes := actionAttributes(a)
	attributes["id"] = knownvalue.StringExact(configuredID)
	attributes["tenant_id"] = knownvalue.StringExact(emulator.DefaultTenantID)
	updates := append([]emulator.ControlStateUpdate{}, a.profile.ControlStateUpdates...)
	sort.SliceStable(updates, func(i, j int) bool { return updates[i].UpdatedDateTime.Before(updates[j].UpdatedDateTime) })
	history := []knownvalue.Check{}
	for _, u := range updates {
		history = append(history, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"state":             knownvalue.StringExact(u.State),
			"status":            knownvalue.StringExact(expectedStatusOfState[u.State]),
			"comment":           stringOrNull(u.Comment),
			"assigned_to":       stringOrNull(u.AssignedTo),
			"updated_by":        stringOrNull(u.UpdatedBy),
			"updated_date_time": knownvalue.StringExact(rfc3339(u.UpdatedDateTime)),
		}))
	}
	attributes["history"] = knownvalue.ListExact(history)
	var checks []statecheck.StateCheck
	for name, check := range attributes {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(name), check))
	}
	return checks
}

// pick returns the first action that matches, in the tenant's order.
func pick(t *testing.T, actions []expectedAction, what string, match func(expectedAction) bool) expectedAction {
	t.Helper()
	for _, a := range actions {
		if match(a) {
			return a
		}
	}
	t.Fatalf("the seeded tenant has no %s", what)
	return expectedAction{}
}

// One action of each kind the issue names, every attribute and the history.
func TestAccMicrosoft365ImprovementAction_kinds(t *testing.T) {
	resetEmulator(t)
	actions := expectedActions(t, acctest.Emu.Tenant(emulator.DefaultTenantID))
	kinds := map[string]expectedAction{
		"no_updates": pick(t, actions, "action without state updates", func(a expectedAction) bool {
			return len(a.profile.ControlStateUpdates) == 0 && a.status == "to_address" && !a.profile.Deprecated && a.score > 0
		}),
		// Several updates: the newest decides the status.
		"several_updates": pick(t, actions, "action with several updates", func(a expectedAction) bool {
			n := len(a.profile.ControlStateUpdates)
			return n >= 2 && a.status != "completed" && a.status != expectedStatusOfState[a.profile.ControlStateUpdates[0].State]
		}),
		// Updates stored out of order: notes and assignee come from the newest
		// by date, not from the last entry.
		"out_of_order": pick(t, actions, "action whose newest update is not its last", func(a expectedAction) bool {
			n := len(a.profile.ControlStateUpdates)
			return n >= 3 && a.current.Comment != a.profile.ControlStateUpdates[n-1].Comment
		}),
		// Completed wins over any state.
		"completed": pick(t, actions, "completed action with a state update", func(a expectedAction) bool {
			return a.status == "completed" && a.current != nil && a.current.State != "Default"
		}),
		"deprecated": pick(t, actions, "deprecated action", func(a expectedAction) bool { return a.profile.Deprecated }),
		"alternate_mitigation": pick(t, actions, "action resolved through alternate mitigation", func(a expectedAction) bool {
			return a.status == "resolved_through_alternate_mitigation"
		}),
		"not_scored": pick(t, actions, "action missing from controlScores", func(a expectedAction) bool {
			return !a.profile.Deprecated && a.score == 0
		}),
	}
	config := acctest.ProviderConfig()
	var checks []statecheck.StateCheck
	for name, a := range kinds {
		config += actionDataSourceConfig(name, a.profile.ID)
		checks = append(checks, singularChecks("data.securescore_microsoft365_improvement_action."+name, a, a.profile.ID)...)
	}
	// Ids match case-insensitively and stay as configured.
	adminMFA := findExpected(t, actions, "AdminMFAV2")
	config += actionDataSourceConfig("folded", "adminmfav2")
	checks = append(checks, singularChecks("data.securescore_microsoft365_improvement_action.folded", adminMFA, "adminmfav2")...)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				// Eight data sources, one profile list (the provider's shared cache).
				if got := acctest.Emu.Count(emulator.RouteGraphProfileGet); got != 0 {
					return fmt.Errorf("%d single-profile GETs; the shared list should serve them", got)
				}
				return nil
			},
		}},
	})
}

// An unknown id says so and suggests the closest ids.
func TestAccMicrosoft365ImprovementAction_unknownID(t *testing.T) {
	resetEmulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig() + actionDataSourceConfig("test", "AdminMFAV3"),
			ExpectError: regexp.MustCompile(`Improvement action not found[\s\S]*no improvement action\s+"AdminMFAV3"[\s\S]*Did you mean\s+"AdminMFAV2"`),
		}},
	})
}
