package defender

import (
	"math"
	"slices"
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
// the subscription's score is not calculated yet), or, summarised over the
// scope, in any subscription (its points are then per subscription and
// left out), and its gain on the scope's aggregate.
type rankedRecommendation struct {
	client.Recommendation
	Control *client.ControlPoints
	// AggregateGain is potential_aggregate_increase, in percentage points.
	AggregateGain *float64
	estate        bool
}

// potential is the points the control would add to its subscription's
// score once every resource in it is healthy (max - current); nil without
// a control, for a preview recommendation (it counts in no score) and in a
// summary over the scope (the points differ by subscription).
func (r rankedRecommendation) potential() *float64 {
	if r.Control == nil || r.Preview || r.estate {
		return nil
	}
	p := scoremath.RoundPoints(float64(r.Control.Max) - r.Control.Current)
	return &p
}

// gain is what order_by = "gain" orders by: the points of the subscription,
// or the gain on the aggregate in a summary over the scope.
func (r rankedRecommendation) gain() *float64 {
	if r.estate {
		return r.AggregateGain
	}
	return r.potential()
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
			if k := strings.ToLower("/" + key); idx[k] == nil { // any subscription's
				idx[k] = c
			}
		}
	}
	return idx
}

// scopeWeights are the secure scores' weights and maxima of the scope's
// subscriptions with a positive weight: the terms of the weighted
// aggregate Σ wᵢ·currentᵢ/maxᵢ ÷ Σ wᵢ (see aggregatePercentage).
type scopeWeights struct {
	total  float64
	weight map[string]float64 // lower(subscription id)
	max    map[string]float64
}

func newScopeWeights(scores []client.DefenderScore) scopeWeights {
	w := scopeWeights{weight: map[string]float64{}, max: map[string]float64{}}
	for _, s := range scores {
		k := strings.ToLower(s.SubscriptionID)
		if s.Weight <= 0 || s.Max <= 0 || w.weight[k] > 0 {
			continue
		}
		w.weight[k], w.max[k] = float64(s.Weight), float64(s.Max)
		w.total += float64(s.Weight)
	}
	return w
}

// term is what the control adds to the aggregate's numerator Σ wᵢ·currentᵢ/maxᵢ
// once fully healthy in its subscription: wᵢ·(max − current)/maxᵢ.
func (w scopeWeights) term(c *client.ControlPoints) float64 {
	k := strings.ToLower(c.SubscriptionID)
	if w.max[k] == 0 {
		return 0
	}
	return w.weight[k] * (float64(c.Max) - c.Current) / w.max[k]
}

// gain is the rise of the aggregate percentage, in percentage points (2
// decimals), from the numerator's rise; nil without a positive weight.
func (w scopeWeights) gain(numerator float64) *float64 {
	if w.total == 0 {
		return nil
	}
	g := math.Round(numerator/w.total*100*100) / 100
	return &g
}

// rankRecommendations joins recommendations of one subscription each to
// their controls, gives each its gain on the scope's aggregate, and orders
// them (see orderRecommendations).
func rankRecommendations(recs []client.Recommendation, controls []client.ControlPoints, weights scopeWeights, byRisk bool) []rankedRecommendation {
	idx := indexControls(controls)
	out := make([]rankedRecommendation, 0, len(recs))
	for _, r := range recs {
		rr := rankedRecommendation{Recommendation: r, Control: idx[strings.ToLower(r.SubscriptionID+"/"+r.AssessmentKey)]}
		if rr.Control != nil && !r.Preview {
			var term float64
			if r.UnhealthyResourceCount > 0 {
				term = weights.term(rr.Control)
			}
			rr.AggregateGain = weights.gain(term)
		}
		out = append(out, rr)
	}
	orderRecommendations(out, byRisk)
	return out
}

// summarizeRecommendations gives recommendations summarised over the scope
// their control (any subscription's: every subscription's definition holds
// the same assessments) and their gain on the aggregate: the sum, over the
// subscriptions where the recommendation is unhealthy and has a control,
// of what that control adds once fully healthy. Ordered like
// rankRecommendations.
func summarizeRecommendations(recs []client.Recommendation, controls []client.ControlPoints, weights scopeWeights, byRisk bool) []rankedRecommendation {
	idx := indexControls(controls)
	out := make([]rankedRecommendation, 0, len(recs))
	for _, r := range recs {
		rr := rankedRecommendation{Recommendation: r, Control: idx[strings.ToLower("/"+r.AssessmentKey)], estate: true}
		if rr.Control != nil && !r.Preview {
			var term float64
			for _, sub := range r.UnhealthySubscriptionIDs {
				if c := idx[strings.ToLower(sub+"/"+r.AssessmentKey)]; c != nil {
					term += weights.term(c)
				}
			}
			rr.AggregateGain = weights.gain(term)
		}
		out = append(out, rr)
	}
	orderRecommendations(out, byRisk)
	return out
}

// orderRecommendations orders by gain descending, the recommendations
// without a gain after, and the preview ones after those; then unhealthy
// resources descending, severity (High, Medium, Low), display name,
// subscription and key. byRisk puts the risk level first (Critical to
// Low, none last).
func orderRecommendations(out []rankedRecommendation, byRisk bool) {
	unscored := func(r rankedRecommendation) int {
		switch {
		case r.Preview:
			return 2
		case r.gain() == nil:
			return 1
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if byRisk {
			if ra, rb := riskRank(a.RiskLevel()), riskRank(b.RiskLevel()); ra != rb {
				return ra < rb
			}
		}
		if ua, ub := unscored(a), unscored(b); ua != ub {
			return ua < ub
		}
		if ga, gb := a.gain(), b.gain(); ga != nil && gb != nil && *ga != *gb {
			return *ga > *gb
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
}

// riskRank orders risk levels, Critical first, none last.
func riskRank(level string) int {
	for i, l := range client.RiskLevels {
		if strings.EqualFold(l, level) {
			return i
		}
	}
	return len(client.RiskLevels)
}

// keepRecommendations drops the preview recommendations unless
// includePreview, and keeps only the risk levels given (all when none).
func keepRecommendations(recs []client.Recommendation, includePreview bool, riskLevels []string) []client.Recommendation {
	out := recs[:0:0]
	for _, r := range recs {
		if r.Preview && !includePreview {
			continue
		}
		if len(riskLevels) > 0 && !slices.ContainsFunc(riskLevels, func(l string) bool { return strings.EqualFold(l, r.RiskLevel()) }) {
			continue
		}
		out = append(out, r)
	}
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

// unscoredInSummary are the subscriptions of a summary over the scope that
// have unhealthy recommendations but no control of the initiative (see
// unscoredWithRecommendations). Sorted, lower case.
func unscoredInSummary(recs []client.Recommendation, controls []client.ControlPoints) []string {
	var perSubscription []client.Recommendation
	for _, r := range recs {
		for _, id := range r.UnhealthySubscriptionIDs {
			perSubscription = append(perSubscription, client.Recommendation{SubscriptionID: id})
		}
	}
	return unscoredWithRecommendations(perSubscription, controls)
}
