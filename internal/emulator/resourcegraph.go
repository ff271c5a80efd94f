package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

var resourceGraphAPIVersions = []string{"2021-03-01", "2022-10-01", "2024-04-01"}

// The most subscriptions one request may list: "batch requests for the
// query with a subset of subscriptions to stay under the 1,000 subscription
// limit" (https://learn.microsoft.com/azure/governance/resource-graph/troubleshoot/general).
const maxResourceGraphSubscriptions = 1000

type resourceGraphRequest struct {
	Subscriptions    []string `json:"subscriptions"`
	ManagementGroups []string `json:"managementGroups"`
	Query            string   `json:"query"`
	Options          struct {
		Top          *int   `json:"$top"`
		Skip         *int   `json:"$skip"`
		SkipToken    string `json:"$skipToken"`
		ResultFormat string `json:"resultFormat"`
	} `json:"options"`
}

func (e *Emulator) handleResourceGraph(rc *reqCtx) {
	if !rc.armAuth() || !rc.apiVersion(resourceGraphAPIVersions...) {
		return
	}
	var req resourceGraphRequest
	dec := json.NewDecoder(bytes.NewReader(rc.body))
	if err := dec.Decode(&req); err != nil {
		rc.fail(http.StatusBadRequest, "BadRequest", "The request body is not a valid query request: "+err.Error())
		return
	}
	if n := len(req.Subscriptions); n > maxResourceGraphSubscriptions {
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The request lists %d subscriptions; at most %d are allowed. Split the subscriptions into several requests.", n, maxResourceGraphSubscriptions))
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		rc.rgInvalidQuery("the query is empty")
		return
	}
	if !e.spendQuota(rc.w, rc.token.tenantID+"/"+rc.token.clientID) {
		// The body's code and message are a choice; the status and the
		// headers are documented (resourcegraph_limits.go).
		rc.fail(http.StatusTooManyRequests, "RateLimiting", "The user's Resource Graph quota is spent; retry after the time x-ms-user-quota-resets-after gives.")
		return
	}
	o := req.Options
	if o.Top != nil && (*o.Top < 1 || *o.Top > resourceGraphMaxTop) {
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("options.$top must be between 1 and %d, not %d.", resourceGraphMaxTop, *o.Top))
		return
	}
	if o.Skip != nil && *o.Skip < 0 {
		rc.fail(http.StatusBadRequest, "BadRequest", "options.$skip must not be negative.")
		return
	}
	format := strings.ToLower(o.ResultFormat)
	if format != "" && format != "objectarray" && format != "table" {
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("options.resultFormat '%s' is invalid: use objectArray or table.", o.ResultFormat))
		return
	}
	q, err := parseKQL(req.Query)
	if err != nil {
		rc.rgInvalidQuery(err.Error())
		return
	}

	if msg := e.restrictedGroupError(rc.token.clientID, req.ManagementGroups); msg != "" {
		rc.fail(http.StatusForbidden, "AuthorizationFailed", msg)
		return
	}
	subs, msg := e.resourceGraphScope(rc.token.tenantID, req.Subscriptions, req.ManagementGroups)
	if msg != "" {
		rc.fail(http.StatusBadRequest, "BadRequest", msg)
		return
	}
	rows, err := e.queryRows(rc.token.tenantID, req, q, subs)
	if err != nil {
		rc.rgInvalidQuery(err.Error())
		return
	}

	e.mu.Lock()
	size := e.opts.ResourceGraphPageSize
	e.mu.Unlock()
	if o.Top != nil {
		size = min(size, *o.Top)
	}
	page, offset := 1, 0
	if o.Skip != nil {
		offset = *o.Skip
	}
	if o.SkipToken != "" {
		var ok bool
		if page, offset, ok = decodeSkip(o.SkipToken); !ok {
			rc.fail(http.StatusBadRequest, "BadRequest", "options.$skipToken is invalid; pass the previous response's $skipToken verbatim.")
			return
		}
	}
	if o.SkipToken != "" && !q.pageable() {
		rc.fail(http.StatusBadRequest, "BadRequest", "options.$skipToken is invalid: this query's result is not paged.")
		return
	}
	offset = min(offset, len(rows))
	end := min(offset+size, len(rows))
	if end < len(rows) && q.pageable() {
		rows = unstableOrder(rows, page)
	}
	pageRows := rows[offset:end]

	truncated := "false"
	if end < len(rows) && !q.pageable() {
		truncated = "true"
	}
	resp := map[string]any{
		"totalRecords":    len(rows),
		"count":           len(pageRows),
		"resultTruncated": truncated,
		"facets":          []any{},
	}
	if format == "table" {
		resp["data"] = tableFormat(pageRows)
	} else {
		resp["data"] = pageRows
	}
	if end < len(rows) && q.pageable() {
		resp["$skipToken"] = encodeSkip(page+1, end)
	}
	rc.writeJSON(http.StatusOK, resp)
}

