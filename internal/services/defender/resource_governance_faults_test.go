package defender_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// What the governance resources do when a write's answer is lost, when a
// teammate changes an object between a plan and its apply, when a rule is
// replaced, and when ids or times are spelled differently from the
// service.

// secondWriter is a plan check that changes the service after the plan and
// before its apply, as a teammate would in the portal.
type secondWriter func()

func (w secondWriter) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	w()
}

// expectOneRule checks that scope holds exactly one rule of priority, the
// one in state.
func expectOneRule(scope string, priority int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids := acctest.Emu.GovernanceRulesWithPriority(scope, priority)
		rs, ok := s.RootModule().Resources[ruleAddress]
		if !ok {
			return fmt.Errorf("%s is not in state", ruleAddress)
		}
		if len(ids) != 1 || !strings.EqualFold(ids[0], rs.Primary.Attributes["rule_id"]) {
			return fmt.Errorf("rules of priority %d in %s: %v, want one, the state's %s", priority, scope, ids, rs.Primary.Attributes["rule_id"])
		}
		return nil
	}
}

// expectOneAssignment checks that the recommendation holds exactly one
// assignment, the one in state.
func expectOneAssignment(a emulator.Assessment) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key)
		rs, ok := s.RootModule().Resources[assignmentAddress]
		if !ok {
			return fmt.Errorf("%s is not in state", assignmentAddress)
		}
		if len(ids) != 1 || !strings.EqualFold(ids[0], rs.Primary.ID) {
			return fmt.Errorf("assignments of %s: %v, want one, the state's %s", a.ID, ids, rs.Primary.ID)
		}
		return nil
	}
}

// withCreateTimeout sets the create timeout of the one resource of config:
// a connection reset on every attempt is retried with growing delays, which
// the timeout cuts short (the write has failed either way).
func withCreateTimeout(config, timeout string) string {
	return withBlock(config, fmt.Sprintf("timeouts {\n    create = %q\n  }", timeout))
}

// withBlock adds a block to the last resource of config.
func withBlock(config, block string) string {
	i := strings.LastIndex(config, "}")
	return config[:i] + "  " + block + "\n" + config[i:]
}

// readBackRefused makes the second GET of route (the read that follows a
// failed write; the first is the create's look-up) answer 403 once, so
// that the apply cannot tell whether its write landed.
func readBackRefused(route emulator.Route) {
	acctest.Emu.SetFault(route, emulator.Fault{Status: 403, EveryNth: 2, Times: 1})
}

// captureID keeps the id of the resource at address in *id.
func captureID(address string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in state", address)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// reimported are the steps that make Terraform forget the object at
// address (a removed block, Terraform 1.7 and later), import it again by
// its id and plan config, which must show no change: what a user who
// imports an object they configured sees. check, when set, checks the
// imported state.
func reimported(address, config string, id *string, check resource.ImportStateCheckFunc) []resource.TestStep {
	return []resource.TestStep{
		{Config: acctest.ProviderConfig() + fmt.Sprintf(`
removed {
  from = %s
  lifecycle {
    destroy = false
  }
}
`, address)},
		{
			Config: config, ResourceName: address, ImportState: true, ImportStatePersist: true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return *id, nil },
			ImportStateCheck:  check,
		},
		{Config: config, PlanOnly: true},
	}
}

func TestAccGovernanceRuleCreateAnswerLost(t *testing.T) {
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	for _, tc := range []struct {
		name  string
		fault emulator.Fault
	}{
		// Every attempt is stored and then answered 503 (with a short
		// Retry-After, so the retries take no time) or reset (retried until
		// the create timeout).
		{"stored then 503", emulator.Fault{AfterStore: true, Status: 503, RetryAfter: "0.1"}},
		{"stored then reset", emulator.Fault{AfterStore: true, Reset: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reset(t)
			before := acctest.Emu.GovernanceRuleCount()
			acctest.Emu.SetFault(emulator.RouteARMGovernanceRulePut, tc.fault)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: noRulesLeft(before),
				Steps: []resource.TestStep{{
					// The write's answer is lost; reading the rule back finds it as sent.
					Config: acctest.ProviderConfig() + withCreateTimeout(governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "410"}), "3s"),
					Check:  expectOneRule(subscriptionScope(sub), 410),
				}},
			})
		})
	}
}

