package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Microsoft Graph JSON batching (https://learn.microsoft.com/graph/json-batching):
// POST /v1.0/$batch with up to 20 requests, each with an id, a method, a URL
// relative to the version and optional headers and JSON body; the answer is
// 200 with one response per request (id, status, headers, body), in no
// promised order. Each request is served as if sent alone with the batch's
// token: its route is counted in BatchedCounts (Counts holds the one batch),
// its faults apply, and a 429 inside comes with its own Retry-After.

const graphBatchLimit = 20

type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func (e *Emulator) handleBatch(rc *reqCtx) {
	// The batch itself is authenticated; each request inside is authorised.
	if rc.refuseToken(graphTokenRefusals) {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(rc.r.Body, 4<<20))
	var body struct {
		Requests []batchRequest `json:"requests"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		rc.fail(http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
		return
	}
	if len(body.Requests) == 0 || len(body.Requests) > graphBatchLimit {
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("A batch holds 1 to %d requests; this one holds %d.", graphBatchLimit, len(body.Requests)))
		return
	}
	seen := map[string]bool{}
	for _, req := range body.Requests {
		switch {
		case req.ID == "" || seen[req.ID]:
			rc.fail(http.StatusBadRequest, "BadRequest", "Every request of a batch needs an id, unique within the batch.")
			return
		case req.Method == "" || req.URL == "":
			rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Request %s of the batch needs a method and a url.", req.ID))
			return
		case strings.Contains(req.URL, "://"):
			rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Request %s: the url must be relative to the version, e.g. /security/secureScores.", req.ID))
			return
		}
		seen[req.ID] = true
	}
	responses := make([]batchResponse, 0, len(body.Requests))
	for _, req := range body.Requests {
		responses = append(responses, rc.serveBatched(req))
	}
	// The service promises no order: answer last first, so clients match ids.
	for i, j := 0, len(responses)-1; i < j; i, j = i+1, j-1 {
		responses[i], responses[j] = responses[j], responses[i]
	}
	rc.writeJSON(http.StatusOK, map[string]any{"responses": responses})
}

// serveBatched serves one request of a batch through the Graph routes.
func (rc *reqCtx) serveBatched(req batchRequest) batchResponse {
	e := rc.e
	target := "https://" + rc.r.Host + "/v1.0/" + strings.TrimPrefix(req.URL, "/")
	inner, err := http.NewRequestWithContext(rc.r.Context(), strings.ToUpper(req.Method), target, bytes.NewReader(req.Body))
	if err != nil {
		return batchResponse{ID: req.ID, Status: http.StatusBadRequest, Body: errorBody("BadRequest", "Invalid request url: "+req.URL)}
	}
	inner.Host = rc.r.Host
	inner.Header.Set("Authorization", rc.r.Header.Get("Authorization"))
	for k, v := range req.Headers {
		inner.Header.Set(k, v)
	}
	rec := &recorder{header: http.Header{}}
	irc := &reqCtx{e: e, fam: familyGraph, w: rec, r: inner, requestID: newUUID(), token: rc.token, tokenErr: rc.tokenErr}
	irc.setIDHeaders()
	found, params, methodMismatch := findRoute(e.graphRoutes(), inner.Method, inner.URL.Path)
	switch {
	case found == nil && methodMismatch:
		irc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("The requested method %s is not allowed on %s.", inner.Method, inner.URL.Path))
	case found == nil:
		irc.notFoundRoute()
	case found.route == RouteGraphBatch:
		irc.fail(http.StatusBadRequest, "BadRequest", "A batch cannot hold another batch.")
	default:
		irc.route, irc.params = found.route, params
		e.mu.Lock()
		e.batched[irc.route]++
		fault, faulted := e.takeFaultLocked(irc.route, irc.page(), inner.Method+" "+inner.URL.String())
		e.mu.Unlock()
		if !faulted || !irc.applyFault(fault, found.handle) {
			found.handle(irc)
		}
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	out := batchResponse{ID: req.ID, Status: rec.status, Headers: map[string]string{}}
	for _, k := range []string{"Content-Type", "Retry-After", "Location", "Preference-Applied", "Warning"} {
		if v := rec.header.Get(k); v != "" {
			out.Headers[k] = v
		}
	}
	if b := bytes.TrimSpace(rec.body.Bytes()); len(b) > 0 && json.Valid(b) {
		out.Body = b
	}
	return out
}

func errorBody(code, message string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message}})
	return b
}
