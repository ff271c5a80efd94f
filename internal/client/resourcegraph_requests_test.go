package client

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// TestResourceGraphRequestCounts measures, with the emulator's request
// counter, the Resource Graph requests each query takes at 1,000 and 5,000
// generated subscriptions (60 recommendations and about 15 controls each).
// It builds millions of rows, so it runs only when asked:
//
//	RG_REQUEST_COUNTS=1 go test ./internal/client -run TestResourceGraphRequestCounts -count=1 -v -timeout 30m
//
// The unhealthy assessments (one row per recommendation and resource) are
// counted from the emulator's assessments, as the requests their paging
// takes (⌈rows of a batch / 1,000⌉ per batch of 1,000 subscriptions),
// rather than read.
func TestResourceGraphRequestCounts(t *testing.T) {
	if os.Getenv("RG_REQUEST_COUNTS") == "" {
		t.Skip("set RG_REQUEST_COUNTS=1 to measure (minutes, gigabytes)")
	}
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx := context.Background()
	var ids []string
	for _, n := range []int{1000, 5000} {
		ids = append(ids, e.AddSubscriptions(emulator.DefaultTenantID, n-len(ids))...)
		group := fmt.Sprintf("measure-%d", n)
		e.AddManagementGroup(emulator.DefaultTenantID, group, ids...)
		byIDs, byGroup := ResourceGraphScope{SubscriptionIDs: ids}, ResourceGraphScope{ManagementGroupIDs: []string{group}}
		for _, m := range []struct {
			name string
			run  func() (int, error)
		}{
			{"secure scores (subscription_ids)", func() (int, error) {
				r, _, err := c.QueryDefenderScores(ctx, ScoreQuery{SubscriptionIDs: ids})
				return len(r), err
			}},
			{"secure scores (management group)", func() (int, error) {
				r, _, err := c.QueryDefenderScores(ctx, ScoreQuery{ManagementGroupIDs: []string{group}})
				return len(r), err
			}},
			{"secure score names (unknown score_name, up to 5)", func() (int, error) {
				r, _, err := c.QueryDefenderScoreNames(ctx, ScoreQuery{SubscriptionIDs: ids}, 5)
				return len(r), err
			}},
			{"visible subscriptions (resourcecontainers)", func() (int, error) {
				r, _, err := c.QueryVisibleSubscriptions(ctx, byIDs)
				return len(r), err
			}},
			{"security controls", func() (int, error) {
				r, _, err := c.QueryControlPoints(ctx, byIDs, "")
				return len(r), err
			}},
			{"recommendations by subscription (subscription_ids)", func() (int, error) {
				r, _, err := c.QueryRecommendations(ctx, RecommendationQuery{Scope: byIDs})
				return len(r), err
			}},
			{"recommendations by subscription (management group)", func() (int, error) {
				r, _, err := c.QueryRecommendations(ctx, RecommendationQuery{Scope: byGroup})
				return len(r), err
			}},
			{"governance assignments (none assigned)", func() (int, error) {
				r, _, err := c.QueryGovernanceAssignments(ctx, byIDs)
				return len(r), err
			}},
		} {
			e.ResetCounts()
			start := time.Now()
			rows, err := m.run()
			if err != nil {
				t.Fatalf("%d subscriptions, %s: %v", n, m.name, err)
			}
			t.Logf("%5d subscriptions | %-52s | %4d requests | %7d rows | %s", n, m.name, e.Count(emulator.RouteResourceGraph), rows, time.Since(start).Round(time.Millisecond))
		}
		requests, rows := 0, 0
		for start := 0; start < len(ids); start += 1000 {
			batch := 0
			for _, id := range ids[start:min(start+1000, len(ids))] {
				for _, a := range e.Assessments(id) {
					if strings.EqualFold(a.Status, "Unhealthy") {
						batch++
					}
				}
			}
			requests += max(1, (batch+999)/1000)
			rows += batch
		}
		t.Logf("%5d subscriptions | %-52s | %4d requests | %7d rows | (computed)", n, "unhealthy assessments (governance assignments)", requests, rows)
	}
}
