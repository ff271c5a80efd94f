package defender_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const scoresAddress = "data.securescore_defender_scores.test"

type expectedScore struct {
	sub *emulator.Subscription
	sc  *emulator.ARMScore
}

// expectedScores is what Resource Graph has for subs: one row per readable
// subscription that has a score called name.
func expectedScores(subs []*emulator.Subscription, name string) []expectedScore {
	var out []expectedScore
	for _, s := range subs {
		if isDenied(s.ID) {
			continue
		}
		if sc := findScore(s, name); sc != nil {
			out = append(out, expectedScore{s, sc})
		}
	}
	return out
}

func visibleSubscriptions(t *testing.T) []*emulator.Subscription {
	t.Helper()
	return defaultTenant(t).Subscriptions
}

func subscriptionsByID(t *testing.T, ids []string) []*emulator.Subscription {
	t.Helper()
	byID := map[string]*emulator.Subscription{}
	for _, s := range defaultTenant(t).Subscriptions {
		byID[strings.ToLower(s.ID)] = s
	}
	var out []*emulator.Subscription
	for _, id := range ids {
		if s := byID[strings.ToLower(id)]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

// scoreEntry is the state entry of one row, from the emulator's values.
func scoreEntry(r expectedScore) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"subscription_id": knownvalue.StringExact(r.sub.ID),
		"display_name":    knownvalue.StringExact(r.sc.DisplayName),
		"current_score":   knownvalue.Float64Exact(r.sc.Current),
		"max_score":       knownvalue.Int64Exact(int64(r.sc.Max)),
		"percentage":      knownvalue.Float64Exact(r.sc.Percentage),
		"weight":          knownvalue.Int64Exact(int64(r.sc.Weight)),
	})
}

// scoresChecks expects the rows in the order given (worked by hand by the
// caller: percentage ascending, then subscription id) and the aggregate the
// caller worked by hand.
func scoresChecks(name string, ordered []expectedScore, aggregate knownvalue.Check) []statecheck.StateCheck {
	items := make([]knownvalue.Check, 0, len(ordered))
	for _, r := range ordered {
		items = append(items, scoreEntry(r))
	}
	return append(scoresContentChecks(name, ordered),
		acctest.Expect(scoresAddress, "scores", knownvalue.ListExact(items)),
		acctest.Expect(scoresAddress, "aggregate_percentage", aggregate))
}

// scoresContentChecks expects every row once, whatever the order, for reads
// whose subscriptions vary with the tests run before (every visible
// subscription, generated ones included): the order and the aggregate are
// checked on hand-worked cases (scoresChecks).
func scoresContentChecks(name string, rows []expectedScore) []statecheck.StateCheck {
	items := make([]knownvalue.Check, 0, len(rows))
	for _, r := range rows {
		items = append(items, scoreEntry(r))
	}
	attr := acctest.ExpectOf(scoresAddress)
	return []statecheck.StateCheck{
		attr("score_name", knownvalue.StringExact(name)),
		attr("scores", knownvalue.SetExact(items)),
		attr("subscription_count", knownvalue.Int64Exact(int64(len(rows)))),
	}
}

// seededScores are the named seeded subscriptions' rows of score name, in
// the order given.
func seededScores(t *testing.T, name string, displayNames ...string) []expectedScore {
	t.Helper()
	out := make([]expectedScore, 0, len(displayNames))
	for _, n := range displayNames {
		s := subscriptionByName(t, n)
		out = append(out, expectedScore{s, mustScore(t, s, name)})
	}
	return out
}

// checkRequestsPerRead asserts that the Resource Graph requests of a test
// are a whole number of reads of perRead requests each (a read is one
// query: every batch, every page), and that there were only a few reads.
func checkRequestsPerRead(t *testing.T, perRead int) int {
	t.Helper()
	n := acctest.Emu.Count(emulator.RouteResourceGraph)
	if n == 0 || n%perRead != 0 || n/perRead > 6 {
		t.Errorf("Resource Graph requests = %d; want a few reads of exactly %d requests each", n, perRead)
	}
	return n
}

