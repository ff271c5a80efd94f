package defender

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestRankRecommendations(t *testing.T) {
	rec := func(sub, key, name, severity string, unhealthy int64) client.Recommendation {
		return client.Recommendation{SubscriptionID: sub, AssessmentKey: key, DisplayName: name, Severity: severity, UnhealthyResourceCount: unhealthy}
	}
	controls := []client.ControlPoints{
		{SubscriptionID: "s1", Name: "ports", Max: 8, Current: 4.74, AssessmentKeys: []string{"k1", "k2"}}, // 3.26 to gain
		{SubscriptionID: "s1", Name: "mfa", Max: 10, Current: 10, AssessmentKeys: []string{"k3"}},          // nothing to gain
		{SubscriptionID: "s2", Name: "ports", Max: 8, Current: 2, AssessmentKeys: []string{"k1", "k2"}},    // 6 to gain
	}
	ranked := rankRecommendations([]client.Recommendation{
		rec("s1", "k3", "MFA", "High", 0),
		rec("s1", "k9", "Outside every control", "High", 50),
		rec("s1", "k2", "Close ports", "Medium", 4),
		rec("s1", "k1", "Just-in-time", "High", 4),
		rec("s2", "K1", "Just-in-time", "High", 1), // keys compare case-insensitively
	}, controls, scopeWeights{}, false)
	var order []string
	for _, r := range ranked {
		order = append(order, r.SubscriptionID+"/"+r.DisplayName)
	}
	want := []string{
		"s2/Just-in-time",          // 6 points
		"s1/Just-in-time",          // 3.26, 4 unhealthy, High
		"s1/Close ports",           // 3.26, 4 unhealthy, Medium
		"s1/MFA",                   // 0 points
		"s1/Outside every control", // no control: last, whatever its resources
	}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if p := ranked[1].potential(); p == nil || *p != 3.26 {
		t.Errorf("potential of s1/Just-in-time = %v, want 3.26", p)
	}
	if ranked[4].potential() != nil {
		t.Error("a recommendation outside every control has no potential")
	}
}

func TestControlKeys(t *testing.T) {
	controls := []client.ControlPoints{
		{SubscriptionID: "s1", Name: "1111", DisplayName: "Enable MFA", AssessmentKeys: []string{"b", "a"}},
		{SubscriptionID: "s2", Name: "1111", DisplayName: "Enable MFA", AssessmentKeys: []string{"a", "b"}},
		{SubscriptionID: "s1", Name: "2222", DisplayName: "Secure management ports", AssessmentKeys: []string{"c"}},
	}
	keys, unknown := controlKeys(controls, []string{"enable mfa", "2222", "nope"})
	if !reflect.DeepEqual(keys, []string{"a", "b", "c"}) || !reflect.DeepEqual(unknown, []string{"nope"}) {
		t.Errorf("keys %v unknown %v", keys, unknown)
	}
}

func TestUnscoredWithRecommendations(t *testing.T) {
	got := unscoredWithRecommendations(
		[]client.Recommendation{{SubscriptionID: "B"}, {SubscriptionID: "a"}, {SubscriptionID: "c"}, {SubscriptionID: "b"}},
		[]client.ControlPoints{{SubscriptionID: "A"}},
	)
	if !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("got %v, want [b c]", got)
	}
}

// The docs' two-subscription example: A (weight 3, 60 points) and B
// (weight 1, 40 points); "Secure management ports" (max 8) has 4 points in
// A (4 to gain) and 6 in B (2 to gain). Fixing it where the recommendation
// is unhealthy, in both: 100 × (3 × 4 / 60 + 1 × 2 / 40) / 4 = 100 × 0.25
// / 4 = 6.25 points of aggregate (A 45 → 49 of 60 and B 30 → 32 of 40 move
// the aggregate from 0.75 to (3 × 0.8167 + 0.8) / 4 = 0.8125). Unhealthy in
// B only: 100 × 0.05 / 4 = 1.25. A preview recommendation of the control
// gains nothing, and one outside every control has no gain.
func TestSummarizeRecommendationsGain(t *testing.T) {
	controls := []client.ControlPoints{
		{SubscriptionID: "A", Name: "ports", DisplayName: "Secure management ports", Max: 8, Current: 4, AssessmentKeys: []string{"k1", "k2", "kp"}},
		{SubscriptionID: "B", Name: "ports", DisplayName: "Secure management ports", Max: 8, Current: 6, AssessmentKeys: []string{"k1", "k2", "kp"}},
	}
	weights := newScopeWeights([]client.DefenderScore{{SubscriptionID: "a", Weight: 3, Max: 60}, {SubscriptionID: "b", Weight: 1, Max: 40}})
	ranked := summarizeRecommendations([]client.Recommendation{
		{AssessmentKey: "k2", DisplayName: "Only in B", UnhealthyResourceCount: 1, UnhealthySubscriptionIDs: []string{"b"}},
		{AssessmentKey: "kp", DisplayName: "Preview", Preview: true, UnhealthyResourceCount: 9, UnhealthySubscriptionIDs: []string{"a", "b"}},
		{AssessmentKey: "k9", DisplayName: "Outside", UnhealthyResourceCount: 9, UnhealthySubscriptionIDs: []string{"a"}},
		{AssessmentKey: "k1", DisplayName: "Both", UnhealthyResourceCount: 2, UnhealthySubscriptionIDs: []string{"a", "b"}},
	}, controls, weights, false)
	var got []string
	for _, r := range ranked {
		g := "null"
		if r.AggregateGain != nil {
			g = fmt.Sprint(*r.AggregateGain)
		}
		got = append(got, r.DisplayName+" "+g)
	}
	want := []string{"Both 6.25", "Only in B 1.25", "Outside null", "Preview null"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// order_by = "risk": Critical before High before none, then by gain.
func TestOrderRecommendationsByRisk(t *testing.T) {
	gain := func(g float64) *float64 { return &g }
	recs := []rankedRecommendation{
		{Recommendation: client.Recommendation{DisplayName: "none"}, AggregateGain: gain(9), estate: true},
		{Recommendation: client.Recommendation{DisplayName: "high", RiskCounts: [4]int64{0, 1, 0, 0}}, AggregateGain: gain(5), estate: true},
		{Recommendation: client.Recommendation{DisplayName: "critical small", RiskCounts: [4]int64{1, 0, 0, 3}}, AggregateGain: gain(1), estate: true},
		{Recommendation: client.Recommendation{DisplayName: "critical big", RiskCounts: [4]int64{2, 0, 0, 0}}, AggregateGain: gain(2), estate: true},
	}
	orderRecommendations(recs, true)
	var got []string
	for _, r := range recs {
		got = append(got, r.DisplayName)
	}
	if want := []string{"critical big", "critical small", "high", "none"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
