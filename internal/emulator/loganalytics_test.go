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

// SecureScoreControls: a day's controls add up to its score, and Contoso
// Production's 6 points lost 6 days ago come from two controls.
func TestLogAnalyticsControlHistory(t *testing.T) {
	e := start(t, Options{HistoryDays: 30})
	c := clientFor(t, e)
	tok := tokenFor(t, e, c, DefaultTenantID, LogAnalyticsAudience+"/.default")
	query := func(workspace, q string) response {
		return call(t, c, http.MethodPost, e.LogAnalyticsURL()+"/v1/workspaces/"+workspace+"/query", tok, map[string]any{"query": q})
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	day := func(k int) string { return today.AddDate(0, 0, -k).Format(time.RFC3339) }
	r := query(LogAnalyticsWorkspaceID, `SecureScoreControls
		| where SecureScoresSubscriptionId == '`+DefaultSubscriptionID+`' and IsSnapshot == true
		| summarize total = sum(CurrentScore) by Day = startofday(TimeGenerated)
		| order by Day asc`)
	want := map[string]float64{day(7): 56.95, day(6): 50.95, day(0): 50.95}
	got := map[string]float64{}
	for _, rw := range rows(t, r) {
		got[rw["Day"].(string)] = rw["total"].(float64)
	}
	for d, w := range want {
		if g := got[d]; g < w-0.001 || g > w+0.001 {
			t.Errorf("controls of %s add up to %v, want %v", d, g, w)
		}
	}

	r = query(LogAnalyticsWorkspaceID, `SecureScoreControls
		| where SecureScoresSubscriptionId == '`+DefaultSubscriptionID+`' and IsSnapshot == true and ControlName in ('Secure management ports', 'Remediate vulnerabilities', 'Enable MFA')
		| project TimeGenerated, ControlName, CurrentScore, MaxScore, UnhealthyResources, AssessedResourceId`)
	seen := map[string]float64{}
	for _, rw := range rows(t, r) {
		if at := rw["TimeGenerated"].(string); at == today.AddDate(0, 0, -7).Add(3*time.Hour).Format(time.RFC3339) || at == today.Add(3*time.Hour).Format(time.RFC3339) {
			seen[rw["ControlName"].(string)+"@"+at[:10]] = rw["CurrentScore"].(float64)
		}
		if id := rw["AssessedResourceId"].(string); !strings.HasPrefix(id, "/subscriptions/"+DefaultSubscriptionID+"/providers/Microsoft.Security/secureScores/ascScore/secureScoreControls/") {
			t.Errorf("AssessedResourceId %s", id)
		}
	}
	d7, d0 := day(7)[:10], day(0)[:10]
	for k, w := range map[string]float64{
		"Secure management ports@" + d7: 8, "Secure management ports@" + d0: 4.74,
		"Remediate vulnerabilities@" + d7: 5.97, "Remediate vulnerabilities@" + d0: 3.23,
		"Enable MFA@" + d7: 10, "Enable MFA@" + d0: 10,
	} {
		if seen[k] != w {
			t.Errorf("%s: %v, want %v", k, seen[k], w)
		}
	}

	// Export of the overall score only: no SecureScoreControls table.
	if r := query(ScoresOnlyLogAnalyticsWorkspaceID, "SecureScoreControls | summarize count()"); r.status != 400 ||
		!strings.Contains(string(r.raw), "Failed to resolve table or column expression named 'SecureScoreControls'") {
		t.Errorf("scores-only workspace: %d %s", r.status, r.raw)
	}
	if r := query(ScoresOnlyLogAnalyticsWorkspaceID, "SecureScores | summarize count()"); r.status != 200 {
		t.Errorf("scores-only workspace, SecureScores: %d %s", r.status, r.raw)
	}
}

// rows reads a query answer's first table as maps by column name.
func rows(t *testing.T, r response) []map[string]any {
	t.Helper()
	tables, _ := r.body["tables"].([]any)
	if r.status != 200 || len(tables) != 1 {
		t.Fatalf("query: %d %s", r.status, r.raw)
	}
	columns, _ := path(tables[0], "columns").([]any)
	var out []map[string]any
	for _, raw := range path(tables[0], "rows").([]any) {
		cells := raw.([]any)
		m := map[string]any{}
		for i, c := range columns {
			m[path(c, "name").(string)] = cells[i]
		}
		out = append(out, m)
	}
	return out
}