// readableCount is the number of subscriptions of the default tenant the
// identity can read: what the resourcecontainers query returns.
func readableCount(t *testing.T) int {
	n := 0
	for _, s := range visibleSubscriptions(t) {
		if !isDenied(s.ID) {
			n++
		}
	}
	return n
}

// Neither subscription_ids nor management_group_ids: every subscription the
// identity can read, in one score query and one query of the readable
// subscriptions (to name those not calculated yet).
func TestAccDefenderScores_allVisible(t *testing.T) {
	reset(t)
	rows := expectedScores(visibleSubscriptions(t), "ascScore")
	runConfig(t, `data "securescore_defender_scores" "test" {}`, scoresContentChecks("ascScore", rows))
	checkRequestsPerRead(t, pages(len(rows), 1000)+pages(readableCount(t), 1000))
}

func TestAccDefenderScores_subscriptionIDs(t *testing.T) {
	reset(t)
	ids := []string{
		subscriptionByName(t, "Contoso Development").ID,
		strings.ToUpper(subscriptionByName(t, "Contoso Sandbox").ID), // weight 0: listed, not in the aggregate
		subscriptionByName(t, "Contoso Legacy (no Defender)").ID,     // no score: left out with a warning
		emulator.DefaultSubscriptionID,
		emulator.DefaultSubscriptionID, // duplicates are read once
	}
	// By hand from the seed: Sandbox 0 % (weight 0), Development 0.5912
	// (23), Production 0.8492 (67), in that order; the aggregate over the
	// positive weights is (0.5912 × 23 + 0.8492 × 67) / 90 = (13.5976 +
	// 56.8964) / 90 = 0.78327 → 0.7833.
	rows := seededScores(t, "ascScore", "Contoso Sandbox", "Contoso Development", "Contoso Production")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = %s
}`, hclList(ids)), scoresChecks("ascScore", rows, knownvalue.Float64Exact(0.7833)))
	checkRequestsPerRead(t, 2) // the scores, then whether the one without a score can be read
}

func TestAccDefenderScores_managementGroup(t *testing.T) {
	reset(t)
	// By hand from the seed: the group holds Data Platform 0.7559 (weight
	// 12), Production 0.8492 (67) and Shared Services 0.9041 (41), in that
	// order; (9.0708 + 56.8964 + 37.0681) / 120 = 103.0353 / 120 = 0.85863
	// → 0.8586.
	rows := seededScores(t, "ascScore", "Contoso Data Platform", "Contoso Production", "Contoso Shared Services")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  management_group_ids = [%q]
}`, emulator.ManagementGroupID), scoresChecks("ascScore", rows, knownvalue.Float64Exact(0.8586)))
	checkRequestsPerRead(t, 2) // the group's scores and its readable subscriptions
}

// The five seeded subscriptions with a score, worked by hand: ordered by
// percentage ascending, Sandbox 0 (weight 0), Development 0.5912 (23), Data
// Platform 0.7559 (12), Production 0.8492 (67), Shared Services 0.9041
// (41); the aggregate over the positive weights is (13.5976 + 9.0708 +
// 56.8964 + 37.0681) / 143 = 116.6329 / 143 = 0.81561 → 0.8156.
func TestAccDefenderScores_orderAndAggregate(t *testing.T) {
	reset(t)
	rows := seededScores(t, "ascScore", "Contoso Sandbox", "Contoso Development", "Contoso Data Platform", "Contoso Production", "Contoso Shared Services")
	ids := make([]string, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- { // listed in another order than the answer's
		ids = append(ids, rows[i].sub.ID)
	}
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = %s
}`, hclList(ids)), scoresChecks("ascScore", rows, knownvalue.Float64Exact(0.8156)))
}

func TestAccDefenderScores_explicitName(t *testing.T) {
	reset(t)
	// By hand from the seed: only Contoso Production has the custom
	// initiative, 14.51 of 17 = 0.8535 (weight 67), which is the aggregate.
	custom := customScore(t, subscriptionByID(t, emulator.DefaultSubscriptionID))
	rows := seededScores(t, custom.Name, "Contoso Production")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  score_name = %q
}`, custom.Name), scoresChecks(custom.Name, rows, knownvalue.Float64Exact(0.8535)))
}

