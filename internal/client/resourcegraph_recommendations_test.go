package client

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStatusFilterKQL(t *testing.T) {
	for _, tc := range []struct {
		statuses []string
		want     string
	}{
		{nil, ""},
		{[]string{"Unhealthy", "Healthy", "NotApplicable"}, ""},
		{[]string{"Unhealthy"}, "unhealthy > 0"},
		{[]string{"healthy", "NotApplicable"}, "(unhealthy == 0 and healthy > 0) or (unhealthy == 0 and healthy == 0)"},
	} {
		if got := statusFilterKQL(tc.statuses); got != tc.want {
			t.Errorf("statusFilterKQL(%v) = %q, want %q", tc.statuses, got, tc.want)
		}
	}
}

func TestRecommendationsKQLQuotes(t *testing.T) {
	q := recommendationsKQL(RecommendationQuery{Severities: []string{"High"}, AssessmentKeys: []string{"it's"}, ResourceIDLimit: 500})
	for _, want := range []string{"in~ ('High')", `in~ ('it\'s')`, "'Unhealthy', 100)", "by subscriptionId, name"} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
}

func TestRecommendationFromRow(t *testing.T) {
	r, err := recommendationFromRow(map[string]any{
		"subscriptionId": "s", "name": "k", "displayName": "Fix it", "severity": "High",
		"unhealthy": 0.0, "healthy": 0.0, "notApplicable": 3.0,
		"unhealthyCause": nil, "notApplicableCause": "OffByPolicy", "notApplicableDescription": "Disabled by policy",
		"portal": "portal.azure.com/#blade/x", "portalUri": nil, "resourceIds": []any{"/b", "/a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Recommendation{SubscriptionID: "s", AssessmentKey: "k", DisplayName: "Fix it", Severity: "High", Status: StatusNotApplicable,
		StatusCause: "OffByPolicy", StatusDescription: "Disabled by policy", NotApplicableResourceCount: 3,
		PortalURL: "https://portal.azure.com/#blade/x", AffectedResourceIDs: []string{"/a", "/b"}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if _, err := recommendationFromRow(map[string]any{"unhealthy": 1.5}); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Errorf("a fractional count: %v", err)
	}
	if _, err := recommendationFromRow(map[string]any{"resourceIds": "x"}); err == nil {
		t.Error("resourceIds that is not an array must be an error")
	}
}

// The summary over the scope summarises the per-subscription rows again,
// by name; a window adds the counts of what changed and keeps the rows
// with a change.
func TestRecommendationSummaryKQL(t *testing.T) {
	q := recommendationSummaryKQL(RecommendationQuery{Statuses: []string{"Unhealthy"}, ChangedSince: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)})
	for _, want := range []string{"by subscriptionId, name\n| summarize", "unhealthySubscriptions = make_list_if(subscriptionId, unhealthy > 0)\n    by name",
		"todatetime(properties.status.statusChangeDate) >= datetime('2026-11-30T00:00:00Z')", "| where changed > 0\n| where unhealthy > 0"} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
}

// make_set of an array column may nest arrays: their strings are read,
// distinct and sorted.
func TestStringLeaves(t *testing.T) {
	got, err := stringLeaves(map[string]any{"f": []any{[]any{"b", "a"}, "c", []any{"a"}, nil}}, "f")
	if err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := stringLeaves(map[string]any{"f": []any{1.0}}, "f"); err == nil {
		t.Error("a number must be an error")
	}
}
