package emulator

import (
	"strings"
	"testing"
)

// A risk-accepted action (current state Ignored) earns no points from the
// day it was accepted, as Microsoft documents; before that day it earned
// what it earned. Contoso's SelfServicePasswordReset was accepted 30 days
// ago (seedStates), so the newest snapshot scores it 0 and the one 31 days
// ago does not: it earned 0.24 of 1 point before the change.
func TestRiskAcceptedEarnsNothing(t *testing.T) {
	e := New(Options{})
	for _, id := range []string{DefaultTenantID, SecondTenantID, ThirdTenantID, WorkedTenantID} {
		tn := e.tenants[strings.ToLower(id)]
		for _, p := range tn.Profiles {
			cur, ok := p.CurrentState()
			if !ok || cur.State != "Ignored" {
				continue
			}
			for _, cs := range tn.SecureScores[0].ControlScores {
				if cs.ControlName == p.ID && cs.Score != 0 {
					t.Errorf("%s: risk-accepted %s scores %g in the newest snapshot, want 0", tn.DisplayName, p.ID, cs.Score)
				}
			}
		}
	}
	contoso := e.tenants[strings.ToLower(DefaultTenantID)]
	score := func(daysAgo int) float64 {
		for _, cs := range contoso.SecureScores[daysAgo].ControlScores {
			if cs.ControlName == "SelfServicePasswordReset" {
				return cs.Score
			}
		}
		t.Fatalf("SelfServicePasswordReset missing %d days ago", daysAgo)
		return 0
	}
	if s := score(30); s != 0 {
		t.Errorf("scored %g on the day it was accepted, want 0", s)
	}
	if s := score(31); s == 0 {
		t.Error("scored 0 the day before it was accepted: its history was lost")
	}
}
