package defender_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const ruleAddress = "securescore_defender_governance_rule.test"

func subscriptionScope(id string) string { return "/subscriptions/" + id }

func mgScope(id string) string { return "/providers/Microsoft.Management/managementGroups/" + id }

// storedRule is the rule the emulator holds for the resource in state.
func storedRule(s *terraform.State, address string) (map[string]any, string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return nil, "", fmt.Errorf("%s is not in state", address)
	}
	scope := subscriptionScope(rs.Primary.Attributes["subscription_id"])
	if mg := rs.Primary.Attributes["management_group_id"]; mg != "" {
		scope = mgScope(mg)
	}
	return acctest.Emu.GovernanceRuleProperties(scope, rs.Primary.Attributes["rule_id"]), rs.Primary.ID, nil
}

// expectStoredRule checks members of the stored properties, by dotted path.
func expectStoredRule(address string, want map[string]any) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		props, id, err := storedRule(s, address)
		if err != nil {
			return err
		}
		if props == nil {
			return fmt.Errorf("the emulator holds no rule %s", id)
		}
		return storedMembers(props, want)
	}
}

// storedMembers compares members of what the emulator stores (by dotted
// path) with want, as text.
func storedMembers(props, want map[string]any) error {
	for key, v := range want {
		var got any = props
		for _, k := range strings.Split(key, ".") {
			m, _ := got.(map[string]any)
			got = m[k]
		}
		if fmt.Sprint(got) != fmt.Sprint(v) {
			return fmt.Errorf("stored %s = %v, want %v", key, got, v)
		}
	}
	return nil
}

// noRulesLeft is the CheckDestroy of the rule tests.
func noRulesLeft(before int) resource.TestCheckFunc {
	return storedCountIs("governance rules", acctest.Emu.GovernanceRuleCount, before)
}

// storedCountIs checks after destroy that count (what the emulator stores)
// is back to before.
func storedCountIs(what string, count func() int, before int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := count(); n != before {
			return fmt.Errorf("%d %s stored after destroy, want %d", n, what, before)
		}
		return nil
	}
}

// expectNoWrites checks that no governance rule or assignment was written
// since reset, and that the store holds what it held before.
func expectNoWrites(t *testing.T, rulesBefore, assignmentsBefore int) {
	t.Helper()
	if n := acctest.Emu.Count(emulator.RouteARMGovernanceRulePut) + acctest.Emu.Count(emulator.RouteARMGovernanceAssignmentPut); n != 0 {
		t.Errorf("%d governance PUT requests were sent, want none", n)
	}
	expectNothingStored(t, rulesBefore, assignmentsBefore)
}

func expectNothingStored(t *testing.T, rulesBefore, assignmentsBefore int) {
	t.Helper()
	if n := acctest.Emu.GovernanceRuleCount(); n != rulesBefore {
		t.Errorf("%d governance rules stored, want %d", n, rulesBefore)
	}
	if n := acctest.Emu.GovernanceAssignmentCount(); n != assignmentsBefore {
		t.Errorf("%d governance assignments stored, want %d", n, assignmentsBefore)
	}
}

// expectRefusedBeforeWrite applies config, which must fail with an error
// holding every one of phrases, before any governance write is sent.
func expectRefusedBeforeWrite(t *testing.T, config string, phrases ...string) {
	t.Helper()
	rules, assignments := applyRefused(t, config, phrases)
	expectNoWrites(t, rules, assignments)
}

// refusedConfig is a configuration refused before any write, with the
// phrases its error holds.
type refusedConfig struct {
	name, config string
	expect       []string
}

// expectEachRefusedBeforeWrite runs expectRefusedBeforeWrite on each case,
// from a reset emulator.
func expectEachRefusedBeforeWrite(t *testing.T, cases []refusedConfig) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reset(t)
			expectRefusedBeforeWrite(t, tc.config, tc.expect...)
		})
	}
}

// expectWriteRefused applies config, whose write the service must refuse
// with an error holding every one of phrases, leaving nothing stored.
func expectWriteRefused(t *testing.T, config string, phrases ...string) {
	t.Helper()
	rules, assignments := applyRefused(t, config, phrases)
	expectNothingStored(t, rules, assignments)
}

// applyRefused runs the one-step test of a refused config and returns the
// counts of stored rules and assignments from before it.
func applyRefused(t *testing.T, config string, phrases []string) (rules, assignments int) {
	t.Helper()
	rules, assignments = acctest.Emu.GovernanceRuleCount(), acctest.Emu.GovernanceAssignmentCount()
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = phrase(p)
	}
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{Config: config, ExpectError: expectAll(parts...)}},
	})
	return rules, assignments
}

func ruleConfig(name, body string) string {
	return fmt.Sprintf(`
resource "securescore_defender_governance_rule" %q {
%s
}
`, name, body)
}

