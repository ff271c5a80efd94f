package microsoft365_test

import (
	"fmt"
	"math"
	"regexp"
	"sort"
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

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// tenantPercentage is current/max of the tenant's newest snapshot, from the emulator's data.
func tenantPercentage(t *testing.T, tenantID string) (current, maxScore, percentage float64) {
	t.Helper()
	newest := acctest.Emu.Tenant(tenantID).SecureScores[0]
	return newest.CurrentScore, newest.MaxScore, round4(newest.CurrentScore / newest.MaxScore)
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

func TestAccTenantScoresThreeTenants(t *testing.T) {
	resetEmulator(t)
	tenants := []string{emulator.DefaultTenantID, emulator.SecondTenantID, emulator.ThirdTenantID}
	type expected struct {
		id                  string
		current, max, ratio float64
	}
	var want []expected
	var sumCurrent, sumMax float64
	for _, id := range tenants {
		c, m, p := tenantPercentage(t, id)
		want = append(want, expected{id, c, m, p})
		sumCurrent += c
		sumMax += m
	}
	sort.Slice(want, func(i, j int) bool { return want[i].ratio < want[j].ratio })
	ratios := []float64{want[0].ratio, want[1].ratio, want[2].ratio}

	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("tenant_count"), knownvalue.Int64Exact(3)),
		statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("failed_tenant_count"), knownvalue.Int64Exact(0)),
		statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("portfolio_percentage"), knownvalue.Float64Exact(round4(sumCurrent/sumMax))),
		statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("median_percentage"), knownvalue.Float64Exact(ratios[1])),
	}
	for i, w := range want {
		tenant := tfjsonpath.New("tenants").AtSliceIndex(i)
		checks = append(checks,
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("tenant_id"), knownvalue.StringExact(w.id)),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("current_score"), knownvalue.Float64Exact(w.current)),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("max_score"), knownvalue.Float64Exact(w.max)),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("percentage"), knownvalue.Float64Exact(w.ratio)),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("error"), knownvalue.Null()),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("history"), knownvalue.ListSizeExact(7)),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("percentage_change_30_days"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue(tenantScores, tenant.AtMapKey("categories").AtMapKey("Identity").AtMapKey("max_score"), knownvalue.NotNull()),
		)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            portfolioConfig([]string{emulator.SecondTenantID, emulator.ThirdTenantID}, "  history_days = 7"),
			ConfigStateChecks: checks,
		}},
	})
	// Each tenant got its own token; a token for one tenant is never used for another's data.
	if n := acctest.Emu.Count(emulator.RouteToken); n < 3 {
		t.Errorf("want one token per tenant at least, saw %d token requests", n)
	}
}

func TestAccTenantScoresFailedTenant(t *testing.T) {
	resetEmulator(t)
	aux := []string{emulator.SecondTenantID, emulator.NoConsentTenantID}
	failed := tfjsonpath.New("tenants").AtSliceIndex(2)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: portfolioConfig(aux, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("tenant_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("failed_tenant_count"), knownvalue.Int64Exact(1)),
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      portfolioConfig([]string{emulator.SecondTenantID}, fmt.Sprintf("  tenant_ids = [%q]", emulator.ThirdTenantID)),
			ExpectError: regexp.MustCompile(`(?s)Tenant not allowed.*auxiliary_tenant_ids`),
		}},
	})
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: portfolioConfig(aux, "  history_days = 0"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("tenant_count"), knownvalue.Int64Exact(50)),
				statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("failed_tenant_count"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(tenantScores, tfjsonpath.New("tenants"), knownvalue.ListSizeExact(50)),
			},
		}},
	})
	t.Logf("50 tenants: %s for the test step (plan, apply, refresh and plan: 3 reads), requests %v, max Graph requests in flight for the home tenant %d",
		time.Since(start).Round(time.Millisecond), acctest.Emu.Counts(), acctest.Emu.MaxConcurrent(emulator.DefaultTenantID))
}
