package microsoft365_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const actionsAddress = "data.securescore_microsoft365_improvement_actions.test"

func keep(actions []expectedAction, match func(expectedAction) bool) []expectedAction {
	var out []expectedAction
	for _, a := range actions {
		if match(a) {
			out = append(out, a)
		}
	}
	return out
}

// Every attribute of every action that is not deprecated, in the portal's order.
func TestAccMicrosoft365ImprovementActions_all(t *testing.T) {
	resetEmulator(t)
	all := expectedActions(t, acctest.Emu.Tenant(emulator.DefaultTenantID))
	want := keep(all, func(a expectedAction) bool { return !a.profile.Deprecated })
	portalOrder(want)
	if len(want) < 50 {
		t.Fatalf("the seeded tenant has only %d actions", len(want))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig() + `
data "securescore_microsoft365_improvement_actions" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("tenant_id"), knownvalue.StringExact(emulator.DefaultTenantID)),
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("include_deprecated"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("only_quick_wins"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("categories"), knownvalue.Null()),
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("actions"), actionList(want)),
			},
		}},
	})
}

func actionsConfig(arguments string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_microsoft365_improvement_actions" "test" {
%s
}
`, arguments)
}

func inSet(values ...string) func(string) bool {
	return func(v string) bool {
		for _, x := range values {
			if x == v {
				return true
			}
		}
		return false
	}
}

// Each filter alone and combined; every attribute of every listed action.
func TestAccMicrosoft365ImprovementActions_filters(t *testing.T) {
	resetEmulator(t)
	all := expectedActions(t, acctest.Emu.Tenant(emulator.DefaultTenantID))
	portalOrder(all)
	current := func(a expectedAction) bool { return !a.profile.Deprecated }
	step := func(arguments string, match func(expectedAction) bool) resource.TestStep {
		want := keep(all, match)
		if len(want) == 0 {
			t.Fatalf("%s: the seeded tenant has no matching action", arguments)
		}
		return resource.TestStep{
			Config: actionsConfig(arguments),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("actions"), actionList(want)),
			},
		}
	}
	hasDeprecatedIdentity := false
	for _, a := range all {
		hasDeprecatedIdentity = hasDeprecatedIdentity || (a.profile.Deprecated && a.profile.ControlCategory == "Identity")
	}
	if !hasDeprecatedIdentity {
		t.Fatal("the seeded tenant has no deprecated Identity action")
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      actionsConfig(`statuses = ["done"]`),
				ExpectError: regexp.MustCompile(`statuses[\s\S]*value must be one of`),
			},
			step(`categories = ["Identity", "infrastructure"]`, func(a expectedAction) bool {
				return current(a) && inSet("Identity", "Infrastructure")(a.profile.ControlCategory)
			}),
			step(`
  services = ["EXO", "mdo"]
  statuses = ["to_address", "planned"]`, func(a expectedAction) bool {
				return current(a) && inSet("EXO", "MDO")(a.profile.Service) && inSet("to_address", "planned")(a.status)
			}),
			step(`
  categories         = ["Identity"]
  include_deprecated = true`, func(a expectedAction) bool {
				return a.profile.ControlCategory == "Identity"
			}),
			step(`only_quick_wins = true`, func(a expectedAction) bool { return current(a) && a.quickWin }),
			step(`statuses = ["risk_accepted", "resolved_through_third_party", "resolved_through_alternate_mitigation"]`, func(a expectedAction) bool {
				return current(a) && inSet("risk_accepted", "resolved_through_third_party", "resolved_through_alternate_mitigation")(a.status)
			}),
			step(`statuses = ["completed"]`, func(a expectedAction) bool { return current(a) && a.status == "completed" }),
			step(`
  categories = []
  services   = []`, current),
		},
	})
}

// Pages of 2 with a 429 on page 5: the whole list, in order.
func TestAccMicrosoft365ImprovementActions_pagesOfTwoThrottled(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 2, 0)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Status: 429, RetryAfter: "1", Page: 5, Times: 1})
	want := keep(expectedActions(t, acctest.Emu.Tenant(emulator.DefaultTenantID)), func(a expectedAction) bool { return true })
	portalOrder(want)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: actionsConfig(`include_deprecated = true`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("actions"), actionList(want)),
			},
			Check: func(*terraform.State) error {
				if got := acctest.Emu.Count(emulator.RouteGraphProfileList); got < 32 {
					return fmt.Errorf("%d profile list requests, want at least 31 pages and the throttled one", got)
				}
				return nil
			},
		}},
	})
}

// 403 names the permission; a failed later page fails the read.
func TestAccMicrosoft365ImprovementActions_errors(t *testing.T) {
	resetEmulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { acctest.Emu.SetGraphRoles(emulator.ClientID) },
				Config:      actionsConfig(""),
				ExpectError: regexp.MustCompile(`HTTP 403[\s\S]*SecurityEvents\.Read\.All`),
			},
			{
				PreConfig: func() {
					acctest.Emu.SetGraphRoles(emulator.ClientID, emulator.RoleSecurityEventsRead)
					acctest.Emu.SetPageSizes(0, 2, 0)
					acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Status: 400, Page: 2})
				},
				Config:      actionsConfig(""),
				ExpectError: regexp.MustCompile(`page 2 failed, so the list is incomplete[\s\S]*HTTP 400`),
			},
		},
	})
}

// A 206 on the profile list is a warning, not a failure.
func TestAccMicrosoft365ImprovementActions_partialContentWarns(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Warning: `199 - "Microsoft/SecureScore/503/20"`, Page: 2})
	resp := readDataSource(t, "securescore_microsoft365_improvement_actions", nil)
	errs, warnings := diagnosticsOf(resp.Diagnostics)
	if len(errs) > 0 {
		t.Fatalf("error: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Detail, `Microsoft/SecureScore/503/20`) {
		t.Fatalf("warnings: %d", len(warnings))
	}
}
