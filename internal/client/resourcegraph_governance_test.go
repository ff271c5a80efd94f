package client

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The unhealthy assessments of 1,500 generated subscriptions are counted
// in two summarised requests (1,000 subscriptions, then 500), whose counts
// add up to the emulator's own; the assessments of a few assignments are
// read in one request each of up to 100 ids, covering only their
// subscriptions, and a healthy one among them is left out.
func TestUnhealthyAssessmentCountAndAssessmentsOf(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ids := e.AddSubscriptions(emulator.DefaultTenantID, 1500)
	var want int64
	var unhealthyIDs []string
	var healthyID string
	for _, id := range ids {
		for _, a := range e.Assessments(id) {
			switch {
			case a.Status == "Unhealthy":
				want++
				if len(unhealthyIDs) < 150 && strings.HasSuffix(id, "0") {
					unhealthyIDs = append(unhealthyIDs, a.ID)
				}
			case healthyID == "" && a.Status == "Healthy":
				healthyID = a.ID
			}
		}
	}
	if want == 0 || healthyID == "" || len(unhealthyIDs) < 101 {
		t.Fatalf("the generated subscriptions have %d unhealthy assessments (%d picked), healthy %q", want, len(unhealthyIDs), healthyID)
	}
	e.ResetCounts()
	got, stats, err := c.QueryUnhealthyAssessmentCount(ctx, ResourceGraphScope{SubscriptionIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	// ⌈1,500 / 1,000⌉ = 2 requests, one row each.
	if got != want || stats.Requests != 2 || stats.Rows != 2 || e.Count(emulator.RouteResourceGraph) != 2 {
		t.Errorf("counted %d unhealthy in %d requests (%d rows); want %d in 2 requests (2 rows)", got, stats.Requests, stats.Rows, want)
	}

	e.ResetCounts()
	// Upper case and a repeat are the same ids; 150 unhealthy ids and a
	// healthy one are 151 distinct ids: ⌈151 / 100⌉ = 2 requests.
	asked := append([]string{strings.ToUpper(unhealthyIDs[0]), healthyID}, unhealthyIDs...)
	rows, stats, err := c.QueryUnhealthyAssessmentsOf(ctx, asked)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(unhealthyIDs) || stats.Requests != 2 || e.Count(emulator.RouteResourceGraph) != 2 {
		t.Errorf("read %d assessments in %d requests; want %d in 2", len(rows), stats.Requests, len(unhealthyIDs))
	}
	for i, r := range rows {
		if strings.EqualFold(r.ID, healthyID) || r.DisplayName == "" || (i > 0 && strings.ToLower(rows[i-1].ID) >= strings.ToLower(r.ID)) {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	if rows, _, err := c.QueryUnhealthyAssessmentsOf(ctx, nil); err != nil || len(rows) != 0 {
		t.Errorf("no ids: %d rows, %v", len(rows), err)
	}
}
