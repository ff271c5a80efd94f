package microsoft365_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The soak's Defender governance objects: two rules at subscription scope
// and three assignments, written under Azure Resource Manager faults next
// to the improvement actions' Graph faults.

// soakGovernanceRoutes are the governance routes the soak test faults.
var soakGovernanceRoutes = []emulator.Route{
	emulator.RouteARMGovernanceRulePut, emulator.RouteARMGovernanceRuleGet,
	emulator.RouteARMGovernanceAssignmentPut, emulator.RouteARMGovernanceAssignmentGet,
}

// soakRules are the soak's rules by priority: rule A from the first round,
// rule B from the interrupted one. No other test of the package writes
// governance rules, so these priorities are free.
var soakRules = []struct {
	name     string
	priority int
}{{"Soak rule A", 801}, {"Soak rule B", 802}}

// soakAssignments is how many assignments the soak manages: a and b from
// the first round, c from the interrupted one.
const soakAssignments = 3

// soakGovernance is what the soak's governance objects are written on: the
// default subscription (it has the Defender CSPM plan) and three of its
// unhealthy assessments, one per assignment, that carry no assignment yet.
type soakGovernance struct {
	subscription string
	assessments  []emulator.Assessment
	due          [3]string // due dates: assignments a and b first, after round 2, c
}

func newSoakGovernance(t *testing.T) soakGovernance {
	t.Helper()
	g := soakGovernance{subscription: emulator.DefaultSubscriptionID}
	for _, a := range acctest.Emu.Assessments(g.subscription) {
		if len(g.assessments) == soakAssignments {
			break
		}
		if a.Status == "Unhealthy" && len(acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key)) == 0 {
			g.assessments = append(g.assessments, a)
		}
	}
	if len(g.assessments) != soakAssignments {
		t.Fatalf("subscription %s has %d unhealthy assessments without an assignment, the soak needs %d", g.subscription, len(g.assessments), soakAssignments)
	}
	for _, r := range soakRules {
		if ids := acctest.Emu.GovernanceRulesWithPriority(g.scope(), r.priority); len(ids) != 0 {
			t.Fatalf("rules of priority %d before the soak: %v", r.priority, ids)
		}
	}
	// Midnight UTC, months ahead: the service answers the same spelling.
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for i, months := range []int{6, 7, 8} {
		g.due[i] = today.AddDate(0, months, 0).Format(time.RFC3339)
	}
	return g
}

func (g soakGovernance) scope() string { return "/subscriptions/" + g.subscription }

// config is the governance part of round's configuration (1 to 3): round 1
// creates rule A and assignments a and b, round 2 updates them, round 3
// adds rule B and assignment c. createTimeout, when set, bounds the
// creates of round 3.
func (g soakGovernance) config(round int, createTimeout string) string {
	description, due := "soak round 1", g.due[0]
	if round >= 2 {
		description, due = "soak round 2", g.due[1]
	}
	timeouts := ""
	if createTimeout != "" {
		timeouts = fmt.Sprintf("  timeouts {\n    create = %q\n  }\n", createTimeout)
	}
	rule := func(name string, i int, description string, days int, severity, timeouts string) string {
		return fmt.Sprintf(`
resource "securescore_defender_governance_rule" %q {
  subscription_id            = %q
  display_name               = %q
  description                = %q
  priority                   = %d
  remediation_timeframe_days = %d
  owner_email                = "secops@contoso.com"
  conditions                 = [{ severities = [%q] }]
%s}
`, name, g.subscription, soakRules[i].name, description, soakRules[i].priority, days, severity, timeouts)
	}
	assignment := func(name string, i int, owner, due, timeouts string) string {
		return fmt.Sprintf(`
resource "securescore_defender_governance_assignment" %q {
  resource_id               = %q
  assessment_key            = %q
  owner_email               = %q
  remediation_due_date_time = %q
%s}
`, name, g.assessments[i].ResourceID, g.assessments[i].Key, owner, due, timeouts)
	}
	out := rule("soak_a", 0, description, 7, "High", "") +
		assignment("soak_a", 0, "alex.wilber@contoso.com", due, "") +
		assignment("soak_b", 1, "lee.gu@contoso.com", due, "")
	if round >= 3 {
		out += rule("soak_b", 1, "soak round 3", 14, "Medium", timeouts) +
			assignment("soak_c", 2, "alex.wilber@contoso.com", g.due[2], timeouts)
	}
	return out
}

