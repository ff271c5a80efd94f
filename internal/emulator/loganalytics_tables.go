package emulator

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// The tables continuous export writes to a Log Analytics workspace
// (https://learn.microsoft.com/azure/defender-for-cloud/continuous-export):
// SecureScores, one record per subscription and initiative
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescores),
// and SecureScoreControls, one per subscription, initiative and control
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescorecontrols).
// Both are generated from today's scores: for every exported scored
// subscription (ascScore), a snapshot at 03:00 UTC of each of the last
// historyDays days, and an earlier streamed record at 01:00 that the day's
// snapshot replaces. Contoso Production lost HistoryDrop points 6 days ago;
// the others improve by 0.05 points a day until today (never below 0). A
// day's controls add up to its score (controlsAt); only points move in the
// generated past (resource counts are today's on every day).

// ExportHistory makes continuous export write the scores of these
// subscriptions too (the seeded Contoso ones are exported; generated ones
// are not unless named here).
func (e *Emulator) ExportHistory(subscriptionIDs ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range subscriptionIDs {
		e.assessLocked().exported[strings.ToLower(id)] = true
	}
}

// historyTable is the rows of the SecureScores ("securescores") or
// SecureScoreControls ("securescorecontrols") table.
func (e *Emulator) historyTable(table string) []row {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tenants[strings.ToLower(DefaultTenantID)]
	var rows []row
	days := e.historyDays()
	for _, s := range t.Subscriptions {
		if !e.assessLocked().exported[strings.ToLower(s.ID)] {
			continue
		}
		var asc *ARMScore
		for _, sc := range s.Scores {
			if sc.Name == "ascScore" {
				asc = sc
			}
		}
		if asc == nil {
			continue
		}
		for k := days - 1; k >= 0; k-- { // k days ago
			day := e.today.AddDate(0, 0, -k)
			current := historyScore(s, asc, k)
			streamed := round2(max(0, current-0.5))
			if table == "securescores" {
				rows = append(rows,
					secureScoreRow(s, asc, day.Add(time.Hour), streamed, false),
					secureScoreRow(s, asc, day.Add(3*time.Hour), current, true))
				continue
			}
			early, late := controlsAt(asc, streamed), controlsAt(asc, current)
			for i, c := range asc.Controls {
				rows = append(rows,
					secureScoreControlRow(s, asc, c, day.Add(time.Hour), early[i], false),
					secureScoreControlRow(s, asc, c, day.Add(3*time.Hour), late[i], true))
			}
		}
	}
	return rows
}

// historyScore is the subscription's ascScore points k days ago.
func historyScore(s *Subscription, asc *ARMScore, k int) float64 {
	if s.ID == DefaultSubscriptionID {
		if k >= 7 {
			return round2(asc.Current + HistoryDrop)
		}
		return asc.Current
	}
	return round2(max(0, asc.Current-0.05*float64(k)))
}

// controlsAt splits a past score over the controls: each has today's
// points but for the difference from today's score, which the controls take
// in their order, each within 0..max. Contoso Production's 6 points lost 6
// days ago are thus 3.26 of "Secure management ports" (8 of 8 before, 4.74
// since) and 2.74 of "Remediate vulnerabilities" (5.97 of 6 before, 3.23
// since).
func controlsAt(asc *ARMScore, score float64) []float64 {
	out := make([]float64, len(asc.Controls))
	delta := round2(score - asc.Current)
	for i, c := range asc.Controls {
		moved := min(max(delta, -c.Current), float64(c.Max)-c.Current)
		out[i] = round2(c.Current + moved)
		delta = round2(delta - moved)
	}
	return out
}

func secureScoreRow(s *Subscription, asc *ARMScore, at time.Time, current float64, snapshot bool) row {
	id := scoreID(s.ID, asc.Name)
	return row{
		"TenantId": LogAnalyticsWorkspaceID, "TimeGenerated": at.UTC().Format(time.RFC3339), "SourceSystem": "Azure",
		"SecureScoresSubscriptionId": s.ID, "AssessedResourceId": id, "DisplayName": asc.DisplayName,
		"CurrentScore": current, "MaxScore": float64(asc.Max), "PercentageScore": ratio4(current, asc.Max), "Weight": float64(asc.Weight),
		"IsSnapshot": snapshot, "Environment": "Azure", "ResourceProviderType": "Microsoft.Security/secureScores",
		"Properties": map[string]any{"displayName": asc.DisplayName, "score": map[string]any{"max": asc.Max, "current": current, "percentage": ratio4(current, asc.Max)}, "weight": asc.Weight},
		"Type":       "SecureScores", "_ResourceId": id, "_SubscriptionId": s.ID,
	}
}

