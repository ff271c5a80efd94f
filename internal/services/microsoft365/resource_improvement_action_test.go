package microsoft365_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const actionAddress = "securescore_microsoft365_improvement_action.test"

const home = emulator.DefaultTenantID

// freshActions adds n improvement actions that no other test touches and
// returns those not already completed (the emulator gives every other
// generated action its full points: 5 of 5; the open ones earn 2.5 of 5).
func freshActions(t *testing.T, n int) (open, completed []string) {
	t.Helper()
	ids := acctest.Emu.AddProfiles(home, n)
	newest := acctest.Emu.Tenant(home).SecureScores[0]
	full := map[string]bool{}
	for _, c := range newest.ControlScores {
		full[c.ControlName] = c.Score >= 5
	}
	for _, id := range ids {
		if full[id] {
			completed = append(completed, id)
		} else {
			open = append(open, id)
		}
	}
	return open, completed
}

// openAction resets the emulator and gives one fresh action that is not
// completed, for a test that manages a single action.
func openAction(t *testing.T) string {
	t.Helper()
	resetEmulator(t)
	open, _ := freshActions(t, 2)
	return open[0]
}

// serviceState is the newest controlStateUpdates entry as the emulator holds it.
func serviceState(tenantID, id string) (state, comment, assignedTo string, err error) {
	for _, p := range acctest.Emu.Tenant(tenantID).Profiles {
		if p.ID == id {
			current, ok := p.CurrentState()
			if !ok {
				return "", "", "", nil
			}
			return current.State, current.Comment, current.AssignedTo, nil
		}
	}
	return "", "", "", fmt.Errorf("no profile %s in %s", id, tenantID)
}

func expectServiceState(id, wantState, wantComment, wantAssignee string) resource.TestCheckFunc {
	return expectServiceStateIn(home, id, wantState, wantComment, wantAssignee)
}

func expectServiceStateIn(tenantID, id, wantState, wantComment, wantAssignee string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		state, comment, assignee, err := serviceState(tenantID, id)
		if err != nil {
			return err
		}
		if state != wantState || comment != wantComment || assignee != wantAssignee {
			return fmt.Errorf("service holds state=%q comment=%q assignedTo=%q, want %q %q %q", state, comment, assignee, wantState, wantComment, wantAssignee)
		}
		return nil
	}
}

func resourceConfig(id, status, extra string) string {
	return acctest.ProviderConfig() + resourceBlock(id, status, extra)
}

