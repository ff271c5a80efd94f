package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLogAnalyticsQuery(t *testing.T) {
	e := start(t, Options{HistoryDays: 30})
	c := clientFor(t, e)
	tok := tokenFor(t, e, c, DefaultTenantID, LogAnalyticsAudience+"/.default")
	query := func(workspace, q, timespan string) response {
		return call(t, c, http.MethodPost, e.LogAnalyticsURL()+"/v1/workspaces/"+workspace+"/query", tok, map[string]any{"query": q, "timespan": timespan})
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	week := today.AddDate(0, 0, -7).Format(time.RFC3339) + "/" + today.AddDate(0, 0, 1).Format(time.RFC3339)

	// The day's last record, per subscription and day: Contoso Production
	// scored 56.95 seven days ago and 50.95 since six days ago.
	r := query(LogAnalyticsWorkspaceID, `SecureScores
		| where AssessedResourceId endswith '/secureScores/ascScore' and SecureScoresSubscriptionId == '`+DefaultSubscriptionID+`'
		| summarize arg_max(TimeGenerated, CurrentScore, PercentageScore) by Day = startofday(TimeGenerated)
		| order by Day asc`, week)
	tables, _ := r.body["tables"].([]any)
	if r.status != 200 || len(tables) != 1 {
		t.Fatalf("query: %d %s", r.status, r.raw)
	}
	rows, _ := path(tables[0], "rows").([]any)
	columns, _ := path(tables[0], "columns").([]any)
	if len(rows) != 8 || len(columns) != 4 {
		t.Fatalf("8 days of 4 columns, got %d rows: %s", len(rows), r.raw)
	}
	col := map[string]int{}
	for i, c := range columns {
		col[path(c, "name").(string)] = i
	}
	first, last := rows[0].([]any), rows[7].([]any)
	if first[col["CurrentScore"]] != 56.95 || last[col["CurrentScore"]] != 50.95 || last[col["PercentageScore"]] != 0.8492 ||
		!strings.HasSuffix(last[col["TimeGenerated"]].(string), "T03:00:00Z") {
		t.Errorf("first %v last %v", first, last)
	}
	if typ := path(columns[col["TimeGenerated"]], "type"); typ != "datetime" {
		t.Errorf("TimeGenerated type %v", typ)
	}

	// A workspace without continuous export has no SecureScores table.
	if r := query(EmptyLogAnalyticsWorkspaceID, "SecureScores | summarize count()", ""); r.status != 400 ||
		!strings.Contains(string(r.raw), "Failed to resolve table or column expression named 'SecureScores'") {
		t.Errorf("empty workspace: %d %s", r.status, r.raw)
	}
	if r := query("11111111-1111-1111-1111-111111111111", "SecureScores", ""); r.status != 404 || r.errorCode() != "WorkspaceNotFoundError" {
		t.Errorf("unknown workspace: %d %s", r.status, r.raw)
	}
	arm := armToken(t, e, c, DefaultTenantID)
	if r := call(t, c, http.MethodPost, e.LogAnalyticsURL()+"/v1/workspaces/"+LogAnalyticsWorkspaceID+"/query", arm, map[string]any{"query": "SecureScores"}); r.status != 401 {
		t.Errorf("an ARM token: %d %s", r.status, r.raw)
	}
	// 30 days of history: nothing older.
	if r := query(LogAnalyticsWorkspaceID, "SecureScores | summarize oldest = min(TimeGenerated)", ""); r.status != 200 ||
		!strings.Contains(string(r.raw), today.AddDate(0, 0, -29).Format("2006-01-02")+"T01:00:00Z") {
		t.Errorf("retention: %s", r.raw)
	}
}
