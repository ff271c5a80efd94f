package microsoft365_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// soakRoutes are the Graph routes the soak test faults.
var soakRoutes = []emulator.Route{
	emulator.RouteGraphProfileList, emulator.RouteGraphProfileGet, emulator.RouteGraphProfilePatch, emulator.RouteGraphBatch,
}

// soak counts what the soak test injected, phase by phase.
type soak struct {
	phase    string
	injected map[emulator.Route]int
	requests map[emulator.Route]int
	lines    []string
}

// use starts phase with faults in place of the previous phase's, after
// counting what those injected and the requests they saw.
func (s *soak) use(phase string, faults map[emulator.Route]emulator.Fault) {
	if s.phase != "" {
		var parts []string
		for _, route := range append(append([]emulator.Route{}, soakRoutes...), soakGovernanceRoutes...) {
			injected, requests := acctest.Emu.FaultApplied(route), acctest.Emu.Count(route)
			s.injected[route] += injected
			s.requests[route] += requests
			parts = append(parts, fmt.Sprintf("%s %d/%d", route, injected, requests))
		}
		s.lines = append(s.lines, fmt.Sprintf("%s: faults/requests %s", s.phase, strings.Join(parts, ", ")))
	}
	s.phase = phase
	acctest.Emu.ClearFaults()
	acctest.Emu.ResetCounts()
	s.add(faults)
}

// add sets faults in the middle of a phase, next to the phase's own. Every
// fault is transient: a request's retry gets through, so a write or read
// fails only where the phase means it to (a hang, a refusal); a request
// faulted on every attempt is a persistent fault, which the stranded-write
// and fault-matrix tests cover.
func (s *soak) add(faults map[emulator.Route]emulator.Fault) {
	for route, f := range faults {
		f.Transient = true
		acctest.Emu.SetFault(route, f)
	}
}

// totals sums the faults and requests of routes over the phases.
func (s *soak) totals(routes []emulator.Route) (lines string, faults, requests int) {
	var parts []string
	for _, route := range routes {
		parts = append(parts, fmt.Sprintf("%s %d/%d", route, s.injected[route], s.requests[route]))
		faults += s.injected[route]
		requests += s.requests[route]
	}
	return strings.Join(parts, ", "), faults, requests
}

// report logs the phases, the totals, how many state updates the service
// stored for ids (a write stored and then retried stores twice) and how
// many governance writes were sent for the soak's five governance objects
// (a write retried is sent twice).
func (s *soak) report(t *testing.T, ids []string) {
	s.use("", nil)
	totals, faults, requests := s.totals(soakRoutes)
	governance, governanceFaults, governanceRequests := s.totals(soakGovernanceRoutes)
	stored := 0
	for _, p := range acctest.Emu.Tenant(home).Profiles {
		if slices.Contains(ids, p.ID) {
			stored += len(p.ControlStateUpdates)
		}
	}
	t.Logf("soak of %d actions, %d governance rules and %d assignments:\n  %s\n  total faults/requests: %s (%d of %d Graph requests faulted)\n"+
		"  governance faults/requests: %s (%d of %d faulted)\n  state updates stored on the service for the actions: %d\n"+
		"  governance writes sent: %d rule PUTs, %d assignment PUTs",
		len(ids), len(soakRules), soakAssignments, strings.Join(s.lines, "\n  "), totals, faults, requests,
		governance, governanceFaults, governanceRequests, stored,
		s.requests[emulator.RouteARMGovernanceRulePut], s.requests[emulator.RouteARMGovernanceAssignmentPut])
}

// aQuarter faults about a quarter of the Graph requests, each route with
// the fault given for it: every third read of one action and every third
// write (fewer in the end, since a retry of a faulted request gets
// through), and every second page of the list and batch, which a Terraform
// command sends only a few of.
func aQuarter(faults map[emulator.Route]emulator.Fault) map[emulator.Route]emulator.Fault {
	out := map[emulator.Route]emulator.Fault{}
	for route, f := range faults {
		f.EveryNth = 3
		if route == emulator.RouteGraphProfileList || route == emulator.RouteGraphBatch {
			f.EveryNth = 2
		}
		out[route] = f
	}
	return out
}

var (
	throttled   = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0.2"}
	unavailable = emulator.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0.2"}
	reset       = emulator.Fault{Reset: true}
)

