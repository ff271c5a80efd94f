package client

import (
	"context"
	"path"
	"time"
)

// The SecureScoreControls table
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescorecontrols):
// one record per subscription, initiative and security control each time
// continuous export writes the control's score (the "Control score" part of
// the secure score export).

// ControlHistoryPoint is a control's score in a subscription on one UTC
// day: the last record continuous export wrote that day.
type ControlHistoryPoint struct {
	SubscriptionID string
	Name           string // the control's name: its definition's name (a GUID)
	DisplayName    string
	Day            time.Time // UTC midnight
	Generated      time.Time // TimeGenerated of the record
	Current        float64
	Max            int64
	Percentage     float64
	Healthy        int64
	Unhealthy      int64
	NotApplicable  int64
}

// controlHistoryKQL keeps each control's last record of each day per
// subscription: rows grow with days, subscriptions and controls (about 15
// a subscription), never with resources.
func controlHistoryKQL(q ScoreHistoryQuery) string {
	return historyKQL("SecureScoreControls", "contains "+kqlQuote("/providers/Microsoft.Security/secureScores/"+q.scoreName()+"/"), q,
		"ControlName, CurrentScore, MaxScore, PercentageScore, HealthyResources, UnhealthyResources, NotApplicableResources", "SecureScoresSubscriptionId, ControlId")
}

// QueryControlHistory reads the daily control scores of q's window from
// the workspace, in the query's order (day, subscription id, control id);
// the history rules do not depend on it.
func (c *Client) QueryControlHistory(ctx context.Context, q ScoreHistoryQuery) ([]ControlHistoryPoint, error) {
	return queryHistoryTable(ctx, c, q, "SecureScoreControls", controlHistoryKQL(q), decodeControlPoint)
}

func decodeControlPoint(r *rowReader) ControlHistoryPoint {
	return ControlHistoryPoint{
		SubscriptionID: r.string("SecureScoresSubscriptionId"),
		// The documentation calls ControlId "the ID of the assessed control"
		// without saying whether it is the name or the full resource id: the
		// last segment is the name either way.
		Name:          path.Base(r.string("ControlId")),
		DisplayName:   r.string("ControlName"),
		Day:           r.time("Day"),
		Generated:     r.time("TimeGenerated"),
		Current:       r.number("CurrentScore"),
		Max:           r.integer("MaxScore"),
		Percentage:    r.number("PercentageScore"),
		Healthy:       r.integer("HealthyResources"),
		Unhealthy:     r.integer("UnhealthyResources"),
		NotApplicable: r.integer("NotApplicableResources"),
	}
}
