package defender_test

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The acceptance tests share one emulator: they run one after the other and
// each starts with reset. Expected values are computed here from the
// emulator's raw data (emulator.Tenant), never with the provider's code.

func TestMain(m *testing.M) { acctest.Main(m, emulator.Options{}) }

// The emulator's default page sizes (emulator.Options zero values).
const (
	defaultARMPageSize           = 50
	defaultGraphPageSize         = 25
	defaultResourceGraphPageSize = 1000
)

// reset clears faults and counts and restores the page sizes, now and when t ends.
func reset(t *testing.T) {
	t.Helper()
	restore := func() {
		acctest.Emu.ClearFaults()
		acctest.Emu.SetPageSizes(defaultARMPageSize, defaultGraphPageSize, defaultResourceGraphPageSize)
	}
	restore()
	acctest.Emu.ResetCounts()
	t.Cleanup(restore)
}

var (
	deniedMu  sync.Mutex
	denied    = map[string]bool{} // lower-case ids denied by these tests
	deniedSub string
)

// deniedSubscription is a generated subscription of the default tenant for
// which ARM answers 403 (and Resource Graph leaves it out). Denial cannot be
// undone, so it is never one of the seeded subscriptions other tests read.
func deniedSubscription(t *testing.T) string {
	t.Helper()
	deniedMu.Lock()
	defer deniedMu.Unlock()
	if deniedSub == "" {
		ids := acctest.Emu.AddSubscriptions(emulator.DefaultTenantID, 1)
		if len(ids) != 1 {
			t.Fatal("AddSubscriptions returned no subscription")
		}
		acctest.Emu.DenySubscription(ids[0])
		denied[strings.ToLower(ids[0])] = true
		deniedSub = ids[0]
	}
	return deniedSub
}

func isDenied(id string) bool {
	deniedMu.Lock()
	defer deniedMu.Unlock()
	return denied[strings.ToLower(id)]
}

var (
	poolMu sync.Mutex
	pool   []string
)

// generatedSubscriptions returns n subscriptions (with Defender data) added
// to the default tenant, from a pool shared by the tests so the tenant does
// not grow more than needed.
func generatedSubscriptions(t *testing.T, n int) []string {
	t.Helper()
	poolMu.Lock()
	defer poolMu.Unlock()
	if len(pool) < n {
		pool = append(pool, acctest.Emu.AddSubscriptions(emulator.DefaultTenantID, n-len(pool))...)
	}
	if len(pool) < n {
		t.Fatalf("the emulator added %d subscriptions, want %d", len(pool), n)
	}
	return append([]string(nil), pool[:n]...)
}

func defaultTenant(t *testing.T) *emulator.Tenant {
	t.Helper()
	tenant := acctest.Emu.Tenant(emulator.DefaultTenantID)
	if tenant == nil {
		t.Fatal("the emulator has no default tenant")
	}
	return tenant
}

// subscriptionByName finds a seeded subscription of the default tenant by display name.
func subscriptionByName(t *testing.T, displayName string) *emulator.Subscription {
	t.Helper()
	for _, s := range defaultTenant(t).Subscriptions {
		if s.DisplayName == displayName {
			return s
		}
	}
	t.Fatalf("no subscription %q in the emulator", displayName)
	return nil
}

func subscriptionByID(t *testing.T, id string) *emulator.Subscription {
	t.Helper()
	for _, s := range defaultTenant(t).Subscriptions {
		if strings.EqualFold(s.ID, id) {
			return s
		}
	}
	t.Fatalf("no subscription %s in the emulator", id)
	return nil
}

func findScore(s *emulator.Subscription, name string) *emulator.ARMScore {
	for _, sc := range s.Scores {
		if strings.EqualFold(sc.Name, name) {
			return sc
		}
	}
	return nil
}

func mustScore(t *testing.T, s *emulator.Subscription, name string) *emulator.ARMScore {
	t.Helper()
	sc := findScore(s, name)
	if sc == nil {
		t.Fatalf("subscription %s has no score %q", s.ID, name)
	}
	return sc
}

// customScore is the one non-ascScore initiative of a subscription.
func customScore(t *testing.T, s *emulator.Subscription) *emulator.ARMScore {
	t.Helper()
	for _, sc := range s.Scores {
		if sc.Name != "ascScore" {
			return sc
		}
	}
	t.Fatalf("subscription %s has no custom initiative", s.ID)
	return nil
}

func scoreNames(s *emulator.Subscription) []string {
	var names []string
	for _, sc := range s.Scores {
		names = append(names, sc.Name)
	}
	sort.Strings(names)
	return names
}

func roundTo4(v float64) float64 { return math.Round(v*10000) / 10000 }

// phrase matches words separated by any whitespace: Terraform wraps long
// diagnostic lines.
func phrase(words string) string {
	fields := strings.Fields(words)
	for i, f := range fields {
		fields[i] = regexp.QuoteMeta(f)
	}
	return strings.Join(fields, `\s+`)
}

// expectAll matches every part in order, across line breaks.
func expectAll(parts ...string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.Join(parts, ".*"))
}

// hclList renders ids as an HCL list (JSON array syntax is valid HCL).
func hclList(ids []string) string {
	b, err := json.Marshal(ids)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func stringChecks(values []string) []knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return checks
}

func pages(items, size int) int {
	if items == 0 {
		return 1
	}
	return (items + size - 1) / size
}

// expectSecondPageRetried reads config (after the provider block) while the
// second page of route answers 429 once: the checks still hold, and route
// saw whole reads of perRead pages plus the one retried request.
func expectSecondPageRetried(t *testing.T, route emulator.Route, config string, checks []statecheck.StateCheck, perRead int) {
	t.Helper()
	acctest.Emu.SetFault(route, emulator.Fault{Status: 429, RetryAfter: "1", Page: 2, Times: 1})
	runConfig(t, config, checks)
	if n := acctest.Emu.Count(route); (n-1)%perRead != 0 {
		t.Errorf("%s requests = %d; want every page of each read (%d a read) plus the one retried", route, n, perRead)
	}
}

// runConfig applies config (after the provider block) and runs checks.
func runConfig(t *testing.T, config string, checks []statecheck.StateCheck) {
	t.Helper()
	acctest.ApplyConfig(t, acctest.ProviderConfig()+config, checks...)
}

// expectConfigError plans config and expects an error matching expect.
func expectConfigError(t *testing.T, config string, expect *regexp.Regexp) {
	t.Helper()
	acctest.ExpectConfigError(t, acctest.ProviderConfig()+config, expect)
}

// expectPlanRefused plans config (after the provider block), which must fail
// with an error matching expect, before any request reaches route: a bad
// input is refused at plan time.
func expectPlanRefused(t *testing.T, config string, expect *regexp.Regexp, route emulator.Route) {
	t.Helper()
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig() + config,
			PlanOnly:    true,
			ExpectError: expect,
		}},
	})
	if n := acctest.Emu.Count(route); n != 0 {
		t.Errorf("the refused input reached %s %d times; it must be refused at plan time", route, n)
	}
}