func TestAccDefenderScores_unknownNameListsExisting(t *testing.T) {
	reset(t)
	names := scoreNames(subscriptionByID(t, emulator.DefaultSubscriptionID))
	expectConfigError(t, `
data "securescore_defender_scores" "test" {
  score_name = "noSuchInitiative"
}`, expectAll(`Unknown secure score`, `"noSuchInitiative"`, regexp.QuoteMeta(names[0])+`,\s+`+regexp.QuoteMeta(names[1])))
}

// A scope without any Defender for Cloud data is an empty list, not an error.
func TestAccDefenderScores_noDefenderDataIsEmpty(t *testing.T) {
	reset(t)
	legacy := subscriptionByName(t, "Contoso Legacy (no Defender)")
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = [%q]
}`, legacy.ID), scoresChecks("ascScore", nil, knownvalue.Null()))
}

// An explicitly empty list reads nothing; it must not mean "every subscription".
func TestAccDefenderScores_emptyListReadsNothing(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_scores" "test" {
  subscription_ids = []
}`, scoresChecks("ascScore", nil, knownvalue.Null()))
	if n := acctest.Emu.Count(emulator.RouteResourceGraph); n != 0 {
		t.Errorf("an empty subscription_ids made %d Resource Graph requests", n)
	}
}

func TestAccDefenderScores_paging(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(0, 0, 2)
	rows := expectedScores(visibleSubscriptions(t), "ascScore")
	runConfig(t, `data "securescore_defender_scores" "test" {}`, scoresContentChecks("ascScore", rows))
	perRead := pages(len(rows), 2) + pages(readableCount(t), 2)
	n := checkRequestsPerRead(t, perRead)
	t.Logf("%d subscriptions, page size 2: %d pages a read, %d requests in the test", len(rows), perRead, n)
}

func TestAccDefenderScores_throttledOnSecondPage(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(0, 0, 2)
	rows := expectedScores(visibleSubscriptions(t), "ascScore")
	expectSecondPageRetried(t, emulator.RouteResourceGraph, `data "securescore_defender_scores" "test" {}`,
		scoresContentChecks("ascScore", rows), pages(len(rows), 2)+pages(readableCount(t), 2))
}

func TestAccDefenderScores_forbiddenNamesRole(t *testing.T) {
	reset(t)
	acctest.Emu.SetFault(emulator.RouteResourceGraph, emulator.Fault{Status: 403})
	expectConfigError(t, `data "securescore_defender_scores" "test" {}`,
		expectAll(`Azure Resource Graph`, `HTTP 403`, phrase("Security Reader")))
}

func TestAccDefenderScores_unknownManagementGroup(t *testing.T) {
	reset(t)
	expectConfigError(t, `
data "securescore_defender_scores" "test" {
  management_group_ids = ["no-such-group"]
}`, expectAll(`HTTP 400`, `no-such-group`))
}

func TestAccDefenderScores_badSubscriptionID(t *testing.T) {
	reset(t)
	expectPlanRefused(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = [%q, "not-a-subscription"]
}`, emulator.DefaultSubscriptionID),
		expectAll(`subscription_ids\[1\]`, phrase("is not a subscription id: it must be a GUID")), emulator.RouteResourceGraph)
}

func TestAccDefenderScores_conflictingScopes(t *testing.T) {
	reset(t)
	expectPlanRefused(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids     = [%q]
  management_group_ids = [%q]
}`, emulator.DefaultSubscriptionID, emulator.ManagementGroupID),
		expectAll(`Invalid Attribute Combination`, `management_group_ids`), emulator.RouteResourceGraph)
}

