package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const rgURL = "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"

const scoreQuery = `securityresources
| where type == 'microsoft.security/securescores'
| where name == 'ascScore'
| project id, name, subscriptionId, properties`

func TestResourceGraph(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	tenant := e.Tenant(DefaultTenantID)
	query := func(body map[string]any) response {
		return call(t, c, http.MethodPost, e.ARMURL()+rgURL, tok, body)
	}

	// No scope: every subscription of the token's tenant with data.
	r := query(map[string]any{"query": scoreQuery, "options": map[string]any{"resultFormat": "objectArray"}})
	data, _ := r.body["data"].([]any)
	if r.status != 200 || len(data) != 5 || num(r.body["totalRecords"]) != 5 || num(r.body["count"]) != 5 || r.body["resultTruncated"] != "false" {
		t.Fatalf("all subscriptions: %d %s", r.status, r.raw)
	}
	first := data[0]
	asc := tenant.Subscriptions[0].Scores[0]
	if path(first, "subscriptionId") != DefaultSubscriptionID || num(path(first, "properties", "score", "current")) != asc.Current ||
		num(path(first, "properties", "weight")) != float64(asc.Weight) || path(first, "type") != nil {
		t.Fatalf("projected row: %v", first)
	}

	// Management group, =~, in~, order by (asc), and the raw columns.
	mg := tenant.ManagementGroups[ManagementGroupID]
	r = query(map[string]any{
		"managementGroups": []string{ManagementGroupID},
		"query": `SecurityResources | where type =~ 'Microsoft.Security/secureScores' and name =~ 'ASCSCORE'
			| where subscriptionId in~ ('` + strings.ToUpper(mg[1]) + `', '` + mg[2] + `')
			| order by subscriptionId asc`,
	})
	data, _ = r.body["data"].([]any)
	if r.status != 200 || len(data) != 2 {
		t.Fatalf("management group query: %d %s", r.status, r.raw)
	}
	if a, b := path(data[0], "subscriptionId").(string), path(data[1], "subscriptionId").(string); a > b {
		t.Fatalf("order by asc: %s > %s", a, b)
	}
	if path(data[0], "type") != "microsoft.security/securescores" || path(data[0], "tenantId") != DefaultTenantID {
		t.Fatalf("raw row: %v", data[0])
	}

	// Control rows, paged by $top with $skipToken.
	var rows []any
	pages := 0
	body := map[string]any{
		"subscriptions": []string{DefaultSubscriptionID},
		"query":         "securityresources | where type == 'microsoft.security/securescores/securescorecontrols'",
		"options":       map[string]any{"$top": 4},
	}
	for {
		r := query(body)
		if r.status != 200 {
			t.Fatalf("page %d: %s", pages+1, r.raw)
		}
		pages++
		d, _ := r.body["data"].([]any)
		rows = append(rows, d...)
		tok, _ := r.body["$skipToken"].(string)
		if tok == "" {
			break
		}
		body["options"] = map[string]any{"$top": 4, "$skipToken": tok}
	}
	wantRows := 0
	for _, s := range tenant.Subscriptions[0].Scores {
		wantRows += len(s.Controls)
	}
	if len(rows) != wantRows || pages != (wantRows+3)/4 {
		t.Fatalf("control rows: %d in %d pages, want %d", len(rows), pages, wantRows)
	}

	// Errors.
	many := e.AddSubscriptions(DefaultTenantID, 1001)
	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"too many subscriptions", map[string]any{"subscriptions": many, "query": scoreQuery}, "BadRequest"},
		{"unsupported operator", map[string]any{"query": "securityresources | mv-expand properties"}, "InvalidQuery"},
		{"unknown table", map[string]any{"query": "resources | where type == 'x'"}, "InvalidQuery"},
		{"unknown column", map[string]any{"query": "securityresources | where subscriptionid == 'x'"}, "InvalidQuery"},
	} {
		if r := query(tc.body); r.status != 400 || r.errorCode() != tc.code {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	if r := query(map[string]any{"subscriptions": many[:1000], "query": scoreQuery}); r.status != 200 || num(r.body["totalRecords"]) != 1000 || num(r.body["count"]) != 1000 {
		t.Fatalf("1000 subscriptions: %d total %v", r.status, r.body["totalRecords"])
	}
	if r := call(t, c, http.MethodPost, e.ARMURL()+"/providers/Microsoft.ResourceGraph/resources?api-version=2020-01-01", tok, map[string]any{"query": scoreQuery}); r.errorCode() != "InvalidApiVersionParameter" {
		t.Fatalf("api-version: %s", r.raw)
	}
}

func TestKQLSubset(t *testing.T) {
	rows := func() []row {
		return []row{
			{"name": "a", "n": 3.0, "properties": map[string]any{"score": map[string]any{"max": 10.0}}},
			{"name": "B", "n": 1.0, "properties": map[string]any{"score": map[string]any{"max": 5.0}}},
			{"name": "c", "n": 2.0, "properties": map[string]any{}},
		}
	}
	names := func(rs []row) string {
		var out []string
		for _, r := range rs {
			out = append(out, r["name"].(string))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct{ query, want string }{
		{"securityresources", "a,B,c"},
		{"securityresources | order by n", "a,c,B"}, // KQL sorts descending by default
		{"securityresources | sort by n asc", "B,c,a"},
		{"securityresources | where name == 'b'", ""},
		{"securityresources | where name =~ 'b'", "B"},
		{"securityresources | where name !in~ ('A', 'b')", "c"},
		{"securityresources | where properties.score.max >= 5 and n < 3", "B"},
		{"securityresources | where (name == 'a' or name == 'c') and n > 2", "a"},
		{"securityresources | where name contains 'B' | take 5", "B"},
		{"securityresources\n\t| where  name startswith \"c\"  // comment\n", "c"},
		{"securityresources | limit 2", "a,B"},
	} {
		q, err := parseKQL(tc.query)
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		got, err := q.run(rows())
		if err != nil || names(got) != tc.want {
			t.Errorf("%q = %q (%v), want %q", tc.query, names(got), err, tc.want)
		}
	}
	q, err := parseKQL("securityresources | project name, max = properties.score.max, properties.score")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := q.run(rows())
	if got[0]["max"] != 10.0 || got[0]["properties_score"] == nil || len(got[0]) != 3 {
		t.Fatalf("project: %v", got[0])
	}
	for _, bad := range []string{"", "securityresources |", "securityresources | extend x = 1", "securityresources | where name ==", "securityresources | project-away id", "securityresources | where name == 'x"} {
		if _, err := parseKQL(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// resultFormat=table answers columns (each name with its type, names in
// sorted order) and each row as its cells in the columns' order.
func TestResourceGraphTableFormat(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	r := call(t, c, http.MethodPost, e.ARMURL()+rgURL, tok, map[string]any{
		"subscriptions": []string{"7444d220-dc62-4eed-8552-76d7697c3f78"},
		"query":         scoreQuery + " | project subscriptionId, current = properties.score.current, properties",
		"options":       map[string]any{"resultFormat": "table"},
	})
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if got, want := fmt.Sprint(path(r.body, "data", "columns")),
		"[map[name:current type:number] map[name:properties type:object] map[name:subscriptionId type:string]]"; got != want {
		t.Errorf("columns = %s, want %s", got, want)
	}
	rows, _ := path(r.body, "data", "rows").([]any)
	if len(rows) != 1 {
		t.Fatalf("rows: %s", r.raw)
	}
	cells, _ := rows[0].([]any)
	if len(cells) != 3 || num(cells[0]) != 50.95 || num(path(cells[1], "score", "max")) != 60 || cells[2] != "7444d220-dc62-4eed-8552-76d7697c3f78" {
		t.Errorf("row = %v", rows[0])
	}
}