// Governance faults of the rounds, worked so that each one is hit by the
// few governance requests of its round: a round writes one or two rules and
// two assignments at most.
var (
	// Round 1: every rule create is stored and answered 503 until the
	// retries run out (the read-back finds it); the second assignment
	// create is stored and its connection reset (the retry lands again).
	governanceCreateFaults = map[emulator.Route]emulator.Fault{
		emulator.RouteARMGovernanceRulePut:       {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2"},
		emulator.RouteARMGovernanceRuleGet:       {Status: http.StatusTooManyRequests, RetryAfter: "0.2", EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentPut: {AfterStore: true, Reset: true, EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentGet: {Status: http.StatusServiceUnavailable, RetryAfter: "0.2", EveryNth: 2},
	}
	// Round 2: the rule update is stored and reset once, every second
	// assignment update stored and answered 503.
	governanceUpdateFaults = map[emulator.Route]emulator.Fault{
		emulator.RouteARMGovernanceRulePut:       {AfterStore: true, Reset: true, Times: 1},
		emulator.RouteARMGovernanceRuleGet:       {Reset: true, EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentPut: {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2", EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentGet: {Status: http.StatusTooManyRequests, RetryAfter: "0.2", EveryNth: 2},
	}
	// Round 3, set between the plan and its apply so that the apply's
	// requests are the only ones counted: each create's write is stored
	// and hangs past the create timeout, and the read-back that follows
	// (the second GET, after the create's look-up) is refused once, so the
	// apply cannot tell that its writes landed: the next apply must find
	// them under their planned keys.
	governanceInterruptedFaults = map[emulator.Route]emulator.Fault{
		emulator.RouteARMGovernanceRulePut:       {AfterStore: true, Hang: true},
		emulator.RouteARMGovernanceRuleGet:       {Status: http.StatusForbidden, EveryNth: 2, Times: 1},
		emulator.RouteARMGovernanceAssignmentPut: {AfterStore: true, Hang: true},
		emulator.RouteARMGovernanceAssignmentGet: {Status: http.StatusForbidden, EveryNth: 2, Times: 1},
	}
	// Round 3 again: reads throttled, unavailable and reset; any write
	// stored and answered 503.
	governanceConvergeFaults = map[emulator.Route]emulator.Fault{
		emulator.RouteARMGovernanceRulePut:       {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2", EveryNth: 2},
		emulator.RouteARMGovernanceRuleGet:       {Status: http.StatusServiceUnavailable, RetryAfter: "0.2", EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentPut: {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2", EveryNth: 2},
		emulator.RouteARMGovernanceAssignmentGet: {Reset: true, EveryNth: 2},
	}
)

// with is faults and more together, a new map.
func with(faults, more map[emulator.Route]emulator.Fault) map[emulator.Route]emulator.Fault {
	out := map[emulator.Route]emulator.Fault{}
	for _, m := range []map[emulator.Route]emulator.Fault{faults, more} {
		for route, f := range m {
			out[route] = f
		}
	}
	return out
}

// stranded checks, before the converging apply, that the interrupted one
// left rule B and assignment c stored on the service: the case where the
// next apply must adopt them rather than write them again.
func (g soakGovernance) stranded() error {
	if ids := acctest.Emu.GovernanceRulesWithPriority(g.scope(), soakRules[1].priority); len(ids) != 1 {
		return fmt.Errorf("rules of priority %d after the interrupted apply: %v, want the one it stored", soakRules[1].priority, ids)
	}
	a := g.assessments[2]
	if ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key); len(ids) != 1 {
		return fmt.Errorf("assignments of %s on %s after the interrupted apply: %v, want the one it stored", a.Key, a.ResourceID, ids)
	}
	return nil
}

// rulesNamed lists the ids of the rules of scope whose display name starts with prefix.
func rulesNamed(scope, prefix string) []string {
	var ids []string
	for _, id := range acctest.Emu.GovernanceRuleIDs(scope) {
		if name, _ := acctest.Emu.GovernanceRuleProperties(scope, id)["displayName"].(string); strings.HasPrefix(name, prefix) {
			ids = append(ids, id)
		}
	}
	return ids
}

// onceEach checks that the service holds each of the soak's governance
// objects exactly once, the one the state records: one rule per soak
// priority and display name, one assignment per resource and
// recommendation.
func (g soakGovernance) onceEach() statecheck.StateCheck {
	return stateCheck(func(req statecheck.CheckStateRequest) error {
		if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
			return fmt.Errorf("no state")
		}
		inState := map[string]bool{} // lower-case rule ids and assignment ids
		for _, r := range req.State.Values.RootModule.Resources {
			switch r.Type {
			case "securescore_defender_governance_rule":
				id, _ := r.AttributeValues["rule_id"].(string)
				inState[strings.ToLower(id)] = true
			case "securescore_defender_governance_assignment":
				id, _ := r.AttributeValues["id"].(string)
				inState[strings.ToLower(id)] = true
			}
		}
		if ids := rulesNamed(g.scope(), "Soak rule"); len(ids) != len(soakRules) {
			return fmt.Errorf("rules named Soak rule in %s: %v, want %d", g.scope(), ids, len(soakRules))
		}
		for _, r := range soakRules {
			ids := acctest.Emu.GovernanceRulesWithPriority(g.scope(), r.priority)
			if len(ids) != 1 || !inState[strings.ToLower(ids[0])] {
				return fmt.Errorf("rules of priority %d in %s: %v, want one, the state's", r.priority, g.scope(), ids)
			}
		}
		for _, a := range g.assessments {
			ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key)
			if len(ids) != 1 || !inState[strings.ToLower(ids[0])] {
				return fmt.Errorf("assignments of %s on %s: %v, want one, the state's", a.Key, a.ResourceID, ids)
			}
		}
		return nil
	})
}

// stateEqualsService checks that the state holds the soak's 2 rules and 3
// assignments, each with the settings the service stores, read through the
// documented property names: display_name displayName, description
// description, priority rulePriority, remediation_timeframe_days N
// remediationTimeframe "N.00:00:00", owner_email ownerSource.value (a
// rule) or owner (an assignment), remediation_due_date_time
// remediationDueDate (both written in UTC, so equal as text).
func (g soakGovernance) stateEqualsService() statecheck.StateCheck {
	return stateCheck(func(req statecheck.CheckStateRequest) error {
		if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
			return fmt.Errorf("no state")
		}
		rules, assignments := 0, 0
		for _, r := range req.State.Values.RootModule.Resources {
			text := func(name string) string { return fmt.Sprint(r.AttributeValues[name]) }
			var pairs [][3]string // attribute, state, service
			switch r.Type {
			case "securescore_defender_governance_rule":
				rules++
				props := acctest.Emu.GovernanceRuleProperties(g.scope(), text("rule_id"))
				if props == nil {
					return fmt.Errorf("%s: the service holds no rule %s", r.Address, text("rule_id"))
				}
				owner, _ := props["ownerSource"].(map[string]any)
				pairs = [][3]string{
					{"display_name", text("display_name"), fmt.Sprint(props["displayName"])},
					{"description", text("description"), fmt.Sprint(props["description"])},
					{"priority", text("priority"), fmt.Sprint(props["rulePriority"])},
					{"remediation_timeframe_days", text("remediation_timeframe_days") + ".00:00:00", fmt.Sprint(props["remediationTimeframe"])},
					{"owner_email", text("owner_email"), fmt.Sprint(owner["value"])},
				}
			case "securescore_defender_governance_assignment":
				assignments++
				props := acctest.Emu.GovernanceAssignmentProperties(text("id"))
				if props == nil {
					return fmt.Errorf("%s: the service holds no assignment %s", r.Address, text("id"))
				}
				pairs = [][3]string{
					{"owner_email", text("owner_email"), fmt.Sprint(props["owner"])},
					{"remediation_due_date_time", text("remediation_due_date_time"), fmt.Sprint(props["remediationDueDate"])},
				}
			}
			for _, p := range pairs {
				if p[1] != p[2] {
					return fmt.Errorf("%s: state holds %s %q, the service %q", r.Address, p[0], p[1], p[2])
				}
			}
		}
		if rules != len(soakRules) || assignments != len(g.assessments) {
			return fmt.Errorf("the state holds %d governance rules and %d assignments, want %d and %d", rules, assignments, len(soakRules), len(g.assessments))
		}
		return nil
	})
}

// gone checks after destroy that none of the soak's governance objects is left.
func (g soakGovernance) gone() error {
	if ids := rulesNamed(g.scope(), "Soak rule"); len(ids) != 0 {
		return fmt.Errorf("soak rules left after destroy: %v", ids)
	}
	for _, a := range g.assessments {
		if ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key); len(ids) != 0 {
			return fmt.Errorf("assignments left on %s after destroy: %v", a.ResourceID, ids)
		}
	}
	return nil
}