// attributes are a resource's attributes by name, as HCL values.
type attributes map[string]string

// hclAttributes writes a resource's body: defaults, with set's values
// instead (an empty one leaves the attribute out), by name.
func hclAttributes(defaults, set attributes) string {
	all := maps.Clone(defaults)
	maps.Copy(all, set)
	var body strings.Builder
	for _, name := range slices.Sorted(maps.Keys(all)) {
		if value := all[name]; value != "" {
			fmt.Fprintf(&body, "  %s = %s\n", name, value)
		}
	}
	return body.String()
}

// governanceRule is a rule the service takes, in the default subscription,
// but for what set changes, for the tests that are about one or two
// attributes.
func governanceRule(name string, set attributes) string {
	return ruleConfig(name, hclAttributes(attributes{
		"subscription_id":            strconv.Quote(emulator.DefaultSubscriptionID),
		"display_name":               `"Test rule"`,
		"priority":                   "5",
		"remediation_timeframe_days": "7",
		"owner_email":                `"secops@contoso.com"`,
		"conditions":                 `[{ severities = ["High"] }]`,
	}, set))
}

func TestAccGovernanceRuleLifecycle(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := emulator.DefaultSubscriptionID
	create := ruleConfig("test", fmt.Sprintf(`
  subscription_id            = %q
  display_name               = "High and medium severity"
  priority                   = 101
  remediation_timeframe_days = 14
  owner_email                = "secops@contoso.com"
  notify_manager             = false
  conditions = [{ severities = ["Medium", "High"] }]
`, sub))
	update := ruleConfig("test", fmt.Sprintf(`
  subscription_id            = %q
  display_name               = "Storage owners"
  description                = "Owners come from the owner tag"
  priority                   = 102
  remediation_timeframe_days = 30
  grace_period               = true
  owner_tag                  = "owner"
  conditions = [
    { severities = ["Low"], assessment_keys = ["b1cd27e0-4ecc-4246-939f-49c426d9d72f"] },
    { assessment_keys = ["fe83f80b-073d-4ccf-93d9-6797eb870201", "b1cd27e0-4ecc-4246-939f-49c426d9d72f"] },
  ]
`, sub))
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig() + create,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(ruleAddress, "id", knownvalue.StringRegexp(
						expectAll("^/subscriptions/"+sub+"/providers/Microsoft.Security/governanceRules/[0-9a-f-]{36}$"))),
					acctest.Expect(ruleAddress, "grace_period", knownvalue.Bool(false)),
					acctest.Expect(ruleAddress, "notify_owner", knownvalue.Bool(true)),
					acctest.Expect(ruleAddress, "disabled", knownvalue.Bool(false)),
					acctest.Expect(ruleAddress, "description", knownvalue.Null()),
					acctest.Expect(ruleAddress, "owner_tag", knownvalue.Null()),
					acctest.Expect(ruleAddress, "excluded_scopes", knownvalue.Null()),
					acctest.Expect(ruleAddress, "created_date_time", knownvalue.NotNull()),
				},
				Check: expectStoredRule(ruleAddress, map[string]any{
					"remediationTimeframe": "14.00:00:00",
					"rulePriority":         101,
					"ruleType":             "Integrated",
					"sourceResourceType":   "Assessments",
					"ownerSource.type":     "Manually",
					"ownerSource.value":    "secops@contoso.com",
					"governanceEmailNotification.disableManagerEmailNotification": true,
					"governanceEmailNotification.disableOwnerEmailNotification":   false,
					"conditionSets": `[map[conditions:[map[operator:In property:$.Metadata.Severity value:["High","Medium"]]]]]`,
				}),
			},
			{
				ResourceName:      ruleAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: acctest.ProviderConfig() + update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(ruleAddress, "owner_email", knownvalue.Null()),
					acctest.Expect(ruleAddress, "notify_manager", knownvalue.Bool(true)),
				},
				Check: expectStoredRule(ruleAddress, map[string]any{
					"remediationTimeframe": "30.00:00:00",
					"rulePriority":         102,
					"isGracePeriod":        true,
					"description":          "Owners come from the owner tag",
					"ownerSource.type":     "ByTag",
					"ownerSource.value":    "owner",
					"conditionSets": `[map[conditions:[map[operator:Equals property:$.Metadata.Severity value:Low] map[operator:Equals property:$.AssessmentKey value:b1cd27e0-4ecc-4246-939f-49c426d9d72f]]] ` +
						`map[conditions:[map[operator:In property:$.AssessmentKey value:["b1cd27e0-4ecc-4246-939f-49c426d9d72f","fe83f80b-073d-4ccf-93d9-6797eb870201"]]]]]`,
				}),
			},
			{
				ResourceName:      ruleAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Drift: the rule is changed in the portal; the plan puts it back.
				PreConfig: func() {
					ids := acctest.Emu.GovernanceRuleIDs(subscriptionScope(sub))
					if len(ids) == 0 {
						t.Fatal("no rule to change")
					}
					for _, id := range ids {
						acctest.Emu.PatchGovernanceRule(subscriptionScope(sub), id, map[string]any{"displayName": "Changed in the portal", "isDisabled": true})
					}
				},
				Config: acctest.ProviderConfig() + update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectStoredRule(ruleAddress, map[string]any{"displayName": "Storage owners", "isDisabled": false}),
			},
		},
	})
}