// newDirectClient is a client of the emulator outside Terraform, to count
// the requests of exactly one read.
func newDirectClient(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Auth: client.AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: emulator.ClientSecret},
		Endpoints: client.EndpointOverrides{
			AuthorityHost: acctest.Emu.AuthorityURL(), ResourceManagerEndpoint: acctest.Emu.ARMURL(), GraphEndpoint: acctest.Emu.GraphURL(),
			LogAnalyticsEndpoint: acctest.Emu.LogAnalyticsURL(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// directRead runs one read through the client and checks its request count
// against the emulator's.
func directRead(t *testing.T, c *client.Client, q client.ScoreQuery) ([]client.DefenderScore, client.QueryStats, time.Duration) {
	t.Helper()
	before := acctest.Emu.Count(emulator.RouteResourceGraph)
	start := time.Now()
	scores, stats, err := c.QueryDefenderScores(context.Background(), q)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if got := acctest.Emu.Count(emulator.RouteResourceGraph) - before; got != stats.Requests {
		t.Errorf("the emulator saw %d Resource Graph requests, the client counted %d", got, stats.Requests)
	}
	return scores, stats, elapsed
}

// 1,500 subscriptions: two requests of at most 1,000 subscriptions, each
// paged, one row per subscription; never one call per subscription.
func TestAccDefenderScores_1500Subscriptions(t *testing.T) {
	reset(t)
	ids := generatedSubscriptions(t, 1500)
	rows := expectedScores(subscriptionsByID(t, ids), "ascScore")
	if len(rows) != 1500 {
		t.Fatalf("expected 1500 generated subscriptions with a score, got %d", len(rows))
	}

	// One read, counted exactly: 1,000 + 500 subscriptions, one page each.
	c := newDirectClient(t)
	scores, stats, _ := directRead(t, c, client.ScoreQuery{SubscriptionIDs: ids})
	if len(scores) != 1500 || stats.Batches != 2 || stats.Requests != 2 {
		t.Errorf("1500 subscriptions: %d scores in %d batches, %d requests; want 1500 in 2 batches, 2 requests", len(scores), stats.Batches, stats.Requests)
	}
	// With 400 rows a page: 1,000 -> 3 pages, 500 -> 2 pages.
	acctest.Emu.SetPageSizes(0, 0, 400)
	scores, stats, _ = directRead(t, c, client.ScoreQuery{SubscriptionIDs: ids})
	if want := pages(1000, 400) + pages(500, 400); len(scores) != 1500 || stats.Batches != 2 || stats.Requests != want {
		t.Errorf("1500 subscriptions, 400 a page: %d scores in %d batches, %d requests; want 1500 in 2 batches, %d requests", len(scores), stats.Batches, stats.Requests, want)
	}

	// Through Terraform, still paged by 400.
	acctest.Emu.ResetCounts()
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = %s
}`, hclList(ids)), scoresContentChecks("ascScore", rows))
	n := checkRequestsPerRead(t, pages(1000, 400)+pages(500, 400))
	t.Logf("1500 subscriptions through Terraform, 400 rows a page: %d Resource Graph requests in the test (%d a read)", n, pages(1000, 400)+pages(500, 400))
}

// Every visible subscription with more than 1,000 of them: one request
// (no subscription list), paged by 1,000 rows.
func TestAccDefenderScores_allVisibleOver1000(t *testing.T) {
	reset(t)
	generatedSubscriptions(t, 1500)
	rows := expectedScores(visibleSubscriptions(t), "ascScore")
	if len(rows) <= 1000 {
		t.Fatalf("want more than 1000 visible subscriptions, have %d", len(rows))
	}
	runConfig(t, `data "securescore_defender_scores" "test" {}`, scoresContentChecks("ascScore", rows))
	n := checkRequestsPerRead(t, pages(len(rows), 1000))
	t.Logf("%d visible subscriptions: %d pages a read, %d Resource Graph requests in the test", len(rows), pages(len(rows), 1000), n)
}

// TestAccDefenderScores_scale measures 1, 100 and 1,500 subscriptions: the
// Resource Graph requests and wall time of one read through the client, of
// a plan-only test (two `terraform plan` runs) and of a full test (plan,
// apply, and the plans that follow).
func TestAccDefenderScores_scale(t *testing.T) {
	reset(t)
	c := newDirectClient(t)
	for _, n := range []int{1, 100, 1500} {
		t.Run(fmt.Sprintf("%d", n), func(t *testing.T) {
			ids := generatedSubscriptions(t, n)
			rows := expectedScores(subscriptionsByID(t, ids), "ascScore")
			config := fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = %s
}`, hclList(ids))

			_, stats, readTime := directRead(t, c, client.ScoreQuery{SubscriptionIDs: ids})

			acctest.Emu.ResetCounts()
			start := time.Now()
			acctest.Test(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:   acctest.ProviderConfig() + config,
					PlanOnly: true,
				}},
			})
			planTime, planRequests := time.Since(start), acctest.Emu.Count(emulator.RouteResourceGraph)

			acctest.Emu.ResetCounts()
			start = time.Now()
			runConfig(t, config, scoresContentChecks("ascScore", rows))
			fullTime, fullRequests := time.Since(start), acctest.Emu.Count(emulator.RouteResourceGraph)

			wantPerRead := (n + 999) / 1000
			if stats.Requests != wantPerRead {
				t.Errorf("one read of %d subscriptions made %d requests, want %d", n, stats.Requests, wantPerRead)
			}
			checkRequestsPerRead(t, wantPerRead)
			t.Logf("subscriptions=%d: one read = %d batches, %d Resource Graph requests, %s; plan-only test (2 x terraform plan) = %d requests, %s; full test = %d requests, %s",
				n, stats.Batches, stats.Requests, readTime.Round(time.Millisecond), planRequests, planTime.Round(time.Millisecond), fullRequests, fullTime.Round(time.Millisecond))
		})
	}
}