func TestAccGovernanceRuleCreateAdoptedNextApply(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	config := acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "420"})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{
				// The rule is stored, its answer lost, and the read-back refused.
				PreConfig: func() {
					acctest.Emu.SetFault(emulator.RouteARMGovernanceRulePut, emulator.Fault{AfterStore: true, Status: 503, RetryAfter: "0.1"})
					readBackRefused(emulator.RouteARMGovernanceRuleGet)
				},
				Config:      config,
				ExpectError: expectAll(phrase("The write may have landed"), phrase("adopts the rule if it holds these settings")),
			},
			{
				// The next apply finds the rule under its planned key and adopts it.
				PreConfig: func() {
					acctest.Emu.ClearFaults()
					if ids := acctest.Emu.GovernanceRulesWithPriority(subscriptionScope(sub), 420); len(ids) != 1 {
						t.Fatalf("rules of priority 420 after the failed apply: %v, want the one stored", ids)
					}
					acctest.Emu.ResetCounts()
				},
				Config: config,
				Check: resource.ComposeTestCheckFunc(expectOneRule(subscriptionScope(sub), 420), func(*terraform.State) error {
					if n := acctest.Emu.Count(emulator.RouteARMGovernanceRulePut); n != 0 {
						return fmt.Errorf("the adoption sent %d PUT requests, want none", n)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccGovernanceAssignmentCreateAnswerLost(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 5)
	acctest.Emu.SetFault(emulator.RouteARMGovernanceAssignmentPut, emulator.Fault{AfterStore: true, Reset: true})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		Steps: []resource.TestStep{{
			Config: withCreateTimeout(assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "alex.wilber@contoso.com"
  remediation_due_date_time = %q
`, time.Now().UTC().AddDate(0, 0, 21).Format(time.RFC3339))), "3s"),
			Check: expectOneAssignment(a),
		}},
	})
}

func TestAccGovernanceAssignmentCreateAdoptedNextApply(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 6)
	config := withCreateTimeout(assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "alex.wilber@contoso.com"
  remediation_due_date_time = %q
`, time.Now().UTC().AddDate(0, 0, 21).Truncate(time.Hour).Format(time.RFC3339))), "3s")
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					acctest.Emu.SetFault(emulator.RouteARMGovernanceAssignmentPut, emulator.Fault{AfterStore: true, Reset: true})
					readBackRefused(emulator.RouteARMGovernanceAssignmentGet)
				},
				Config:      config,
				ExpectError: expectAll(phrase("The write may have landed"), phrase("adopts the assignment if it holds these settings")),
			},
			{
				PreConfig: func() {
					acctest.Emu.ClearFaults()
					if ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key); len(ids) != 1 {
						t.Fatalf("assignments after the failed apply: %v, want the one stored", ids)
					}
				},
				Config: config,
				Check:  expectOneAssignment(a),
			},
		},
	})
}

func TestAccGovernanceRuleTaintedReplacedAndDestroyed(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	config := acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "430"})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A tainted rule is replaced: its priority is no clash.
				Taint:  []string{ruleAddress},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: expectOneRule(subscriptionScope(sub), 430),
			},
			{
				Taint:              []string{ruleAddress},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// terraform destroy of the tainted rule: its refresh plan is no refusal.
				Config:  config,
				Destroy: true,
			},
		},
	})
}

func TestAccGovernanceRuleReplaceTriggered(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	// replace_triggered_by replaces the rule as -replace does: planned from
	// the prior state first, then as a create without it.
	config := func(trigger string) string {
		return acctest.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}
`, trigger) + withBlock(governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "435"}),
			"lifecycle {\n    replace_triggered_by = [terraform_data.trigger]\n  }")
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: config("first")},
			{
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: expectOneRule(subscriptionScope(sub), 435),
			},
		},
	})
}

func TestAccGovernanceRuleIDChanged(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	first, second := "7d1f8a90-3c2b-4e5d-8f6a-0b1c2d3e4f50", "8e2a9b01-4d3c-4f6e-9a7b-1c2d3e4f5a61"
	config := func(id string) string {
		return acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "440", "rule_id": strconv.Quote(id)})
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: config(first)},
			{
				// The new key replaces the rule at the same priority.
				Config: config(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(ruleAddress, "rule_id", knownvalue.StringExact(second))},
				Check:             expectOneRule(subscriptionScope(sub), 440),
			},
		},
	})
}

func TestAccGovernanceRuleMixedCaseIDs(t *testing.T) {
	excluded := subscriptionByName(t, "Contoso Data Platform").ID
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	for _, tc := range []struct {
		name       string
		set, lower attributes
		attribute  string
		spelled    string
	}{
		{
			name: "management group",
			set: attributes{"subscription_id": "", "management_group_id": `"Contoso-Production"`, "priority": "450",
				"excluded_scopes": `["/SUBSCRIPTIONS/` + strings.ToUpper(excluded) + `"]`},
			lower: attributes{"subscription_id": "", "management_group_id": strconv.Quote(emulator.ManagementGroupID), "priority": "450",
				"excluded_scopes": `["/subscriptions/` + excluded + `"]`},
			attribute: "management_group_id", spelled: "Contoso-Production",
		},
		{
			name:      "subscription",
			set:       attributes{"subscription_id": strconv.Quote(strings.ToUpper(sub)), "priority": "451"},
			lower:     attributes{"subscription_id": strconv.Quote(sub), "priority": "451"},
			attribute: "subscription_id", spelled: strings.ToUpper(sub),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reset(t)
			before := acctest.Emu.GovernanceRuleCount()
			config := acctest.ProviderConfig() + governanceRule("test", tc.set)
			var id string
			acctest.Test(t, resource.TestCase{
				CheckDestroy: noRulesLeft(before),
				Steps: append([]resource.TestStep{
					{
						// The service answers its own (lower) case; the state keeps the configuration's.
						Config:            config,
						ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(ruleAddress, tc.attribute, knownvalue.StringExact(tc.spelled))},
						Check:             captureID(ruleAddress, &id),
					},
					{
						// Spelling the same ids in lower case changes nothing.
						Config:   acctest.ProviderConfig() + governanceRule("test", tc.lower),
						PlanOnly: true,
					},
				},
					// Imported, the ids are the service's; the configuration's spelling is no change.
					reimported(ruleAddress, config, &id, nil)...),
			})
		})
	}
}

func TestAccGovernanceAssignmentDueDateOffsetImport(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 7)
	// 02:00 at +02:00 is 00:00 UTC, which the service answers.
	due := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 40)
	config := assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "alex.wilber@contoso.com"
  remediation_due_date_time = %q
`, due.Format("2006-01-02")+"T02:00:00+02:00"))
	var id string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		// Imported, the due date is the service's UTC spelling, and the
		// configuration's offset names the same instant: no change.
		Steps: append([]resource.TestStep{{Config: config, Check: captureID(assignmentAddress, &id)}},
			reimported(assignmentAddress, config, &id, func(states []*terraform.InstanceState) error {
				if got, want := states[0].Attributes["remediation_due_date_time"], due.Format("2006-01-02")+"T00:00:00Z"; got != want {
					return fmt.Errorf("imported due date %s, want %s", got, want)
				}
				return nil
			})...),
	})
}

