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
	fetch := func(ctx context.Context) (any, error) {
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
	g.mu.Lock()
	cached := g.latestScore
	g.mu.Unlock()
	if cached != nil {
		return cached.score, cached.warnings, nil
	}
	v, err := g.shared(ctx, "newest secure score", func(ctx context.Context) (any, error) {
		s, err := fetch(ctx)
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
