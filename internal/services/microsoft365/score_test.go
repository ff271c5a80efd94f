package microsoft365

import (
	"reflect"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// workedProfiles are Woodgrove Bank's actions (the emulator's worked tenant,
// internal/emulator/worked_tenant.go), one documented rule each.
func workedProfiles() ([]client.ControlProfile, client.SecureScore) {
	decided := func(state, comment string) []client.ControlStateUpdate {
		return []client.ControlStateUpdate{{State: state, Comment: comment, UpdatedBy: "megan", UpdatedDateTime: marchDay(3)}}
	}
	placeholder := []client.ControlStateUpdate{{State: "Default"}}
	p := func(id, category string, max float64, cost, impact string, updates []client.ControlStateUpdate) client.ControlProfile {
		return client.ControlProfile{ID: id, ControlCategory: category, MaxScore: client.Number(max), ImplementationCost: cost, UserImpact: impact, ControlStateUpdates: updates}
	}
	profiles := []client.ControlProfile{
		p("AdminMFAV2", "Identity", 10, "Low", "low", placeholder),
		p("BlockLegacyAuthentication", "Identity", 8, "Medium", "Moderate", placeholder),
		p("SelfServicePasswordReset", "Identity", 1, "Low", "Low", decided("Ignored", "the helpdesk handles resets")),
		p("mdo_safeattachments", "Apps", 8, "low", "Low", decided("ThirdParty", "Proofpoint")),
		p("mdo_zapspam", "Apps", 3, "Low", "Low", placeholder),
		p("DLPEnabled", "Data", 10, "Moderate", "Unknown", decided("Reviewed", "Q3")),
		p("exo_mailboxaudit", "Data", 5, "", "", decided("resolvedThroughAlternateMitigation", "SIEM")),
		p("scid_2000", "Device", 7, "Low", "Low", placeholder),
		p("meeting_restrictanonymousjoin_v1", "Apps", 2, "Unknown", "Unknown", placeholder),
		p("AdminMFA", "Identity", 10, "Low", "Low", placeholder),
	}
	profiles[9].Deprecated = true
	cs := func(name, category string, score float64) client.ControlScore {
		return client.ControlScore{ControlName: name, ControlCategory: category, Score: client.Number(score)}
	}
	snapshot := client.SecureScore{CurrentScore: client.Number(24), MaxScore: client.Number(52), ControlScores: []client.ControlScore{
		cs("AdminMFAV2", "Identity", 10), cs("BlockLegacyAuthentication", "Identity", 4), cs("SelfServicePasswordReset", "Identity", 0),
		cs("mdo_safeattachments", "Apps", 8), cs("mdo_zapspam", "Apps", 0), cs("DLPEnabled", "Data", 2),
		cs("exo_mailboxaudit", "Data", 0), cs("scid_2000", "Device", 0),
	}}
	return profiles, snapshot
}

// The figures below are worked out by hand from the table in
// worked_tenant.go and Microsoft's rules; see the data source's docs for
// the same example.
func TestSummarizeWorkedTenant(t *testing.T) {
	profiles, snapshot := workedProfiles()
	actions := NewActions(profiles, &snapshot)
	statuses := map[string]string{}
	for _, a := range actions {
		statuses[a.ID] = a.Status
	}
	wantStatuses := map[string]string{
		"AdminMFAV2": "completed", "BlockLegacyAuthentication": "in_progress", "SelfServicePasswordReset": "risk_accepted",
		"mdo_safeattachments": "resolved_through_third_party", "mdo_zapspam": "to_address", "DLPEnabled": "planned",
		"exo_mailboxaudit": "resolved_through_alternate_mitigation", "scid_2000": "to_address",
		"meeting_restrictanonymousjoin_v1": "to_address", "AdminMFA": "to_address",
	}
	if !reflect.DeepEqual(statuses, wantStatuses) {
		t.Errorf("statuses %v", statuses)
	}
	got := Summarize(snapshot, actions)
	want := ScoreSummary{
		// Open statuses only: BlockLegacyAuthentication 4 + mdo_zapspam 3 + DLPEnabled 8 + scid_2000 7.
		PointsAvailable: 22,
		// The eight actions in the score: 10+8+1+8+3+10+5+7 (Graph's maxScore is the same 52).
		CurrentLicenseScore: 52,
		Categories: map[string]CategoryScore{
			"Identity": {CurrentScore: 14, MaxScore: 19, Percentage: 0.7368}, // 10+4+0 of 10+8+1
			"Apps":     {CurrentScore: 8, MaxScore: 11, Percentage: 0.7273},  // 8+0 of 8+3; the Teams action is not in the score
			"Data":     {CurrentScore: 2, MaxScore: 15, Percentage: 0.1333},  // 2+0 of 10+5
			"Device":   {CurrentScore: 0, MaxScore: 7, Percentage: 0},
		},
		StatusCounts: StatusCounts{Completed: 1, InProgress: 1, ToAddress: 2, Planned: 1, RiskAccepted: 1,
			ResolvedThroughThirdParty: 1, ResolvedThroughAlternateMitigation: 1},
		PlannedScore:    32, // 24 + DLPEnabled's 8
		AchievableScore: 51, // 52 − SelfServicePasswordReset's 1
		InScoreCount:    8,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestSummarizeCategoryWithoutMax(t *testing.T) {
	got := Summarize(client.SecureScore{ControlScores: []client.ControlScore{{ControlCategory: "Other", Score: client.Number(1)}}}, nil)
	if c := got.Categories["Other"]; c.CurrentScore != 1 || c.MaxScore != 0 || c.Percentage != 0 {
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
		out = append(out, client.SecureScore{CreatedDateTime: newest.AddDate(0, 0, -k), CurrentScore: client.Number(float64(100 - k)), MaxScore: client.Number(200)})
	}
	return out
}

func TestHistoryOldestFirst(t *testing.T) {
	s := dailySnapshots(90)
	got := History(s, 3)
	want := []HistoryPoint{
		{Date: "2025-03-29", CurrentScore: client.Number(98), MaxScore: client.Number(200), Percentage: 0.49},
		{Date: "2025-03-30", CurrentScore: client.Number(99), MaxScore: client.Number(200), Percentage: 0.495},
		{Date: "2025-03-31", CurrentScore: client.Number(100), MaxScore: client.Number(200), Percentage: 0.5},
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
	// By date, not by count: a missing day is missing, not replaced by an older one.
	if got := History(dailySnapshots(10, 1, 2), 3); len(got) != 1 || got[0].Date != "2025-03-31" {
		t.Errorf("gaps: %+v", got)
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

// Shaped as Microsoft's example of GET /security/secureScores: maxScore 697
// and currentScore 387, with two controls listed. Worked by hand: the two
// listed actions' max scores add up to 50 + 20 = 70, far below the 387
// points earned; the license total is Graph's 697 instead, so
// current_license_score is 697 and achievable_score 697 − 0 (no action
// risk accepted) = 697, never below current_score; a warning says so.
func TestSummarizeMaxScoreAboveListedActions(t *testing.T) {
	profiles := []client.ControlProfile{
		{ID: "AdminMFA", ControlCategory: "Identity", MaxScore: client.Number(50)},
		{ID: "BlockLegacyAuthentication", ControlCategory: "Identity", MaxScore: client.Number(20)},
	}
	snapshot := client.SecureScore{CurrentScore: client.Number(387), MaxScore: client.Number(697), ControlScores: []client.ControlScore{
		{ControlName: "AdminMFA", ControlCategory: "Identity", Score: client.Number(50)},
		{ControlName: "BlockLegacyAuthentication", ControlCategory: "Identity", Score: client.Number(10)},
	}}
	got := Summarize(snapshot, NewActions(profiles, &snapshot))
	if got.CurrentLicenseScore != 697 || got.AchievableScore != 697 || got.Warning == "" {
		t.Errorf("current_license_score %v, achievable_score %v, warning %q; want 697, 697 and a warning", got.CurrentLicenseScore, got.AchievableScore, got.Warning)
	}
	// The categories still cover the listed actions: 50 + 10 of 70.
	if c := got.Categories["Identity"]; c.CurrentScore != 60 || c.MaxScore != 70 {
		t.Errorf("Identity: %+v", c)
	}
}
