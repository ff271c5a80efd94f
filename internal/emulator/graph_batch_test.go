package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// A batch answers each request as if it were sent alone, counted under its
// own route, in no promised order; faults and permissions apply inside.
func TestGraphBatch(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	batchURL := e.GraphURL() + "/v1.0/$batch"
	batch := func(requests ...map[string]any) response {
		t.Helper()
		return call(t, c, http.MethodPost, batchURL, tok, map[string]any{"requests": requests})
	}
	byID := func(r response) map[string]map[string]any {
		t.Helper()
		out := map[string]map[string]any{}
		list, _ := r.body["responses"].([]any)
		for _, item := range list {
			m, _ := item.(map[string]any)
			id, _ := m["id"].(string)
			out[id] = m
		}
		return out
	}

	e.ResetCounts()
	r := batch(
		map[string]any{"id": "profile", "method": "GET", "url": "/security/secureScoreControlProfiles/AdminMFAV2"},
		map[string]any{"id": "score", "method": "GET", "url": "security/secureScores?$top=1"},
		map[string]any{"id": "missing", "method": "GET", "url": "/security/secureScoreControlProfiles/NoSuchAction"},
	)
	if r.status != http.StatusOK {
		t.Fatalf("batch: %d %s", r.status, r.raw)
	}
	got := byID(r)
	if path(got["profile"], "status") != 200.0 || path(got["profile"], "body", "id") != "AdminMFAV2" {
		t.Errorf("profile: %v", got["profile"])
	}
	if values, _ := path(got["score"], "body", "value").([]any); path(got["score"], "status") != 200.0 || len(values) != 1 {
		t.Errorf("score: %v", got["score"])
	}
	if path(got["missing"], "status") != 404.0 || path(got["missing"], "body", "error", "code") == nil {
		t.Errorf("missing: %v", got["missing"])
	}
	if list, _ := r.body["responses"].([]any); path(list[0], "id") != "missing" {
		t.Errorf("answers in request order; the service promises none, so the emulator answers last first: %v", path(list[0], "id"))
	}
	if e.Count(RouteGraphBatch) != 1 || e.Count(RouteGraphProfileGet) != 0 || e.BatchedCount(RouteGraphProfileGet) != 2 || e.BatchedCount(RouteGraphSecureScores) != 1 {
		t.Errorf("counts %v, batched %v", e.Counts(), e.BatchedCounts())
	}

	// A throttled request inside carries its own Retry-After.
	e.SetFault(RouteGraphSecureScores, Fault{Status: http.StatusTooManyRequests, RetryAfter: "2", Times: 1})
	got = byID(batch(map[string]any{"id": "1", "method": "GET", "url": "/security/secureScores?$top=1"}))
	if path(got["1"], "status") != 429.0 || path(got["1"], "headers", "Retry-After") != "2" {
		t.Errorf("throttled: %v", got["1"])
	}
	e.ClearFaults()

	// A PATCH inside needs the write permission, as alone.
	e.SetGraphRoles(ClientID, RoleSecurityEventsRead)
	got = byID(batch(map[string]any{"id": "1", "method": "PATCH", "url": "/security/secureScoreControlProfiles/AdminMFAV2",
		"headers": map[string]any{"Content-Type": "application/json"}, "body": map[string]any{"state": "Reviewed", "vendorInformation": vendor}}))
	if path(got["1"], "status") != 403.0 {
		t.Errorf("read-only PATCH in a batch: %v", got["1"])
	}

	for name, body := range map[string]any{
		"no requests":   map[string]any{"requests": []any{}},
		"duplicate ids": map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/security/secureScores"}, map[string]any{"id": "1", "method": "GET", "url": "/security/secureScores"}}},
		"absolute url":  map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": e.GraphURL() + "/v1.0/security/secureScores"}}},
		"21 requests":   map[string]any{"requests": twentyOne()},
	} {
		if r := call(t, c, http.MethodPost, batchURL, tok, body); r.status != http.StatusBadRequest || r.errorCode() != "BadRequest" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	if r := call(t, c, http.MethodPost, batchURL, "", map[string]any{"requests": []any{}}); r.status != http.StatusUnauthorized || !strings.Contains(string(r.raw), "InvalidAuthenticationToken") {
		t.Errorf("no token: %d %s", r.status, r.raw)
	}
}

func twentyOne() []any {
	out := make([]any, 21)
	for i := range out {
		out[i] = map[string]any{"id": strings.Repeat("x", i+1), "method": "GET", "url": "/security/secureScores"}
	}
	return out
}
