package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Azure Monitor Log Analytics query API
// (https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format):
// POST /v1/workspaces/{workspaceId}/query with {"query", "timespan"},
// answered with {"tables":[{"name","columns":[{"name","type"}],"rows":[[…]]}]}.
// One workspace holds the SecureScores rows that Defender for Cloud's
// continuous export writes
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescores)
// and the SecureScoreControls rows for Contoso's scored subscriptions
// (loganalytics_tables.go); another workspace has the first table only, a
// third neither.

const (
	// LogAnalyticsAudience is the audience of Log Analytics tokens in the
	// public cloud; the listener also accepts its own URL.
	LogAnalyticsAudience = "https://api.loganalytics.io"
	// LogAnalyticsWorkspaceID is the workspace continuous export fills.
	LogAnalyticsWorkspaceID = "5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"
	// EmptyLogAnalyticsWorkspaceID is a workspace without continuous export:
	// it has no SecureScores table.
	EmptyLogAnalyticsWorkspaceID = "0b9e6f21-4d3c-4a8e-9f17-6c2d5e8a1b30"
	// ScoresOnlyLogAnalyticsWorkspaceID is a workspace continuous export
	// fills with the overall scores only ("Control score" not exported): it
	// has SecureScores but no SecureScoreControls table.
	ScoresOnlyLogAnalyticsWorkspaceID = "7d2c4b90-1e6a-4f35-b8c7-3a9e0f5d2c18"
	// RouteLogAnalyticsQuery is the query API.
	RouteLogAnalyticsQuery Route = "log_analytics_query"
)

// HistoryDrop is the drop the history of Contoso Production shows: 6 points
// (from 56.95 to its current 50.95) on the day 6 days ago, so the change over
// the last 7 days is -6 points.
const HistoryDrop = 6.0

func (e *Emulator) logAnalyticsRoutes() []routeDef {
	return []routeDef{
		def(http.MethodPost, "/v1/workspaces/{workspaceId}/query", RouteLogAnalyticsQuery, e.handleLogAnalyticsQuery),
		def(http.MethodGet, "/v1/workspaces/{workspaceId}/query", RouteLogAnalyticsQuery, e.handleLogAnalyticsQuery),
	}
}

// LogAnalyticsURL is the Log Analytics query endpoint (paths start /v1).
func (e *Emulator) LogAnalyticsURL() string { return e.logAnalyticsURL }

func (e *Emulator) historyDays() int {
	switch d := e.opts.HistoryDays; {
	case d <= 0:
		return 90
	case d > 730:
		return 730
	default:
		return d
	}
}

// laFail writes the query API's error shape.
func (rc *reqCtx) laFail(status int, code, message string, inner map[string]any) {
	body := map[string]any{"message": message, "code": code, "correlationId": rc.requestID}
	if inner != nil {
		body["innererror"] = inner
	}
	rc.writeJSON(status, map[string]any{"error": body})
}

func (e *Emulator) handleLogAnalyticsQuery(rc *reqCtx) {
	switch {
	case rc.tokenErr == tokenMissing:
		rc.laFail(http.StatusUnauthorized, "AuthorizationRequiredError", "Valid authentication was not provided", nil)
		return
	case rc.tokenErr != tokenOK || rc.token == nil:
		rc.laFail(http.StatusUnauthorized, "InvalidTokenError", "The provided authentication is not valid for this resource", nil)
		return
	case !strings.EqualFold(strings.TrimSuffix(rc.token.audience, "/"), LogAnalyticsAudience) &&
		!strings.EqualFold(strings.TrimSuffix(rc.token.audience, "/"), e.logAnalyticsURL):
		rc.laFail(http.StatusUnauthorized, "InvalidTokenError",
			fmt.Sprintf("The provided authentication is not valid for this resource: the token's audience is '%s'", rc.token.audience), nil)
		return
	}
	workspace := strings.ToLower(rc.params["workspaceId"])
	if workspace != LogAnalyticsWorkspaceID && workspace != EmptyLogAnalyticsWorkspaceID && workspace != ScoresOnlyLogAnalyticsWorkspaceID {
		rc.laFail(http.StatusNotFound, "WorkspaceNotFoundError", fmt.Sprintf("Workspace '%s' could not be found", rc.params["workspaceId"]), nil)
		return
	}
	var body struct {
		Query    string `json:"query"`
		Timespan string `json:"timespan"`
	}
	if rc.r.Method == http.MethodGet {
		body.Query, body.Timespan = rc.r.URL.Query().Get("query"), rc.r.URL.Query().Get("timespan")
	} else if err := json.Unmarshal(rc.body, &body); err != nil {
		rc.laFail(http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", map[string]any{"code": "BadRequest", "message": err.Error()})
		return
	}
	semantic := func(msg string) {
		rc.laFail(http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", map[string]any{
			"code": "SemanticError", "message": "A semantic error occurred.",
			"innererror": map[string]any{"code": "SEM0100", "message": msg},
		})
	}
	q, err := parseKQLFor(body.Query, "securescores", "securescorecontrols")
	if err != nil {
		if strings.HasPrefix(err.Error(), "table ") {
			semantic(fmt.Sprintf("'where' operator: Failed to resolve table or column expression named '%s'", strings.Fields(body.Query + " x")[0]))
			return
		}
		rc.laFail(http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties", map[string]any{
			"code": "SyntaxError", "message": "A recognition error occurred in the query.", "innererror": map[string]any{"code": "SYN0002", "message": err.Error()},
		})
		return
	}
	if workspace == EmptyLogAnalyticsWorkspaceID || (workspace == ScoresOnlyLogAnalyticsWorkspaceID && q.table == "securescorecontrols") {
		semantic(fmt.Sprintf("'where' operator: Failed to resolve table or column expression named '%s'", strings.Fields(body.Query + " x")[0]))
		return
	}
	start, end, ok := parseTimespan(body.Timespan, time.Now().UTC())
	if !ok {
		rc.laFail(http.StatusBadRequest, "BadArgumentError", "The request had some invalid properties",
			map[string]any{"code": "InvalidTimespan", "message": fmt.Sprintf("'%s' is not an ISO 8601 interval or duration", body.Timespan)})
		return
	}
	rows, err := q.runStream(func(yield func(row) bool) {
		for _, r := range e.historyTable(q.table) {
			t, _ := time.Parse(time.RFC3339, r["TimeGenerated"].(string))
			if (!start.IsZero() && t.Before(start)) || (!end.IsZero() && !t.Before(end)) {
				continue
			}
			if !yield(r) {
				return
			}
		}
	})
	if err != nil {
		semantic(err.Error())
		return
	}
	table := tableOf(rows)
	e.mu.Lock()
	asStrings := e.laStrings
	e.mu.Unlock()
	if asStrings {
		table = withStringCells(table)
	}
	rc.writeJSON(http.StatusOK, map[string]any{"tables": []any{table}})
}

// parseTimespan reads an ISO 8601 interval (start/end) or a duration
// ending now (P7D, PT12H); "" is no bound.
func parseTimespan(s string, now time.Time) (time.Time, time.Time, bool) {
	if s == "" {
		return time.Time{}, time.Time{}, true
	}
	if a, b, ok := strings.Cut(s, "/"); ok {
		start, err1 := time.Parse(time.RFC3339Nano, a)
		end, err2 := time.Parse(time.RFC3339Nano, b)
		return start, end, err1 == nil && err2 == nil && start.Before(end)
	}
	m := regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$`).FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" {
		return time.Time{}, time.Time{}, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return now.Add(-d), now.Add(time.Second), true
}
