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
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const scoreAddress = "data.securescore_microsoft365_score.test"

// workedScoreConfig reads Woodgrove Bank's score.
func workedScoreConfig(arguments string) string {
	return workedData("securescore_microsoft365_score", arguments)
}

func scoreCheck(attribute string, check knownvalue.Check) statecheck.StateCheck {
	return acctest.Expect(scoreAddress, attribute, check)
}

func category(current, maxScore, percentage float64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"current_score": approx(current), "max_score": approx(maxScore), "percentage": approx(percentage),
	})
}

func historyPoint(date string, current, maxScore, percentage float64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"date": knownvalue.StringExact(date[:10]), "current_score": approx(current), "max_score": approx(maxScore), "percentage": approx(percentage),
	})
}

// workedScoreChecks are Woodgrove Bank's figures, worked out by hand:
//
//   - 24 of 52 points: 24/52 = 0.4615; 30 days earlier 18/52 = 0.3462, a
//     change of 0.1153.
//   - Eight actions count (the Teams action is not in the score, AdminMFA is
//     deprecated); their maxima add up to 52, Graph's maxScore.
//   - points available: the open actions only, BlockLegacyAuthentication 4 +
//     mdo_zapspam 3 + DLPEnabled 8 + scid_2000 7 = 22 (not the third-party,
//     alternate-mitigation or risk-accepted ones).
//   - planned: 24 + DLPEnabled's 8 = 32; achievable: 52 − the risk-accepted
//     SelfServicePasswordReset's 1 = 51.
func workedScoreChecks() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		scoreCheck("tenant_id", knownvalue.StringExact(worked)),
		scoreCheck("id", knownvalue.StringExact(worked+"_"+day(0, 0)[:10])),
		scoreCheck("created_date_time", knownvalue.StringExact(day(0, 0))),
		scoreCheck("current_score", approx(24)),
		scoreCheck("max_score", approx(52)),
		scoreCheck("percentage", approx(0.4615)),
		scoreCheck("active_user_count", knownvalue.Int64Exact(80)),
		scoreCheck("licensed_user_count", knownvalue.Int64Exact(100)),
		scoreCheck("enabled_services", stringList("HasAzureAD", "HasExchange", "HasMDO")),
		scoreCheck("points_available", approx(22)),
		scoreCheck("current_license_score", approx(52)),
		scoreCheck("in_score_count", knownvalue.Int64Exact(8)),
		scoreCheck("categories", knownvalue.MapExact(map[string]knownvalue.Check{
			"Identity": category(14, 19, 0.7368), // AdminMFAV2 10 + BlockLegacyAuthentication 4 + SelfServicePasswordReset 0, of 10 + 8 + 1
			"Apps":     category(8, 11, 0.7273),  // mdo_safeattachments 8 + mdo_zapspam 0, of 8 + 3
			"Data":     category(2, 15, 0.1333),  // DLPEnabled 2 + exo_mailboxaudit 0, of 10 + 5
			"Device":   category(0, 7, 0),        // scid_2000
		})),
		scoreCheck("comparisons", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"basis": knownvalue.StringExact("AllTenants"), "average_score": approx(41.5),
				"category_average_scores": knownvalue.MapExact(map[string]knownvalue.Check{"Identity": approx(12.5), "Data": approx(7), "Infrastructure": approx(0)}),
				"category_max_scores":     knownvalue.MapExact(map[string]knownvalue.Check{"Identity": approx(40), "Data": approx(20), "Infrastructure": approx(0)}),
				"details":                 knownvalue.MapExact(map[string]knownvalue.Check{}),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"basis": knownvalue.StringExact("TotalSeats"), "average_score": approx(38.25),
				"category_average_scores": knownvalue.MapExact(map[string]knownvalue.Check{"Apps": approx(9)}),
				"category_max_scores":     knownvalue.MapExact(map[string]knownvalue.Check{"Apps": approx(30)}),
				// Sent as SeatSizeRange…Value, exposed in one spelling.
				"details": knownvalue.MapExact(map[string]knownvalue.Check{
					"seatSizeRangeLowerValue": knownvalue.StringExact("100"), "seatSizeRangeUpperValue": knownvalue.StringExact("500")}),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				// -1 is no data: null, never an average.
				"basis": knownvalue.StringExact("IndustryTypes"), "average_score": knownvalue.Null(),
				"category_average_scores": knownvalue.MapExact(map[string]knownvalue.Check{"Identity": knownvalue.Null()}),
				"category_max_scores":     knownvalue.MapExact(map[string]knownvalue.Check{}),
				"details":                 knownvalue.MapExact(map[string]knownvalue.Check{"categoryValue": knownvalue.StringExact("Financial Services")}),
			}),
		})),
		// The last 30 days hold today's score only; the one 30 days back
		// is the 31st day, which the change still compares with.
		scoreCheck("history", knownvalue.ListExact([]knownvalue.Check{historyPoint(day(0, 0), 24, 52, 0.4615)})),
		scoreCheck("percentage_change_30_days", approx(0.1153)),
		scoreCheck("status_counts", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"completed":                             knownvalue.Int64Exact(1), // AdminMFAV2
			"in_progress":                           knownvalue.Int64Exact(1), // BlockLegacyAuthentication
			"to_address":                            knownvalue.Int64Exact(2), // mdo_zapspam, scid_2000
			"planned":                               knownvalue.Int64Exact(1), // DLPEnabled
			"risk_accepted":                         knownvalue.Int64Exact(1), // SelfServicePasswordReset
			"resolved_through_third_party":          knownvalue.Int64Exact(1), // mdo_safeattachments, full points and all
			"resolved_through_alternate_mitigation": knownvalue.Int64Exact(1), // exo_mailboxaudit
			"other":                                 knownvalue.Int64Exact(0),
		})),
		scoreCheck("planned_score", approx(32)),
		scoreCheck("achievable_score", approx(51)),
	}
}