func resourceBlock(id, status, extra string) string {
	return fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "test" {
  control_id = %q
  status     = %q
%s
}
`, id, status, extra)
}

func resourceCheck(attribute string, check knownvalue.Check) statecheck.StateCheck {
	return acctest.Expect(actionAddress, attribute, check)
}

// planCheck runs f between plan and apply: terraform-plugin-testing plans
// into a saved plan file and applies that file, so this is what a saved
// plan or a recalculation overnight looks like to the provider.
type planCheck func() error

func (f planCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// serviceCheck runs a check against the emulator after a step; unlike the
// legacy Check functions it works with count addresses.
type serviceCheck func() error

func (f serviceCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

func TestAccImprovementActionLifecycle(t *testing.T) {
	id := openAction(t)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: expectServiceState(id, "Default", "", ""),
		Steps: []resource.TestStep{
			{
				Config: resourceConfig(id, "planned", `  notes = "Rolling out with the Q3 identity project"
  assigned_to = "secops@contoso.com"`),
				ConfigStateChecks: []statecheck.StateCheck{
					resourceCheck("id", knownvalue.StringExact(home+"/"+id)),
					resourceCheck("tenant_id", knownvalue.StringExact(home)),
					resourceCheck("status", knownvalue.StringExact("planned")),
					resourceCheck("on_destroy", knownvalue.StringExact("reset")),
					resourceCheck("title", knownvalue.StringRegexp(regexp.MustCompile(`^Generated control`))),
					resourceCheck("in_score", knownvalue.Bool(true)),
					resourceCheck("max_score", knownvalue.Float64Exact(5)),
					resourceCheck("current_score", knownvalue.Float64Exact(2.5)),
					resourceCheck("completed", knownvalue.Bool(false)),
					resourceCheck("updated_by", knownvalue.StringExact(emulator.ClientID)),
					resourceCheck("updated_date_time", knownvalue.NotNull()),
				},
				Check: expectServiceState(id, "Reviewed", "Rolling out with the Q3 identity project", "secops@contoso.com"),
			},
			{
				// Each field changes: status, notes, and the assignee goes away.
				Config: resourceConfig(id, "risk_accepted", `  notes = "Compensated by conditional access"`),
				ConfigStateChecks: []statecheck.StateCheck{
					resourceCheck("status", knownvalue.StringExact("risk_accepted")),
					resourceCheck("assigned_to", knownvalue.Null()),
				},
				Check: expectServiceState(id, "Ignored", "Compensated by conditional access", ""),
			},
			{
				Config:            resourceConfig(id, "resolved_through_third_party", `  assigned_to = "partner@fabrikam.com"`),
				ConfigStateChecks: []statecheck.StateCheck{resourceCheck("notes", knownvalue.Null())},
				Check:             expectServiceState(id, "ThirdParty", "", "partner@fabrikam.com"),
			},
			{ResourceName: actionAddress, ImportState: true, ImportStateId: id, ImportStateVerify: true},
			{ResourceName: actionAddress, ImportState: true, ImportStateId: home + "/" + id, ImportStateVerify: true},
			{
				// A change made in the portal shows as drift and is put back.
				PreConfig: func() {
					acctest.Emu.PatchProfile(home, id, "Default", "changed in the portal", "someone@contoso.com", "admin@contoso.com")
				},
				Config: resourceConfig(id, "resolved_through_third_party", `  assigned_to = "partner@fabrikam.com"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(actionAddress, tfjsonpath.New("status"), knownvalue.StringExact("resolved_through_third_party")),
					},
				},
				Check: expectServiceState(id, "ThirdParty", "", "partner@fabrikam.com"),
			},
			{
				// Changing on_destroy alone sends nothing.
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config: resourceConfig(id, "resolved_through_third_party", `  assigned_to = "partner@fabrikam.com"
  on_destroy  = "keep"`),
				Check: func(*terraform.State) error {
					if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
						return fmt.Errorf("changing on_destroy sent %d PATCH requests", n)
					}
					return nil
				},
			},
			{
				Config: resourceConfig(id, "resolved_through_third_party", `  assigned_to = "partner@fabrikam.com"`),
			},
		},
	})
}

