package microsoft365

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func marchDay(day int) *time.Time {
	t := time.Date(2025, 3, day, 9, 30, 0, 0, time.UTC)
	return &t
}

func entry(name string, score float64) *client.ControlScore {
	return &client.ControlScore{ControlName: name, Score: client.Number(score)}
}

func TestNewActionMapsEveryField(t *testing.T) {
	synced := time.Date(2025, 3, 21, 3, 0, 0, 0, time.UTC)
	profile := client.ControlProfile{
		ID: "BlockLegacyAuthentication", Title: "Block legacy authentication", ControlCategory: "Identity", Service: "AzureAD",
		ActionType: "Config", Tier: "Defense In Depth", MaxScore: client.Number(8), Rank: 3, UserImpact: "moderate", ImplementationCost: "low",
		Threats: []string{"Account breach"}, Remediation: `<p>Do <b>this</b>.</p>`, RemediationImpact: "Some prompts.",
		ActionURL: "https://entra.microsoft.com/",
		ComplianceInformation: []client.ComplianceInformation{
			{CertificationName: "NIST", CertificationControls: []client.CertificationControl{{Name: "IA-2", URL: "u"}, {Name: "IA-5"}}},
			{CertificationName: "Empty"},
		},
		// Stored out of order: the newest by date is the second entry; the
		// placeholder is no update.
		ControlStateUpdates: []client.ControlStateUpdate{
			{State: "Reviewed", Comment: "pilot", AssignedTo: "alex", UpdatedBy: "megan", UpdatedDateTime: marchDay(10)},
			{State: "ThirdParty", Comment: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20)},
			{State: "Default"},
			{State: "Ignored", Comment: "printers", UpdatedBy: "lee", UpdatedDateTime: marchDay(5)},
		},
	}
	score := &client.ControlScore{ControlName: "blocklegacyauthentication", Score: client.Number(2.5),
		ImplementationStatus: "The setting is not compliant.", LastSynced: client.FlexTime{Time: &synced}}
	got := NewAction(profile, score)
	want := Action{
		ID: "BlockLegacyAuthentication", Title: "Block legacy authentication", Category: "Identity", Service: "AzureAD",
		ActionType: "Config", Tier: "Defense In Depth", MaxScore: 8, MaxScoreKnown: true, InScore: true, Score: 2.5, PointsRemaining: 5.5, Rank: 3,
		UserImpact: "Moderate", ImplementationCost: "Low", Threats: []string{"Account breach"},
		Remediation: `<p>Do <b>this</b>.</p>`, RemediationImpact: "Some prompts.", ActionURL: "https://entra.microsoft.com/",
		ImplementationStatus: "The setting is not compliant.", LastSynced: &synced,
		Status: StatusResolvedThroughThirdParty, State: "ThirdParty",
		Notes: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20),
		Compliance: []Compliance{{CertificationName: "NIST", ControlNames: []string{"IA-2", "IA-5"}}, {CertificationName: "Empty", ControlNames: []string{}}},
		QuickWin:   false, // resolved through a third party: nothing left to do
		History: []StateChange{
			{State: "Ignored", Status: StatusRiskAccepted, Comment: "printers", UpdatedBy: "lee", UpdatedDateTime: marchDay(5)},
			{State: "Reviewed", Status: StatusPlanned, Comment: "pilot", AssignedTo: "alex", UpdatedBy: "megan", UpdatedDateTime: marchDay(10)},
			{State: "ThirdParty", Status: StatusResolvedThroughThirdParty, Comment: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20)},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// A profile the newest score does not list counts in no total: no score,
// no points remaining, never a quick win.
func TestActionNotInScore(t *testing.T) {
	a := NewAction(client.ControlProfile{ID: "meeting_restrictanonymousjoin_v1", MaxScore: client.Number(2), ImplementationCost: "Low", UserImpact: "Low",
		ControlStateUpdates: []client.ControlStateUpdate{{State: "Default"}}}, nil)
	if a.InScore || a.Score != 0 || a.PointsRemaining != 0 || a.QuickWin || a.Status != StatusToAddress || len(a.History) != 0 || a.UpdatedDateTime != nil {
		t.Errorf("%+v", a)
	}
	// Deprecated actions are out of the score even when an entry exists.
	d := NewAction(client.ControlProfile{ID: "AdminMFA", MaxScore: client.Number(10), Deprecated: true}, entry("AdminMFA", 0))
	if d.InScore || d.PointsRemaining != 0 {
		t.Errorf("deprecated: %+v", d)
	}
}

