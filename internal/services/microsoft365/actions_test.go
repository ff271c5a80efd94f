package microsoft365

import (
	"encoding/json"
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

func TestNewActionMapsEveryField(t *testing.T) {
	profile := client.ControlProfile{
		ID: "BlockLegacyAuthentication", Title: "Block legacy authentication", ControlCategory: "Identity", Service: "AzureAD",
		ActionType: "Config", Tier: "Core", MaxScore: 8, Rank: 3, UserImpact: "Moderate", ImplementationCost: "Low",
		Threats: []string{"PasswordSpray"}, Remediation: `<p>Do <b>this</b>.</p>`, RemediationImpact: "Some prompts.",
		ActionURL: "https://entra.microsoft.com/", Deprecated: false,
		ComplianceInformation: []client.ComplianceInformation{
			{CertificationName: "NIST", CertificationControls: []client.CertificationControl{{Name: "IA-2", URL: "u"}, {Name: "IA-5"}}},
			{CertificationName: "Empty"},
		},
		// Stored out of order: the newest by date is the second entry.
		ControlStateUpdates: []client.ControlStateUpdate{
			{State: "Reviewed", Comment: "pilot", AssignedTo: "alex", UpdatedBy: "megan", UpdatedDateTime: marchDay(10)},
			{State: "ThirdParty", Comment: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20)},
			{State: "Ignored", Comment: "printers", UpdatedBy: "lee", UpdatedDateTime: marchDay(5)},
		},
	}
	got := NewAction(profile, 2.5)
	want := Action{
		ID: "BlockLegacyAuthentication", Title: "Block legacy authentication", Category: "Identity", Service: "AzureAD",
		ActionType: "Config", Tier: "Core", MaxScore: 8, Score: 2.5, PointsRemaining: 5.5, Rank: 3,
		UserImpact: "Moderate", ImplementationCost: "Low", Threats: []string{"PasswordSpray"},
		Remediation: `<p>Do <b>this</b>.</p>`, RemediationImpact: "Some prompts.", ActionURL: "https://entra.microsoft.com/",
		Status: StatusResolvedThroughThirdParty, State: "ThirdParty",
		Notes: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20),
		Compliance: []Compliance{{CertificationName: "NIST", ControlNames: []string{"IA-2", "IA-5"}}, {CertificationName: "Empty", ControlNames: []string{}}},
		QuickWin:   false,
		History: []StateChange{
			{State: "Ignored", Status: StatusRiskAccepted, Comment: "printers", UpdatedBy: "lee", UpdatedDateTime: marchDay(5)},
			{State: "Reviewed", Status: StatusPlanned, Comment: "pilot", AssignedTo: "alex", UpdatedBy: "megan", UpdatedDateTime: marchDay(10)},
			{State: "ThirdParty", Status: StatusResolvedThroughThirdParty, Comment: "okta", AssignedTo: "lee", UpdatedBy: "app", UpdatedDateTime: marchDay(20)},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got.Remediation != profile.Remediation {
		t.Error("remediation HTML must stay as the service returns it")
	}
}

func TestNewActionWithoutUpdates(t *testing.T) {
	a := NewAction(client.ControlProfile{ID: "OneAdmin", MaxScore: 1, ImplementationCost: "Low", UserImpact: "low"}, 0)
	if a.Status != StatusToAddress || a.State != "" || a.Notes != "" || a.AssignedTo != "" || a.UpdatedBy != "" || a.UpdatedDateTime != nil {
		t.Errorf("%+v", a)
	}
	if a.Threats == nil || a.Compliance == nil || a.History == nil {
		t.Error("lists must be empty, not nil")
	}
	if !a.QuickWin || a.PointsRemaining != 1 {
		t.Errorf("quick win %v, remaining %v", a.QuickWin, a.PointsRemaining)
	}
}

func TestNewActionCompletedWinsAndScoreAboveMax(t *testing.T) {
	p := client.ControlProfile{ID: "x", MaxScore: 5, ImplementationCost: "Low", UserImpact: "Low",
		ControlStateUpdates: []client.ControlStateUpdate{{State: "Ignored", UpdatedDateTime: marchDay(1)}}}
	a := NewAction(p, 6)
	if a.Status != StatusCompleted || a.PointsRemaining != 0 || a.QuickWin {
		t.Errorf("%+v", a)
	}
	if a.State != "Ignored" {
		t.Errorf("state %q: the raw state stays available", a.State)
	}
}

func TestQuickWin(t *testing.T) {
	for _, tc := range []struct {
		cost, impact string
		score        float64
		want         bool
	}{
		{"Low", "Low", 0, true},
		{"Low", "Low", 10, false},
		{"Low", "Moderate", 0, false},
		{"Moderate", "Low", 0, false},
		{"LOW", "low", 9.99, true},
		{"", "", 0, false},
	} {
		a := NewAction(client.ControlProfile{MaxScore: 10, ImplementationCost: tc.cost, UserImpact: tc.impact}, tc.score)
		if a.QuickWin != tc.want {
			t.Errorf("%+v: %v", tc, a.QuickWin)
		}
	}
}

func actionIDs(actions []Action) []string {
	out := []string{}
	for _, a := range actions {
		out = append(out, a.ID)
	}
	return out
}

func TestSortActionsPortalOrder(t *testing.T) {
	actions := []Action{
		{ID: "rank2", PointsRemaining: 3, ImplementationCost: "Low", UserImpact: "Low", Rank: 2},
		{ID: "rank1", PointsRemaining: 3, ImplementationCost: "Low", UserImpact: "Low", Rank: 1},
		{ID: "impactHigh", PointsRemaining: 3, ImplementationCost: "Low", UserImpact: "High", Rank: 0},
		{ID: "impactModerate", PointsRemaining: 3, ImplementationCost: "Low", UserImpact: "Moderate", Rank: 0},
		{ID: "costModerate", PointsRemaining: 3, ImplementationCost: "Moderate", UserImpact: "Low", Rank: 0},
		{ID: "costHigh", PointsRemaining: 3, ImplementationCost: "High", UserImpact: "Low", Rank: 0},
		{ID: "costUnknown", PointsRemaining: 3, ImplementationCost: "", UserImpact: "Low", Rank: 0},
		{ID: "most", PointsRemaining: 9, ImplementationCost: "High", UserImpact: "High", Rank: 99},
		{ID: "none", PointsRemaining: 0, ImplementationCost: "Low", UserImpact: "Low", Rank: 1},
		{ID: "b", PointsRemaining: 0, ImplementationCost: "Low", UserImpact: "Low", Rank: 1},
	}
	SortActions(actions)
	want := []string{"most", "rank1", "rank2", "impactModerate", "impactHigh", "costModerate", "costHigh", "costUnknown", "b", "none"}
	if got := actionIDs(actions); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestFilterActions(t *testing.T) {
	actions := []Action{
		{ID: "id1", Category: "Identity", Service: "AzureAD", Status: StatusToAddress, QuickWin: true},
		{ID: "id2", Category: "Identity", Service: "AzureAD", Status: StatusPlanned, Deprecated: true},
		{ID: "data", Category: "Data", Service: "EXO", Status: StatusRiskAccepted},
		{ID: "apps", Category: "Apps", Service: "MDO", Status: StatusCompleted, QuickWin: false},
		{ID: "infra", Category: "Infrastructure", Service: "Azure", Status: "something_new", QuickWin: true},
	}
	for _, tc := range []struct {
		filter ActionFilter
		want   []string
	}{
		{ActionFilter{}, []string{"id1", "data", "apps", "infra"}},
		{ActionFilter{IncludeDeprecated: true}, []string{"id1", "id2", "data", "apps", "infra"}},
		{ActionFilter{Categories: []string{"identity", "INFRASTRUCTURE"}}, []string{"id1", "infra"}},
		{ActionFilter{Categories: []string{"Identity"}, IncludeDeprecated: true}, []string{"id1", "id2"}},
		{ActionFilter{Services: []string{"exo", "MDO"}}, []string{"data", "apps"}},
		{ActionFilter{Statuses: []string{StatusRiskAccepted, StatusCompleted}}, []string{"data", "apps"}},
		{ActionFilter{Statuses: []string{"Planned"}, IncludeDeprecated: true}, []string{}},
		{ActionFilter{OnlyQuickWins: true}, []string{"id1", "infra"}},
		{ActionFilter{OnlyQuickWins: true, Services: []string{"Azure"}}, []string{"infra"}},
		{ActionFilter{Categories: []string{}, Services: []string{}, Statuses: []string{}}, []string{"id1", "data", "apps", "infra"}},
	} {
		if got := actionIDs(FilterActions(actions, tc.filter)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestNewActionsJoinsControlScores(t *testing.T) {
	profiles := []client.ControlProfile{{ID: "AdminMFAV2", MaxScore: 10}, {ID: "Missing", MaxScore: 4}}
	snapshot := &client.SecureScore{ControlScores: []client.ControlScore{{ControlName: "adminmfaV2", Score: 7.5}}}
	got := NewActions(profiles, snapshot)
	if got[0].Score != 7.5 || got[0].PointsRemaining != 2.5 || got[1].Score != 0 || got[1].PointsRemaining != 4 {
		t.Errorf("%+v", got)
	}
	if got := NewActions(profiles, nil); got[0].Score != 0 || got[0].PointsRemaining != 10 {
		t.Errorf("no snapshot: %+v", got[0])
	}
}

func TestFindProfile(t *testing.T) {
	profiles := []client.ControlProfile{{ID: "AdminMFAV2"}, {ID: "dup"}, {ID: "DUP"}, {ID: "Dup"}}
	if p := findProfile(profiles, "AdminMFAV2"); p == nil || p.ID != "AdminMFAV2" {
		t.Error("exact")
	}
	if p := findProfile(profiles, "adminmfav2"); p == nil || p.ID != "AdminMFAV2" {
		t.Error("case-insensitive")
	}
	if p := findProfile(profiles, "Dup"); p == nil || p.ID != "Dup" {
		t.Error("exact among case variants")
	}
	if p := findProfile(profiles, "dUP"); p != nil {
		t.Error("ambiguous must not match")
	}
	if p := findProfile(profiles, "nope"); p != nil {
		t.Error("unknown")
	}
}

func TestActionNotFoundSuggestsClosest(t *testing.T) {
	profiles := []client.ControlProfile{{ID: "AdminMFAV2"}, {ID: "MFARegistrationV2"}, {ID: "OneAdmin"}, {ID: "mdo_zapspam"}}
	d := actionNotFound("tenant-1", "AdminMFAV3", profiles)
	if !strings.Contains(d.Detail(), `Tenant tenant-1 has no improvement action "AdminMFAV3"`) ||
		!strings.Contains(d.Detail(), `Did you mean "AdminMFAV2", `) {
		t.Error(d.Detail())
	}
	if d := actionNotFound("t", "x", nil); !strings.Contains(d.Detail(), "no improvement actions at all") {
		t.Error(d.Detail())
	}
	if got := quoteJoin([]string{"a"}); got != `"a"` {
		t.Error(got)
	}
	if got := quoteJoin([]string{"a", "b", "c"}); got != `"a", "b" or "c"` {
		t.Error(got)
	}
}

// Unknown fields, of any type, in every object never break parsing; the
// per-category comparison values come as strings or numbers.
func TestDecodingIgnoresUnknownFields(t *testing.T) {
	const profileJSON = `{
	  "@odata.context": "x", "id": "AdminMFAV2", "maxScore": 10, "rank": 1, "newTopLevel": {"a": [1, 2]},
	  "controlCategory": "Identity", "deprecated": false, "implementationCost": "Low", "userImpact": "Low",
	  "threats": ["AccountBreach"], "remediation": "<p>x</p>",
	  "complianceInformation": [{"certificationName": "NIST", "extra": 1,
	    "certificationControls": [{"name": "IA-2", "url": "u", "extra": true}]}],
	  "controlStateUpdates": [{"state": "Reviewed", "comment": "c", "updatedDateTime": "2025-03-01T10:00:00Z", "extra": null, "x-unknownField": {"k": "v"}}],
	  "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft", "extra": "y"}
	}`
	var profile client.ControlProfile
	if err := json.Unmarshal([]byte(profileJSON), &profile); err != nil {
		t.Fatal(err)
	}
	const scoreJSON = `{
	  "id": "t_2025-03-01", "createdDateTime": "2025-03-01T00:00:00Z", "currentScore": 2.5, "maxScore": 10,
	  "activeUserCount": 5, "licensedUserCount": 6, "enabledServices": ["HasExchange"], "extra": [1],
	  "averageComparativeScores": [
	    {"basis": "AllTenants", "averageScore": 40.5, "identityScore": "25", "dataScore": 3.5, "weird": {"a": 1}},
	    {"basis": "TotalSeats", "averageScore": "41", "seatSizeRangeLowerValue": "100", "seatSizeRangeUpperValue": 500}
	  ],
	  "controlScores": [{"controlCategory": "Identity", "controlName": "AdminMFAV2", "score": "2.5", "IsApplicable": "true", "count": "3", "lastSynced": "x"}],
	  "vendorInformation": {"provider": "SecureScore"}
	}`
	var score client.SecureScore
	if err := json.Unmarshal([]byte(scoreJSON), &score); err != nil {
		t.Fatal(err)
	}
	a := NewActions([]client.ControlProfile{profile}, &score)[0]
	if a.Score != 2.5 || a.Status != StatusPlanned || a.Notes != "c" || len(a.Compliance) != 1 || a.Compliance[0].ControlNames[0] != "IA-2" {
		t.Errorf("%+v", a)
	}
	models := newComparisonModels(score.AverageComparativeScores)
	if len(models) != 2 || models[0].CategoryAverageScores["Identity"].ValueFloat64() != 25 || models[0].CategoryAverageScores["Data"].ValueFloat64() != 3.5 ||
		models[0].Details["weird"].ValueString() != `{"a": 1}` || models[1].AverageScore.ValueFloat64() != 41 ||
		models[1].Details["seatSizeRangeUpperValue"].ValueString() != "500" || models[1].Details["seatSizeRangeLowerValue"].ValueString() != "100" {
		t.Errorf("%+v", models)
	}
}