func secureScoreControlRow(s *Subscription, asc *ARMScore, c *ARMControl, at time.Time, current float64, snapshot bool) row {
	id := scoreID(s.ID, asc.Name) + "/secureScoreControls/" + c.Name
	controlType, description := "BuiltIn", ""
	if c.Definition != nil {
		controlType, description = c.Definition.SourceType, c.Definition.Description
	}
	return row{
		"TenantId": LogAnalyticsWorkspaceID, "TimeGenerated": at.UTC().Format(time.RFC3339), "SourceSystem": "Azure",
		"SecureScoresSubscriptionId": s.ID, "AssessedResourceId": id, "ControlId": c.Name, "ControlName": c.DisplayName,
		"ControlType": controlType, "Description": description,
		"CurrentScore": current, "MaxScore": float64(c.Max), "PercentageScore": ratio4(current, c.Max),
		"HealthyResources": float64(c.HealthyResourceCount), "UnhealthyResources": float64(c.UnhealthyResourceCount),
		"NotApplicableResources": float64(c.NotApplicableResourceCount), "Weight": float64(c.Weight),
		"IsSnapshot": snapshot, "Environment": "Azure", "ResourceProviderType": "Microsoft.Security/secureScores/secureScoreControls",
		"Properties": map[string]any{
			"displayName": c.DisplayName, "score": map[string]any{"max": c.Max, "current": current, "percentage": ratio4(current, c.Max)},
			"healthyResourceCount": c.HealthyResourceCount, "unhealthyResourceCount": c.UnhealthyResourceCount,
			"notApplicableResourceCount": c.NotApplicableResourceCount, "weight": c.Weight,
		},
		"Type": "SecureScoreControls", "_ResourceId": id, "_SubscriptionId": s.ID,
	}
}

// historyColumnTypes are the documented column types.
var historyColumnTypes = map[string]string{
	"TimeGenerated": "datetime", "CurrentScore": "real", "MaxScore": "int", "PercentageScore": "real", "Weight": "long",
	"HealthyResources": "int", "UnhealthyResources": "int", "NotApplicableResources": "int",
	"IsSnapshot": "bool", "Properties": "dynamic",
}

// tableOf is the primary result table; columns in the order of the first
// row's sorted names (the query's projection decides them).
func tableOf(rows []row) map[string]any {
	names := map[string]bool{}
	for _, r := range rows {
		for k := range r {
			names[k] = true
		}
	}
	ordered := make([]string, 0, len(names))
	for n := range names {
		ordered = append(ordered, n)
	}
	sort.Strings(ordered)
	columns, data := tableAnswer(rows, ordered, func(n string) string {
		typ := historyColumnTypes[n]
		if typ == "" {
			typ = "string"
			for _, r := range rows {
				switch v := r[n].(type) {
				case float64:
					typ = "real"
				case bool:
					typ = "bool"
				case map[string]any, []any:
					typ = "dynamic"
				case string:
					if _, err := time.Parse(time.RFC3339, v); err == nil {
						typ = "datetime"
					}
				}
			}
		}
		return typ
	})
	return map[string]any{"name": "PrimaryResult", "columns": columns, "rows": data}
}

// SetLogAnalyticsStringCells makes the query API write the cells of long,
// int, real and bool columns as JSON strings ("1", "1.286", "true"), as
// Microsoft's example answer of the query API does
// (https://learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute);
// off, they are JSON numbers and booleans, as the response-format page shows
// (https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format).
func (e *Emulator) SetLogAnalyticsStringCells(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.laStrings = on
}

// withStringCells rewrites table's numeric and boolean cells as strings.
func withStringCells(table map[string]any) map[string]any {
	columns, _ := table["columns"].([]any)
	rows, _ := table["rows"].([]any)
	for j, c := range columns {
		switch c.(map[string]any)["type"] {
		case "long", "int", "real", "bool":
		default:
			continue
		}
		for _, r := range rows {
			cells := r.([]any)
			switch v := cells[j].(type) {
			case float64:
				cells[j] = strconv.FormatFloat(v, 'f', -1, 64)
			case int:
				cells[j] = strconv.Itoa(v)
			case bool:
				cells[j] = strconv.FormatBool(v)
			}
		}
	}
	return table
}