// Every attribute of the worked tenant, with the default 30 days of history.
func TestAccMicrosoft365Score_workedTenant(t *testing.T) {
	resetEmulator(t)
	acctest.ApplyConfig(t, workedScoreConfig(""), append(workedScoreChecks(), scoreCheck("history_days", knownvalue.Int64Exact(30)))...)
}

// history_days 31 reaches the score 30 days back, 1 keeps the newest day;
// the 30-day change is there whatever history_days is; out-of-range values
// fail at plan time.
func TestAccMicrosoft365Score_historyDays(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: workedScoreConfig("history_days = 0"), ExpectError: regexp.MustCompile(`history_days[\s\S]*between 1 and 90`)},
			{Config: workedScoreConfig("history_days = 91"), ExpectError: regexp.MustCompile(`between 1 and 90`)},
			{Config: workedScoreConfig("history_days = 31"), ConfigStateChecks: []statecheck.StateCheck{
				scoreCheck("history", knownvalue.ListExact([]knownvalue.Check{
					historyPoint(day(30, 0), 18, 52, 0.3462),
					historyPoint(day(0, 0), 24, 52, 0.4615),
				})),
			}},
			{Config: workedScoreConfig("history_days = 1"), ConfigStateChecks: []statecheck.StateCheck{
				scoreCheck("history", knownvalue.ListExact([]knownvalue.Check{historyPoint(day(0, 0), 24, 52, 0.4615)})),
				scoreCheck("percentage_change_30_days", approx(0.1153)),
			}},
		},
	})
}

