package faults_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// hangTimeout bounds the "never finishes" case through the `timeouts` block;
// every other case runs with the default timeouts.
const hangTimeout = "3s"

// shortRetryAfter is the Retry-After of the 5xx cases: a fraction of a
// second, as Microsoft Graph writes it, so that a persistent status's
// retries are honoured without each case waiting whole seconds.
const shortRetryAfter = "0.1"

// requestID is the shape of the emulator's request ids in a diagnostic.
const requestID = `request id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

// target is one route of the matrix and the configuration that reaches it.
type target struct {
	name  string
	route emulator.Route
	page  int // the page the fault hits; 0 = every request on the route
	// config returns the HCL; timeout goes into the timeouts block.
	config func(t *testing.T, timeout string) string
	// checks prove the state is what the service holds.
	checks func(t *testing.T) []statecheck.StateCheck
	// action matches the start of the diagnostic's summary (what failed).
	action string
	// serviceCheck runs after the case; failed says whether Terraform failed.
	serviceCheck func(failed bool) error
	// attempts is what a persistent transient status gets on the route:
	// the provider's pipeline makes 1 + 4, azidentity's token requests 1 + 3.
	attempts int
}

// kind of outcome a case must end in.
type outcome int

const (
	success   outcome = iota // after retries, with the service's data in state
	transient                // persistent 5xx: one diagnostic with the status, request id and next step
	timeout                  // a hang: one diagnostic saying the time ran out and to raise `timeouts`
	decode                   // a body that is not the documented shape: one diagnostic
)

type faultCase struct {
	name    string
	fault   func() emulator.Fault
	want    outcome
	status  int
	expired bool // expire every token while the route's first request is served
}

func cases() []faultCase {
	out := []faultCase{
		{name: "429 Retry-After seconds", want: success, fault: func() emulator.Fault {
			return emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1}
		}},
		{name: "429 Retry-After HTTP-date", want: success, fault: func() emulator.Fault {
			return emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat), Times: 1}
		}},
	}
	for _, status := range []int{500, 502, 503, 504} {
		out = append(out, faultCase{name: fmt.Sprintf("%d once", status), want: success, fault: func() emulator.Fault {
			return emulator.Fault{Status: status, RetryAfter: shortRetryAfter, Times: 1}
		}})
	}
	for _, status := range []int{500, 502, 503, 504} {
		out = append(out, faultCase{name: fmt.Sprintf("%d persistent", status), want: transient, status: status, fault: func() emulator.Fault {
			return emulator.Fault{Status: status, RetryAfter: shortRetryAfter}
		}})
	}
	return append(out,
		faultCase{name: "connection reset", want: success, fault: func() emulator.Fault { return emulator.Fault{Reset: true, Times: 1} }},
		faultCase{name: "never finishes", want: timeout, fault: func() emulator.Fault { return emulator.Fault{Hang: true} }},
		faultCase{name: "malformed JSON", want: decode, fault: func() emulator.Fault { return emulator.Fault{Malformed: true} }},
		faultCase{name: "wrong JSON shape", want: decode, fault: func() emulator.Fault { return emulator.Fault{WrongShape: true} }},
		faultCase{name: "token expired mid-run", want: success, expired: true},
	)
}

// row is one line of the outcome table.
type row struct {
	route, fault, outcome string
	requests              int
}

var (
	tableMu sync.Mutex
	table   []row
)

func record(r row) {
	tableMu.Lock()
	defer tableMu.Unlock()
	table = append(table, r)
}

// TestAccFaultMatrix runs every case on every route, one Terraform run
// each. With FAULT_MATRIX_OUT set it writes the outcome table there.
func TestAccFaultMatrix(t *testing.T) {
	t.Cleanup(func() { writeTable(t) })
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			for _, fc := range cases() {
				if fc.expired && tg.route == emulator.RouteToken {
					continue // the token route is where an expired token is replaced
				}
				t.Run(fc.name, func(t *testing.T) { runCase(t, tg, fc) })
			}
		})
	}
}

func runCase(t *testing.T, tg target, fc faultCase) {
	if fc.want == decode && tg.route == emulator.RouteGraphProfilePatch && fc.name == "malformed JSON" {
		// The emulator truncates the answer of a write it stored: the
		// provider reads the action back, finds the write, and keeps it.
		fc.want = success
	}
	acctest.Emu.ClearFaults()
	acctest.Emu.ResetCounts()
	t.Cleanup(acctest.Emu.ClearFaults)

	timeoutValue := "5m"
	if fc.want == timeout {
		timeoutValue = hangTimeout
	}
	config := tg.config(t, timeoutValue)
	step := resource.TestStep{Config: config}
	var applied int
	var stopWatch func() bool
	step.PreConfig = func() {
		acctest.Emu.ResetCounts()
		if fc.expired {
			stopWatch = expireDuringFirstRequest(tg.route)
			return
		}
		f := fc.fault()
		f.Page = tg.page
		if tg.route == emulator.RouteToken && f.RetryAfter == shortRetryAfter {
			// Entra ID's token endpoint writes whole seconds, the only form
			// azcore reads, and the token pipeline has no fractional reader.
			f.RetryAfter = "1"
		}
		acctest.Emu.SetFault(tg.route, f)
	}
	switch fc.want {
	case success:
		step.ConfigStateChecks = tg.checks(t)
		step.Check = func(*terraform.State) error {
			applied = acctest.Emu.FaultApplied(tg.route)
			if applied == 0 {
				return fmt.Errorf("the fault on %s was never hit: the case proves nothing", tg.route)
			}
			return nil
		}
	case transient:
		step.ExpectError = acctest.Wrapped(fmt.Sprintf(`(?s)%s failed \(HTTP %d\).*%s.*Retry later`, tg.action, fc.status, requestID))
	case timeout:
		step.ExpectError = acctest.Wrapped(fmt.Sprintf("(?s)%s failed.*time ran out.*raise the `timeouts`", tg.action))
	case decode:
		step.ExpectError = acctest.Wrapped(fmt.Sprintf(`(?s)%s failed: unexpected response.*not the documented shape.*%s`, tg.action, requestID))
	}

	start := time.Now()
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{step},
	})
	if stopWatch != nil && !stopWatch() {
		t.Errorf("the tokens were never expired during the first request on %s: the case proves nothing", tg.route)
	}
	requests := acctest.Emu.Count(tg.route)
	if fc.want == transient && requests < tg.attempts {
		t.Errorf("a persistent %d on %s was attempted %d times, want %d (retries)", fc.status, tg.route, requests, tg.attempts)
	}
	if tg.serviceCheck != nil {
		if err := tg.serviceCheck(fc.want != success); err != nil {
			t.Error(err)
		}
	}
	outcomeText := map[outcome]string{
		success:   "success after retry; state = service",
		transient: "diagnostic: HTTP status, request id, retry later",
		timeout:   "diagnostic: time ran out, raise `timeouts`",
		decode:    "diagnostic: unexpected response, request id",
	}[fc.want]
	if fc.expired {
		outcomeText = "token refreshed; success; state = service"
	}
	record(row{route: tg.name, fault: fc.name, outcome: fmt.Sprintf("%s (%.1fs)", outcomeText, time.Since(start).Seconds()), requests: requests})
}

// expireDuringFirstRequest slows the route's first request and expires every
// token while it is served, so the provider's next request on the route
// carries a token the service now refuses. Its stop function reports
// whether the tokens were expired.
func expireDuringFirstRequest(route emulator.Route) func() bool {
	acctest.Emu.SetFault(route, emulator.Fault{Latency: 500 * time.Millisecond, Times: 1})
	done := make(chan struct{})
	stopped := make(chan struct{})
	fired := false
	go func() {
		defer close(stopped)
		ticker := time.NewTicker(2 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				if acctest.Emu.Count(route) > 0 {
					acctest.Emu.ExpireTokens()
					fired = true
					return
				}
			}
		}
	}()
	return func() bool {
		close(done)
		<-stopped
		return fired
	}
}

func writeTable(t *testing.T) {
	tableMu.Lock()
	defer tableMu.Unlock()
	if len(table) == 0 {
		return
	}
	routes := []string{}
	seen := map[string]bool{}
	for _, r := range table {
		if !seen[r.route] {
			seen[r.route] = true
			routes = append(routes, r.route)
		}
	}
	var b strings.Builder
	b.WriteString("| route | fault | outcome | requests on the route |\n| --- | --- | --- | --- |\n")
	for _, r := range table {
		fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", r.route, r.fault, r.outcome, r.requests)
	}
	t.Logf("fault matrix (%d routes, %d cases):\n%s", len(routes), len(table), b.String())
	if path := os.Getenv("FAULT_MATRIX_OUT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// --- the routes ----------------------------------------------------------

func targets() []target {
	return []target{
		{name: "token", route: emulator.RouteToken, config: armGetConfig, checks: armGetChecks,
			action: "Reading the Defender for Cloud secure score", attempts: 4},
		{name: "ARM get", route: emulator.RouteARMSecureScoreGet, config: armGetConfig, checks: armGetChecks,
			action: "Reading the Defender for Cloud secure score", attempts: 5},
		{name: "ARM list page 2", route: emulator.RouteARMControlList, page: 2, config: armListConfig, checks: armListChecks,
			action: "Reading the Defender for Cloud security controls", attempts: 5},
		{name: "Resource Graph page 2", route: emulator.RouteResourceGraph, page: 2, config: resourceGraphConfig, checks: resourceGraphChecks,
			action: "Reading the Defender for Cloud secure scores through Resource Graph", attempts: 5},
		{name: "Graph list page 2", route: emulator.RouteGraphProfileList, page: 2, config: graphListConfig, checks: graphListChecks,
			action: "Reading the Microsoft 365 improvement actions", attempts: 5},
		patchTarget(),
	}
}

func secondSubscription(t *testing.T) string {
	t.Helper()
	return acctest.Emu.Tenant(emulator.DefaultTenantID).Subscriptions[1].ID
}

// armGetConfig reads two scores, the second after the first, so that a
// token expired during the first GET is met by the second.
func armGetConfig(t *testing.T, timeout string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_score" "a" {
  timeouts {
    read = %[1]q
  }
}

data "securescore_defender_score" "b" {
  subscription_id = %[2]q
  depends_on      = [data.securescore_defender_score.a]
  timeouts {
    read = %[1]q
  }
}
`, timeout, secondSubscription(t))
}