// Hand-written from the emulator's seed: Contoso Production scores 50.95 of
// 60 (0.8492, weight 67), Contoso Development 34.29 of 58 (0.5912, weight
// 23). The aggregate is (0.8492 × 67 + 0.5912 × 23) / 90 = 70.494 / 90 =
// 0.78327, 0.7833 at 4 decimals. Development is the weaker, so it comes
// first and Production second, its id in lower case as Resource Graph
// spells it.
func TestAccDefenderScores_weakestFirst(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_scores" "test" {
  subscription_ids = ["7444D220-DC62-4EED-8552-76D7697C3F78", "da33051b-d48d-4764-a425-4063eca91a0d"]
}`, []statecheck.StateCheck{
		acctest.Expect(scoresAddress, "aggregate_percentage", knownvalue.Float64Exact(0.7833)),
		statecheck.ExpectKnownValue(scoresAddress, tfjsonpath.New("scores").AtSliceIndex(0).AtMapKey("subscription_id"),
			knownvalue.StringExact("da33051b-d48d-4764-a425-4063eca91a0d")),
		statecheck.ExpectKnownValue(scoresAddress, tfjsonpath.New("scores").AtSliceIndex(1),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"subscription_id": knownvalue.StringExact("7444d220-dc62-4eed-8552-76d7697c3f78"),
				"display_name":    knownvalue.StringExact("ASC score"),
				"current_score":   knownvalue.Float64Exact(50.95),
				"max_score":       knownvalue.Int64Exact(60),
				"percentage":      knownvalue.Float64Exact(0.8492),
				"weight":          knownvalue.Int64Exact(67),
			})),
	})
}

// Contoso Sandbox has a score of weight 0: it is listed, but there is no
// data to aggregate, so aggregate_percentage is null, not 0.
func TestAccDefenderScores_noWeightIsNullAggregate(t *testing.T) {
	reset(t)
	runConfig(t, `
