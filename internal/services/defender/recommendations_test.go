package defender

import (
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
	}, controls)
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