// Quick wins: in the score, points remaining, a status a team can act on,
// Low cost and Low impact however the service spells them.
func TestQuickWins(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cost, impact string
		state        string
		score, max   float64
		want         bool
	}{
		{"Low and low", "Low", "low", "", 0, 3, true},
		{"in progress", "low", "LOW", "", 1, 3, true},
		{"planned", "Low", "Low", "Reviewed", 0, 3, true},
		{"Medium is not Low", "Medium", "Low", "", 0, 3, false},
		{"Unknown is not Low", "Unknown", "Low", "", 0, 3, false},
		{"null is not Low", "", "Low", "", 0, 3, false},
		{"completed", "Low", "Low", "", 3, 3, false},
		{"risk accepted", "Low", "Low", "Ignored", 0, 3, false},
		{"third party", "Low", "Low", "ThirdParty", 0, 3, false},
	} {
		p := client.ControlProfile{ID: "x", MaxScore: client.Number(tc.max), ImplementationCost: tc.cost, UserImpact: tc.impact}
		if tc.state != "" {
			p.ControlStateUpdates = []client.ControlStateUpdate{{State: tc.state, UpdatedDateTime: marchDay(1)}}
		}
		if got := NewAction(p, entry("x", tc.score)).QuickWin; got != tc.want {
			t.Errorf("%s: quick win %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewActionsMatchesScoresCaseInsensitively(t *testing.T) {
	snapshot := &client.SecureScore{ControlScores: []client.ControlScore{{ControlName: "ADMINMFAV2", Score: client.Number(4)}}}
	a := NewActions([]client.ControlProfile{{ID: "AdminMFAV2", MaxScore: client.Number(10)}}, snapshot)[0]
	if !a.InScore || a.Score != 4 || a.PointsRemaining != 6 || a.Status != StatusInProgress {
		t.Errorf("%+v", a)
	}
}

func ids(actions []Action) string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.ID
	}
	return strings.Join(out, " ")
}

func TestSortActions(t *testing.T) {
	actions := func() []Action {
		return []Action{
			{ID: "rank1_remaining2", Rank: 1, InScore: true, PointsRemaining: 2},
			{ID: "rank5_remaining8", Rank: 5, InScore: true, PointsRemaining: 8},
			{ID: "rank3_remaining8", Rank: 3, InScore: true, PointsRemaining: 8},
			{ID: "rank2_quickwin3", Rank: 2, InScore: true, PointsRemaining: 3, QuickWin: true},
			{ID: "rank0_outside", Rank: 0},
			{ID: "rank4_done", Rank: 4, InScore: true},
		}
	}
	for _, tc := range []struct {
		orderBy        string
		quickWinsFirst bool
		want           string
	}{
		{OrderByPointsRemaining, false, "rank3_remaining8 rank5_remaining8 rank2_quickwin3 rank1_remaining2 rank4_done rank0_outside"},
		{OrderByRank, false, "rank1_remaining2 rank2_quickwin3 rank3_remaining8 rank4_done rank5_remaining8 rank0_outside"},
		{OrderByPointsRemaining, true, "rank2_quickwin3 rank3_remaining8 rank5_remaining8 rank1_remaining2 rank4_done rank0_outside"},
		{OrderByRank, true, "rank2_quickwin3 rank1_remaining2 rank3_remaining8 rank4_done rank5_remaining8 rank0_outside"},
	} {
		a := actions()
		SortActions(a, tc.orderBy, tc.quickWinsFirst)
		if got := ids(a); got != tc.want {
			t.Errorf("%s, quick wins first %v:\n got  %s\n want %s", tc.orderBy, tc.quickWinsFirst, got, tc.want)
		}
	}
}