func armGetChecks(t *testing.T) []statecheck.StateCheck {
	tenant := acctest.Emu.Tenant(emulator.DefaultTenantID)
	var checks []statecheck.StateCheck
	for address, sub := range map[string]*emulator.Subscription{"a": tenant.Subscriptions[0], "b": tenant.Subscriptions[1]} {
		score := sub.Scores[0]
		addr := "data.securescore_defender_score." + address
		checks = append(checks,
			acctest.Expect(addr, "subscription_id", knownvalue.StringExact(sub.ID)),
			acctest.Expect(addr, "current_score", knownvalue.Float64Exact(score.Current)),
			acctest.Expect(addr, "max_score", knownvalue.Int64Exact(int64(score.Max))),
			acctest.Expect(addr, "percentage", knownvalue.Float64Exact(score.Percentage)),
			acctest.Expect(addr, "weight", knownvalue.Int64Exact(int64(score.Weight))),
		)
	}
	return checks
}

func armListConfig(_ *testing.T, timeout string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_controls" "this" {
  score_name = "ascScore"
  timeouts {
    read = %q
  }
}
`, timeout)
}

func armListChecks(t *testing.T) []statecheck.StateCheck {
	controls := acctest.Emu.Tenant(emulator.DefaultTenantID).Subscriptions[0].Scores[0].Controls
	if len(controls) <= 5 {
		t.Fatalf("the default subscription has %d controls: no page 2 with 5 a page", len(controls))
	}
	var unhealthy int64
	names := make([]string, 0, len(controls))
	for _, c := range controls {
		unhealthy += int64(c.UnhealthyResourceCount)
		names = append(names, c.Name)
	}
	return []statecheck.StateCheck{
		acctest.Expect("data.securescore_defender_controls.this", "controls", knownvalue.ListSizeExact(len(controls))),
		acctest.Expect("data.securescore_defender_controls.this", "unhealthy_resource_count", knownvalue.Int64Exact(unhealthy)),
		everyName("data.securescore_defender_controls.this", "controls", "name", names),
	}
}

func resourceGraphConfig(_ *testing.T, timeout string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_scores" "this" {
  timeouts {
    read = %q
  }
}
`, timeout)
}

