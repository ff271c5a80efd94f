package microsoft365_test

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// TestMain starts the one emulator every acceptance test of the package
// shares; tests therefore do not run in parallel, and each resets it first.
func TestMain(m *testing.M) { acctest.Main(m, emulator.Options{}) }

// resetEmulator clears what an earlier test may have left: faults, counts,
// page sizes, stale reads and Graph permissions.
func resetEmulator(t *testing.T) {
	t.Helper()
	restore := func() {
		acctest.Emu.ClearFaults()
		acctest.Emu.ResetCounts()
		acctest.Emu.SetPageSizes(0, 25, 0)
		acctest.Emu.SetStaleReads(0)
		acctest.Emu.SetStaleReads(0)
		acctest.Emu.SetGraphRoles(emulator.ClientID, emulator.RoleSecurityEventsRead, emulator.RoleSecurityEventsReadWrite)
	}
	restore()
	t.Cleanup(restore)
}

// The expected values below are computed from the emulator's raw data
// (emulator.Tenant), independently of the provider's code.

// expectedStatusOfState is the status vocabulary of the issue, written out again.
var expectedStatusOfState = map[string]string{
	"":                                   "to_address",
	"Default":                            "to_address",
	"Reviewed":                           "planned",
	"Ignored":                            "risk_accepted",
	"ThirdParty":                         "resolved_through_third_party",
	"toAddress":                          "to_address",
	"planned":                            "planned",
	"riskAccepted":                       "risk_accepted",
	"resolvedBy3rdParty":                 "resolved_through_third_party",
	"resolvedThroughAlternateMitigation": "resolved_through_alternate_mitigation",
}

type expectedAction struct {
	profile   *emulator.ControlProfile
	score     float64
	remaining float64
	status    string
	quickWin  bool
	current   *emulator.ControlStateUpdate
}

// newestSnapshot is the newest Graph secure score (the emulator keeps them newest first).
func newestSnapshot(t *testing.T, tenant *emulator.Tenant) *emulator.SecureScore {
	t.Helper()
	newest := tenant.SecureScores[0]
	for _, s := range tenant.SecureScores {
		if s.CreatedDateTime.After(newest.CreatedDateTime) {
			t.Fatal("the emulator's snapshots are not newest first")
		}
	}
	return newest
}

func expectedActions(t *testing.T, tenant *emulator.Tenant) []expectedAction {
	t.Helper()
	scores := map[string]float64{}
	for _, cs := range newestSnapshot(t, tenant).ControlScores {
		scores[cs.ControlName] = cs.Score
	}
	var out []expectedAction
	for _, p := range tenant.Profiles {
		e := expectedAction{profile: p, score: scores[p.ID]}
		e.remaining = math.Max(0, p.MaxScore-e.score)
		state := ""
		if cur, ok := p.CurrentState(); ok {
			e.current = &cur
			state = cur.State
		}
		e.status = expectedStatusOfState[state]
		if e.status == "" {
			t.Fatalf("profile %s has state %q the test does not know", p.ID, state)
		}
		if p.MaxScore > 0 && e.score >= p.MaxScore {
			e.status = "completed"
		}
		e.quickWin = e.remaining > 0 && p.ImplementationCost == "Low" && p.UserImpact == "Low"
		out = append(out, e)
	}
	return out
}

func level(s string) int {
	return map[string]int{"Low": 0, "Moderate": 1, "High": 2}[s]
}

// portalOrder sorts like the portal: points remaining desc, cost, impact, rank.
func portalOrder(actions []expectedAction) {
	sort.SliceStable(actions, func(i, j int) bool {
		a, b := actions[i], actions[j]
		switch {
		case a.remaining != b.remaining:
			return a.remaining > b.remaining
		case a.profile.ImplementationCost != b.profile.ImplementationCost:
			return level(a.profile.ImplementationCost) < level(b.profile.ImplementationCost)
		case a.profile.UserImpact != b.profile.UserImpact:
			return level(a.profile.UserImpact) < level(b.profile.UserImpact)
		default:
			return a.profile.Rank < b.profile.Rank
		}
	})
}

func findExpected(t *testing.T, actions []expectedAction, id string) expectedAction {
	t.Helper()
	for _, a := range actions {
		if a.profile.ID == id {
			return a
		}
	}
	t.Fatalf("no profile %s in the emulator", id)
	return expectedAction{}
}

// approx matches a number to 4 decimals (the provider rounds sums of points
// and ratios there).
func approx(want float64) knownvalue.Check {
	return knownvalue.Float64Func(func(got float64) error {
		if math.Abs(got-want) > 1.0001e-4 {
			return fmt.Errorf("got %v, want %v", got, want)
		}
		return nil
	})
}

func ratio4(current, maxScore float64) float64 {
	if maxScore == 0 {
		return 0
	}
	return math.Round(current/maxScore*10000) / 10000
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func stringList(values []string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

// actionAttributes is every attribute of an action, as a check.
func actionAttributes(a expectedAction) map[string]knownvalue.Check {
	p := a.profile
	compliance := []knownvalue.Check{}
	for _, ci := range p.ComplianceInformation {
		var names []string
		for _, c := range ci.CertificationControls {
			names = append(names, c.Name)
		}
		compliance = append(compliance, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"certification_name": knownvalue.StringExact(ci.CertificationName),
			"control_names":      stringList(names),
		}))
	}
	notes, assignedTo, updatedBy := "", "", ""
	var updated knownvalue.Check = knownvalue.Null()
	if a.current != nil {
		notes, assignedTo, updatedBy = a.current.Comment, a.current.AssignedTo, a.current.UpdatedBy
		updated = knownvalue.StringExact(rfc3339(a.current.UpdatedDateTime))
	}
	return map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(p.ID),
		"title":               knownvalue.StringExact(p.Title),
		"category":            knownvalue.StringExact(p.ControlCategory),
		"service":             knownvalue.StringExact(p.Service),
		"action_type":         knownvalue.StringExact(p.ActionType),
		"tier":                knownvalue.StringExact(p.Tier),
		"max_score":           approx(p.MaxScore),
		"score":               approx(a.score),
		"points_remaining":    approx(a.remaining),
		"rank":                knownvalue.Int64Exact(int64(p.Rank)),
		"user_impact":         knownvalue.StringExact(p.UserImpact),
		"implementation_cost": knownvalue.StringExact(p.ImplementationCost),
		"threats":             stringList(p.Threats),
		"remediation":         knownvalue.StringExact(p.Remediation),
		"remediation_impact":  knownvalue.StringExact(p.RemediationImpact),
		"action_url":          knownvalue.StringExact(p.ActionURL),
		"deprecated":          knownvalue.Bool(p.Deprecated),
		"status":              knownvalue.StringExact(a.status),
		"notes":               stringOrNull(notes),
		"assigned_to":         stringOrNull(assignedTo),
		"updated_by":          stringOrNull(updatedBy),
		"updated_date_time":   updated,
		"compliance":          knownvalue.ListExact(compliance),
		"quick_win":           knownvalue.Bool(a.quickWin),
	}
}

func actionList(actions []expectedAction) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(actions))
	for _, a := range actions {
		checks = append(checks, knownvalue.ObjectExact(actionAttributes(a)))
	}
	return knownvalue.ListExact(checks)
}

// stringOrNull expects s, or null when s is empty: the data sources give null
// for an absent comment, assignee or author, as the resource does.
func stringOrNull(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}
