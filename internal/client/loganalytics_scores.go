package client

import (
	"context"
	"time"
)

// The SecureScores table
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescores):
// one record per subscription and initiative each time continuous export
// writes the score.

// ScoreHistoryPoint is a subscription's score on one UTC day: the last
// record continuous export wrote that day.
type ScoreHistoryPoint struct {
	SubscriptionID string
	Day            time.Time // UTC midnight
	Generated      time.Time // TimeGenerated of the record
	Current        float64
	Max            int64
	Percentage     float64
	Weight         int64
}

// scoreHistoryKQL keeps each subscription's last record of each day: the
// row count grows with days and subscriptions, not with records.
func scoreHistoryKQL(q ScoreHistoryQuery) string {
	return historyKQL("SecureScores", "endswith "+kqlQuote("/providers/Microsoft.Security/secureScores/"+q.scoreName()), q,
		"CurrentScore, MaxScore, PercentageScore, Weight", "SecureScoresSubscriptionId")
}

// QueryScoreHistory reads the daily scores of q's window from the
// workspace, in the query's order (day, then subscription id); the history
// rules do not depend on it.
func (c *Client) QueryScoreHistory(ctx context.Context, q ScoreHistoryQuery) ([]ScoreHistoryPoint, error) {
	return queryHistoryTable(ctx, c, q, "SecureScores", scoreHistoryKQL(q), decodeScorePoint)
}

func decodeScorePoint(r *rowReader) ScoreHistoryPoint {
	return ScoreHistoryPoint{
		SubscriptionID: r.string("SecureScoresSubscriptionId"),
		Day:            r.time("Day"),
		Generated:      r.time("TimeGenerated"),
		Current:        r.number("CurrentScore"),
		Max:            r.integer("MaxScore"),
		Percentage:     r.number("PercentageScore"),
		Weight:         r.integer("Weight"),
	}
}
