package microsoft365_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const tenantScores = "data.securescore_microsoft365_tenant_scores.portfolio"

// portfolioTenant adds a consented tenant whose newest score is current of
// max, so a portfolio's figures can be written out by hand.
func portfolioTenant(t *testing.T, id string, current, maxScore float64) {
	t.Helper()
	acctest.Emu.AddTenant(id, "Portfolio "+id[len(id)-4:], 3)
	acctest.Emu.Mutate(id, func(tenant *emulator.Tenant) {
		tenant.SecureScores[0].CurrentScore, tenant.SecureScores[0].MaxScore = current, maxScore
	})
}

func portfolioConfig(auxiliary []string, arguments string) string {
	quoted := make([]string, len(auxiliary))
	for i, id := range auxiliary {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%s]", strings.Join(quoted, ", "))) + fmt.Sprintf(`
data "securescore_microsoft365_tenant_scores" "portfolio" {
%s
}
`, arguments)
}

// Three tenants: Woodgrove Bank at 24 of 52 (0.4615), one at 30 of 40
// (0.75) and one at 10 of 40 (0.25). Weakest first; the portfolio is
// (24 + 30 + 10) / (52 + 40 + 40) = 64 / 132 = 0.4848; the median 0.4615.
func TestAccTenantScoresThreeTenants(t *testing.T) {
	resetEmulator(t)
	const strong, weak = "0a7c1f3e-5d2b-4c1a-9e8f-00000000a075", "0a7c1f3e-5d2b-4c1a-9e8f-00000000a025"
	portfolioTenant(t, strong, 30, 40)
	portfolioTenant(t, weak, 10, 40)
	tenant := func(id string, current, maxScore, percentage float64) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"tenant_id": knownvalue.StringExact(id), "current_score": approx(current), "max_score": approx(maxScore),
			"percentage": approx(percentage), "error": knownvalue.Null(),
		})
	}
	woodgrove := tenant(worked, 24, 52, 0.4615)
	woodgroveEntry := tfjsonpath.New("tenants").AtSliceIndex(1)
	checks := []statecheck.StateCheck{
		acctest.Expect(tenantScores, "tenant_count", knownvalue.Int64Exact(3)),
		acctest.Expect(tenantScores, "failed_tenant_count", knownvalue.Int64Exact(0)),
		acctest.Expect(tenantScores, "portfolio_percentage", approx(0.4848)),
		acctest.Expect(tenantScores, "median_percentage", approx(0.4615)),
		acctest.Expect(tenantScores, "tenants", knownvalue.ListExact([]knownvalue.Check{
			tenant(weak, 10, 40, 0.25), woodgrove, tenant(strong, 30, 40, 0.75),
		})),
		// Woodgrove's history_days = 7 holds its one snapshot in the last 7
		// days; it is second in the list (0.25 < 0.4615 < 0.75).
		statecheck.ExpectKnownValue(tenantScores, woodgroveEntry.AtMapKey("history"), knownvalue.ListSizeExact(1)),
		statecheck.ExpectKnownValue(tenantScores, woodgroveEntry.AtMapKey("percentage_change_30_days"), approx(0.1153)),
		statecheck.ExpectKnownValue(tenantScores, woodgroveEntry.AtMapKey("categories").AtMapKey("Identity"),
			knownvalue.ObjectExact(map[string]knownvalue.Check{"current_score": approx(14), "max_score": approx(19), "percentage": approx(0.7368)})),
	}
	acctest.ApplyConfig(t, portfolioConfig([]string{worked, strong, weak}, fmt.Sprintf("  tenant_ids = [%q, %q, %q]\n  history_days = 7", worked, strong, weak)), checks...)
	// Each tenant got its own token; a token for one tenant is never used for another's data.
	if n := acctest.Emu.Count(emulator.RouteToken); n < 3 {
		t.Errorf("want one token per tenant at least, saw %d token requests", n)
	}
}

func TestAccTenantScoresFailedTenant(t *testing.T) {
	resetEmulator(t)
	aux := []string{emulator.SecondTenantID, emulator.NoConsentTenantID}
	failed := tfjsonpath.New("tenants").AtSliceIndex(2)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: portfolioConfig(aux, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(tenantScores, "tenant_count", knownvalue.Int64Exact(3)),
					acctest.Expect(tenantScores, "failed_tenant_count", knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(tenantScores, failed.AtMapKey("tenant_id"), knownvalue.StringExact(emulator.NoConsentTenantID)),
					statecheck.ExpectKnownValue(tenantScores, failed.AtMapKey("percentage"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tenantScores, failed.AtMapKey("error"),
						knownvalue.StringRegexp(regexp.MustCompile(`consent missing \(AADSTS65001\).*/`+emulator.NoConsentTenantID+`/adminconsent\?client_id=`+emulator.ClientID))),
				},
			},
			{
				Config:      portfolioConfig(aux, "  fail_on_error = true"),
				ExpectError: regexp.MustCompile(`(?s)Tenants could not be read.*AADSTS65001`),
			},
		},
	})
}

func TestAccTenantScoresRefusesTenantOutsideTheAllowedList(t *testing.T) {
	resetEmulator(t)
	acctest.ExpectConfigError(t, portfolioConfig([]string{emulator.SecondTenantID}, fmt.Sprintf("  tenant_ids = [%q]", emulator.ThirdTenantID)), regexp.MustCompile(`(?s)Tenant not allowed.*auxiliary_tenant_ids`))
	if n := acctest.Emu.Count(emulator.RouteToken); n != 0 {
		t.Errorf("a refused tenant still requested %d tokens", n)
	}
}

// Fifty customer tenants through one configuration: timings are logged for
// the closing note, never asserted.
func TestAccTenantScoresFiftyTenants(t *testing.T) {
	resetEmulator(t)
	ids := acctest.Emu.AddTenants(47)
	aux := append([]string{emulator.SecondTenantID, emulator.ThirdTenantID}, ids...)
	start := time.Now()
	acctest.ApplyConfig(t, portfolioConfig(aux, "  history_days = 0"),
		acctest.Expect(tenantScores, "tenant_count", knownvalue.Int64Exact(50)),
		acctest.Expect(tenantScores, "failed_tenant_count", knownvalue.Int64Exact(0)),
		acctest.Expect(tenantScores, "tenants", knownvalue.ListSizeExact(50)))
	t.Logf("50 tenants: %s for the test step (plan, apply, refresh and plan: 3 reads), requests %v, max Graph requests in flight for the home tenant %d",
		time.Since(start).Round(time.Millisecond), acctest.Emu.Counts(), acctest.Emu.MaxConcurrent(emulator.DefaultTenantID))
}
