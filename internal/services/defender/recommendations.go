package defender

import (
	"sort"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// The rules of securescore_defender_recommendations, without framework
// types: which control holds a recommendation, what fixing it could gain,
// and the order (biggest gain first).

// rankedRecommendation is a recommendation with the control of the
// initiative that holds it in its subscription (nil when none does, or when
// the subscription's score is not calculated yet).
type rankedRecommendation struct {
	client.Recommendation
	Control *client.ControlPoints
}

// potential is the points the control would add to its subscription's
// score once every resource in it is healthy (max - current); nil without
// a control.
func (r rankedRecommendation) potential() *float64 {
	if r.Control == nil {
		return nil
	}
	p := scoremath.RoundPoints(float64(r.Control.Max) - r.Control.Current)
	return &p
}

// controlIndex finds a subscription's control by assessment key.
type controlIndex map[string]*client.ControlPoints // lower(subscription + "/" + key)

func indexControls(controls []client.ControlPoints) controlIndex {
	idx := controlIndex{}
	for i := range controls {
		c := &controls[i]
		for _, key := range c.AssessmentKeys {
			k := strings.ToLower(c.SubscriptionID + "/" + key)
			if idx[k] == nil {
				idx[k] = c
			}
		}
	}
	return idx
}

// rankRecommendations joins recommendations to their controls and orders
// them: potential_score_increase descending (recommendations outside any
// control last), then unhealthy resources descending, then severity (High,
// Medium, Low), display name, subscription and key.
func rankRecommendations(recs []client.Recommendation, controls []client.ControlPoints) []rankedRecommendation {
	idx := indexControls(controls)
	out := make([]rankedRecommendation, 0, len(recs))
	for _, r := range recs {
		out = append(out, rankedRecommendation{Recommendation: r, Control: idx[strings.ToLower(r.SubscriptionID+"/"+r.AssessmentKey)]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		pa, pb := a.potential(), b.potential()
		switch {
		case pa != nil && pb == nil:
			return true
		case pa == nil && pb != nil:
			return false
		case pa != nil && *pa != *pb:
			return *pa > *pb
		}
		if a.UnhealthyResourceCount != b.UnhealthyResourceCount {
			return a.UnhealthyResourceCount > b.UnhealthyResourceCount
		}
		if sa, sb := severityRank(a.Severity), severityRank(b.Severity); sa != sb {
			return sa < sb
		}
		if a.DisplayName != b.DisplayName {
			return a.DisplayName < b.DisplayName
		}
		if x, y := strings.ToLower(a.SubscriptionID), strings.ToLower(b.SubscriptionID); x != y {
			return x < y
		}
		return strings.ToLower(a.AssessmentKey) < strings.ToLower(b.AssessmentKey)
	})
	return out
}

func severityRank(s string) int {
	switch strings.ToLower(s) {
	case "high":
		return 0
	case "medium":
		return 1
	case "low":
		return 2
	}
	return 3
}

// controlKeys are the assessment keys of the controls named (by name or
// display name, case-insensitively), and the names that matched nothing.
func controlKeys(controls []client.ControlPoints, names []string) (keys []string, unknown []string) {
	seen := map[string]bool{}
	for _, n := range names {
		found := false
		for _, c := range controls {
			if strings.EqualFold(c.Name, n) || strings.EqualFold(c.DisplayName, n) {
				found = true
				for _, k := range c.AssessmentKeys {
					if lk := strings.ToLower(k); !seen[lk] {
						seen[lk] = true
						keys = append(keys, k)
					}
				}
			}
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	sort.Strings(keys)
	return keys, unknown
}

// controlNames lists the controls' display names, sorted and de-duplicated.
func controlNames(controls []client.ControlPoints) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range controls {
		if !seen[c.DisplayName] {
			seen[c.DisplayName] = true
			out = append(out, c.DisplayName)
		}
	}
	sort.Strings(out)
	return out
}

// unscoredWithRecommendations are the subscriptions that have
// recommendations but no control of the initiative: Defender for Cloud
// assesses them but has not calculated their score yet. Sorted, lower case.
func unscoredWithRecommendations(recs []client.Recommendation, controls []client.ControlPoints) []string {
	scored := map[string]bool{}
	for _, c := range controls {
		scored[strings.ToLower(c.SubscriptionID)] = true
	}
	set := map[string]bool{}
	for _, r := range recs {
		if k := strings.ToLower(r.SubscriptionID); !scored[k] {
			set[k] = true
		}
	}
	return sortedKeys(set)
}