data "securescore_defender_scores" "test" {
  subscription_ids = ["28d34203-eca3-4e39-9722-4ce523ba3282"]
}`, []statecheck.StateCheck{
		acctest.Expect(scoresAddress, "subscription_count", knownvalue.Int64Exact(1)),
		acctest.Expect(scoresAddress, "aggregate_percentage", knownvalue.Null()),
	})
}

// Hand-written from the seed. Contoso Onboarding (15ffcc73-…) is readable
// but not scored yet, Contoso Legacy (bf07d1a0-…) has no Defender for Cloud
// score either: both are not calculated, never 0 %, and the aggregate is
// Contoso Production's alone (0.8492). A subscription Resource Graph does
// not show (a denied one) is not "not calculated".
func TestAccDefenderScores_notCalculated(t *testing.T) {
	reset(t)
	denied := deniedSubscription(t)
	runConfig(t, fmt.Sprintf(`
data "securescore_defender_scores" "test" {
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78", "15FFCC73-95FD-429D-BC17-A98C9A6D8D96", "bf07d1a0-b10a-4260-8ce0-62dc1d486ad1", %q]
}`, denied), []statecheck.StateCheck{
		acctest.Expect(scoresAddress, "subscription_count", knownvalue.Int64Exact(1)),
		acctest.Expect(scoresAddress, "aggregate_percentage", knownvalue.Float64Exact(0.8492)),
		acctest.Expect(scoresAddress, "not_calculated_subscription_ids", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96"), knownvalue.StringExact("bf07d1a0-b10a-4260-8ce0-62dc1d486ad1"),
		})),
		acctest.Expect(scoresAddress, "management_groups", knownvalue.Null()),
	})
}

// Hand-written from the seed:
//   - contoso-production: Production 0.8492 (weight 67), Shared Services
//     0.9041 (41), Data Platform 0.7559 (12): (56.8964 + 37.0681 + 9.0708) /
//     120 = 0.85863 → 0.8586, 3 subscriptions, none waiting for a score;
//   - contoso-nonproduction: Development 0.5912 (23) and Sandbox (weight 0)
//     → 0.5912 over 2 subscriptions; Onboarding not calculated yet;
//   - contoso-restricted: the identity may not read it (403) → restricted,
//     nulls, and the others are still read.
//
// The flat list holds the 5 scored subscriptions: (103.0353 + 13.5976) / 143
// = 0.81561 → 0.8156.
func TestAccDefenderScores_managementGroups(t *testing.T) {
	reset(t)
	// management_groups keeps the order of management_group_ids.
	groups := tfjsonpath.New("management_groups")
	runConfig(t, `
data "securescore_defender_scores" "test" {
  management_group_ids = ["contoso-production", "contoso-nonproduction", "contoso-restricted"]
}`, []statecheck.StateCheck{
		acctest.Expect(scoresAddress, "subscription_count", knownvalue.Int64Exact(5)),
		acctest.Expect(scoresAddress, "aggregate_percentage", knownvalue.Float64Exact(0.8156)),
		acctest.Expect(scoresAddress, "not_calculated_subscription_ids", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96"),
		})),
		statecheck.ExpectKnownValue(scoresAddress, groups.AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"management_group_id":             knownvalue.StringExact("contoso-production"),
			"restricted":                      knownvalue.Bool(false),
			"subscription_count":              knownvalue.Int64Exact(3),
			"aggregate_percentage":            knownvalue.Float64Exact(0.8586),
			"not_calculated_subscription_ids": knownvalue.ListExact([]knownvalue.Check{}),
		})),
		statecheck.ExpectKnownValue(scoresAddress, groups.AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"management_group_id":  knownvalue.StringExact("contoso-nonproduction"),
			"restricted":           knownvalue.Bool(false),
			"subscription_count":   knownvalue.Int64Exact(2),
			"aggregate_percentage": knownvalue.Float64Exact(0.5912),
			"not_calculated_subscription_ids": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("15ffcc73-95fd-429d-bc17-a98c9a6d8d96"),
			}),
		})),
		statecheck.ExpectKnownValue(scoresAddress, groups.AtSliceIndex(2), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"management_group_id":             knownvalue.StringExact("contoso-restricted"),
			"restricted":                      knownvalue.Bool(true),
			"subscription_count":              knownvalue.Null(),
			"aggregate_percentage":            knownvalue.Null(),
			"not_calculated_subscription_ids": knownvalue.Null(),
		})),
	})
}
