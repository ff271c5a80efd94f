package client

import "context"

type latestScoreSnapshot struct {
	score    *SecureScore // nil when the tenant has no snapshot yet
	warnings []string
}

// LatestSecureScore returns the newest daily snapshot (nil when there is
// none), fetched once per provider process with $top=1 and shared by every
// concurrent reader, like ControlProfiles.
func (g *GraphClient) LatestSecureScore(ctx context.Context) (*SecureScore, []string, error) {
	fetch := func() (any, error) {
		scores, warnings, err := g.SecureScores(ctx, 1)
		if err != nil {
			return nil, err
		}
		s := &latestScoreSnapshot{warnings: warnings}
		if len(scores) > 0 {
			s.score = &scores[0]
		}
		return s, nil
	}
	if g.cacheDisabled {
		v, err := fetch()
		if err != nil {
			return nil, nil, err
		}
		s := v.(*latestScoreSnapshot)
		return s.score, s.warnings, nil
	}
	g.mu.Lock()
	cached := g.latestScore
	g.mu.Unlock()
	if cached != nil {
		return cached.score, cached.warnings, nil
	}
	v, err, _ := g.flight.Do("latest-score", func() (any, error) {
		s, err := fetch()
		if err == nil {
			g.mu.Lock()
			g.latestScore = s.(*latestScoreSnapshot)
			g.mu.Unlock()
		}
		return s, err
	})
	if err != nil {
		return nil, nil, err
	}
	s := v.(*latestScoreSnapshot)
	return s.score, s.warnings, nil
}

// ControlScore is the action's points in the snapshot (0 when it has no entry).
func (s *SecureScore) ControlScore(controlName string) float64 {
	if s == nil {
		return 0
	}
	for _, c := range s.ControlScores {
		if c.ControlName == controlName {
			return float64(c.Score)
		}
	}
	return 0
}
