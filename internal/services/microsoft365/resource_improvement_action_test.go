package microsoft365_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

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

// freshActions adds n improvement actions that no other test touches and
// returns those not already completed (the emulator gives every other
// generated action its full points).
func freshActions(t *testing.T, n int) (open, completed []string) {
	t.Helper()
	ids := acctest.Emu.AddProfiles(emulator.DefaultTenantID, n)
	newest := acctest.Emu.Tenant(emulator.DefaultTenantID).SecureScores[0]
	for _, id := range ids {
		full := false
		for _, c := range newest.ControlScores {
			if c.ControlName == id {
				for _, p := range acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles {
					if p.ID == id && c.Score >= p.MaxScore {
						full = true
					}
				}
			}
		}
		if full {
			completed = append(completed, id)
		} else {
			open = append(open, id)
		}
	}
	return open, completed
}

// serviceState is the newest controlStateUpdates entry as the emulator holds it.
func serviceState(id string) (state, comment, assignedTo string, err error) {
	for _, p := range acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles {
		if p.ID == id {
			current, ok := p.CurrentState()
			if !ok {
				return "", "", "", nil
			}
			return current.State, current.Comment, current.AssignedTo, nil
		}
	}
	return "", "", "", fmt.Errorf("no profile %s", id)
}

