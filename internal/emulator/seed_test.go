package emulator

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestSeededGraphWorld(t *testing.T) {
	e := New(Options{})
	tenant := e.Tenant(DefaultTenantID)
	if n := len(tenant.Profiles); n < 60 || n > 70 {
		t.Fatalf("%d profiles", n)
	}
	categories := map[string]int{}
	states := map[string]bool{}
	deprecated, scid, outOfOrder := 0, 0, false
	maxScore := 0.0
	profiles := map[string]*ControlProfile{}
	for _, p := range tenant.Profiles {
		profiles[p.ID] = p
		categories[p.ControlCategory]++
		if p.Deprecated {
			deprecated++
		} else if !notInScore[p.ID] {
			maxScore += p.MaxScore
		}
		if strings.HasPrefix(p.ID, "scid_") {
			scid++
		}
		for i, u := range p.ControlStateUpdates {
			states[u.State] = true
			if i > 0 && u.UpdatedDateTime.Before(p.ControlStateUpdates[i-1].UpdatedDateTime) {
				outOfOrder = true
			}
		}
		if p.Extra == nil {
			t.Errorf("%s has no extra field", p.ID)
		}
	}
	for _, c := range []string{"Identity", "Data", "Device", "Apps", "Infrastructure"} {
		if categories[c] == 0 {
			t.Errorf("no %s profile", c)
		}
	}
	for _, s := range []string{"Default", "Reviewed", "Ignored", "ThirdParty", "resolvedThroughAlternateMitigation"} {
		if !states[s] {
			t.Errorf("no %s state", s)
		}
	}
	if deprecated != 2 || scid != 4 || !outOfOrder {
		t.Fatalf("deprecated %d, scid %d, out of order %v", deprecated, scid, outOfOrder)
	}
	if cur, _ := profiles["BlockLegacyAuthentication"].CurrentState(); cur.State != "ThirdParty" {
		t.Fatalf("newest by date: %+v", cur)
	}

	if len(tenant.SecureScores) != 90 {
		t.Fatalf("%d snapshots", len(tenant.SecureScores))
	}
	for i, s := range tenant.SecureScores {
		if i > 0 && !s.CreatedDateTime.Before(tenant.SecureScores[i-1].CreatedDateTime) {
			t.Fatal("snapshots not newest first")
		}
		var sum float64
		for _, cs := range s.ControlScores {
			p := profiles[cs.ControlName]
			if p == nil || p.Deprecated || cs.Score < 0 || cs.Score > p.MaxScore {
				t.Fatalf("%s: bad control score %+v", s.ID, cs)
			}
			sum += cs.Score
		}
		if round2(sum) != s.CurrentScore || s.MaxScore != maxScore {
			t.Fatalf("%s: current %v vs Σ %v, max %v vs %v", s.ID, s.CurrentScore, sum, s.MaxScore, maxScore)
		}
	}
	newest := tenant.SecureScores[0]
	completed := 0
	for _, cs := range newest.ControlScores {
		if cs.Score == profiles[cs.ControlName].MaxScore {
			completed++
		}
	}
	if completed == 0 || len(newest.ControlScores) >= len(tenant.Profiles)-deprecated {
		t.Fatalf("completed %d, scored %d of %d", completed, len(newest.ControlScores), len(tenant.Profiles)-deprecated)
	}

	// Open-typed extras reach the wire, with mixed string/number categories.
	b, _ := json.Marshal(newest)
	var wire map[string]any
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	acs := wire["averageComparativeScores"].([]any)
	bases := []string{}
	kinds := map[string]bool{}
	for _, a := range acs {
		bases = append(bases, path(a, "basis").(string))
		switch path(a, "identityScore").(type) {
		case string:
			kinds["string"] = true
		case float64:
			kinds["number"] = true
		}
	}
	if !slices.Equal(bases, []string{"AllTenants", "TotalSeats", "IndustryTypes"}) || !kinds["string"] || !kinds["number"] ||
		path(acs[1], "SeatSizeRangeLowerValue") == nil || path(acs[0], "identityScoreMax") == nil || path(acs[2], "categoryValue") == nil {
		t.Fatalf("comparative scores: %v", acs)
	}
	// Periods without comparison data: every value -1.
	oldest, _ := json.Marshal(tenant.SecureScores[89])
	if !strings.Contains(string(oldest), `"averageScore":-1`) {
		t.Errorf("no -1 period: %s", oldest)
	}
	// Untouched profiles carry the live service's placeholder update, in nulls.
	untouched, _ := json.Marshal(profiles["OneAdmin"])
	if !strings.Contains(string(untouched), `"controlStateUpdates":[{"assignedTo":null,"comment":null,"state":"Default","updatedBy":null,"updatedDateTime":null}]`) ||
		!strings.Contains(string(untouched), `"lastModifiedDateTime":null`) {
		t.Errorf("untouched profile: %s", untouched)
	}
	for _, key := range []string{"scoreInPercentage", "implementationStatus", "lastSynced"} {
		if path(wire["controlScores"].([]any)[0], key) == nil {
			t.Errorf("controlScore lacks %s", key)
		}
	}

	// Deep copies: mutating the result changes nothing.
	tenant.Profiles[0].Title = "mutated"
	tenant.SecureScores[0].ControlScores[0].Extra["scoreInPercentage"] = -1
	again := e.Tenant(DefaultTenantID)
	if again.Profiles[0].Title == "mutated" || again.SecureScores[0].ControlScores[0].Extra["scoreInPercentage"] == -1 {
		t.Fatal("Tenant returned shared data")
	}

	for _, id := range []string{SecondTenantID, ThirdTenantID} {
		other := e.Tenant(id)
		if len(other.Profiles) != 20 || len(other.SecureScores) != 90 || len(other.Subscriptions) == 0 {
			t.Errorf("%s: %d profiles, %d snapshots, %d subscriptions", id, len(other.Profiles), len(other.SecureScores), len(other.Subscriptions))
		}
	}
	// Determinism: a second emulator seeds the same world.
	if a, b := e.Tenant(DefaultTenantID), New(Options{}).Tenant(DefaultTenantID); a.SecureScores[0].CurrentScore != b.SecureScores[0].CurrentScore ||
		a.Subscriptions[1].ID != b.Subscriptions[1].ID || a.Subscriptions[2].Scores[0].Current != b.Subscriptions[2].Scores[0].Current {
		t.Fatal("seed is not deterministic")
	}
}
