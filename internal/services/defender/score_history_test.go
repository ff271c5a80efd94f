package defender

import (
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// Records on days 1, 3 and 9 of November (one week before the window and
// two in it); the window is the 4 days of 6 to 9 November. Day 6 starts with
// the day-3 score (carried), day 9 takes its own.
func TestBuildHistoryCarriesForward(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	rec := func(d int, current float64, pct float64) client.ScoreHistoryPoint {
		return client.ScoreHistoryPoint{SubscriptionID: "S1", Day: day(d), Generated: day(d).Add(3 * time.Hour), Current: current, Max: 10, Percentage: pct, Weight: 1}
	}
	h := buildHistory([]client.ScoreHistoryPoint{rec(1, 2, 0.2), rec(3, 4, 0.4), rec(9, 7, 0.7)}, 4, day(9).Add(15*time.Hour))
	if len(h.points) != 4 || len(h.aggregates) != 4 {
		t.Fatalf("%d points, %d aggregates; want 4 and 4", len(h.points), len(h.aggregates))
	}
	want := []float64{4, 4, 4, 7}
	for i, p := range h.points {
		if !p.Day.Equal(day(6+i)) || p.Current != want[i] {
			t.Errorf("point %d: %s %v, want %s %v", i, p.Day, p.Current, day(6+i), want[i])
		}
	}
	if !h.points[0].Generated.Equal(day(3).Add(3 * time.Hour)) {
		t.Errorf("a carried point keeps its record's time: %s", h.points[0].Generated)
	}
	// Over 3 days: 0.7 - 0.4 = 0.3 (3 points); 7 days is longer than the window.
	if c := h.aggregateChange(3); c == nil || *c != 0.3 {
		t.Errorf("aggregate change over 3 days: %v, want 0.3", c)
	}
	if h.aggregateChange(7) != nil {
		t.Error("a change longer than the window must be null")
	}
	if points, pct := h.subscriptionChange("s1", 3); points == nil || *points != 3 || *pct != 0.3 {
		t.Errorf("subscription change: %v %v", points, pct)
	}
}

// A subscription whose first record is inside the window has no points
// before it, and the aggregate of those days counts only the others.
func TestBuildHistoryStartsAtFirstRecord(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	h := buildHistory([]client.ScoreHistoryPoint{
		{SubscriptionID: "a", Day: day(5), Generated: day(5), Current: 5, Max: 10, Percentage: 0.5, Weight: 1},
		{SubscriptionID: "b", Day: day(7), Generated: day(7), Current: 9, Max: 10, Percentage: 0.9, Weight: 3},
	}, 3, day(7))
	if len(h.points) != 4 {
		t.Fatalf("%d points, want 4 (a on 5, 6, 7; b on 7)", len(h.points))
	}
	// Day 7: (0.5 × 1 + 0.9 × 3) / 4 = 0.8.
	if a := h.aggregates[2]; a.subscriptions != 2 || a.percentage == nil || *a.percentage != 0.8 {
		t.Errorf("day 7 aggregate: %+v", a)
	}
	if a := h.aggregates[0]; a.subscriptions != 1 || *a.percentage != 0.5 {
		t.Errorf("day 5 aggregate: %+v", a)
	}
}

// Two controls of S1 and one of S2 over the 8 days of 2 to 9 November:
// MFA lost 3 points on day 5 (7 -> 4), Updates gained 1 on day 9 (2 -> 3),
// S2's Ports has records from day 8 only (no 7-day change).
func TestBuildControlHistoryOrdersByLoss(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	rec := func(sub, name string, d int, current float64) client.ControlHistoryPoint {
		return client.ControlHistoryPoint{SubscriptionID: sub, Name: name, DisplayName: name + " control", Day: day(d), Generated: day(d).Add(3 * time.Hour), Current: current, Max: 10}
	}
	var days []time.Time
	for d := 2; d <= 9; d++ {
		days = append(days, day(d))
	}
	h := buildControlHistory([]client.ControlHistoryPoint{
		rec("S2", "ports", 8, 1), rec("S1", "updates", 1, 2), rec("S1", "mfa", 1, 7), rec("S1", "mfa", 5, 4), rec("S1", "updates", 9, 3),
	}, days)
	// 8 days of S1's two controls + 2 of S2's.
	if len(h.points) != 18 {
		t.Fatalf("%d points, want 18", len(h.points))
	}
	if p := h.points[0]; p.SubscriptionID != "S1" || p.Name != "mfa" || !p.Day.Equal(day(2)) || p.Current != 7 {
		t.Errorf("first point: %+v", p)
	}
	if p := h.points[17]; p.SubscriptionID != "S2" || p.Name != "ports" || !p.Day.Equal(day(9)) || p.Current != 1 {
		t.Errorf("last point: %+v", p)
	}
	if len(h.changes) != 3 {
		t.Fatalf("%d changes, want 3", len(h.changes))
	}
	want := []struct {
		name    string
		current float64
		change7 any
	}{{"mfa", 4, -3.0}, {"updates", 3, 1.0}, {"ports", 1, nil}}
	for i, w := range want {
		c := h.changes[i]
		var got any
		if c.change7 != nil {
			got = *c.change7
		}
		if c.latest.Name != w.name || c.latest.Current != w.current || got != w.change7 || c.change30 != nil || !c.latest.Day.Equal(day(9)) {
			t.Errorf("change %d: %s %v %v %v, want %s %v %v", i, c.latest.Name, c.latest.Current, got, c.change30, w.name, w.current, w.change7)
		}
	}
}
