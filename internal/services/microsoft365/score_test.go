package microsoft365

import (
	"reflect"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestSummarize(t *testing.T) {
	snapshot := client.SecureScore{
		CurrentScore: 20, MaxScore: 45,
		ControlScores: []client.ControlScore{
			{ControlCategory: "Identity", ControlName: "a", Score: 4},
			{ControlCategory: "Identity", ControlName: "b", Score: 1.1},
			{ControlCategory: "Data", ControlName: "c", Score: 10},
			{ControlName: "infra", Score: 2.2}, // no category: the action's
			{ControlCategory: "Apps", ControlName: "gone", Score: 0.5},
		},
	}
	actions := []Action{
		{ID: "a", Category: "Identity", MaxScore: 10, PointsRemaining: 6, Status: StatusPlanned},
		{ID: "b", Category: "Identity", MaxScore: 5, PointsRemaining: 3.9, Status: StatusRiskAccepted},
		{ID: "c", Category: "Data", MaxScore: 10, PointsRemaining: 0, Status: StatusCompleted},
		{ID: "d", Category: "Data", MaxScore: 5, PointsRemaining: 5, Status: StatusResolvedThroughThirdParty},
		{ID: "infra", Category: "Infrastructure", MaxScore: 5, PointsRemaining: 2.8, Status: StatusResolvedThroughAlternateMitigation},
		{ID: "e", Category: "Device", MaxScore: 10, PointsRemaining: 10, Status: StatusToAddress},
		{ID: "f", Category: "Apps", MaxScore: 3, PointsRemaining: 3, Status: "something_new"},
		{ID: "old", Category: "Identity", MaxScore: 9, PointsRemaining: 9, Status: StatusPlanned, Deprecated: true},
		{ID: "oldOnly", Category: "Legacy", MaxScore: 9, PointsRemaining: 9, Status: StatusRiskAccepted, Deprecated: true},
	}
	got := Summarize(snapshot, actions)
	want := ScoreSummary{
		PointsAvailable: 6 + 0 + 5 + 2.8 + 10 + 3,
		Categories: map[string]CategoryScore{
			"Identity":       {Score: 5.1, MaxScore: 15, Percentage: 0.34},
			"Data":           {Score: 10, MaxScore: 15, Percentage: 0.6667},
			"Infrastructure": {Score: 2.2, MaxScore: 5, Percentage: 0.44},
			"Device":         {Score: 0, MaxScore: 10, Percentage: 0},
			"Apps":           {Score: 0.5, MaxScore: 3, Percentage: 0.1667},
		},
		StatusCounts:    StatusCounts{Completed: 1, ToAddress: 1, Planned: 1, RiskAccepted: 1, ResolvedThroughThirdParty: 1, Other: 2},
		PlannedScore:    26,
		AchievableScore: 41.1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestSummarizeCategoryWithoutMax(t *testing.T) {
	got := Summarize(client.SecureScore{ControlScores: []client.ControlScore{{ControlCategory: "Other", Score: 1}}}, nil)
	if c := got.Categories["Other"]; c.Score != 1 || c.MaxScore != 0 || c.Percentage != 0 {
		t.Errorf("%+v", c)
	}
}

// dailySnapshots builds n daily snapshots ending on 2025-03-31, newest first;
// skip leaves days out (days ago).
func dailySnapshots(n int, skip ...int) []client.SecureScore {
	newest := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	skipped := map[int]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	var out []client.SecureScore
	for k := range n {
		if skipped[k] {
			continue
		}
		out = append(out, client.SecureScore{CreatedDateTime: newest.AddDate(0, 0, -k), CurrentScore: float64(100 - k), MaxScore: 200})
	}
	return out
}

func TestHistoryOldestFirst(t *testing.T) {
	s := dailySnapshots(90)
	got := History(s, 3)
	want := []HistoryPoint{
		{Date: "2025-03-29", CurrentScore: 98, MaxScore: 200, Percentage: 0.49},
		{Date: "2025-03-30", CurrentScore: 99, MaxScore: 200, Percentage: 0.495},
		{Date: "2025-03-31", CurrentScore: 100, MaxScore: 200, Percentage: 0.5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v", got)
	}
	if got := History(s, 90); len(got) != 90 || got[0].Date != "2025-01-01" || got[89].Date != "2025-03-31" {
		t.Errorf("90 days: %d, %s … %s", len(got), got[0].Date, got[89].Date)
	}
	if got := History(s[:5], 30); len(got) != 5 {
		t.Errorf("a young tenant: %d", len(got))
	}
	if got := History(nil, 30); len(got) != 0 {
		t.Errorf("no data: %d", len(got))
	}
}

func TestPercentageChange30Days(t *testing.T) {
	// 2025-03-31 at 0.5, 2025-03-01 (30 days earlier) at 0.35.
	if got, ok := PercentageChange30Days(dailySnapshots(31)); !ok || got != 0.15 {
		t.Errorf("daily: %v %v", got, ok)
	}
	// The day 30 days back is missing: the next older one counts.
	if got, ok := PercentageChange30Days(dailySnapshots(32, 30)); !ok || got != 0.155 {
		t.Errorf("gap: %v %v", got, ok)
	}
	if _, ok := PercentageChange30Days(dailySnapshots(30)); ok {
		t.Error("only 29 days of history must give null")
	}
	if _, ok := PercentageChange30Days(nil); ok {
		t.Error("no data must give null")
	}
	// A snapshot computed late in the day still counts by date.
	late := dailySnapshots(31)
	late[0].CreatedDateTime = late[0].CreatedDateTime.Add(23 * time.Hour)
	if _, ok := PercentageChange30Days(late); !ok {
		t.Error("time of day must not matter")
	}
}

func TestHistoryTop(t *testing.T) {
	for days, want := range map[int]int{1: 31, 30: 31, 31: 31, 60: 60, 90: 90} {
		if got := historyTop(days); got != want {
			t.Errorf("%d: %d", days, got)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	s := dailySnapshots(3)
	shuffled := []client.SecureScore{s[2], s[0], s[1]}
	if got := newestFirst(shuffled); !reflect.DeepEqual(got, s) {
		t.Errorf("%+v", got)
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct{ current, max, want float64 }{
		{23.53, 39, 0.6033}, {0, 0, 0}, {5, 0, 0}, {1, 3, 0.3333}, {2, 3, 0.6667},
	} {
		if got := ratio(tc.current, tc.max); got != tc.want {
			t.Errorf("%v/%v: %v", tc.current, tc.max, got)
		}
	}
}
