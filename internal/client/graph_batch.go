package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Microsoft Graph JSON batching (https://learn.microsoft.com/graph/json-batching):
// up to 20 requests in one POST /$batch, one round trip, answered in no
// promised order and matched by id. The only use here is a single action read
// together with the newest secure score, which every reader of one action
// needs next: msgraph-sdk-go's batching would bring its whole stack for it,
// so the few lines are written here, on the same pipeline.

type batchItem struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"` // relative to the version: /security/secureScores
}

type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// batch sends items in one request and returns each answer by id. An answer
// missing for an item is a DecodeError: never a silently shorter batch.
func (g *GraphClient) batch(ctx context.Context, items []batchItem) (map[string]batchAnswer, error) {
	ctx, c := captured(ctx)
	rawURL := g.endpoint("/$batch", nil)
	payload, _, err := g.send(ctx, http.MethodPost, rawURL, map[string]any{"requests": items})
	if err != nil {
		return nil, err
	}
	var body struct {
		Responses []batchAnswer `json:"responses"`
	}
	if err := json.Unmarshal(payload, &body); err != nil {
		return nil, &DecodeError{Service: ServiceGraph, URL: rawURL, RequestID: c.requestID(), Err: err}
	}
	answers := make(map[string]batchAnswer, len(body.Responses))
	for _, a := range body.Responses {
		answers[a.ID] = a
	}
	for _, item := range items {
		if _, ok := answers[item.ID]; !ok {
			return nil, &DecodeError{Service: ServiceGraph, URL: rawURL, RequestID: c.requestID(), Err: fmt.Errorf("the batch has no answer to request %q", item.ID)}
		}
	}
	return answers, nil
}

// readWithLatestScore reads one action (nil when it does not exist) and the
// newest secure score in one batch, and keeps the score for LatestSecureScore.
// Whatever the batch does not answer plainly (a throttled or failed request
// inside, a batch refused) is sent again on its own, where the pipeline's
// retries and error messages apply.
func (g *GraphClient) readWithLatestScore(ctx context.Context, id string) (*ControlProfile, []string, error) {
	profilePath := "/security/secureScoreControlProfiles/" + url.PathEscape(id)
	answers, err := g.batch(ctx, []batchItem{
		{ID: "profile", Method: http.MethodGet, URL: profilePath},
		{ID: "score", Method: http.MethodGet, URL: "/security/secureScores?$top=1"},
	})
	if err != nil {
		return g.getIfExists(ctx, id)
	}
	if a := answers["score"]; a.Status == http.StatusOK {
		var page graphPage[SecureScore]
		if warnings, err := decodeGraph(a.Body, g.endpoint("/security/secureScores", nil), a.Headers["request-id"], &page); err == nil {
			s := &latestScoreSnapshot{warnings: warnings}
			if len(page.Value) > 0 {
				s.score = &page.Value[0]
			}
			g.mu.Lock()
			if g.latestScore == nil {
				g.latestScore = s
			}
			g.mu.Unlock()
		}
	}
	a := answers["profile"]
	switch a.Status {
	case http.StatusOK:
		var profile ControlProfile
		warnings, err := decodeGraph(a.Body, g.endpoint(profilePath, nil), a.Headers["request-id"], &profile)
		if err != nil {
			return g.getIfExists(ctx, id)
		}
		return &profile, warnings, nil
	case http.StatusNotFound:
		return nil, nil, nil
	}
	return g.getIfExists(ctx, id)
}