func TestAccGovernanceRuleManagementGroup(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	excluded := subscriptionByName(t, "Contoso Data Platform").ID
	config := acctest.ProviderConfig() + ruleConfig("test", fmt.Sprintf(`
  management_group_id        = %q
  rule_id                    = "6f5c3a1e-2b7d-4c8e-9a0f-1d2e3f4a5b6c"
  display_name               = "Production: high severity in 7 days"
  priority                   = 10
  remediation_timeframe_days = 7
  owner_tag                  = "owner"
  conditions                 = [{ severities = ["High"] }]
  excluded_scopes            = ["/subscriptions/%s"]
`, emulator.ManagementGroupID, excluded))
	acctest.Test(t, resource.TestCase{
		CheckDestroy: func(s *terraform.State) error {
			if acctest.Emu.Count(emulator.RouteARMGovernanceOperation) == 0 {
				return fmt.Errorf("the management-group delete was not polled")
			}
			return noRulesLeft(before)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(ruleAddress, "id", knownvalue.StringExact(
						"/providers/Microsoft.Management/managementGroups/"+emulator.ManagementGroupID+"/providers/Microsoft.Security/governanceRules/6f5c3a1e-2b7d-4c8e-9a0f-1d2e3f4a5b6c")),
					acctest.Expect(ruleAddress, "subscription_id", knownvalue.Null()),
				},
				Check: expectStoredRule(ruleAddress, map[string]any{"excludedScopes": "[/subscriptions/" + excluded + "]", "remediationTimeframe": "7.00:00:00"}),
			},
			{ResourceName: ruleAddress, ImportState: true, ImportStateVerify: true},
			{
				// The import id may come without its leading slash, as the service writes ids.
				ResourceName:      ruleAddress,
				ImportState:       true,
				ImportStateId:     "providers/Microsoft.Management/managementGroups/" + emulator.ManagementGroupID + "/providers/Microsoft.Security/governanceRules/6f5c3a1e-2b7d-4c8e-9a0f-1d2e3f4a5b6c",
				ImportStateVerify: true,
			},
			{
				ResourceName:  ruleAddress,
				ImportState:   true,
				ImportStateId: "6f5c3a1e-2b7d-4c8e-9a0f-1d2e3f4a5b6c",
				ExpectError:   expectAll(phrase("Invalid import id"), phrase(`"6f5c3a1e-2b7d-4c8e-9a0f-1d2e3f4a5b6c" is not a governance rule id`)),
			},
		},
	})
}

func TestAccGovernanceRulePriorityClash(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	first := governanceRule("first", attributes{"subscription_id": strconv.Quote(sub), "display_name": `"Shared services owners"`, "priority": "300"})
	second := governanceRule("second", attributes{"subscription_id": strconv.Quote(sub), "display_name": `"Another rule"`, "priority": "300",
		"owner_email": `"other@contoso.com"`, "conditions": `[{ severities = ["Low"] }]`})
	var putsBefore int
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: acctest.ProviderConfig() + first},
			{
				PreConfig:   func() { putsBefore = acctest.Emu.Count(emulator.RouteARMGovernanceRulePut) },
				Config:      acctest.ProviderConfig() + first + second,
				ExpectError: expectAll(phrase("Governance rule priority already used"), phrase(`Priority 300 is already used by governance rule "Shared services owners"`), "/subscriptions/"+sub),
			},
			{
				PreConfig: func() {
					if n := acctest.Emu.Count(emulator.RouteARMGovernanceRulePut); n != putsBefore {
						t.Errorf("the clash sent %d PUT requests", n-putsBefore)
					}
					if n := acctest.Emu.GovernanceRuleCount(); n != before+1 {
						t.Errorf("%d rules stored, want %d", n, before+1)
					}
				},
				Config:   acctest.ProviderConfig() + first,
				PlanOnly: true,
			},
		},
	})
}