func expectServiceState(id, wantState, wantComment, wantAssignee string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		state, comment, assignee, err := serviceState(id)
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
	return acctest.ProviderConfig() + fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "test" {
  control_id = %q
  status     = %q
%s
}
`, id, status, extra)
}

func TestAccImprovementActionLifecycle(t *testing.T) {
	resetEmulator(t)
	open, _ := freshActions(t, 2)
	id := open[0]
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             expectServiceState(id, "Default", "", ""),
		Steps: []resource.TestStep{
			{
				Config: resourceConfig(id, "planned", `  notes = "Rolling out with the Q3 identity project"
  assigned_to = "secops@contoso.com"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("status"), knownvalue.StringExact("planned")),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("title"), knownvalue.StringRegexp(regexp.MustCompile(`^Generated control`))),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("max_score"), knownvalue.Float64Exact(5)),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("score"), knownvalue.Float64Exact(2.5)),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("completed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("updated_by"), knownvalue.StringExact(emulator.ClientID)),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("updated_date_time"), knownvalue.NotNull()),
				},
				Check: expectServiceState(id, "Reviewed", "Rolling out with the Q3 identity project", "secops@contoso.com"),
			},
			{
				// Each field changes: status, notes, and the assignee goes away.
				Config: resourceConfig(id, "risk_accepted", `  notes = "Compensated by conditional access"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("status"), knownvalue.StringExact("risk_accepted")),
					statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("assigned_to"), knownvalue.Null()),
				},
				Check: expectServiceState(id, "Ignored", "Compensated by conditional access", ""),
			},
			{
				Config:            resourceConfig(id, "resolved_through_third_party", `  assigned_to = "partner@fabrikam.com"`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("notes"), knownvalue.Null())},
				Check:             expectServiceState(id, "ThirdParty", "", "partner@fabrikam.com"),
			},
			{
				ResourceName:      actionAddress,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{
				// A change made in the portal shows as drift and is put back.
				PreConfig: func() {
					acctest.Emu.PatchProfile(emulator.DefaultTenantID, id, "Default", "changed in the portal", "someone@contoso.com", "admin@contoso.com")
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
		},
	})
}

func TestAccImprovementActionImportBlock(t *testing.T) {
	resetEmulator(t)
	open, _ := freshActions(t, 2)
	id := open[0]
	acctest.Emu.PatchProfile(emulator.DefaultTenantID, id, "Reviewed", "Planned for Q4", "it@contoso.com", "admin@contoso.com")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: resourceConfig(id, "planned", `  notes = "Planned for Q4"
  assigned_to = "it@contoso.com"`) + fmt.Sprintf(`
import {
  to = securescore_microsoft365_improvement_action.test
  id = %q
}
`, id),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionNoop)},
			},
		}},
	})
	// The destroy's reset is the only write: the import itself changed nothing.
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 1 {
		t.Errorf("want only the destroy's PATCH, saw %d", n)
	}
}

func TestAccImprovementActionGuardRails(t *testing.T) {
	cases := []struct {
		name, id, status, want string
	}{
		{"unknown id suggests the closest", "AdminMFAV3", "planned", `(?s)Unknown improvement action.*Did you mean AdminMFAV2`},
		{"device action", "Intune_BitLockerEncryption", "planned", `(?s)Device improvement actions cannot take a status.*Vulnerability Management exception`},
		{"microsoft defender action", "scid_2002", "risk_accepted", `(?s)managed by Microsoft Defender.*Microsoft Defender portal`},
		{"deprecated action", "AdminMFA", "planned", `(?s)Deprecated improvement action`},
		{"completed is not settable", "AdminMFAV2", "completed", `(?s)completed cannot be set`},
		{"status outside the vocabulary", "AdminMFAV2", "done", `(?s)value must be one of.*to_address.*planned.*risk_accepted.*resolved_through_third_party`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resetEmulator(t)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      resourceConfig(tc.id, tc.status, ""),
					ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
			if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
				t.Errorf("a refused change sent %d PATCH requests", n)
			}
		})
	}
}

// Graph can lag behind a write: the state saved after apply is what was
// written, with no "inconsistent result" error, and the next refresh reads
// the service again.
func TestAccImprovementActionStaleReadBack(t *testing.T) {
	resetEmulator(t)
	open, _ := freshActions(t, 2)
	id := open[0]
	t.Cleanup(func() { acctest.Emu.SetStaleReads(0) })
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { acctest.Emu.SetStaleReads(1) },
			Config:    resourceConfig(id, "risk_accepted", `  notes = "Accepted by the CISO"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("status"), knownvalue.StringExact("risk_accepted")),
				statecheck.ExpectKnownValue(actionAddress, tfjsonpath.New("notes"), knownvalue.StringExact("Accepted by the CISO")),
			},
			Check: expectServiceState(id, "Ignored", "Accepted by the CISO", ""),
		}},
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
// once per Terraform command, never one GET per resource.
func TestAccImprovementActionRefreshOf300UsesThePagedList(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 100, 0)
	open, completed := freshActions(t, 300)
	ids := append(append([]string{}, open...), completed...)
	config := forEachConfig(ids, "planned")
	var refreshCounts map[emulator.Route]int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config:    config,
				PlanOnly:  true,
				ConfigStateChecks: []statecheck.StateCheck{serviceCheck(func() error {
					refreshCounts = acctest.Emu.Counts()
					return nil
				})},
			},
		},
	})
	if refreshCounts == nil {
		refreshCounts = acctest.Emu.Counts()
	}
	total := len(acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles)
	pages := (total + 99) / 100
	lists, gets, scores := refreshCounts[emulator.RouteGraphProfileList], refreshCounts[emulator.RouteGraphProfileGet], refreshCounts[emulator.RouteGraphSecureScores]
	t.Logf("refresh of %d actions (%d profiles, %d pages): %d list requests, %d GETs, %d secureScores requests, %d token requests",
		len(ids), total, pages, lists, gets, scores, refreshCounts[emulator.RouteToken])
	if gets != 0 {
		t.Errorf("a refresh made %d per-resource GETs", gets)
	}
	// Each Terraform command is one provider process: one paged list and one
	// secureScores request each, whatever the number of resources.
	commands := lists / pages
	if lists == 0 || lists%pages != 0 || scores != commands {
		t.Errorf("want whole paged lists (%d pages) and one secureScores request per command, saw %d list and %d secureScores requests", pages, lists, scores)
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: forEachConfig(ids, "risk_accepted"),
			ConfigStateChecks: []statecheck.StateCheck{serviceCheck(func() error {
				for _, id := range ids {
					if err := expectServiceState(id, "Ignored", "managed as code", "")(nil); err != nil {
						return fmt.Errorf("%s: %w", id, err)
					}
				}
				return nil
			})},
		}},
	})
	if n := acctest.Emu.MaxConcurrent(emulator.DefaultTenantID); n > 4 {
		t.Errorf("%d Graph requests were in flight at once; the limit is 4", n)
	}
	t.Logf("requests: %v, max in flight: %d", acctest.Emu.Counts(), acctest.Emu.MaxConcurrent(emulator.DefaultTenantID))
}