func TestFilterActions(t *testing.T) {
	actions := []Action{
		{ID: "teams", Category: "Apps", Service: "MS Teams", Status: StatusToAddress, InScore: true},
		{ID: "atp", Category: "Identity", Service: "Azure ATP", Status: StatusPlanned, InScore: true},
		{ID: "unlicensed", Category: "Apps", Service: "MDA_SF", Status: StatusToAddress},
		{ID: "retired", Category: "Identity", Service: "AzureAD", Status: StatusToAddress, Deprecated: true},
		{ID: "quick", Category: "Data", Service: "EXO", Status: StatusInProgress, InScore: true, QuickWin: true},
	}
	for _, tc := range []struct {
		name   string
		filter ActionFilter
		want   string
	}{
		{"default: in score, not deprecated", ActionFilter{}, "teams atp quick"},
		{"services case- and space-insensitively", ActionFilter{Services: []string{"msteams", "AZURE ATP"}}, "teams atp"},
		{"categories", ActionFilter{Categories: []string{"apps"}}, "teams"},
		{"not in score on request", ActionFilter{IncludeNotInScore: true, Categories: []string{"Apps"}}, "teams unlicensed"},
		{"deprecated on request", ActionFilter{IncludeDeprecated: true}, "teams atp retired quick"},
		{"statuses exactly", ActionFilter{Statuses: []string{StatusInProgress, StatusPlanned}}, "atp quick"},
		{"quick wins", ActionFilter{OnlyQuickWins: true}, "quick"},
	} {
		if got := ids(FilterActions(actions, tc.filter)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Device actions are the scid_ profiles of MDATP (or category Device when a
// tenant sends it); Intune's profiles come as Apps and are managed here.
func TestDeviceActions(t *testing.T) {
	for _, tc := range []struct {
		p    client.ControlProfile
		want bool
	}{
		{client.ControlProfile{ID: "scid_2000", ControlCategory: "Device", Service: "MDATP"}, true},
		{client.ControlProfile{ID: "SCID_5001", ControlCategory: "", Service: ""}, true},
		{client.ControlProfile{ID: "mde_onboarded_devices", ControlCategory: "Apps", Service: "mdatp"}, true},
		{client.ControlProfile{ID: "legacy_device", ControlCategory: "Device", Service: "Other"}, true},
		{client.ControlProfile{ID: "Intune_BitLockerEncryption", ControlCategory: "Apps", Service: "Intune"}, false},
		{client.ControlProfile{ID: "AdminMFAV2", ControlCategory: "Identity", Service: "AzureAD"}, false},
	} {
		if got := IsDeviceAction(tc.p); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.p.ID, got, tc.want)
		}
		if refusal := Unmanageable(tc.p); (refusal != nil) != tc.want {
			t.Errorf("%s: refusal %+v", tc.p.ID, refusal)
		}
	}
	if r := Unmanageable(client.ControlProfile{ID: "AdminMFA", Deprecated: true}); r == nil || r.Summary != "Deprecated improvement action" {
		t.Errorf("deprecated: %+v", r)
	}
}

func TestRecordedDecision(t *testing.T) {
	for _, tc := range []struct {
		name    string
		updates []client.ControlStateUpdate
		want    bool
	}{
		{"none", nil, false},
		{"the placeholder", []client.ControlStateUpdate{{State: "Default"}}, false},
		{"Default with no notes", []client.ControlStateUpdate{{State: "Default", UpdatedBy: "megan", UpdatedDateTime: marchDay(2)}}, false},
		{"risk accepted", []client.ControlStateUpdate{{State: "Ignored", Comment: "the helpdesk handles resets", UpdatedDateTime: marchDay(2)}}, true},
		{"Default with notes", []client.ControlStateUpdate{{State: "Default", Comment: "waiting for licences", UpdatedDateTime: marchDay(2)}}, true},
		{"Default with an assignee", []client.ControlStateUpdate{{State: "Default", AssignedTo: "lee", UpdatedDateTime: marchDay(2)}}, true},
		{"reset after a decision", []client.ControlStateUpdate{
			{State: "Reviewed", Comment: "pilot", UpdatedDateTime: marchDay(1)},
			{State: "Default", UpdatedDateTime: marchDay(9)},
		}, false},
	} {
		got := RecordedDecision(client.ControlProfile{ID: "x", ControlStateUpdates: tc.updates})
		if (got != nil) != tc.want {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
	u := client.ControlStateUpdate{State: "Ignored", Comment: "the helpdesk handles resets", UpdatedBy: "megan.bowen@contoso.com", UpdatedDateTime: marchDay(2)}
	if got, want := describeDecision(u), `status risk_accepted (Graph state "Ignored"), notes "the helpdesk handles resets", set by megan.bowen@contoso.com on 2025-03-02T09:30:00Z`; got != want {
		t.Errorf("describeDecision:\n got  %s\n want %s", got, want)
	}
}
