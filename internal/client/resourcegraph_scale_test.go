package client

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// At 1, 100, 1,000 and 5,000 generated subscriptions, the secure scores (by
// subscription ids and by a management group holding them) and the
// governance assignments (one on every tenth subscription) read through
// Resource Graph are exactly the emulator's: every subscription's score
// once with the emulator's values, every assignment once with its owner and
// due date. The requests are worked by hand from the limits: a request
// lists at most 1,000 subscriptions and a page holds 1,000 rows, so n
// subscriptions take ⌈n/1000⌉ requests, by ids (one page a batch) or by
// management group (one page per 1,000 rows).
func TestResourceGraphScale(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	// Bounded: the 5,000 subscriptions' rows are built once, in seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var ids []string
	due := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	owners := map[string]string{} // assignment id -> owner
	for _, n := range []int{1, 100, 1000, 5000} {
		added := e.AddSubscriptions(emulator.DefaultTenantID, n-len(ids))
		for i, id := range added {
			if (len(ids)+i)%10 != 0 { // every tenth subscription: listing assessments is the slow part
				continue
			}
			for _, a := range e.Assessments(id) {
				if a.Status == "Unhealthy" {
					owner := "owner-" + id[:8] + "@contoso.com"
					owners[strings.ToLower(e.AddGovernanceAssignment(a.ResourceID, a.Key, owner, due, false))] = owner
					break
				}
			}
		}
		ids = append(ids, added...)
		group := fmt.Sprintf("scale-%d", n)
		e.AddManagementGroup(emulator.DefaultTenantID, group, ids...)
		want := map[string]*emulator.ARMScore{}
		tenant := e.Tenant(emulator.DefaultTenantID)
		for _, s := range tenant.Subscriptions {
			if len(s.Scores) > 0 && containsFold(ids, s.ID) {
				want[strings.ToLower(s.ID)] = s.Scores[0]
			}
		}
		requests := (n + 999) / 1000
		for _, q := range []ScoreQuery{{SubscriptionIDs: ids}, {ManagementGroupIDs: []string{group}}} {
			e.ResetCounts()
			scores, stats, err := c.QueryDefenderScores(ctx, q)
			if err != nil {
				t.Fatalf("%d subscriptions: %v", n, err)
			}
			if len(scores) != n || len(want) != n || stats.Requests != requests || e.Count(emulator.RouteResourceGraph) != requests {
				t.Errorf("%d subscriptions (management group %v): %d scores in %d requests; want %d in %d", n, q.ManagementGroupIDs, len(scores), stats.Requests, n, requests)
			}
			for _, s := range scores {
				w, ok := want[strings.ToLower(s.SubscriptionID)]
				if !ok || s.Name != w.Name || s.Current != w.Current || s.Max != int64(w.Max) || s.Percentage != w.Percentage || s.Weight != int64(w.Weight) || s.DisplayName != w.DisplayName {
					t.Fatalf("%d subscriptions: score %+v, emulator's %+v", n, s, w)
				}
			}
		}
		e.ResetCounts()
		assignments, stats, err := c.QueryGovernanceAssignments(ctx, ResourceGraphScope{SubscriptionIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if len(assignments) != len(owners) || len(owners) != (n+9)/10 || stats.Requests != requests {
			t.Errorf("%d subscriptions: %d assignments in %d requests; want %d in %d", n, len(assignments), stats.Requests, len(owners), requests)
		}
		for _, a := range assignments {
			if owners[strings.ToLower(a.ID)] != a.Owner || !a.DueDate.Equal(due) {
				t.Fatalf("%d subscriptions: assignment %+v", n, a)
			}
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
