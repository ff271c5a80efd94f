package microsoft365_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const scoreAddress = "data.securescore_microsoft365_score.test"

func scoreConfig(arguments string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_microsoft365_score" "test" {
%s
}
`, arguments)
}

// scoreChecks checks every attribute of the score data source against values
// computed from the emulator's raw data of tenantID.
func scoreChecks(t *testing.T, tenantID string, historyDays int) []statecheck.StateCheck {
	t.Helper()
	tenant := acctest.Emu.Tenant(tenantID)
	newest := newestSnapshot(t, tenant)
	actions := expectedActions(t, tenant)

	var available, planned, riskAccepted float64
	counts := map[string]int64{}
	categoryMax := map[string]float64{}
	for _, a := range actions {
		if a.profile.Deprecated {
			continue
		}
		categoryMax[a.profile.ControlCategory] += a.profile.MaxScore
		switch a.status {
		case "completed", "to_address", "planned", "risk_accepted", "resolved_through_third_party":
			counts[a.status]++
		default:
			counts["other"]++
		}
		if a.status != "risk_accepted" {
			available += a.remaining
		}
		if a.status == "planned" {
			planned += a.remaining
		}
		if a.status == "risk_accepted" {
			riskAccepted += a.remaining
		}
	}
	categoryScore := map[string]float64{}
	for _, cs := range newest.ControlScores {
		categoryScore[cs.ControlCategory] += cs.Score
	}
	categories := map[string]knownvalue.Check{}
	for name, maxScore := range categoryMax {
		categories[name] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"score":      approx(categoryScore[name]),
			"max_score":  approx(maxScore),
			"percentage": approx(ratio4(categoryScore[name], maxScore)),
		})
	}
	for name := range categoryScore {
		if _, ok := categoryMax[name]; !ok {
			t.Fatalf("category %s has points but no action", name)
		}
	}

	comparisons := []knownvalue.Check{}
	for _, c := range newest.AverageComparativeScores {
		perCategory := map[string]knownvalue.Check{}
		details := map[string]knownvalue.Check{}
		for key, value := range c.Extra {
			if category, ok := strings.CutSuffix(key, "Score"); ok {
				var f float64
				switch v := value.(type) {
				case string:
					var err error
					if f, err = strconv.ParseFloat(v, 64); err != nil {
						t.Fatal(err)
					}
				case float64:
					f = v
				default:
					t.Fatalf("%s: %T", key, value)
				}
				perCategory[strings.ToUpper(category[:1])+category[1:]] = approx(f)
				continue
			}
			details[key] = knownvalue.StringExact(value.(string))
		}
		comparisons = append(comparisons, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"basis":                   knownvalue.StringExact(c.Basis),
			"average_score":           approx(c.AverageScore),
			"category_average_scores": knownvalue.MapExact(perCategory),
			"details":                 knownvalue.MapExact(details),
		}))
	}

	history := []knownvalue.Check{}
	for i := min(historyDays, len(tenant.SecureScores)) - 1; i >= 0; i-- {
		s := tenant.SecureScores[i]
		history = append(history, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"date":          knownvalue.StringExact(s.CreatedDateTime.UTC().Format("2006-01-02")),
			"current_score": approx(s.CurrentScore),
			"max_score":     approx(s.MaxScore),
			"percentage":    approx(ratio4(s.CurrentScore, s.MaxScore)),
		}))
	}
	monthAgo := tenant.SecureScores[30]
	if got := newest.CreatedDateTime.Sub(monthAgo.CreatedDateTime); got != 30*24*time.Hour {
		t.Fatalf("the 31st snapshot is %v older, not 30 days", got)
	}

	check := func(attribute string, value knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(scoreAddress, tfjsonpath.New(attribute), value)
	}
	return []statecheck.StateCheck{
		check("tenant_id", knownvalue.StringExact(tenantID)), // first: callers replace it
		check("history_days", knownvalue.Int64Exact(int64(historyDays))),
		check("id", knownvalue.StringExact(newest.ID)),
		check("created_date_time", knownvalue.StringExact(rfc3339(newest.CreatedDateTime))),
		check("current_score", approx(newest.CurrentScore)),
		check("max_score", approx(newest.MaxScore)),
		check("percentage", approx(ratio4(newest.CurrentScore, newest.MaxScore))),
		check("active_user_count", knownvalue.Int64Exact(int64(newest.ActiveUserCount))),
		check("licensed_user_count", knownvalue.Int64Exact(int64(newest.LicensedUserCount))),
		check("enabled_services", stringList(newest.EnabledServices)),
		check("points_available", approx(available)),
		check("categories", knownvalue.MapExact(categories)),
		check("comparisons", knownvalue.ListExact(comparisons)),
		check("history", knownvalue.ListExact(history)),
		check("percentage_change_30_days", approx(ratio4(newest.CurrentScore, newest.MaxScore)-ratio4(monthAgo.CurrentScore, monthAgo.MaxScore))),
		check("status_counts", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"completed":                    knownvalue.Int64Exact(counts["completed"]),
			"to_address":                   knownvalue.Int64Exact(counts["to_address"]),
			"planned":                      knownvalue.Int64Exact(counts["planned"]),
			"risk_accepted":                knownvalue.Int64Exact(counts["risk_accepted"]),
			"resolved_through_third_party": knownvalue.Int64Exact(counts["resolved_through_third_party"]),
			"other":                        knownvalue.Int64Exact(counts["other"]),
		})),
		check("planned_score", approx(newest.CurrentScore+planned)),
		check("achievable_score", approx(newest.MaxScore-riskAccepted)),
	}
}

// Every attribute on the seeded tenant, with the default 30 days of history.
func TestAccMicrosoft365Score_basic(t *testing.T) {
	resetEmulator(t)
	checks := scoreChecks(t, emulator.DefaultTenantID, 30)
	// The seeded tenant exercises every branch: sanity-check the seed itself.
	tenant := acctest.Emu.Tenant(emulator.DefaultTenantID)
	seen := map[string]bool{}
	for _, a := range expectedActions(t, tenant) {
		seen[a.status] = true
		seen["category:"+a.profile.ControlCategory] = true
	}
	for _, want := range []string{"completed", "to_address", "planned", "risk_accepted", "resolved_through_third_party", "resolved_through_alternate_mitigation", "category:Infrastructure"} {
		if !seen[want] {
			t.Fatalf("the seeded tenant has no %s", want)
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            scoreConfig(""),
			ConfigStateChecks: checks,
		}},
	})
}

// history_days 1 and 90 (30 is the default above); the 30-day change is
// there whatever history_days is; out-of-range values fail at plan time.
func TestAccMicrosoft365Score_historyDays(t *testing.T) {
	resetEmulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: scoreConfig("history_days = 0"), ExpectError: regexp.MustCompile(`history_days[\s\S]*between 1 and 90`)},
			{Config: scoreConfig("history_days = 91"), ExpectError: regexp.MustCompile(`between 1 and 90`)},
			{Config: scoreConfig("history_days = 1"), ConfigStateChecks: scoreChecks(t, emulator.DefaultTenantID, 1)},
			{Config: scoreConfig("history_days = 30"), ConfigStateChecks: scoreChecks(t, emulator.DefaultTenantID, 30)},
			{Config: scoreConfig("history_days = 90"), ConfigStateChecks: scoreChecks(t, emulator.DefaultTenantID, 90)},
		},
	})
}

// Pages of 2 with a 429 in the middle of both lists: the retry fetches the
// page and every value still matches.
func TestAccMicrosoft365Score_pagesOfTwoThrottled(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetPageSizes(0, 2, 0)
	acctest.Emu.SetFault(emulator.RouteGraphProfileList, emulator.Fault{Status: 429, RetryAfter: "1", Page: 3, Times: 1})
	acctest.Emu.SetFault(emulator.RouteGraphSecureScores, emulator.Fault{Status: 429, RetryAfter: "0.5", Page: 2, Times: 1})
	profiles := len(acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            scoreConfig("history_days = 7"),
			ConfigStateChecks: scoreChecks(t, emulator.DefaultTenantID, 7),
			Check: func(*terraform.State) error {
				// Each read walks every page: 31 pages of profiles and 16 of
				// scores ($top=31), plus the one throttled request of each.
				pages, scorePages := (profiles+1)/2, 16
				if got := acctest.Emu.Count(emulator.RouteGraphProfileList); got < pages+1 || (got-1)%pages != 0 {
					return fmt.Errorf("%d profile list requests; want a multiple of %d pages plus the throttled one", got, pages)
				}
				if got := acctest.Emu.Count(emulator.RouteGraphSecureScores); got < scorePages+1 || (got-1)%scorePages != 0 {
					return fmt.Errorf("%d secure score requests; want a multiple of %d pages ($top=31) plus the throttled one", got, scorePages)
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      scoreConfig(""),
			ExpectError: regexp.MustCompile(`page 3 failed, so the list is incomplete`),
		}},
	})
}

// 403 names the missing permission.
func TestAccMicrosoft365Score_forbidden(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetGraphRoles(emulator.ClientID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      scoreConfig(""),
			ExpectError: regexp.MustCompile(`HTTP 403[\s\S]*Grant it the Microsoft Graph\s+application\s+permission\s+SecurityEvents\.Read\.All`),
		}},
	})
}

// tenant_id: a tenant outside auxiliary_tenant_ids is refused; a listed one
// is read with its own data.
func TestAccMicrosoft365Score_tenantID(t *testing.T) {
	resetEmulator(t)
	tenantArgument := fmt.Sprintf("tenant_id = %q", emulator.SecondTenantID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      scoreConfig(tenantArgument),
				ExpectError: regexp.MustCompile(`auxiliary_tenant_ids`),
			},
			{
				Config: acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%q]", emulator.SecondTenantID)) + fmt.Sprintf(`
