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
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -daysAgo).Format(time.DateOnly)
}

// Hand-written from the emulator's history: Contoso Production scored 56.95
// of 60 (0.9492) until 7 days ago and 50.95 (0.8492) since: -6 points and
// -0.1 over 7 days. Each day's point is its 03:00 snapshot, not the earlier
// streamed record (0.50 points lower).
func TestAccDefenderScoreHistory_sevenDayDrop(t *testing.T) {
	reset(t)
	production := tfjsonpath.New("latest").AtSliceIndex(0)
	runConfig(t, historyConfig(emulator.LogAnalyticsWorkspaceID, "history_days = 8", `subscription_ids = ["7444D220-DC62-4EED-8552-76D7697C3F78"]`, "include_points = true"), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points"), knownvalue.ListSizeExact(8)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"date":                knownvalue.StringExact(utcDay(7)),
			"subscription_id":     knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"current_score":       knownvalue.Float64Exact(56.95),
			"max_score":           knownvalue.Int64Exact(60),
			"percentage":          knownvalue.Float64Exact(0.9492),
			"weight":              knownvalue.Int64Exact(67),
			"generated_date_time": knownvalue.StringExact(utcDay(7)[:10] + "T03:00:00Z"),
		})),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points").AtSliceIndex(1).AtMapKey("current_score"), knownvalue.Float64Exact(50.95)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("latest"), knownvalue.ListSizeExact(1)),
		statecheck.ExpectKnownValue(historyAddress, production, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"subscription_id":              knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"date":                         knownvalue.StringExact(utcDay(0)),
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
// 122.7913 / 143 → 0.8587; the change is -0.0431. Without include_points,
// points is null; latest holds the 5 subscriptions with a point.
func TestAccDefenderScoreHistory_aggregate(t *testing.T) {
	reset(t)
	last := tfjsonpath.New("aggregates").AtSliceIndex(7)
	runConfig(t, historyConfig(emulator.LogAnalyticsWorkspaceID, "history_days = 8"), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("aggregates"), knownvalue.ListSizeExact(8)),
		statecheck.ExpectKnownValue(historyAddress, last, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"date":               knownvalue.StringExact(utcDay(0)),
			"percentage":         knownvalue.Float64Exact(0.8156),
			"subscription_count": knownvalue.Int64Exact(5),
		})),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("aggregates").AtSliceIndex(0).AtMapKey("percentage"), knownvalue.Float64Exact(0.8587)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("percentage_change_7_days"), knownvalue.Float64Exact(-0.0431)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("points"), knownvalue.Null()),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("latest"), knownvalue.ListSizeExact(5)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("history_days"), knownvalue.Int64Exact(8)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("score_name"), knownvalue.StringExact("ascScore")),
	})
	if n := acctest.Emu.Count(emulator.RouteLogAnalyticsQuery); n == 0 || n > 6 {
		t.Errorf("Log Analytics queries = %d; want one per read", n)
	}
}