// soakConfig manages many (95 actions) with status and notes, and team (5
// actions a second writer decides on) with teamBlock's arguments; extra
// goes into many's block; governance is the governance objects' part.
func soakConfig(many, team []string, status, notes, teamArguments, extra, governance string) string {
	list := func(ids []string) string {
		quoted := make([]string, len(ids))
		for i, id := range ids {
			quoted[i] = fmt.Sprintf("%q", id)
		}
		return strings.Join(quoted, ", ")
	}
	return acctest.ProviderConfig() + fmt.Sprintf(`
# count, not for_each: terraform-plugin-testing's state shim refuses string keys.
locals {
  many = [%s]
  team = [%s]
}

resource "securescore_microsoft365_improvement_action" "many" {
  count      = length(local.many)
  control_id = local.many[count.index]
  status     = %q
  notes      = %q
%s
}

resource "securescore_microsoft365_improvement_action" "team" {
  count      = length(local.team)
  control_id = local.team[count.index]
%s
}
`, list(many), list(team), status, notes, extra, teamArguments) + governance
}

// TestAccSoakImprovementActions applies 100 actions while a quarter of the
// Graph requests fail (429 with Retry-After, 503, connection resets, before
// and after the service stored a write), a second writer decides on five
// of them between a plan and its apply, and an apply is cut short by its
// timeout while writes hang; a plain apply then converges. Next to them it
// manages two Defender governance rules and three governance assignments
// under faults on their Azure Resource Manager routes: creates and updates
// stored and then answered 503 or reset, reads throttled, unavailable or
// reset, and, in the interrupted apply, a rule and an assignment whose
// creates are stored, hang past their timeout and cannot be read back, so
// that the converging apply must find them under their planned keys. It
// asserts outcomes only: every action's state equals what the service
// holds, so do the governance objects', the next plan is empty, the second
// writer's decisions are unchanged, and no governance object exists twice.
func TestAccSoakImprovementActions(t *testing.T) {
	resetEmulator(t)
	open, completed := freshActions(t, 100)
	ids := append(append([]string{}, open...), completed...)
	many, team := ids[5:], ids[:5]
	g := newSoakGovernance(t)
	s := &soak{injected: map[emulator.Route]int{}, requests: map[emulator.Route]int{}}
	defer s.report(t, ids)

	sameTeam := func(status, notes string) string {
		return fmt.Sprintf("  status     = %q\n  notes      = %q", status, notes)
	}
	// The team adopts the second writer's decision into the configuration,
	// and keeps it on destroy.
	cisoKept := fmt.Sprintf("  status     = \"risk_accepted\"\n  notes      = %q\n  on_destroy = \"keep\"", cisoNotes)
	round3 := soakConfig(many, team, "resolved_through_third_party", "soak round 3", cisoKept, "", g.config(3, ""))
	acctest.Test(t, resource.TestCase{
		// Afterwards the 95 are reset, the second writer's five untouched,
		// the governance objects gone.
		CheckDestroy: func(*terraform.State) error {
			if err := expectActions(many, "Default", "", team, "Ignored", cisoNotes); err != nil {
				return err
			}
			return g.gone()
		},
		Steps: []resource.TestStep{
			{
				// Creates, answers lost after the store, reads throttled.
				PreConfig: func() {
					s.use("round 1: creates", with(aQuarter(map[emulator.Route]emulator.Fault{
						emulator.RouteGraphProfilePatch: {AfterStore: true, Reset: true},
						emulator.RouteGraphProfileGet:   throttled,
						emulator.RouteGraphProfileList:  unavailable,
						emulator.RouteGraphBatch:        reset,
					}), governanceCreateFaults))
				},
				Config: soakConfig(many, team, "planned", "soak round 1", sameTeam("planned", "soak round 1"), "", g.config(1, "")),
				ConfigStateChecks: []statecheck.StateCheck{serviceCheck(func() error {
					return expectActions(ids, "Reviewed", "soak round 1", nil, "", "")
				})},
			},
			{
				// Updates, 503 after the store; the CISO decides on the
				// team's five between the plan and its apply: those are
				// refused, the others applied.
				PreConfig: func() {
					s.use("round 2: updates, second writer", with(aQuarter(map[emulator.Route]emulator.Fault{
						emulator.RouteGraphProfilePatch: {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2"},
						emulator.RouteGraphProfileGet:   reset,
						emulator.RouteGraphProfileList:  throttled,
						emulator.RouteGraphBatch:        unavailable,
					}), governanceUpdateFaults))
				},
				Config:           soakConfig(many, team, "risk_accepted", "soak round 2", sameTeam("risk_accepted", "soak round 2"), "", g.config(2, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{recordBetweenPlanAndApply(team...)}},
				ExpectError:      acctest.Wrapped(`(?s)Improvement action changed since the plan.*RISK ACCEPTED by CISO.*nothing was sent`),
			},
			{
				// Interrupted: every fourth write hangs, unstored, past the
				// update's two seconds; the governance creates are stored,
				// hang past theirs, and their read-back is refused.
				PreConfig: func() {
					if err := expectActions(many, "Ignored", "soak round 2", team, "Ignored", cisoNotes); err != nil {
						t.Errorf("after the refused apply: %v", err)
					}
					s.use("round 3: interrupted", aQuarter(map[emulator.Route]emulator.Fault{
						emulator.RouteGraphProfilePatch: {Hang: true},
						emulator.RouteGraphProfileGet:   throttled,
						emulator.RouteGraphProfileList:  throttled,
						emulator.RouteGraphBatch:        throttled,
					}))
				},
				Config: soakConfig(many, team, "resolved_through_third_party", "soak round 3", cisoKept, "  timeouts {\n    update = \"2s\"\n  }", g.config(3, "2s")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planCheck(func() error {
					s.add(governanceInterruptedFaults)
					return nil
				})}},
				ExpectError: acctest.Wrapped(`(?s)Updating the improvement action failed.*time ran out.*may have landed`),
			},
			{
				// A plain apply converges, faults still on; it adopts the
				// governance objects the interrupted apply stored.
				PreConfig: func() {
					if err := g.stranded(); err != nil {
						t.Errorf("after the interrupted apply: %v", err)
					}
					s.use("round 3 again: converges", with(aQuarter(map[emulator.Route]emulator.Fault{
						emulator.RouteGraphProfilePatch: {AfterStore: true, Status: http.StatusServiceUnavailable, RetryAfter: "0.2"},
						emulator.RouteGraphProfileGet:   unavailable,
						emulator.RouteGraphProfileList:  reset,
						emulator.RouteGraphBatch:        throttled,
					}), governanceConvergeFaults))
				},
				Config: round3,
				ConfigStateChecks: []statecheck.StateCheck{
					stateEqualsService(len(ids)),
					serviceCheck(func() error {
						return expectActions(many, "ThirdParty", "soak round 3", team, "Ignored", cisoNotes)
					}),
					g.stateEqualsService(),
					g.onceEach(),
				},
			},
			{PreConfig: func() { s.use("second plan, destroy (no faults)", nil) }, Config: round3, PlanOnly: true},
		},
	})
}

// expectActions checks the service: a holds state and notes, b (the
// second writer's) bState and bNotes, nobody assigned.
func expectActions(a []string, state, notes string, b []string, bState, bNotes string) error {
	for _, id := range a {
		if err := expectServiceState(id, state, notes, "")(nil); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	for _, id := range b {
		if err := expectServiceState(id, bState, bNotes, "")(nil); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	return nil
}

// stateEqualsService checks that the state holds n improvement actions, each
// with the status, notes and assignee the service holds: the status read
// through the documented mapping's literals (Default to_address, Reviewed
// planned, Ignored risk_accepted, ThirdParty resolved_through_third_party).
func stateEqualsService(n int) statecheck.StateCheck {
	statusOf := map[string]string{"Default": "to_address", "Reviewed": "planned", "Ignored": "risk_accepted", "ThirdParty": "resolved_through_third_party"}
	return stateCheck(func(req statecheck.CheckStateRequest) error {
		if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
			return fmt.Errorf("no state")
		}
		seen := 0
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Type != "securescore_microsoft365_improvement_action" {
				continue
			}
			seen++
			text := func(name string) string {
				v, _ := r.AttributeValues[name].(string)
				return v
			}
			state, comment, assignee, err := serviceState(home, text("control_id"))
			if err != nil {
				return err
			}
			if text("status") != statusOf[state] || text("notes") != comment || text("assigned_to") != assignee {
				return fmt.Errorf("%s: state holds %q %q %q, the service %s %q %q", r.Address, text("status"), text("notes"), text("assigned_to"), state, comment, assignee)
			}
		}
		if seen != n {
			return fmt.Errorf("the state holds %d improvement actions, want %d", seen, n)
		}
		return nil
	})
}

// stateCheck is a state check from a function of the whole state.
type stateCheck func(statecheck.CheckStateRequest) error

func (f stateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req)
}