data "securescore_microsoft365_score" "test" {
  %s
}
`, tenantArgument),
				ConfigStateChecks: scoreChecks(t, emulator.SecondTenantID, 30),
			},
			{
				Config:      scoreConfig(`tenant_id = "not-a-guid"`),
				ExpectError: regexp.MustCompile(`directory \(tenant\) id`),
			},
			{
				// "" is the home tenant, and stays "" as configured.
				Config:            scoreConfig(`tenant_id = ""`),
				ConfigStateChecks: append(scoreChecks(t, emulator.DefaultTenantID, 30)[1:], statecheck.ExpectKnownValue(scoreAddress, tfjsonpath.New("tenant_id"), knownvalue.StringExact(""))),
			},
		},
	})
}

// A 206 Partial Content with a Warning does not fail the read.
func TestAccMicrosoft365Score_partialContent(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetFault(emulator.RouteGraphSecureScores, emulator.Fault{Warning: `199 - "Microsoft/SecureScore/500/1234"`})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            scoreConfig(""),
			ConfigStateChecks: scoreChecks(t, emulator.DefaultTenantID, 30),
		}},
	})
}

// The 206's Warning reaches the user as a warning diagnostic, and the read succeeds.
func TestAccMicrosoft365Score_partialContentWarns(t *testing.T) {
	resetEmulator(t)
	acctest.Emu.SetFault(emulator.RouteGraphSecureScores, emulator.Fault{Warning: `199 - "Microsoft/SecureScore/500/1234"`})
	resp := readDataSource(t, "securescore_microsoft365_score", map[string]tftypes.Value{"history_days": tftypes.NewValue(tftypes.Number, 3)})
	errs, warnings := diagnosticsOf(resp.Diagnostics)
	if len(errs) > 0 {
		t.Fatalf("error: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	// One per page answered with 206 ($top=31 is two pages of 25).
	if len(warnings) != 2 {
		t.Fatalf("%d warnings, want 2", len(warnings))
	}
	for _, w := range warnings {
		if w.Summary != "Partial data from Microsoft Graph" || !strings.Contains(w.Detail, `Microsoft/SecureScore/500/1234`) || !strings.Contains(w.Detail, "206") {
			t.Fatalf("warning: %s: %s", w.Summary, w.Detail)
		}
	}
	if resp.State == nil {
		t.Fatal("no state")
	}
}