func (rc *reqCtx) rgInvalidQuery(detail string) {
	rc.writeJSON(http.StatusBadRequest, map[string]any{"error": map[string]any{
		"code":    "InvalidQuery",
		"message": "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
		"details": []any{
			map[string]any{"code": "ParserFailure", "message": detail},
			map[string]any{"code": "EmulatorSubset", "message": kqlSupported},
		},
	}})
}

// resourceGraphScope is the subscriptions a query covers: the listed ones
// and the management groups' members, or every subscription of the token's
// tenant when neither is given. Other tenants' and denied subscriptions are
// left out silently, as Resource Graph only returns what the caller can read.
func (e *Emulator) resourceGraphScope(tenantID string, subscriptions, managementGroups []string) ([]*Subscription, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tenants[strings.ToLower(tenantID)]
	if t == nil {
		return nil, ""
	}
	readable := func(s *Subscription) bool {
		return s != nil && strings.EqualFold(s.TenantID, t.ID) && !e.denied[strings.ToLower(s.ID)]
	}
	if len(subscriptions) == 0 && len(managementGroups) == 0 {
		var out []*Subscription
		for _, s := range t.Subscriptions {
			if readable(s) {
				out = append(out, s)
			}
		}
		return out, ""
	}
	want := map[string]bool{}
	for _, id := range subscriptions {
		if !subscriptionIDPattern.MatchString(id) {
			return nil, fmt.Sprintf("'%s' is not a valid subscription id.", id)
		}
		want[strings.ToLower(id)] = true
	}
	for _, mg := range managementGroups {
		members, ok := t.ManagementGroups[mg]
		if !ok {
			for name, m := range t.ManagementGroups {
				if strings.EqualFold(name, mg) {
					members, ok = m, true
				}
			}
		}
		if !ok {
			return nil, fmt.Sprintf("The management group '%s' was not found or the caller cannot read it.", mg)
		}
		for _, id := range members {
			want[strings.ToLower(id)] = true
		}
	}
	var out []*Subscription
	for _, s := range t.Subscriptions { // tenant order keeps results stable
		if want[strings.ToLower(s.ID)] && readable(s) {
			out = append(out, s)
		}
	}
	return out, ""
}

// securityRows is the securityresources table for the secure score types,
// with the columns Resource Graph returns.
func securityRows(subs []*Subscription) []row {
	var rows []row
	for _, s := range subs {
		rows = append(rows, cachedSubscriptionRows(s)...)
	}
	return rows
}

// buildSubscriptionRows is one subscription's rows of securityRows.
func buildSubscriptionRows(s *Subscription) []row {
	var rows []row
	add := func(s *Subscription, id, name, typ string, props map[string]any) {
		rows = append(rows, row{
			"id": id, "name": name, "type": typ, "tenantId": s.TenantID, "kind": "", "location": "",
			"resourceGroup": "", "subscriptionId": s.ID, "managedBy": "", "sku": nil, "plan": nil,
			"properties": props, "tags": nil, "identity": nil, "zones": nil, "extendedLocation": nil,
		})
	}
	for _, sc := range s.Scores {
		add(s, scoreID(s.ID, sc.Name), sc.Name, "microsoft.security/securescores", jsonTree(scoreProperties(sc)))
	}
	for _, sc := range s.Scores {
		for _, c := range sc.Controls {
			add(s, controlID(s.ID, sc.Name, c.Name), c.Name, "microsoft.security/securescores/securescorecontrols", jsonTree(controlProperties(c, true)))
		}
	}
	return rows
}

// jsonTree normalises numbers to float64 and nested maps to map[string]any,
// which is what the KQL evaluator expects of dynamic columns.
func jsonTree(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	json.Unmarshal(b, &out) //nolint:errcheck // round trip of our own data
	return out
}

func tableFormat(rows []row) map[string]any {
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, k := range sortedKeys(r) {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	columns, data := tableAnswer(rows, names, func(n string) string {
		typ := "string"
		for _, r := range rows {
			switch r[n].(type) {
			case map[string]any:
				typ = "object"
			case float64, int:
				typ = "number"
			}
		}
		return typ
	})
	return map[string]any{"columns": columns, "rows": data}
}

// tableAnswer is rows in the table shape both Resource Graph
// (resultFormat=table) and Log Analytics answer with: columns, each a name
// and its type (typeOf, by each service's rules), and rows as arrays of
// cells in the columns' order.
func tableAnswer(rows []row, names []string, typeOf func(name string) string) (columns, cells []any) {
	columns = make([]any, len(names))
	for i, n := range names {
		columns[i] = map[string]any{"name": n, "type": typeOf(n)}
	}
	cells = make([]any, len(rows))
	for i, r := range rows {
		c := make([]any, len(names))
		for j, n := range names {
			c[j] = r[n]
		}
		cells[i] = c
	}
	return columns, cells
}

func sortedKeys(r row) []string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