// Pages of 2 with a 429 in the middle of the profile list: the retry
// fetches the page and every figure still matches.
func TestAccMicrosoft365Score_pagesOfTwoThrottled(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 2, 0)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Status: 429, RetryAfter: "1", Page: 3, Times: 1})
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:            workedScoreConfig(""),
			ConfigStateChecks: workedScoreChecks(),
			Check: func(*terraform.State) error {
				// Each read walks the 10 profiles in 5 pages, plus the one
				// throttled request.
				if got := acctest.Emu.Count(emulator.RouteGraphProfileList); got < 6 || (got-1)%5 != 0 {
					return fmt.Errorf("%d profile list requests; want a multiple of 5 pages plus the throttled one", got)
				}
				return nil
			},
		}},
	})
}

// A later page that fails is an error, never a shorter list.
func TestAccMicrosoft365Score_failedLaterPage(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 2, 0)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Malformed: true, Page: 3})
	acctest.ExpectConfigError(t, workedScoreConfig(""), regexp.MustCompile(`page 3 failed, so the list is incomplete`))
}

// 403 names the missing permission.
func TestAccMicrosoft365Score_forbidden(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetGraphRoles(emulator.ClientID)
	acctest.ExpectConfigError(t, workedScoreConfig(""), regexp.MustCompile(`HTTP 403[\s\S]*Grant it the Microsoft Graph\s+application\s+permission\s+SecurityEvents\.Read\.All`))
}

// tenant_id: a tenant outside auxiliary_tenant_ids is refused, a malformed
// one fails at plan time with one error; without tenant_id the provider's
// tenant is read and named.
func TestAccMicrosoft365Score_tenantID(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_microsoft365_score" "test" {
  tenant_id = %q
}
`, worked),
				ExpectError: regexp.MustCompile(`auxiliary_tenant_ids`),
			},
			{
				Config:      strings.Replace(workedScoreConfig(""), fmt.Sprintf("tenant_id = %q", worked), `tenant_id = "contoso"`, 1),
				ExpectError: regexp.MustCompile(`directory \(tenant\) id`),
			},
			{
				Config: acctest.ProviderConfig() + `
data "securescore_microsoft365_score" "test" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{scoreCheck("tenant_id", knownvalue.StringExact(emulator.DefaultTenantID))},
			},
		},
	})
}

// A 206 Partial Content with a Warning is a warning, and the read succeeds.
func TestAccMicrosoft365Score_partialContentWarns(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetFault(emulator.RouteGraphSecureScores, emulator.Fault{Warning: `199 - "Microsoft/SecureScore/500/1234"`})
	resp := readDataSource(t, "securescore_microsoft365_score", map[string]tftypes.Value{
		"tenant_id": tftypes.NewValue(tftypes.String, worked), "history_days": tftypes.NewValue(tftypes.Number, 3)})
	errs, warnings := diagnosticsOf(resp.Diagnostics)
	if len(errs) > 0 {
		t.Fatalf("error: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	if len(warnings) != 1 || warnings[0].Summary != "Partial data from Microsoft Graph" ||
		!strings.Contains(warnings[0].Detail, `Microsoft/SecureScore/500/1234`) || !strings.Contains(warnings[0].Detail, "206") {
		t.Fatalf("warnings: %+v", warnings)
	}
	if resp.State == nil {
		t.Fatal("no state")
	}
}

// One error per mistake: a tenant_id that is not a GUID is one diagnostic.
func TestAccMicrosoft365Score_oneErrorForABadTenant(t *testing.T) {
	resetEmulator(t)
	server, schemas := configuredServer(t)
	typ := schemas.DataSourceSchemas["securescore_microsoft365_score"].ValueType().(tftypes.Object)
	config := dynamicValue(t, typ, objectValue(t, typ, map[string]tftypes.Value{"tenant_id": tftypes.NewValue(tftypes.String, "contoso")}))
	resp, err := server.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "securescore_microsoft365_score", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := diagnosticsOf(resp.Diagnostics); len(errs) != 1 || !strings.Contains(errs[0].Detail, "directory (tenant) id") {
		t.Errorf("want one error naming a tenant id, got %+v", errs)
	}
}