func resourceGraphChecks(t *testing.T) []statecheck.StateCheck {
	var ids []string
	for _, s := range acctest.Emu.Tenant(emulator.DefaultTenantID).Subscriptions {
		if len(s.Scores) > 0 {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) <= 2 {
		t.Fatalf("%d subscriptions with scores: no page 2 with 2 rows a page", len(ids))
	}
	return []statecheck.StateCheck{
		acctest.Expect("data.securescore_defender_scores.this", "subscription_count", knownvalue.Int64Exact(int64(len(ids)))),
		everyName("data.securescore_defender_scores.this", "scores", "subscription_id", ids),
	}
}

func graphListConfig(_ *testing.T, timeout string) string {
	return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_microsoft365_improvement_actions" "this" {
  include_deprecated   = true
  include_not_in_score = true
  timeouts {
    read = %q
  }
}
`, timeout)
}

func graphListChecks(t *testing.T) []statecheck.StateCheck {
	profiles := acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles
	if len(profiles) <= 10 {
		t.Fatalf("%d profiles: no page 2 with 10 a page", len(profiles))
	}
	ids := make([]string, 0, len(profiles))
	for _, p := range profiles {
		ids = append(ids, p.ID)
	}
	return []statecheck.StateCheck{
		acctest.Expect("data.securescore_microsoft365_improvement_actions.this", "actions", knownvalue.ListSizeExact(len(profiles))),
		everyName("data.securescore_microsoft365_improvement_actions.this", "actions", "control_id", ids),
	}
}

// patchTarget manages two fresh improvement actions, the second after the
// first; the service must hold exactly what the state says, or (after a
// failure) what it held before.
func patchTarget() target {
	var ids []string
	var before map[string]string
	return target{
		name: "Graph PATCH", route: emulator.RouteGraphProfilePatch, attempts: 5,
		action: "Updating the improvement action",
		config: func(t *testing.T, timeout string) string {
			ids = openActions(t, 2)
			before = map[string]string{}
			for _, id := range ids {
				before[id] = serviceState(t, id)
			}
			return acctest.ProviderConfig() + fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "a" {
  control_id = %[1]q
  status     = "planned"
  notes      = "fault matrix"
  timeouts {
    create = %[3]q
  }
}

resource "securescore_microsoft365_improvement_action" "b" {
  control_id  = %[2]q
  status      = "risk_accepted"
  assigned_to = "secops@contoso.com"
  depends_on  = [securescore_microsoft365_improvement_action.a]
  timeouts {
    create = %[3]q
  }
}
`, ids[0], ids[1], timeout)
		},
		checks: func(t *testing.T) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				acctest.Expect("securescore_microsoft365_improvement_action.a", "status", knownvalue.StringExact("planned")),
				acctest.Expect("securescore_microsoft365_improvement_action.a", "notes", knownvalue.StringExact("fault matrix")),
				acctest.Expect("securescore_microsoft365_improvement_action.b", "status", knownvalue.StringExact("risk_accepted")),
				acctest.Expect("securescore_microsoft365_improvement_action.b", "assigned_to", knownvalue.StringExact("secops@contoso.com")),
				serviceHolds(ids[0], "Reviewed|fault matrix|"),
				serviceHolds(ids[1], "Ignored||secops@contoso.com"),
			}
		},
		serviceCheck: func(failed bool) error {
			if !failed {
				// After destroy the resources are back to Default.
				for _, id := range ids {
					if got := serviceStateOf(id); got != "Default||" {
						return fmt.Errorf("after destroy the service holds %q for %s, want Default", got, id)
					}
				}
				return nil
			}
			// A failed create leaves nothing in state, so Terraform's view is
			// "not managed"; the service must not hold a half-applied change
			// for the second action, which was never attempted.
			if got := serviceStateOf(ids[1]); got != before[ids[1]] {
				return fmt.Errorf("the second action changed on the service (%q -> %q) although its create never ran", before[ids[1]], got)
			}
			return nil
		},
	}
}

// openActions adds actions no other case touches and returns n that are not
// already completed.
func openActions(t *testing.T, n int) []string {
	t.Helper()
	ids := acctest.Emu.AddProfiles(emulator.DefaultTenantID, 2*n)
	newest := acctest.Emu.Tenant(emulator.DefaultTenantID).SecureScores[0]
	full := map[string]bool{}
	for _, c := range newest.ControlScores {
		if c.Score >= 5 {
			full[c.ControlName] = true
		}
	}
	var open []string
	for _, id := range ids {
		if !full[id] && len(open) < n {
			open = append(open, id)
		}
	}
	if len(open) < n {
		t.Fatalf("only %d open actions among %v", len(open), ids)
	}
	return open
}

func serviceStateOf(id string) string {
	for _, p := range acctest.Emu.Tenant(emulator.DefaultTenantID).Profiles {
		if p.ID == id {
			cur, ok := p.CurrentState()
			if !ok {
				return "||"
			}
			return cur.State + "|" + cur.Comment + "|" + cur.AssignedTo
		}
	}
	return "missing"
}

func serviceState(t *testing.T, id string) string {
	t.Helper()
	s := serviceStateOf(id)
	if s == "missing" {
		t.Fatalf("no profile %s", id)
	}
	return s
}
