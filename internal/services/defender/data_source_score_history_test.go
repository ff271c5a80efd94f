package defender_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const historyAddress = "data.securescore_defender_score_history.test"

func utcDay(daysAgo int) string {
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -daysAgo).Format(time.RFC3339)
}

// Hand-written from the emulator's history: Contoso Production scored 56.95
// of 60 (0.9492) until 7 days ago and 50.95 (0.8492) since: -6 points and
// -0.1 over 7 days. Each day's point is its 03:00 snapshot, not the earlier
// streamed record (0.50 points lower).
func TestAccDefenderScoreHistory_sevenDayDrop(t *testing.T) {
	reset(t)
	production := tfjsonpath.New("latest_by_subscription_id").AtMapKey("7444d220-dc62-4eed-8552-76d7697c3f78")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_score_history" "test" {
  workspace_id     = %q
  days             = 8
  subscription_ids = ["7444D220-DC62-4EED-8552-76D7697C3F78"]
}`, emulator.LogAnalyticsWorkspaceID), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points"), knownvalue.ListSizeExact(8)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"day_date_time":       knownvalue.StringExact(utcDay(7)),
			"subscription_id":     knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"current_score":       knownvalue.Float64Exact(56.95),
			"max_score":           knownvalue.Int64Exact(60),
			"percentage":          knownvalue.Float64Exact(0.9492),
			"weight":              knownvalue.Int64Exact(67),
			"generated_date_time": knownvalue.StringExact(utcDay(7)[:10] + "T03:00:00Z"),
		})),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points").AtSliceIndex(1).AtMapKey("current_score"), knownvalue.Float64Exact(50.95)),
		statecheck.ExpectKnownValue(historyAddress, production, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"day_date_time":                knownvalue.StringExact(utcDay(0)),
			"current_score":                knownvalue.Float64Exact(50.95),
			"percentage":                   knownvalue.Float64Exact(0.8492),
			"current_score_change_7_days":  knownvalue.Float64Exact(-6),
			"current_score_change_30_days": knownvalue.Null(), // 8 days hold no day 30 days ago
			"percentage_change_7_days":     knownvalue.Float64Exact(-0.1),
			"percentage_change_30_days":    knownvalue.Null(),
		})),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("percentage_change_7_days"), knownvalue.Float64Exact(-0.1)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("percentage_change_30_days"), knownvalue.Null()),
	})
}

// Every scored Contoso subscription. Today: (0.8492 × 67 + 0.5912 × 23 +
// 0.9041 × 41 + 0.7559 × 12) / 143 = 116.6329 / 143 → 0.8156 (Sandbox has
// weight 0). Seven days ago Production was at 0.9492 and the others 0.35
// points lower (0.05 a day): Development 33.94 / 58 → 0.5852, Shared
// Services 39.43 / 44 → 0.8961, Data Platform 41.98 / 56 → 0.7496, so
// 122.7913 / 143 → 0.8587; the change is -0.0431.
func TestAccDefenderScoreHistory_aggregate(t *testing.T) {
	reset(t)
	last := tfjsonpath.New("aggregates").AtSliceIndex(7)
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_score_history" "test" {
  workspace_id = %q
  days         = 8
}`, emulator.LogAnalyticsWorkspaceID), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("aggregates"), knownvalue.ListSizeExact(8)),
		statecheck.ExpectKnownValue(historyAddress, last, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"day_date_time":      knownvalue.StringExact(utcDay(0)),
			"percentage":         knownvalue.Float64Exact(0.8156),
			"subscription_count": knownvalue.Int64Exact(5),
		})),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("aggregates").AtSliceIndex(0).AtMapKey("percentage"), knownvalue.Float64Exact(0.8587)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("percentage_change_7_days"), knownvalue.Float64Exact(-0.0431)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points"), knownvalue.ListSizeExact(40)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("days"), knownvalue.Int64Exact(8)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("score_name"), knownvalue.StringExact("ascScore")),
	})
	if n := acctest.Emu.Count(emulator.RouteLogAnalyticsQuery); n == 0 || n > 6 {
		t.Errorf("Log Analytics queries = %d; want one per read", n)
	}
}

// A workspace without continuous export: say so, and how to turn it on.
func TestAccDefenderScoreHistory_noContinuousExport(t *testing.T) {
	reset(t)
	expectConfigError(t, fmt.Sprintf(`
data "securescore_defender_score_history" "test" {
  workspace_id = %q
}`, emulator.EmptyLogAnalyticsWorkspaceID), expectAll(`No secure score history in the workspace`, phrase("table SecureScores does not exist"), phrase("Continuous export")))
}

func TestAccDefenderScoreHistory_unknownWorkspace(t *testing.T) {
	reset(t)
	expectConfigError(t, `
data "securescore_defender_score_history" "test" {
  workspace_id = "11111111-1111-4111-8111-111111111111"
}`, expectAll(`HTTP 404`, `WorkspaceNotFoundError`))
}

func TestAccDefenderScoreHistory_planTimeValidation(t *testing.T) {
	reset(t)
	for _, tc := range []struct{ body, expect string }{
		{`workspace_id = "not-a-guid"`, "must be the workspace's Workspace ID (a GUID"},
		{`workspace_id = "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws"`, "not its Azure resource id"},
		{fmt.Sprintf("workspace_id = %q\n  days = 366", emulator.LogAnalyticsWorkspaceID), "must be between 1 and 365"},
	} {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      acctest.ProviderConfig() + "data \"securescore_defender_score_history\" \"test\" {\n  " + tc.body + "\n}",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(phrase(tc.expect)),
			}},
		})
	}
	if n := acctest.Emu.Count(emulator.RouteLogAnalyticsQuery); n != 0 {
		t.Errorf("invalid configurations made %d Log Analytics queries", n)
	}
}