// Microsoft recalculates between the plan and the apply (here: between the
// saved plan and its apply): the apply succeeds with the new points, since
// the plan never promised them.
func TestAccImprovementActionScoreChangesBetweenPlanAndApply(t *testing.T) {
	id := openAction(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:            resourceConfig(id, "planned", ""),
				ConfigStateChecks: []statecheck.StateCheck{resourceCheck("current_score", knownvalue.Float64Exact(2.5))},
			},
			{
				Config: resourceConfig(id, "planned", `  notes = "halfway there"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(actionAddress, tfjsonpath.New("current_score")),
					planCheck(func() error { acctest.Emu.SetControlScore(home, id, 4); return nil }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					resourceCheck("current_score", knownvalue.Float64Exact(4)),
					resourceCheck("notes", knownvalue.StringExact("halfway there")),
				},
			},
		},
	})
}

// A create never overwrites what a team recorded: it is refused at plan
// time, naming the decision, and nothing is sent.
func TestAccImprovementActionCreateRefusesARecordedDecision(t *testing.T) {
	resetEmulator(t)
	acctest.ExpectConfigError(t, resourceConfig("SelfServicePasswordReset", "to_address", ""), regexp.MustCompile(`(?s)already carries a decision.*status\s+risk_accepted.*Risk\s+accepted:\s+the\s+helpdesk\s+handles\s+resets.*megan.bowen@contoso.onmicrosoft.com.*`+
		`nothing\s+was\s+sent.*import\s+\{.*terraform\s+import\s+securescore_microsoft365_improvement_action`))
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("a refused create sent %d PATCH requests", n)
	}
	if err := expectServiceState("SelfServicePasswordReset", "Ignored", "Risk accepted: the helpdesk handles resets", "")(nil); err != nil {
		t.Error(err)
	}
}

// The import-first path: both import forms, with and without tenant_id in
// the configuration, give an empty plan, and the decision is untouched.
func TestAccImprovementActionImportGivesAnEmptyPlan(t *testing.T) {
	for _, tc := range []struct {
		name, importID, tenantLine string
	}{
		{"control id, no tenant_id", "%s", ""},
		{"control id, tenant_id written", "%s", fmt.Sprintf("  tenant_id = %q", home)},
		{"tenant/control id, no tenant_id", home + "/%s", ""},
		{"tenant/control id, tenant_id written", home + "/%s", fmt.Sprintf("  tenant_id = %q", home)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := openAction(t)
			acctest.Emu.PatchProfile(home, id, "Ignored", "Accepted by the CISO", "", "admin@contoso.com")
			config := resourceConfig(id, "risk_accepted", `  notes = "Accepted by the CISO"
`+tc.tenantLine)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: expectServiceState(id, "Default", "", ""),
				Steps: []resource.TestStep{
					{
						Config: config + fmt.Sprintf(`
import {
  to = securescore_microsoft365_improvement_action.test
  id = %q
}
`, fmt.Sprintf(tc.importID, id)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionNoop),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							resourceCheck("id", knownvalue.StringExact(home+"/"+id)),
							resourceCheck("tenant_id", knownvalue.StringExact(home)),
						},
					},
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
			// The destroy's reset is the only write: importing changed nothing.
			if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 1 {
				t.Errorf("want only the destroy's PATCH, saw %d", n)
			}
		})
	}
}

// A change of the provider's tenant plans a replacement instead of
// silently managing another tenant's action.
func TestAccImprovementActionProviderTenantChangeReplaces(t *testing.T) {
	resetEmulator(t)
	id := sharedUndecidedAction(t, home, emulator.SecondTenantID)
	// The old tenant stays allowed, so the replacement can reset its action.
	withTenant := func(tenant string) string {
		return acctest.ProviderConfigWith(fmt.Sprintf("tenant_id = %q\n  auxiliary_tenant_ids = [%q, %q]", tenant, home, emulator.SecondTenantID)) +
			resourceBlock(id, "planned", `  notes = "tenant move"`)
	}
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: withTenant(home), ConfigStateChecks: []statecheck.StateCheck{resourceCheck("tenant_id", knownvalue.StringExact(home))}},
			{
				Config: withTenant(emulator.SecondTenantID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					resourceCheck("tenant_id", knownvalue.StringExact(emulator.SecondTenantID)),
					resourceCheck("id", knownvalue.StringExact(emulator.SecondTenantID+"/"+id)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectServiceStateIn(home, id, "Default", "", ""), // the old tenant's action was reset by the replacement
					expectServiceStateIn(emulator.SecondTenantID, id, "Reviewed", "tenant move", ""),
				),
			},
		},
	})
}

// sharedUndecidedAction is a catalogue action both tenants have, with no
// decision in either and updatable by the API.
func sharedUndecidedAction(t *testing.T, a, b string) string {
	t.Helper()
	undecided := func(tenantID string) map[string]bool {
		out := map[string]bool{}
		for _, p := range acctest.Emu.Tenant(tenantID).Profiles {
			cur, _ := p.CurrentState()
			if !p.Deprecated && p.ControlCategory != "Device" && p.Service != "MDATP" && cur.State == "Default" && cur.Comment == "" && cur.AssignedTo == "" {
				out[p.ID] = true
			}
		}
		return out
	}
	inB := undecided(b)
	for _, p := range acctest.Emu.Tenant(a).Profiles {
		if undecided(a)[p.ID] && inB[p.ID] {
			return p.ID
		}
	}
	t.Fatalf("no undecided action in both %s and %s", a, b)
	return ""
}

// on_destroy = "keep" leaves the decision in place; the default resets it
// (TestAccImprovementActionLifecycle's CheckDestroy).
func TestAccImprovementActionDestroyKeeps(t *testing.T) {
	id := openAction(t)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: expectServiceState(id, "Ignored", "kept after destroy", ""),
		Steps: []resource.TestStep{{
			Config: resourceConfig(id, "risk_accepted", `  notes = "kept after destroy"
  on_destroy = "keep"`),
			Check: expectServiceState(id, "Ignored", "kept after destroy", ""),
		}},
	})
}

// Refused at plan time with no request: unknown ids, Device actions, a
// deprecated one, statuses the service decides or does not know.
func TestAccImprovementActionGuardRails(t *testing.T) {
	cases := []struct {
		name, id, status, want string
	}{
		{"unknown id suggests the closest", "AdminMFAV3", "planned", `(?s)Unknown improvement action.*Did you mean "AdminMFAV2"`},
		{"scid_ action of category Apps", "scid_2002", "risk_accepted", `(?s)Device improvement action: managed in Microsoft Defender.*Exception options`},
		{"MDATP action", "mde_onboarded_devices", "planned", `(?s)Device improvement action.*service MDATP`},
		{"deprecated action", "AdminMFA", "planned", `(?s)Deprecated improvement action`},
		{"completed is not settable", "OneAdmin", "completed", `(?s)completed cannot be set.*decides completed`},
		{"in progress is not settable", "OneAdmin", "in_progress", `(?s)in_progress cannot be set`},
		{"status outside the vocabulary", "OneAdmin", "done", `(?s)Invalid improvement action status.*"done".*to_address, planned, risk_accepted, resolved_through_third_party`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resetEmulator(t)
			acctest.ExpectConfigError(t, resourceConfig(tc.id, tc.status, ""), regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)))
			if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
				t.Errorf("a refused change sent %d PATCH requests", n)
			}
		})
	}
}

// One error per mistake: a status outside the vocabulary is one diagnostic.
func TestAccImprovementActionOneErrorPerMistake(t *testing.T) {
	resetEmulator(t)
	server, schemas := configuredServer(t)
	resourceType := schemas.ResourceSchemas["securescore_microsoft365_improvement_action"].ValueType().(tftypes.Object)
	config := dynamicValue(t, resourceType, objectValue(t, resourceType, map[string]tftypes.Value{
		"control_id": tftypes.NewValue(tftypes.String, "OneAdmin"),
		"status":     tftypes.NewValue(tftypes.String, "completed"),
	}))
	validated, err := server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: "securescore_microsoft365_improvement_action", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := diagnosticsOf(validated.Diagnostics); len(errs) != 1 || errs[0].Summary != "completed cannot be set" {
		t.Errorf("want one error, got %d: %+v", len(errs), errs)
	}
}

// Import refuses what the resource cannot manage, so no later plan fails on it.
func TestAccImprovementActionImportRefusals(t *testing.T) {
	resetEmulator(t)
	for _, tc := range []struct{ id, want string }{
		{"not-a-tenant/AdminMFAV2", `(?s)Invalid import id.*<tenant_id>/<control_id>`},
		{"scid_2000", `(?s)Device improvement action.*Microsoft Defender portal`},
		{home + "/AdminMFA", `(?s)Deprecated improvement action`},
		{"AdminMFAV3", `(?s)Unknown improvement action.*Did you mean "AdminMFAV2"`},
	} {
		t.Run(tc.id, func(t *testing.T) {
			acctest.Test(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:        resourceConfig("AdminMFAV2", "planned", ""),
					ResourceName:  actionAddress,
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
		})
	}
}

// Graph can lag behind a write: the read-back waits for it, the state holds
// what was written, and there is no "inconsistent result" error.
func TestAccImprovementActionStaleReadBack(t *testing.T) {
	id := openAction(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			PreConfig: func() { acctest.Emu.SetStaleReads(1) },
			Config:    resourceConfig(id, "risk_accepted", `  notes = "Accepted by the CISO"`),
			ConfigStateChecks: []statecheck.StateCheck{
				resourceCheck("status", knownvalue.StringExact("risk_accepted")),
				resourceCheck("notes", knownvalue.StringExact("Accepted by the CISO")),
				resourceCheck("updated_by", knownvalue.StringExact(emulator.ClientID)),
			},
			Check: expectServiceState(id, "Ignored", "Accepted by the CISO", ""),
		}},
	})
}

// A write the service answers 2xx and never applies: a warning names the
// action and what the service shows, and the next plan shows the drift.
func TestAccImprovementActionWriteThatDoesNotStick(t *testing.T) {
	resetEmulator(t)
	open, _ := freshActions(t, 4)
	acctest.Emu.DropWrites(1)
	applied := applyResourceCreate(t, "securescore_microsoft365_improvement_action", map[string]tftypes.Value{
		"control_id": tftypes.NewValue(tftypes.String, open[0]),
		"status":     tftypes.NewValue(tftypes.String, "planned"),
		"notes":      tftypes.NewValue(tftypes.String, "lost in transit"),
	})
	errs, warnings := diagnosticsOf(applied.Diagnostics)
	if len(errs) > 0 || len(warnings) != 1 || warnings[0].Summary != "The improvement action does not show the update" ||
		!strings.Contains(warnings[0].Detail, open[0]) || !strings.Contains(warnings[0].Detail, "still shows nothing recorded") {
		t.Fatalf("errors %+v, warnings %+v", errs, warnings)
	}

	id := open[1]
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig:         func() { acctest.Emu.DropWrites(1) },
				Config:            resourceConfig(id, "planned", `  notes = "lost in transit"`),
				ConfigStateChecks: []statecheck.StateCheck{resourceCheck("notes", knownvalue.StringExact("lost in transit"))},
				Check:             expectServiceState(id, "Default", "", ""),
				// The refresh after the apply reads the service: the drift shows.
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func forEachConfig(ids []string, status string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return acctest.ProviderConfig() + fmt.Sprintf(`
# count, not for_each: terraform-plugin-testing's state shim refuses string keys.
locals {
  ids = [%s]
}

resource "securescore_microsoft365_improvement_action" "many" {
  count      = length(local.ids)
  control_id = local.ids[count.index]
  status     = %q
  notes      = "managed as code"
}
`, strings.Join(quoted, ", "), status)
}

// A refresh of many managed actions reads the shared, paged profile list
// once per Terraform command, never one GET per resource: at most the first
// action asked for is read alone (a plan of one action needs no list), and
// the list serves every other. The service pages 100 here whatever $top
// asks, so the list takes several pages.
func TestAccImprovementActionRefreshOf300UsesThePagedList(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 100, 0)
	open, completed := freshActions(t, 300)
	ids := append(append([]string{}, open...), completed...)
	config := forEachConfig(ids, "planned")
	var refreshCounts, batchedCounts map[emulator.Route]int
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config:    config,
				PlanOnly:  true,
				ConfigStateChecks: []statecheck.StateCheck{serviceCheck(func() error {
					refreshCounts, batchedCounts = acctest.Emu.Counts(), acctest.Emu.BatchedCounts()
					return nil
				})},
			},
		},
	})
	if refreshCounts == nil {
		refreshCounts, batchedCounts = acctest.Emu.Counts(), acctest.Emu.BatchedCounts()
	}
	total := len(acctest.Emu.Tenant(home).Profiles)
	pages := (total + 99) / 100
	// A GET or a score may travel inside a $batch: count them either way.
	lists := refreshCounts[emulator.RouteGraphProfileList]
	gets := refreshCounts[emulator.RouteGraphProfileGet] + batchedCounts[emulator.RouteGraphProfileGet]
	scores := refreshCounts[emulator.RouteGraphSecureScores] + batchedCounts[emulator.RouteGraphSecureScores]
	t.Logf("refresh of %d actions (%d profiles, %d pages): %d list requests, %d GETs, %d secureScores requests, %d token requests (%d batches)",
		len(ids), total, pages, lists, gets, scores, refreshCounts[emulator.RouteToken], refreshCounts[emulator.RouteGraphBatch])
	// Each Terraform command is one provider process: one paged list, at
	// most one action read alone and one secureScores request each,
	// whatever the number of resources.
	commands := lists / pages
	if lists == 0 || lists%pages != 0 || scores != commands {
		t.Errorf("want whole paged lists (%d pages) and one secureScores request per command, saw %d list and %d secureScores requests", pages, lists, scores)
	}
	if gets > commands {
		t.Errorf("%d commands made %d GETs of single actions: per-resource GETs", commands, gets)
	}
	if commands > 2 {
		t.Errorf("a plan-only step ran %d refreshes", commands)
	}
}

// 50 actions applied with -parallelism=10 while Graph throttles every fifth
// request all converge, and the provider never has more than 4 Graph
// requests in flight (Microsoft's documented limit).
func TestAccImprovementActionParallelApplyUnderThrottling(t *testing.T) {
	resetEmulator(t)
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=10")
	t.Setenv("TF_CLI_ARGS_plan", "-parallelism=10")
	open, completed := freshActions(t, 50)
	ids := append(append([]string{}, open...), completed...)
	throttle := emulator.Fault{Status: 429, RetryAfter: "1", EveryNth: 5}
	for _, route := range []emulator.Route{emulator.RouteGraphProfilePatch, emulator.RouteGraphProfileGet, emulator.RouteGraphProfileList} {
		acctest.Emu.SetFault(route, throttle)
	}
	acctest.ApplyConfig(t, forEachConfig(ids, "risk_accepted"), serviceCheck(func() error {
		for _, id := range ids {
			if err := expectServiceState(id, "Ignored", "managed as code", "")(nil); err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
		}
		return nil
	}))
	if n := acctest.Emu.MaxConcurrent(home); n > 4 {
		t.Errorf("%d Graph requests were in flight at once; the limit is 4", n)
	}
	t.Logf("requests: %v, max in flight: %d", acctest.Emu.Counts(), acctest.Emu.MaxConcurrent(home))
}

// One configuration manages actions in several customer tenants; import by
// `<tenant>/<control>` gives the same state.
func TestAccImprovementActionPerTenant(t *testing.T) {
	resetEmulator(t)
	second := sharedUndecidedAction(t, emulator.SecondTenantID, emulator.SecondTenantID)
	third := sharedUndecidedAction(t, emulator.ThirdTenantID, emulator.ThirdTenantID)
	config := acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%q, %q]", emulator.SecondTenantID, emulator.ThirdTenantID)) + fmt.Sprintf(`
locals {
  # count, not for_each: terraform-plugin-testing's state shim refuses string keys.
  targets = [
    { tenant_id = %q, control_id = %q },
    { tenant_id = %q, control_id = %q },
  ]
}

resource "securescore_microsoft365_improvement_action" "customers" {
  count      = length(local.targets)
  tenant_id  = local.targets[count.index].tenant_id
  control_id = local.targets[count.index].control_id
  status     = "planned"
  notes      = "Customer-wide rollout"
}
`, emulator.SecondTenantID, second, emulator.ThirdTenantID, third)
	first := "securescore_microsoft365_improvement_action.customers[0]"
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(first, "id", knownvalue.StringExact(emulator.SecondTenantID+"/"+second)),
					serviceCheck(func() error {
						for tenant, id := range map[string]string{emulator.SecondTenantID: second, emulator.ThirdTenantID: third} {
							if err := expectServiceStateIn(tenant, id, "Reviewed", "Customer-wide rollout", "")(nil); err != nil {
								return fmt.Errorf("%s/%s: %w", tenant, id, err)
							}
						}
						return nil
					}),
				},
			},
			{
				ResourceName:      first,
				ImportState:       true,
				ImportStateId:     emulator.SecondTenantID + "/" + second,
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccImprovementActionTenantOutsideTheAllowedList(t *testing.T) {
	resetEmulator(t)
	acctest.ExpectConfigError(t, acctest.ProviderConfig()+fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "test" {
  tenant_id  = %q
  control_id = "AdminMFAV2"
  status     = "planned"
}
`, emulator.ThirdTenantID), regexp.MustCompile(`(?s)neither\s+the\s+provider's\s+tenant_id\s+nor\s+one\s+of\s+its\s+auxiliary_tenant_ids`))
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("a refused tenant got %d PATCH requests", n)
	}
}

