package microsoft365

import (
	"fmt"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// ScoreSummary is what the score data source derives from the newest secure
// score and its actions. Every total is over the actions in the score
// (Action.InScore) only.
type ScoreSummary struct {
	// PointsAvailable is Σ points remaining of the actions in the score a
	// team can still work on: to address, in progress and planned.
	PointsAvailable float64
	// CurrentLicenseScore is Σ max score of the actions in the score: what
	// the tenant can reach with its current licences (the portal's
	// "current license score").
	CurrentLicenseScore float64
	Categories          map[string]CategoryScore
	StatusCounts        StatusCounts
	// PlannedScore is current score + Σ points remaining of planned actions.
	PlannedScore float64
	// AchievableScore is the current license score − Σ max score of
	// risk-accepted actions, which earn no points.
	AchievableScore float64
	// InScoreCount is how many actions count; the status counts add up to it.
	InScoreCount int64
	// Warning, when set, says the license total is Graph's maxScore, not Σ
	// the actions' max scores (see Summarize).
	Warning string
}

// CategoryScore is one control category's share of the score.
type CategoryScore struct {
	CurrentScore float64 // Σ controlScores.score of the category
	MaxScore     float64 // Σ maxScore of the category's actions in the score
	Percentage   float64
}

// StatusCounts counts the actions in the score by status: each has exactly
// one, so the counts add up to the number of actions in the score. Other
// holds states this provider does not know.
type StatusCounts struct {
	Completed                          int64
	InProgress                         int64
	ToAddress                          int64
	Planned                            int64
	RiskAccepted                       int64
	ResolvedThroughThirdParty          int64
	ResolvedThroughAlternateMitigation int64
	Other                              int64
}

func (c *StatusCounts) add(status string) {
	switch status {
	case StatusCompleted:
		c.Completed++
	case StatusInProgress:
		c.InProgress++
	case StatusToAddress:
		c.ToAddress++
	case StatusPlanned:
		c.Planned++
	case StatusRiskAccepted:
		c.RiskAccepted++
	case StatusResolvedThroughThirdParty:
		c.ResolvedThroughThirdParty++
	case StatusResolvedThroughAlternateMitigation:
		c.ResolvedThroughAlternateMitigation++
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
		if !a.InScore {
			continue
		}
		s.InScoreCount++
		s.StatusCounts.add(a.Status)
		s.CurrentLicenseScore += a.MaxScore
		switch a.Status {
		case StatusRiskAccepted:
			riskAccepted += a.MaxScore
		case StatusPlanned:
			planned += a.PointsRemaining
		}
		if openStatus(a.Status) {
			s.PointsAvailable += a.PointsRemaining
		}
		if a.Category != "" {
			c := s.Categories[a.Category]
			c.MaxScore += a.MaxScore
			s.Categories[a.Category] = c
		}
	}
	for _, cs := range snapshot.ControlScores {
		category := categoryOf[strings.ToLower(cs.ControlName)]
		if category == "" {
			category = cs.ControlCategory
		}
		if category == "" {
			continue
		}
		c := s.Categories[category]
		c.CurrentScore += cs.Score.Float64()
		s.Categories[category] = c
	}
	for name, c := range s.Categories {
		c.CurrentScore = scoremath.RoundPoints(c.CurrentScore)
		c.MaxScore = scoremath.RoundPoints(c.MaxScore)
		c.Percentage = scoremath.Ratio(c.CurrentScore, c.MaxScore)
		s.Categories[name] = c
	}
	s.PointsAvailable = scoremath.RoundPoints(s.PointsAvailable)
	s.CurrentLicenseScore = scoremath.RoundPoints(s.CurrentLicenseScore)
	// Graph's maxScore above Σ the listed actions' max scores means an
	// action that counts is missing from the list (a profile Graph does not
	// list): the listed sum could then fall below the points already
	// earned, so the license total is maxScore, with a warning.
	if graphMax := scoremath.RoundPoints(snapshot.MaxScore.Float64()); graphMax > s.CurrentLicenseScore {
		s.Warning = fmt.Sprintf("Microsoft Graph's maxScore (%g) is more than the max scores of the improvement actions it lists in the score add up to (%g): "+
			"an action that counts is missing from the list. current_license_score and achievable_score use maxScore as the license total; "+
			"points_available, planned_score and the categories cover the listed actions only.", graphMax, s.CurrentLicenseScore)
		s.CurrentLicenseScore = graphMax
	}
	s.PlannedScore = scoremath.RoundPoints(snapshot.CurrentScore.Float64() + planned)
	s.AchievableScore = scoremath.RoundPoints(s.CurrentLicenseScore - riskAccepted)
	return s
}

// HistoryPoint is one daily score.
type HistoryPoint struct {
	Date         string // YYYY-MM-DD (UTC)
	CurrentScore client.FlexFloat64
	MaxScore     client.FlexFloat64
	Percentage   float64
}

func snapshotDate(s client.SecureScore) string {
	return s.CreatedDateTime.UTC().Format(time.DateOnly)
}

// History is the snapshots of the last `days` days (the newest snapshot's
// day and the days-1 before it), oldest first; snapshots must be newest
// first. A day without a snapshot is simply missing.
func History(snapshots []client.SecureScore, days int) []HistoryPoint {
	out := []HistoryPoint{}
	if len(snapshots) == 0 {
		return out
	}
	cutoff := snapshots[0].CreatedDateTime.UTC().Truncate(24*time.Hour).AddDate(0, 0, -days)
	for i := len(snapshots) - 1; i >= 0; i-- {
		s := snapshots[i]
		if !s.CreatedDateTime.UTC().Truncate(24 * time.Hour).After(cutoff) {
			continue
		}
		out = append(out, HistoryPoint{
			Date: snapshotDate(s), CurrentScore: s.CurrentScore, MaxScore: s.MaxScore,
			Percentage: percentage(s),
		})
	}
	return out
}

func percentage(s client.SecureScore) float64 {
	return scoremath.Ratio(s.CurrentScore.Float64(), s.MaxScore.Float64())
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
			return scoremath.RoundPoints(percentage(newest) - percentage(s)), true
		}
	}
	return 0, false
}

// historyTop is how many snapshots a read asks for: history_days, and at
// least 31 so the 30-day change is there whatever history_days is.
func historyTop(historyDays int) int { return max(historyDays, 31) }