func TestAccGovernanceRuleChangedBetweenPlanAndApply(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	scope := subscriptionScope(sub)
	set := attributes{"subscription_id": strconv.Quote(sub), "priority": "460"}
	var putsBefore int
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: acctest.ProviderConfig() + governanceRule("test", set)},
			{
				Config: acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "460", "display_name": `"Renamed by Terraform"`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{secondWriter(func() {
					ids := acctest.Emu.GovernanceRulesWithPriority(scope, 460)
					if len(ids) != 1 || !acctest.Emu.UpdateGovernanceRule(scope, ids[0], "ciso@contoso.com", map[string]any{"displayName": "Set by the CISO"}) {
						t.Errorf("no rule to change: %v", ids)
					}
					putsBefore = acctest.Emu.Count(emulator.RouteARMGovernanceRulePut)
				})}},
				ExpectError: expectAll(phrase("Governance rule changed since the plan"), phrase("(last changed by ciso@contoso.com at"), phrase("display_name now differ"),
					phrase("terraform apply -refresh-only")),
			},
			{
				// The teammate's change is still there and nothing was sent.
				PreConfig: func() {
					if n := acctest.Emu.Count(emulator.RouteARMGovernanceRulePut); n != putsBefore {
						t.Errorf("the refused update sent %d PUT requests", n-putsBefore)
					}
					ids := acctest.Emu.GovernanceRulesWithPriority(scope, 460)
					if len(ids) != 1 || acctest.Emu.GovernanceRuleProperties(scope, ids[0])["displayName"] != "Set by the CISO" {
						t.Errorf("the second writer's display name is gone: %v", ids)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccGovernanceAssignmentChangedBetweenPlanAndApply(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 8)
	due := time.Now().UTC().AddDate(0, 0, 30).Truncate(time.Hour).Format(time.RFC3339)
	config := func(owner string) string {
		return assignmentConfig(a, fmt.Sprintf(`
  owner_email               = %q
  remediation_due_date_time = %q
`, owner, due))
	}
	var id string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		Steps: []resource.TestStep{
			{Config: config("alex.wilber@contoso.com")},
			{
				Config: config("lee.gu@contoso.com"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{secondWriter(func() {
					ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key)
					if len(ids) != 1 || !acctest.Emu.PatchGovernanceAssignment(ids[0], map[string]any{"owner": "ciso@contoso.com"}) {
						t.Errorf("no assignment to change: %v", ids)
						return
					}
					id = ids[0]
				})}},
				ExpectError: expectAll(phrase("Governance assignment changed since the plan"), phrase("owner_email now differ")),
			},
			{
				PreConfig: func() {
					if got := acctest.Emu.GovernanceAssignmentProperties(id)["owner"]; got != "ciso@contoso.com" {
						t.Errorf("the second writer's owner is now %v", got)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccGovernanceRuleDestroyRefusedWhenChanged(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	scope := subscriptionScope(sub)
	config := acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "priority": "470"})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A teammate disables the rule after the destroy was planned.
				Config:  config,
				Destroy: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{secondWriter(func() {
					ids := acctest.Emu.GovernanceRulesWithPriority(scope, 470)
					if len(ids) != 1 || !acctest.Emu.PatchGovernanceRule(scope, ids[0], map[string]any{"isDisabled": true}) {
						t.Errorf("no rule to change: %v", ids)
					}
				})}},
				ExpectError: expectAll(phrase("Governance rule changed since the plan"), phrase("disabled now differ"), phrase("It was not deleted")),
			},
			{
				PreConfig: func() {
					if ids := acctest.Emu.GovernanceRulesWithPriority(scope, 470); len(ids) != 1 {
						t.Errorf("rules of priority 470 after the refused destroy: %v, want the one changed", ids)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
