package microsoft365_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
)

func actionDataSourceConfig(name, id string) string {
	return fmt.Sprintf(`
data "securescore_microsoft365_improvement_action" %q {
  tenant_id  = %q
  control_id = %q
}
`, name, worked, id)
}

func singularChecks(name string, a workedAction, configuredID string, history knownvalue.Check) []statecheck.StateCheck {
	address := "data.securescore_microsoft365_improvement_action." + name
	checks := []statecheck.StateCheck{acctest.Expect(address, "history", history)}
	for attribute, check := range a.checks() {
		if attribute == "control_id" {
			check = knownvalue.StringExact(configuredID)
		}
		checks = append(checks, acctest.Expect(address, attribute, check))
	}
	return checks
}

func update(state, status, notes, assignedTo, updated string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"state": knownvalue.StringExact(state), "status": knownvalue.StringExact(status), "notes": stringOrNull(notes),
		"assigned_to": stringOrNull(assignedTo), "updated_by": knownvalue.StringExact(woodgroveAdmin), "updated_date_time": knownvalue.StringExact(updated),
	})
}

// One action of each kind, every attribute and the history: an untouched
// action's placeholder is no update; a decided one shows its update.
func TestAccMicrosoft365ImprovementAction_kinds(t *testing.T) {
	resetEmulator(t)
	none := knownvalue.ListExact([]knownvalue.Check{})
	config := workedProvider() + actionDataSourceConfig("partial", "BlockLegacyAuthentication") +
		actionDataSourceConfig("planned", "DLPEnabled") + actionDataSourceConfig("nulls", "exo_mailboxaudit") +
		actionDataSourceConfig("outside", "meeting_restrictanonymousjoin_v1") + actionDataSourceConfig("folded", "adminmfav2")
	var checks []statecheck.StateCheck
	checks = append(checks, singularChecks("partial", workedActions["BlockLegacyAuthentication"], "BlockLegacyAuthentication", none)...)
	checks = append(checks, singularChecks("planned", workedActions["DLPEnabled"], "DLPEnabled", knownvalue.ListExact([]knownvalue.Check{
		update("Reviewed", "planned", "Planned for Q3 with the compliance team", "nestor.wilke@woodgrove.onmicrosoft.com", day(3, 17)),
	}))...)
	checks = append(checks, singularChecks("nulls", workedActions["exo_mailboxaudit"], "exo_mailboxaudit", knownvalue.ListExact([]knownvalue.Check{
		update("resolvedThroughAlternateMitigation", "resolved_through_alternate_mitigation", "Mailboxes are audited by the SIEM connector", "", day(8, 12)),
	}))...)
	checks = append(checks, singularChecks("outside", workedActions["meeting_restrictanonymousjoin_v1"], "meeting_restrictanonymousjoin_v1", none)...)
	// An id matched case-insensitively stays as configured.
	checks = append(checks, singularChecks("folded", workedActions["AdminMFAV2"], "adminmfav2", none)...)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// An unknown id says so and suggests the closest ids.
func TestAccMicrosoft365ImprovementAction_unknownID(t *testing.T) {
	resetEmulator(t)
	acctest.ExpectConfigError(t, workedProvider()+actionDataSourceConfig("test", "AdminMFAV3"), regexp.MustCompile(`(?s)Improvement action not found.*has no improvement action\s+"AdminMFAV3".*Did you mean\s+"AdminMFAV2"`))
}
