package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const scoresBySubscriptionKQL = "securityresources\n" +
	"| where type == 'microsoft.security/securescores'\n" +
	"| summarize n = count() by subscriptionId"

// A summarised answer larger than a page is split until each half fits:
// with pages of 20 rows, 50 subscriptions (one row each) go 50 → 25 + 25 →
// 12 + 13 + 12 + 13, seven requests, and every subscription's row arrives
// once.
func TestQuerySummarySplitsTruncatedBatches(t *testing.T) {
	e := startEmulator(t, emulator.Options{ResourceGraphPageSize: 20})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ids := e.AddSubscriptions(emulator.DefaultTenantID, 50)
	var stats QueryStats
	seen := map[string]int{}
	err := c.querySummary(testContext(t), ResourceGraphScope{SubscriptionIDs: ids},
		SummaryQuery{Name: "scores by subscription", KQL: scoresBySubscriptionKQL, RowsPerSubscription: 1}, &stats,
		func(data any) error {
			rows, err := rowObjects(data, "counts")
			for _, r := range rows {
				seen[r["subscriptionId"].(string)]++
			}
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 50 || stats.Requests != 7 || e.Count(emulator.RouteResourceGraph) != 7 {
		t.Fatalf("%d subscriptions in %d requests (emulator: %d), want 50 in 7", len(seen), stats.Requests, e.Count(emulator.RouteResourceGraph))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s came %d times", id, n)
		}
	}
}

// Batches are sized from the rows each subscription adds: 1,000 rows a page
// over 60 rows a subscription is 16 subscriptions a request, so 100
// subscriptions take 7 requests (16 × 6 + 4).
func TestSummaryBatchSize(t *testing.T) {
	for rows, want := range map[int]int{0: 1000, 1: 1000, 60: 16, 100: 10, 1000: 1, 5000: 1} {
		if got := summaryBatchSize(rows); got != want {
			t.Errorf("summaryBatchSize(%d) = %d, want %d", rows, got, want)
		}
	}
}

// One subscription whose answer alone is truncated fails the query with
// the query's name and what to narrow: never a shorter list.
func TestQuerySummaryRefusesATruncatedSubscription(t *testing.T) {
	e := startEmulator(t, emulator.Options{ResourceGraphPageSize: 5})
	c := emulatorClient(t, e, emulator.ClientSecret)
	var stats QueryStats
	called := false
	err := c.querySummary(testContext(t), ResourceGraphScope{SubscriptionIDs: []string{emulator.DefaultSubscriptionID}},
		SummaryQuery{
			Name:   "controls by name",
			KQL:    "securityresources\n| where type == 'microsoft.security/securescores/securescorecontrols'\n| summarize n = count() by name",
			Narrow: "set `control_names`",
		}, &stats, func(any) error { called = true; return nil })
	var truncated *TruncatedError
	if !errors.As(err, &truncated) || called {
		t.Fatalf("err = %v, rows collected: %v", err, called)
	}
	for _, want := range []string{"controls by name", "set `control_names`", emulator.DefaultSubscriptionID, "to 5 of"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// A management group is resolved to its subscriptions (one paged
// resourcecontainers query), then asked in one batch.
func TestQuerySummaryResolvesManagementGroups(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	var stats QueryStats
	rows := 0
	err := c.querySummary(testContext(t), ResourceGraphScope{ManagementGroupIDs: []string{emulator.ManagementGroupID}},
		SummaryQuery{Name: "scores by subscription", KQL: scoresBySubscriptionKQL, RowsPerSubscription: 1}, &stats,
		func(data any) error { r, err := rowObjects(data, "counts"); rows += len(r); return err })
	// The management group holds three subscriptions with a score each.
	if err != nil || rows != 3 || stats.Requests != 2 {
		t.Fatalf("err %v, %d rows in %d requests; want 3 rows in 2 requests", err, rows, stats.Requests)
	}
}

// A paged answer is refused when Resource Graph truncates it without a
// $skipToken (a take), or when it pages rows without id.
func TestQueryPagesRefusesShorterAnswers(t *testing.T) {
	e := startEmulator(t, emulator.Options{ResourceGraphPageSize: 4})
	c := emulatorClient(t, e, emulator.ClientSecret)
	scope := ResourceGraphScope{SubscriptionIDs: []string{emulator.DefaultSubscriptionID}}
	controls := "securityresources\n| where type == 'microsoft.security/securescores/securescorecontrols'\n"
	for query, want := range map[string]string{
		controls + "| take 10":                      "truncated the answer of `securityresources | where type == 'microsoft.security/securescores/securescorecontrols'` to 4 of 10 rows",
		controls + "| project name | order by name": "is paged but its rows have no `id`",
	} {
		var stats QueryStats
		err := c.queryResourceGraph(testContext(t), scope, query, &stats, func(any) error { return nil })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", query, err, want)
		}
	}
}

// When an answer says the quota is spent, the next request waits until it
// resets instead of being throttled; a second client of the same user,
// which did not see that answer, is answered 429 and waits as its headers
// say; a wait longer than the operation's time fails with it.
func TestResourceGraphThrottlingWaits(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx := testContext(t)
	scope := ResourceGraphScope{SubscriptionIDs: []string{emulator.DefaultSubscriptionID}}
	if _, _, err := c.QueryVisibleSubscriptions(ctx, scope); err != nil { // its token, unthrottled
		t.Fatal(err)
	}
	e.SetResourceGraphQuota(2, 600*time.Millisecond)
	e.ResetCounts()
	start := time.Now()
	for range 3 {
		if _, _, err := c.QueryVisibleSubscriptions(ctx, scope); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.Count(emulator.RouteResourceGraph); got != 3 || time.Since(start) < 500*time.Millisecond {
		t.Fatalf("3 queries over a quota of 2: %d requests in %s; want 3 (no 429) after the 600 ms window", got, time.Since(start))
	}

	other := emulatorClient(t, e, emulator.ClientSecret)
	if _, _, err := other.QueryVisibleSubscriptions(ctx, scope); err != nil { // its token, unthrottled
		t.Fatal(err)
	}
	e.SetResourceGraphQuota(1, 2500*time.Millisecond)                     // longer than azcore's own first back-off (about 1 s)
	if _, _, err := c.QueryVisibleSubscriptions(ctx, scope); err != nil { // spends the quota
		t.Fatal(err)
	}
	e.ResetCounts()
	if _, _, err := other.QueryVisibleSubscriptions(ctx, scope); err != nil {
		t.Fatalf("after a 429: %v", err)
	}
	if got := e.Count(emulator.RouteResourceGraph); got != 2 {
		t.Fatalf("over the quota: %d requests, want 2 (a 429, then the retry after the reset)", got)
	}

	e.SetResourceGraphQuota(1, time.Hour)
	if _, _, err := c.QueryVisibleSubscriptions(ctx, scope); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, _, err := c.QueryVisibleSubscriptions(short, scope); err == nil || !strings.Contains(err.Error(), "timeouts") {
		t.Fatalf("a wait beyond the deadline: %v", err)
	}
}
