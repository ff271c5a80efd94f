package microsoft365

import (
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// ScoreSummary is what the score data source derives from the newest secure
// score and the improvement actions.
type ScoreSummary struct {
	// PointsAvailable is Σ points remaining over actions that are neither
	// deprecated nor risk accepted.
	PointsAvailable float64
	Categories      map[string]CategoryScore
	StatusCounts    StatusCounts
	// PlannedScore is current score + Σ points remaining of planned actions.
	PlannedScore float64
	// AchievableScore is max score − Σ points remaining of risk-accepted actions.
	AchievableScore float64
}

// CategoryScore is one control category's share of the score.
type CategoryScore struct {
	Score      float64 // Σ controlScores.score of the category
	MaxScore   float64 // Σ maxScore of the category's actions that are not deprecated
	Percentage float64
}

// StatusCounts counts the actions that are not deprecated by status; Other
// holds every status without a field of its own.
type StatusCounts struct {
	Completed                 int64
	ToAddress                 int64
	Planned                   int64
	RiskAccepted              int64
	ResolvedThroughThirdParty int64
	Other                     int64
}

func (c *StatusCounts) add(status string) {
	switch status {
	case StatusCompleted:
		c.Completed++
	case StatusToAddress:
		c.ToAddress++
	case StatusPlanned:
		c.Planned++
	case StatusRiskAccepted:
		c.RiskAccepted++
	case StatusResolvedThroughThirdParty:
		c.ResolvedThroughThirdParty++
	default:
		c.Other++
	}
}

// Summarize aggregates snapshot (the newest secure score) and the actions
// built from it (NewActions).
func Summarize(snapshot client.SecureScore, actions []Action) ScoreSummary {
	s := ScoreSummary{Categories: map[string]CategoryScore{}}
	categoryOf := map[string]string{}
	var planned, riskAccepted float64
	for _, a := range actions {
		categoryOf[strings.ToLower(a.ID)] = a.Category
		if a.Deprecated {
			continue
		}
		s.StatusCounts.add(a.Status)
		switch a.Status {
		case StatusRiskAccepted:
			riskAccepted += a.PointsRemaining
		case StatusPlanned:
			planned += a.PointsRemaining
			s.PointsAvailable += a.PointsRemaining
		default:
			s.PointsAvailable += a.PointsRemaining
		}
		if a.Category != "" {
			c := s.Categories[a.Category]
			c.MaxScore += a.MaxScore
			s.Categories[a.Category] = c
		}
	}
	for _, cs := range snapshot.ControlScores {
		category := cs.ControlCategory
		if category == "" {
			category = categoryOf[strings.ToLower(cs.ControlName)]
		}
		if category == "" {
			continue
		}
		c := s.Categories[category]
		c.Score += float64(cs.Score)
		s.Categories[category] = c
	}
	for name, c := range s.Categories {
		c.Score = roundPoints(c.Score)
		c.MaxScore = roundPoints(c.MaxScore)
		c.Percentage = ratio(c.Score, c.MaxScore)
		s.Categories[name] = c
	}
	s.PointsAvailable = roundPoints(s.PointsAvailable)
	s.PlannedScore = roundPoints(snapshot.CurrentScore + planned)
	s.AchievableScore = roundPoints(snapshot.MaxScore - riskAccepted)
	return s
}

// HistoryPoint is one daily score.
type HistoryPoint struct {
	Date         string // YYYY-MM-DD (UTC)
	CurrentScore float64
	MaxScore     float64
	Percentage   float64
}

func snapshotDate(s client.SecureScore) string {
	return s.CreatedDateTime.UTC().Format(time.DateOnly)
}

// History is the newest `days` snapshots, oldest first; snapshots must be
// newest first.
func History(snapshots []client.SecureScore, days int) []HistoryPoint {
	n := min(days, len(snapshots))
	out := make([]HistoryPoint, 0, n)
	for i := n - 1; i >= 0; i-- {
		s := snapshots[i]
		out = append(out, HistoryPoint{
			Date: snapshotDate(s), CurrentScore: s.CurrentScore, MaxScore: s.MaxScore,
			Percentage: ratio(s.CurrentScore, s.MaxScore),
		})
	}
	return out
}

// PercentageChange30Days is the newest percentage minus the one of the
// snapshot 30 days earlier (the newest one at least 30 days older, should a
// day be missing); false without such data. snapshots must be newest first.
func PercentageChange30Days(snapshots []client.SecureScore) (float64, bool) {
	if len(snapshots) == 0 {
		return 0, false
	}
	newest := snapshots[0]
	newestDay := newest.CreatedDateTime.UTC().Truncate(24 * time.Hour)
	cutoff := newestDay.AddDate(0, 0, -30)
	for _, s := range snapshots[1:] {
		if !s.CreatedDateTime.UTC().Truncate(24 * time.Hour).After(cutoff) {
			return roundPoints(ratio(newest.CurrentScore, newest.MaxScore) - ratio(s.CurrentScore, s.MaxScore)), true
		}
	}
	return 0, false
}

// historyTop is how many snapshots a read asks for: history_days, and at
// least 31 so the 30-day change is there whatever history_days is.
func historyTop(historyDays int) int { return max(historyDays, 31) }