// One message for one cause: a tenant without admin consent gets the same
// diagnostic, with the consent link, from the resource as from the
// portfolio data source.
func TestAccImprovementActionConsentMissing(t *testing.T) {
	resetEmulator(t)
	acctest.ExpectConfigError(t, acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%q]", emulator.NoConsentTenantID))+fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "test" {
  tenant_id  = %q
  control_id = "AdminMFAV2"
  status     = "planned"
}
`, emulator.NoConsentTenantID), regexp.MustCompile(`(?s)admin consent missing.*consent missing \(AADSTS65001\).*/`+emulator.NoConsentTenantID+`/adminconsent\?client_id=`+emulator.ClientID))
}

// The warnings say what a status does to the points.
func TestAccImprovementActionPointsWarnings(t *testing.T) {
	resetEmulator(t)
	open, completed := freshActions(t, 2)
	for _, tc := range []struct {
		id, status, want string
	}{
		{completed[0], "planned", "Improvement action already completed"},
		{completed[0], "risk_accepted", "Risk accepted earns no points"},
		{open[0], "risk_accepted", "Risk accepted earns no points"},
		{open[0], "resolved_through_third_party", "Resolved through third party earns the action's points"},
		{open[0], "planned", ""},
		{"meeting_designatedpresenter_v1", "planned", "Improvement action outside the secure score"},
	} {
		resp := planResourceCreate(t, "securescore_microsoft365_improvement_action", map[string]tftypes.Value{
			"control_id": tftypes.NewValue(tftypes.String, tc.id),
			"status":     tftypes.NewValue(tftypes.String, tc.status),
		})
		errs, warnings := diagnosticsOf(resp.Diagnostics)
		if len(errs) > 0 {
			t.Fatalf("%s %s: %s: %s", tc.id, tc.status, errs[0].Summary, errs[0].Detail)
		}
		var got []string
		for _, w := range warnings {
			got = append(got, w.Summary)
		}
		if want := []string{tc.want}; (tc.want == "" && len(got) != 0) || (tc.want != "" && strings.Join(got, "|") != strings.Join(want, "|")) {
			t.Errorf("%s %s: warnings %q, want %q", tc.id, tc.status, got, tc.want)
		}
	}
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("planning sent %d PATCH requests", n)
	}
}
