package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Resource Graph's documented limits, as the emulator enforces them.

// The most rows one page holds: `$top` (First) "has a maximum allowed value
// of 1000", and 1,000 is also the default
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data).
const resourceGraphMaxTop = 1000

// The most join and mv-expand operators one query may hold: the table of
// supported tabular operators limits a query to three joins (union
// included) and three mv-expand
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language).
const (
	maxJoins     = 3
	maxMvExpands = 3
)

// checkOperatorLimits refuses a query with more join or mv-expand operators
// than Resource Graph accepts, before any other check, as the service's
// validation does.
func checkOperatorLimits(toks []kqlToken) error {
	var joins, expands int
	for i, t := range toks {
		if t.kind != "ident" || i == 0 || toks[i-1].kind != "op" || toks[i-1].text != "|" {
			continue
		}
		switch strings.ToLower(t.text) {
		case "join", "union":
			joins++
		case "mv-expand", "mvexpand":
			expands++
		}
	}
	switch {
	case joins > maxJoins:
		return fmt.Errorf("the query holds %d join or union operators; Resource Graph allows at most %d in a single query", joins, maxJoins)
	case expands > maxMvExpands:
		return fmt.Errorf("the query holds %d mv-expand operators; Resource Graph allows at most %d in a single query", expands, maxMvExpands)
	}
	return nil
}

// pageable says whether Resource Graph pages a result with $skipToken: not a
// summarize ("Simplified first page only" in the table of supported tabular
// operators,
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language),
// nor a take or limit (paging "isn't possible" then, and `resultTruncated`
// is true without a $skipToken,
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/paging-results).
func (q *kqlQuery) pageable() bool { return !q.summarized && !q.limited }

// unstableOrder serves a paged result whose rows have no `id` in a row order
// of its own for each page request: Resource Graph needs `id` in the result
// to return the pages "in stable sorted fashion", and without it a client
// that pages can see a row twice or never
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/paging-results;
// the REST example of paging says the same:
// https://learn.microsoft.com/rest/api/azureresourcegraph/resourcegraph/resources/resources#next-page-query).
// The order is a seeded shuffle (a choice), different for every page.
func unstableOrder(rows []row, page int) []row {
	if len(rows) == 0 {
		return rows
	}
	if _, ok := rows[0]["id"]; ok {
		return rows
	}
	out := make([]row, len(rows))
	for i, j := range rand.New(rand.NewPCG(uint64(page), uint64(len(rows)))).Perm(len(rows)) {
		out[i] = rows[j]
	}
	return out
}

// resourceGraphQuota is the per-user query quota of a time window: every
// answer carries x-ms-user-quota-remaining (queries left) and
// x-ms-user-quota-resets-after (hh:mm:ss until the window resets), and a
// user over the quota is answered 429
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests,
// whose example quota is 15 queries every 5 seconds). Unset, the emulator
// does not throttle and its headers report the quota as never spent (a
// choice: scale tests send hundreds of queries).
type resourceGraphQuota struct {
	limit   int           // queries per window; 0: unthrottled
	window  time.Duration // the window's length
	used    map[string]int
	resetAt map[string]time.Time
}

// unthrottledQuota is what the headers report when no quota is set.
const unthrottledQuota = 1000

// SetResourceGraphQuota throttles Resource Graph to limit queries per window
// for each user (client id); limit 0 turns throttling off.
func (e *Emulator) SetResourceGraphQuota(limit int, window time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rgQuota = resourceGraphQuota{limit: max(limit, 0), window: max(window, time.Millisecond),
		used: map[string]int{}, resetAt: map[string]time.Time{}}
}

// spendQuota counts one query of user and writes the throttling headers; it
// reports false when the user's quota was already spent (the caller answers 429).
func (e *Emulator) spendQuota(w http.ResponseWriter, user string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	q := &e.rgQuota
	if q.limit == 0 {
		w.Header().Set("x-ms-user-quota-remaining", strconv.Itoa(unthrottledQuota))
		w.Header().Set("x-ms-user-quota-resets-after", "00:00:05")
		return true
	}
	now := time.Now()
	if now.After(q.resetAt[user]) {
		q.used[user], q.resetAt[user] = 0, now.Add(q.window)
	}
	ok := q.used[user] < q.limit
	if ok {
		q.used[user]++
	}
	w.Header().Set("x-ms-user-quota-remaining", strconv.Itoa(q.limit-q.used[user]))
	w.Header().Set("x-ms-user-quota-resets-after", hhmmss(q.resetAt[user].Sub(now)))
	return ok
}

// hhmmss writes d as hh:mm:ss, seconds with milliseconds when not whole
// (rounded up, so a client that waits that long finds the window reset).
func hhmmss(d time.Duration) string {
	d = max(d, 0)
	ms := (d + time.Millisecond - 1) / time.Millisecond
	h, m := ms/3_600_000, ms/60_000%60
	s := float64(ms%60_000) / 1000
	if s == float64(int(s)) {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, int(s))
	}
	return fmt.Sprintf("%02d:%02d:%06.3f", h, m, s)
}
