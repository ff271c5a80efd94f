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
	first := h.days[0]
	byDay := map[string]map[int64]client.ScoreHistoryPoint{}
	for _, r := range records {
		if h.firstData.IsZero() || r.Generated.Before(h.firstData) {
			h.firstData = r.Generated
		}
		k := strings.ToLower(r.SubscriptionID)
		if byDay[k] == nil {
			byDay[k] = map[int64]client.ScoreHistoryPoint{}
		}
		byDay[k][r.Day.Unix()] = r
	}
	for k := range byDay {
		h.subs = append(h.subs, k)
	}
	sort.Strings(h.subs)
	for _, k := range h.subs {
		// The latest record on or before the window's first day starts it.
		var carry *client.ScoreHistoryPoint
		for _, r := range byDay[k] {
			if !r.Day.After(first) && (carry == nil || r.Day.After(carry.Day)) {
				c := r
				carry = &c
			}
		}
		series := make([]*client.ScoreHistoryPoint, len(h.days))
		for i, d := range h.days {
			if r, ok := byDay[k][d.Unix()]; ok {
				c := r
				carry = &c
			}
			if carry != nil {
				p := *carry
				p.Day = d
				series[i] = &p
			}
		}
		h.bySub[k] = series
	}
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