// Hand-written from the emulator's control history: Contoso Production's 6
// points lost 6 days ago are 3.26 of "Secure management ports" (8 of 8
// before, 4.74 since: 4.74 / 8 = 0.5925) and 2.74 of "Remediate
// vulnerabilities" (5.97 of 6 before, 3.23 since: 0.5383); its 12 other
// controls did not move, so they follow, by name. Of the 14 controls of a
// day, sorted by name, "Secure management ports" (366b404e-…) is the fifth.
func TestAccDefenderScoreHistory_controls(t *testing.T) {
	reset(t)
	changes := tfjsonpath.New("control_changes")
	runConfig(t, historyConfig(emulator.LogAnalyticsWorkspaceID, "history_days = 8", `subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]`, "include_controls = true"), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, changes, knownvalue.ListSizeExact(14)),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"subscription_id":              knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"name":                         knownvalue.StringExact("366b404e-11bc-4a08-9aa8-6a99f18bfdd4"),
			"display_name":                 knownvalue.StringExact("Secure management ports"),
			"date":                         knownvalue.StringExact(utcDay(0)),
			"current_score":                knownvalue.Float64Exact(4.74),
			"max_score":                    knownvalue.Int64Exact(8),
			"percentage":                   knownvalue.Float64Exact(0.5925),
			"current_score_change_7_days":  knownvalue.Float64Exact(-3.26),
			"current_score_change_30_days": knownvalue.Null(),
		})),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(1).AtMapKey("display_name"), knownvalue.StringExact("Remediate vulnerabilities")),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(1).AtMapKey("current_score_change_7_days"), knownvalue.Float64Exact(-2.74)),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(1).AtMapKey("percentage"), knownvalue.Float64Exact(0.5383)),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(2).AtMapKey("display_name"), knownvalue.StringExact("Manage access and permissions")),
		statecheck.ExpectKnownValue(historyAddress, changes.AtSliceIndex(2).AtMapKey("current_score_change_7_days"), knownvalue.Float64Exact(0)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("control_points"), knownvalue.ListSizeExact(8*14)),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("control_points").AtSliceIndex(4), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"date":                          knownvalue.StringExact(utcDay(7)),
			"subscription_id":               knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
			"name":                          knownvalue.StringExact("366b404e-11bc-4a08-9aa8-6a99f18bfdd4"),
			"display_name":                  knownvalue.StringExact("Secure management ports"),
			"current_score":                 knownvalue.Float64Exact(8),
			"max_score":                     knownvalue.Int64Exact(8),
			"percentage":                    knownvalue.Float64Exact(1),
			"healthy_resource_count":        knownvalue.Int64Exact(16),
			"unhealthy_resource_count":      knownvalue.Int64Exact(11),
			"not_applicable_resource_count": knownvalue.Int64Exact(3),
			"generated_date_time":           knownvalue.StringExact(utcDay(7)[:10] + "T03:00:00Z"),
		})),
		// The scores are unchanged by the option.
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("percentage_change_7_days"), knownvalue.Float64Exact(-0.1)),
	})
}

// Without include_controls the control lists are null and one query runs.
func TestAccDefenderScoreHistory_controlsOff(t *testing.T) {
	reset(t)
	runConfig(t, historyConfig(emulator.LogAnalyticsWorkspaceID, "history_days = 2", `subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]`), []statecheck.StateCheck{
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("control_points"), knownvalue.Null()),
		statecheck.ExpectKnownValue(historyAddress, tfjsonpath.New("control_changes"), knownvalue.Null()),
	})
}

// A workspace that continuous export sends the overall score only.
func TestAccDefenderScoreHistory_noControlExport(t *testing.T) {
	reset(t)
	expectConfigError(t, historyConfig(emulator.ScoresOnlyLogAnalyticsWorkspaceID, "include_controls = true"), expectAll(`No control history in the workspace`, phrase("no table SecureScoreControls"), phrase(`select "Control score"`)))
}

// A workspace without continuous export: say so, and how to turn it on.
func TestAccDefenderScoreHistory_noContinuousExport(t *testing.T) {
	reset(t)
	expectConfigError(t, historyConfig(emulator.EmptyLogAnalyticsWorkspaceID), expectAll(`No secure score history in the workspace`, phrase("table SecureScores does not exist"), phrase("Continuous export")))
}

func TestAccDefenderScoreHistory_unknownWorkspace(t *testing.T) {
	reset(t)
	expectConfigError(t, historyConfig("11111111-1111-4111-8111-111111111111"), expectAll(`HTTP 404`, `WorkspaceNotFoundError`))
}

// historyConfig is the score history data source on workspaceID with
// further arguments, one HCL line each.
func historyConfig(workspaceID string, arguments ...string) string {
	config := fmt.Sprintf("\ndata \"securescore_defender_score_history\" \"test\" {\n  workspace_id = %q\n", workspaceID)
	for _, a := range arguments {
		config += "  " + a + "\n"
	}
	return config + "}\n"
}

func TestAccDefenderScoreHistory_planTimeValidation(t *testing.T) {
	reset(t)
	for _, tc := range []struct{ body, expect string }{
		{`workspace_id = "not-a-guid"`, "must be the workspace's Workspace ID (a GUID"},
		{`workspace_id = "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws"`, "not its Azure resource id"},
		{fmt.Sprintf("workspace_id = %q\n  history_days = 366", emulator.LogAnalyticsWorkspaceID), "must be between 1 and 365"},
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
