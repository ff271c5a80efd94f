package microsoft365_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const actionsAddress = "data.securescore_microsoft365_improvement_actions.test"

func actionsConfig(arguments string) string {
	return workedData("securescore_microsoft365_improvement_actions", arguments)
}

func actionsStep(arguments string, ids ...string) resource.TestStep {
	return resource.TestStep{
		Config:            actionsConfig(arguments),
		ConfigStateChecks: []statecheck.StateCheck{acctest.Expect(actionsAddress, "actions", workedList(ids...))},
	}
}

// Every attribute of every listed action, in each documented order. The
// default lists the eight actions in the score, by points remaining (most
// first), then Microsoft's rank: DLPEnabled 8, scid_2000 7,
// exo_mailboxaudit 5, BlockLegacyAuthentication 4, mdo_zapspam 3,
// SelfServicePasswordReset 1, then AdminMFAV2 (rank 1) and
// mdo_safeattachments (rank 4) with nothing left.
func TestAccMicrosoft365ImprovementActions_orders(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: actionsConfig(`order_by = "portal"`), ExpectError: regexp.MustCompile(`order_by[\s\S]*points_remaining[\s\S]*rank`)},
			actionsStep("", "DLPEnabled", "scid_2000", "exo_mailboxaudit", "BlockLegacyAuthentication", "mdo_zapspam", "SelfServicePasswordReset", "AdminMFAV2", "mdo_safeattachments"),
			actionsStep(`order_by = "rank"`, "AdminMFAV2", "BlockLegacyAuthentication", "SelfServicePasswordReset", "mdo_safeattachments", "mdo_zapspam", "DLPEnabled", "exo_mailboxaudit", "scid_2000"),
			actionsStep(`quick_wins_first = true`, "scid_2000", "mdo_zapspam", "DLPEnabled", "exo_mailboxaudit", "BlockLegacyAuthentication", "SelfServicePasswordReset", "AdminMFAV2", "mdo_safeattachments"),
		},
	})
}

// Each filter alone and combined; values compare case- and space-insensitively.
func TestAccMicrosoft365ImprovementActions_filters(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: actionsConfig(`statuses = ["done"]`), ExpectError: regexp.MustCompile(`statuses`)},
			actionsStep(`include_not_in_score = true`, "DLPEnabled", "scid_2000", "exo_mailboxaudit", "BlockLegacyAuthentication", "mdo_zapspam", "SelfServicePasswordReset", "AdminMFAV2", "mdo_safeattachments", "meeting_restrictanonymousjoin_v1"),
			actionsStep(`include_deprecated = true
  order_by = "rank"`, "AdminMFAV2", "BlockLegacyAuthentication", "SelfServicePasswordReset", "mdo_safeattachments", "mdo_zapspam", "DLPEnabled", "exo_mailboxaudit", "scid_2000", "AdminMFA"),
			actionsStep(`services = ["msteams", "mdo"]
  include_not_in_score = true`, "mdo_zapspam", "mdo_safeattachments", "meeting_restrictanonymousjoin_v1"),
			actionsStep(`categories = ["IDENTITY"]`, "BlockLegacyAuthentication", "SelfServicePasswordReset", "AdminMFAV2"),
			actionsStep(`statuses = ["in_progress", "resolved_through_alternate_mitigation"]`, "exo_mailboxaudit", "BlockLegacyAuthentication"),
			actionsStep(`only_quick_wins = true`, "scid_2000", "mdo_zapspam"),
			actionsStep(`categories = ["Apps"]
  statuses = ["to_address"]`, "mdo_zapspam"),
		},
	})
}

// Pages of 2 with a 429 on page 3: the whole list, in order.
func TestAccMicrosoft365ImprovementActions_pagesOfTwoThrottled(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 2, 0)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Status: 429, RetryAfter: "1", Page: 3, Times: 1})
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			actionsStep(`order_by = "rank"`, "AdminMFAV2", "BlockLegacyAuthentication", "SelfServicePasswordReset", "mdo_safeattachments", "mdo_zapspam", "DLPEnabled", "exo_mailboxaudit", "scid_2000"),
		},
	})
}

// 403 names the permission; a failed later page fails the read.
func TestAccMicrosoft365ImprovementActions_errors(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
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
					acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{WrongShape: true, Page: 2})
				},
				Config:      actionsConfig(""),
				ExpectError: regexp.MustCompile(`page 2 failed, so the list is incomplete`),
			},
		},
	})
}

// A 206 on the profile list is a warning, not a failure.
func TestAccMicrosoft365ImprovementActions_partialContentWarns(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Warning: `199 - "Microsoft/SecureScore/503/87"`})
	resp := readDataSource(t, "securescore_microsoft365_improvement_actions", map[string]tftypes.Value{"tenant_id": tftypes.NewValue(tftypes.String, worked)})
	errs, warnings := diagnosticsOf(resp.Diagnostics)
	if len(errs) > 0 || len(warnings) != 1 || !strings.Contains(warnings[0].Detail, "Microsoft/SecureScore/503/87") {
		t.Fatalf("errors %+v, warnings %+v", errs, warnings)
	}
}

// An OData special value where a number belongs ("NaN", as live tenants
// send them) is no value, named in a warning; nothing else changes.
func TestAccMicrosoft365ImprovementActions_specialValue(t *testing.T) {
	resetEmulator(t)
	setMaxScoreText := func(text string) {
		acctest.Emu.Mutate(worked, func(tenant *emulator.Tenant) {
			for _, p := range tenant.Profiles {
				if p.ID == "AdminMFA" {
					p.MaxScoreText = text
				}
			}
		})
	}
	setMaxScoreText("NaN")
	t.Cleanup(func() { setMaxScoreText("") })
	resp := readDataSource(t, "securescore_microsoft365_improvement_actions", map[string]tftypes.Value{
		"tenant_id": tftypes.NewValue(tftypes.String, worked), "include_deprecated": tftypes.NewValue(tftypes.Bool, true)})
	errs, warnings := diagnosticsOf(resp.Diagnostics)
	if len(errs) > 0 || len(warnings) != 1 || warnings[0].Summary != "Numbers missing in Microsoft Graph's answer" ||
		!strings.Contains(warnings[0].Detail, "AdminMFA") || !strings.Contains(warnings[0].Detail, `maxScore ("NaN")`) {
		t.Fatalf("errors %+v, warnings %+v", errs, warnings)
	}
	acctest.ApplyConfig(t, actionsConfig(`include_deprecated = true
  categories = ["Identity"]
  order_by = "rank"`),
		statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("actions").AtSliceIndex(3).AtMapKey("control_id"), knownvalue.StringExact("AdminMFA")),
		statecheck.ExpectKnownValue(actionsAddress, tfjsonpath.New("actions").AtSliceIndex(3).AtMapKey("max_score"), knownvalue.Null()))
}