func TestAccGovernanceRulePlanTimeRefusals(t *testing.T) {
	// Each is a rule the service would take but for one attribute.
	refused := func(set attributes) string { return acctest.ProviderConfig() + governanceRule("test", set) }
	expectEachRefusedBeforeWrite(t, []refusedConfig{
		{"priority above 1000", refused(attributes{"priority": "1001"}), []string{"priority", "value must be between 0 and 1000, got: 1001"}},
		{"time frame not offered", refused(attributes{"remediation_timeframe_days": "10"}),
			[]string{"remediation_timeframe_days", `value must be one of: ["7" "14" "30" "90"], got: 10`}},
		{"owner not an email", refused(attributes{"owner_email": `"secops"`}), []string{"Invalid email address", `"secops" is not an email address`}},
		{"two owner sources", refused(attributes{"owner_tag": `"owner"`}), []string{"Invalid Attribute Combination", "owner_tag", "owner_email"}},
		{"excluded scopes at subscription scope", refused(attributes{"excluded_scopes": `["/subscriptions/` + emulator.DefaultSubscriptionID + `"]`}),
			[]string{"Invalid Attribute Combination", "subscription_id"}},
		{"unknown severity", refused(attributes{"conditions": `[{ severities = ["Critical"] }]`}), []string{"severities", "Critical"}},
		// excluded_scopes takes scope ids where subscription_id takes the bare GUID.
		{"excluded scope a bare subscription id", refused(attributes{"subscription_id": "", "management_group_id": strconv.Quote(emulator.ManagementGroupID),
			"excluded_scopes": `["` + emulator.DefaultSubscriptionID + `"]`}),
			[]string{"Invalid excluded scope", `"` + emulator.DefaultSubscriptionID + `" is a bare subscription id`, `write it as "/subscriptions/` + emulator.DefaultSubscriptionID + `"`}},
		{"excluded scope a management group name", refused(attributes{"subscription_id": "", "management_group_id": strconv.Quote(emulator.ManagementGroupID),
			"excluded_scopes": `["contoso-sandbox"]`}),
			[]string{"Invalid excluded scope", `"contoso-sandbox" is not a scope id`, "/providers/Microsoft.Management/managementGroups/{management_group_id}"}},
		{"empty condition", refused(attributes{"conditions": "[{}]"}),
			[]string{"Empty condition", "conditions[0] selects nothing: give severities, assessment_keys or both"}},
	})
}

func TestAccGovernanceRuleWithoutDefenderCSPM(t *testing.T) {
	reset(t)
	sub := subscriptionByName(t, "Contoso Development").ID
	if acctest.Emu.DefenderCSPM(sub) {
		t.Fatalf("%s has Defender CSPM in the emulator; the test needs a subscription without it", sub)
	}
	expectWriteRefused(t, acctest.ProviderConfig()+governanceRule("test", attributes{"subscription_id": strconv.Quote(sub)}),
		"Writing the governance rule failed (HTTP 400)", "requires the Defender CSPM plan", "The subscription does not have the Defender CSPM plan", "Microsoft.Security/pricings/CloudPosture")
}

func TestAccGovernanceRuleManagementGroup500(t *testing.T) {
	reset(t)
	// A short Retry-After keeps the retries of the 500 from taking half a minute.
	acctest.Emu.SetFault(emulator.RouteARMGovernanceRulePut, emulator.Fault{Status: 500, RetryAfter: "0.1"})
	expectWriteRefused(t, acctest.ProviderConfig()+governanceRule("test", attributes{"subscription_id": "", "management_group_id": strconv.Quote(emulator.ManagementGroupID)}),
		"Writing the governance rule failed (HTTP 500)", "Azure/terraform-provider-azapi#934", "management_group_id is the group's id", "create the rule per subscription (subscription_id)")
}

func TestAccGovernanceRuleRemovedOutOfBand(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceRuleCount()
	sub := subscriptionByName(t, "Contoso Data Platform").ID
	id := "0b7e4e2a-5d1c-4f3b-8a6e-9c2d1b0a7f65"
	config := acctest.ProviderConfig() + governanceRule("test", attributes{"subscription_id": strconv.Quote(sub), "rule_id": strconv.Quote(id)})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noRulesLeft(before),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Deleted in the portal: refresh drops it, the plan creates it again.
				PreConfig: func() {
					if !acctest.Emu.DeleteGovernanceRule(subscriptionScope(sub), id) {
						t.Fatal("no rule to delete")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ruleAddress, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccGovernanceRuleManagementGroupMisspelt(t *testing.T) {
	reset(t)
	// Azure answers 403 for a management group that does not exist: the
	// error says to check the id before the role.
	expectWriteRefused(t, acctest.ProviderConfig()+governanceRule("test", attributes{"subscription_id": "", "management_group_id": `"contoso-prodution"`}),
		"Reading the governance rule failed (HTTP 403)", "no management group has that id",
		`Check that management_group_id "contoso-prodution" is the group's id, not its display name`, "az account management-group list")
	if n := acctest.Emu.Count(emulator.RouteARMGovernanceRulePut); n != 0 {
		t.Errorf("%d PUT requests were sent for a group that does not exist, want none", n)
	}
}
