package defender

import (
	"sort"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// The rules of securescore_defender_score_history, without framework
// types. Continuous export writes a subscription's score when it changes
// and a snapshot every week
// (https://learn.microsoft.com/azure/defender-for-cloud/continuous-export),
// so a day without a record keeps the day before's score: the history reads
// a week more than asked to find the score the window starts with.

// historyLookbackDays is the extra week read before the window.
const historyLookbackDays = 7

// dailyHistory is the history of a window.
type dailyHistory struct {
	days       []time.Time                            // the window's UTC days, oldest first
	points     []client.ScoreHistoryPoint             // one per subscription and day from its first known score, by day then subscription
	bySub      map[string][]*client.ScoreHistoryPoint // lower(id) -> the subscription's points by day index (nil before its first)
	subs       []string                               // lower-case ids, sorted
	aggregates []dayAggregate                         // one per day
	firstData  time.Time                              // the oldest record read (zero: none)
}

type dayAggregate struct {
	day           time.Time
	percentage    *float64 // weighted over the subscriptions with a positive weight; nil without one
	subscriptions int
}

// buildHistory lays the records (the last of each day, lookback included)
// over the days window ending on end's UTC day.
func buildHistory(records []client.ScoreHistoryPoint, days int, end time.Time) dailyHistory {
	last := end.UTC().Truncate(24 * time.Hour)
	h := dailyHistory{bySub: map[string][]*client.ScoreHistoryPoint{}}
	for i := days - 1; i >= 0; i-- {
		h.days = append(h.days, last.AddDate(0, 0, -i))
	}
	for _, r := range records {
		if h.firstData.IsZero() || r.Generated.Before(h.firstData) {
			h.firstData = r.Generated
		}
	}
	h.bySub = carryForward(records, h.days, func(r client.ScoreHistoryPoint) string { return strings.ToLower(r.SubscriptionID) },
		func(r client.ScoreHistoryPoint) time.Time { return r.Day }, func(r *client.ScoreHistoryPoint, d time.Time) { r.Day = d })
	for k := range h.bySub {
		h.subs = append(h.subs, k)
	}
	sort.Strings(h.subs)
	for i, d := range h.days {
		var day []client.DefenderScore
		for _, k := range h.subs {
			if p := h.bySub[k][i]; p != nil {
				h.points = append(h.points, *p)
				day = append(day, client.DefenderScore{Percentage: p.Percentage, Weight: p.Weight})
			}
		}
		h.aggregates = append(h.aggregates, dayAggregate{day: d, percentage: aggregatePercentage(day), subscriptions: len(day)})
	}
	return h
}

// carryForward lays records (the last of each key's days) over the window's
// days, per key: a day without a record keeps the key's latest record on or
// before it (the one on or before the window's first day starts it), its
// day set to the day; nil before the key's first record.
func carryForward[T any](records []T, days []time.Time, key func(T) string, day func(T) time.Time, setDay func(*T, time.Time)) map[string][]*T {
	byDay := map[string]map[int64]T{}
	for _, r := range records {
		k := key(r)
		if byDay[k] == nil {
			byDay[k] = map[int64]T{}
		}
		byDay[k][day(r).Unix()] = r
	}
	out := make(map[string][]*T, len(byDay))
	first := days[0]
	for k, recs := range byDay {
		var carry *T
		for _, r := range recs {
			if !day(r).After(first) && (carry == nil || day(r).After(day(*carry))) {
				c := r
				carry = &c
			}
		}
		series := make([]*T, len(days))
		for i, d := range days {
			if r, ok := recs[d.Unix()]; ok {
				c := r
				carry = &c
			}
			if carry != nil {
				p := *carry
				setDay(&p, d)
				series[i] = &p
			}
		}
		out[k] = series
	}
	return out
}

// aggregateChange is the newest day's aggregate minus that of n days
// before; nil when either is unknown or the window is shorter.
func (h dailyHistory) aggregateChange(n int) *float64 {
	last := len(h.aggregates) - 1
	if last-n < 0 || h.aggregates[last].percentage == nil || h.aggregates[last-n].percentage == nil {
		return nil
	}
	c := scoremath.RoundRatio(*h.aggregates[last].percentage - *h.aggregates[last-n].percentage)
	return &c
}

// subscriptionChange is a subscription's change of points and percentage
// over n days; nils when either day has no score.
func (h dailyHistory) subscriptionChange(sub string, n int) (points, percentage *float64) {
	series := h.bySub[strings.ToLower(sub)]
	last := len(series) - 1
	if last-n < 0 || series[last] == nil || series[last-n] == nil {
		return nil, nil
	}
	p := scoremath.RoundPoints(series[last].Current - series[last-n].Current)
	r := scoremath.RoundRatio(series[last].Percentage - series[last-n].Percentage)
	return &p, &r
}

// latest is a subscription's newest point (nil without one).
func (h dailyHistory) latest(sub string) *client.ScoreHistoryPoint {
	series := h.bySub[strings.ToLower(sub)]
	if len(series) == 0 {
		return nil
	}
	return series[len(series)-1]
}

// controlHistory is the per-control history of a window (SecureScoreControls).
type controlHistory struct {
	points  []client.ControlHistoryPoint // one per day, subscription and control from its first known score
	changes []controlChange              // one per subscription and control, biggest 7-day loss first
}

// controlChange is a control's newest point and its change of points.
type controlChange struct {
	latest            client.ControlHistoryPoint
	change7, change30 *float64 // nil when either day has no point
}

// buildControlHistory lays the control records over the window's days as
// buildHistory does the scores. Changes are ordered by the 7-day change,
// lowest (the biggest loss) first, those without one last, then by
// subscription id and control name: the controls that cost the most points
// this week lead.
func buildControlHistory(records []client.ControlHistoryPoint, days []time.Time) controlHistory {
	key := func(r client.ControlHistoryPoint) string {
		return strings.ToLower(r.SubscriptionID) + "/" + strings.ToLower(r.Name)
	}
	series := carryForward(records, days, key,
		func(r client.ControlHistoryPoint) time.Time { return r.Day }, func(r *client.ControlHistoryPoint, d time.Time) { r.Day = d })
	keys := make([]string, 0, len(series))
	for k := range series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var h controlHistory
	for i := range days {
		for _, k := range keys {
			if p := series[k][i]; p != nil {
				h.points = append(h.points, *p)
			}
		}
	}
	change := func(s []*client.ControlHistoryPoint, n int) *float64 {
		last := len(s) - 1
		if last-n < 0 || s[last] == nil || s[last-n] == nil {
			return nil
		}
		c := scoremath.RoundPoints(s[last].Current - s[last-n].Current)
		return &c
	}
	for _, k := range keys {
		s := series[k]
		if s[len(s)-1] == nil {
			continue
		}
		h.changes = append(h.changes, controlChange{latest: *s[len(s)-1], change7: change(s, 7), change30: change(s, 30)})
	}
	sort.SliceStable(h.changes, func(i, j int) bool {
		a, b := h.changes[i].change7, h.changes[j].change7
		switch {
		case a != nil && b != nil && *a != *b:
			return *a < *b
		case (a == nil) != (b == nil):
			return a != nil
		}
		return false // keys are sorted by subscription, then control
	})
	return h
}