// serviceCheck runs a check against the emulator after a step; unlike the
// legacy Check functions it works with for_each addresses.
type serviceCheck func() error

func (f serviceCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// settableProfile is an action of the tenant that takes a status: not a
// Device, Defender-owned or deprecated one, and not yet completed.
func settableProfile(t *testing.T, tenantID string) string {
	t.Helper()
	tenant := acctest.Emu.Tenant(tenantID)
	scores := map[string]float64{}
	for _, c := range tenant.SecureScores[0].ControlScores {
		scores[c.ControlName] = c.Score
	}
	for _, p := range tenant.Profiles {
		if p.ControlCategory != "Device" && !strings.HasPrefix(p.ID, "scid_") && !p.Deprecated && scores[p.ID] < p.MaxScore {
			return p.ID
		}
	}
	t.Fatalf("tenant %s has no settable action", tenantID)
	return ""
}

func serviceStateIn(tenantID, id string) (string, error) {
	for _, p := range acctest.Emu.Tenant(tenantID).Profiles {
		if p.ID == id {
			current, ok := p.CurrentState()
			if !ok {
				return "", nil
			}
			return current.State, nil
		}
	}
	return "", fmt.Errorf("no profile %s in %s", id, tenantID)
}

// One configuration manages actions in several customer tenants.
func TestAccImprovementActionPerTenant(t *testing.T) {
	resetEmulator(t)
	second, third := settableProfile(t, emulator.SecondTenantID), settableProfile(t, emulator.ThirdTenantID)
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(first, tfjsonpath.New("id"), knownvalue.StringExact(emulator.SecondTenantID+"/"+second)),
					serviceCheck(func() error {
						for tenant, id := range map[string]string{emulator.SecondTenantID: second, emulator.ThirdTenantID: third} {
							if state, err := serviceStateIn(tenant, id); err != nil || state != "Reviewed" {
								return fmt.Errorf("%s/%s: state %q: %w", tenant, id, state, err)
							}
						}
						// The home tenant's action of the same name, if any, is untouched.
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig() + fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "test" {
  tenant_id  = %q
  control_id = "AdminMFAV2"
  status     = "planned"
}
`, emulator.ThirdTenantID),
			ExpectError: regexp.MustCompile(`(?s)neither\s+the\s+provider's\s+tenant_id\s+nor\s+one\s+of\s+its\s+auxiliary_tenant_ids`),
		}},
	})
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("a refused tenant got %d PATCH requests", n)
	}
}

func TestAccImprovementActionImportIDIsValidated(t *testing.T) {
	resetEmulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        resourceConfig("AdminMFAV2", "planned", ""),
			ResourceName:  actionAddress,
			ImportState:   true,
			ImportStateId: "not-a-tenant/AdminMFAV2",
			ExpectError:   regexp.MustCompile(`(?s)Invalid import id.*<tenant_id>/<control_id>`),
		}},
	})
}

// Setting a completed action to planned or risk_accepted is allowed, with a
// warning at plan time that the portal shows it as completed anyway.
func TestAccImprovementActionCompletedWarns(t *testing.T) {
	resetEmulator(t)
	open, completed := freshActions(t, 2)
	for _, tc := range []struct {
		id, status  string
		wantWarning bool
	}{
		{completed[0], "planned", true},
		{completed[0], "risk_accepted", true},
		{completed[0], "to_address", false},
		{open[0], "planned", false},
	} {
		resp := planResourceCreate(t, "securescore_microsoft365_improvement_action", map[string]tftypes.Value{
			"control_id": tftypes.NewValue(tftypes.String, tc.id),
			"status":     tftypes.NewValue(tftypes.String, tc.status),
		})
		errs, warnings := diagnosticsOf(resp.Diagnostics)
		if len(errs) > 0 {
			t.Fatalf("%s %s: %s: %s", tc.id, tc.status, errs[0].Summary, errs[0].Detail)
		}
		warned := false
		for _, w := range warnings {
			if w.Summary == "Improvement action already completed" && strings.Contains(w.Detail, tc.id) {
				warned = true
			}
		}
		if warned != tc.wantWarning {
			t.Errorf("%s %s: warned %v, want %v (%d warnings)", tc.id, tc.status, warned, tc.wantWarning, len(warnings))
		}
	}
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("planning sent %d PATCH requests", n)
	}
}
