package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// rgSession queries Resource Graph as the default tenant's client.
func rgSession(t *testing.T, e *Emulator) func(body map[string]any) response {
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	return func(body map[string]any) response {
		return call(t, c, http.MethodPost, e.ARMURL()+rgURL, tok, body)
	}
}

const controlsQuery = "securityresources | where type == 'microsoft.security/securescores/securescorecontrols'"

// One page holds at most 1,000 rows: the default without $top, and $top
// above 1,000 is refused.
func TestResourceGraphPageLimit(t *testing.T) {
	e := start(t, Options{})
	query := rgSession(t, e)
	ids := e.AddSubscriptions(DefaultTenantID, 80) // about 14 controls each: over 1,000 rows
	r := query(map[string]any{"subscriptions": ids, "query": controlsQuery})
	if r.status != 200 || num(r.body["count"]) != 1000 || num(r.body["totalRecords"]) <= 1000 || r.body["$skipToken"] == nil {
		t.Fatalf("default page: %d count %v total %v token %v", r.status, r.body["count"], r.body["totalRecords"], r.body["$skipToken"])
	}
	if r := query(map[string]any{"subscriptions": ids, "query": controlsQuery, "options": map[string]any{"$top": 1001}}); r.status != 400 {
		t.Fatalf("$top 1001: %d %s", r.status, r.raw)
	}
}

// A summarize is answered with its first page only: resultTruncated true
// and no $skipToken when more rows exist; so is a take.
func TestResourceGraphSummarizeFirstPageOnly(t *testing.T) {
	e := start(t, Options{})
	query := rgSession(t, e)
	sub := []string{DefaultSubscriptionID}
	summarize := controlsQuery + " | summarize n = count() by name"
	for _, tc := range []struct {
		name, query string
		top         int
		count       float64
		truncated   string
	}{
		// The default subscription has 15 controls, one row each by name.
		{"summarize over a page", summarize, 4, 4, "true"},
		{"summarize within a page", summarize, 15, 15, "false"},
		{"take over a page", controlsQuery + " | take 10", 4, 4, "true"},
	} {
		r := query(map[string]any{"subscriptions": sub, "query": tc.query, "options": map[string]any{"$top": tc.top}})
		if r.status != 200 || num(r.body["count"]) != tc.count || r.body["resultTruncated"] != tc.truncated || r.body["$skipToken"] != nil {
			t.Errorf("%s: %d count %v truncated %v token %v", tc.name, r.status, r.body["count"], r.body["resultTruncated"], r.body["$skipToken"])
		}
	}
}

// Pages of a result without id come in a different row order each: reading
// every page does not give every row once.
func TestResourceGraphPagingWithoutID(t *testing.T) {
	e := start(t, Options{})
	query := rgSession(t, e)
	controls := 0
	for _, sc := range e.Tenant(DefaultTenantID).Subscriptions[0].Scores {
		controls += len(sc.Controls)
	}
	readAll := func(q, key string) (rows int, distinct int) {
		seen := map[string]bool{}
		body := map[string]any{"subscriptions": []string{DefaultSubscriptionID}, "query": q, "options": map[string]any{"$top": 4}}
		for {
			r := query(body)
			if r.status != 200 {
				t.Fatalf("%s: %s", q, r.raw)
			}
			for _, d := range r.body["data"].([]any) {
				rows++
				seen[path(d, key).(string)] = true
			}
			tok, _ := r.body["$skipToken"].(string)
			if tok == "" {
				return rows, len(seen)
			}
			body["options"] = map[string]any{"$top": 4, "$skipToken": tok}
		}
	}
	// The controls in pages of 4: with id each once; with the same ids
	// under another name, some twice and some never.
	if rows, distinct := readAll(controlsQuery+" | project id | order by id asc", "id"); rows != controls || distinct != controls {
		t.Errorf("with id: %d rows, %d distinct, want %d and %d", rows, distinct, controls, controls)
	}
	if rows, distinct := readAll(controlsQuery+" | project cid = id | order by cid asc", "cid"); rows != controls || distinct == controls {
		t.Errorf("without id: %d rows, %d distinct; want %d rows, some repeated", rows, distinct, controls)
	}
}

// At most three join (or union) and three mv-expand operators a query.
func TestResourceGraphOperatorLimits(t *testing.T) {
	e := start(t, Options{})
	query := rgSession(t, e)
	for _, tc := range []struct {
		query, want string
	}{
		{"securityresources" + strings.Repeat(" | join (resourcecontainers) on subscriptionId", 4), "at most 3"},
		{"securityresources" + strings.Repeat(" | mv-expand properties", 4), "at most 3"},
		{"securityresources" + strings.Repeat(" | mv-expand properties", 3), "not supported by the emulator"},
	} {
		r := query(map[string]any{"query": tc.query})
		if r.status != 400 || r.errorCode() != "InvalidQuery" || !strings.Contains(string(r.raw), tc.want) {
			t.Errorf("%s: %d %s", tc.query, r.status, r.raw)
		}
	}
}

// Every answer carries the quota headers; a user over the quota is answered
// 429 until the window resets.
func TestResourceGraphThrottling(t *testing.T) {
	e := start(t, Options{})
	query := rgSession(t, e)
	body := map[string]any{"subscriptions": []string{DefaultSubscriptionID}, "query": scoreQuery}
	if r := query(body); r.status != 200 || r.header.Get("x-ms-user-quota-remaining") == "" || r.header.Get("x-ms-user-quota-resets-after") != "00:00:05" {
		t.Fatalf("unthrottled: %d %v", r.status, r.header)
	}
	e.SetResourceGraphQuota(2, 400*time.Millisecond)
	for i, want := range []string{"1", "0"} {
		if r := query(body); r.status != 200 || r.header.Get("x-ms-user-quota-remaining") != want {
			t.Fatalf("query %d: %d remaining %q, want %s", i+1, r.status, r.header.Get("x-ms-user-quota-remaining"), want)
		}
	}
	r := query(body)
	if r.status != 429 || r.header.Get("x-ms-user-quota-remaining") != "0" || !strings.HasPrefix(r.header.Get("x-ms-user-quota-resets-after"), "00:00:00.") {
		t.Fatalf("over the quota: %d %v %s", r.status, r.header, r.raw)
	}
	time.Sleep(400 * time.Millisecond)
	if r := query(body); r.status != 200 || r.header.Get("x-ms-user-quota-remaining") != "1" {
		t.Fatalf("after the reset: %d %v", r.status, r.header)
	}
}

func TestHHMMSS(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Second: "00:00:05", 1500 * time.Millisecond: "00:00:01.500",
		time.Hour + 2*time.Minute + 3*time.Second: "01:02:03", 0: "00:00:00", 100 * time.Microsecond: "00:00:00.001",
	} {
		if got := hhmmss(d); got != want {
			t.Errorf("hhmmss(%s) = %s, want %s", d, got, want)
		}
	}
}
