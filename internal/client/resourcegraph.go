package client

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
)

// This file is the one room every Resource Graph query goes through:
// batching of scopes, $skipToken paging and reading the rows the SDK
// decoded. A query (scores, recommendations, governance) is a small file
// that builds its KQL and maps its rows with the readers below.

// Resource Graph limits: rows per page
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data)
// and subscriptions per request
// (https://learn.microsoft.com/azure/governance/resource-graph/troubleshoot/general).
const (
	resourceGraphPageSize      = 1000
	resourceGraphMaxScopeCount = 1000
)

// ResourceGraphScope is where a query runs: subscriptions, or management
// groups; with neither, every subscription the identity can read.
type ResourceGraphScope struct {
	SubscriptionIDs    []string
	ManagementGroupIDs []string
}

// QueryStats says how the query was split, for logs and benchmarks.
type QueryStats struct {
	Batches  int // requests scopes (at most 1,000 subscriptions or management groups each)
	Requests int // Resource Graph requests, pages of every batch included
	Rows     int // rows received, before de-duplication by subscription
}

// resourceGraphRequests splits scope into Resource Graph requests of at most
// 1,000 subscriptions (or management groups) each. Ids are de-duplicated
// case-insensitively first, so a repeated id cannot make a batch exceed the
// limit or a row appear twice.
func resourceGraphRequests(scope ResourceGraphScope, query string) []armresourcegraph.QueryRequest {
	base := armresourcegraph.QueryRequest{Query: to.Ptr(query)}
	batch := func(ids []string, set func(r *armresourcegraph.QueryRequest, ids []*string)) []armresourcegraph.QueryRequest {
		var out []armresourcegraph.QueryRequest
		for start := 0; start < len(ids); start += resourceGraphMaxScopeCount {
			end := min(start+resourceGraphMaxScopeCount, len(ids))
			r := base
			set(&r, to.SliceOfPtrs(ids[start:end]...))
			out = append(out, r)
		}
		return out
	}
	switch {
	case len(scope.SubscriptionIDs) > 0:
		return batch(uniqueFold(scope.SubscriptionIDs), func(r *armresourcegraph.QueryRequest, ids []*string) { r.Subscriptions = ids })
	case len(scope.ManagementGroupIDs) > 0:
		return batch(uniqueFold(scope.ManagementGroupIDs), func(r *armresourcegraph.QueryRequest, ids []*string) { r.ManagementGroups = ids })
	default:
		return []armresourcegraph.QueryRequest{base}
	}
}

func uniqueFold(values []string) []string {
	seen := make(map[string]bool, len(values))
	out := make([]string, 0, len(values))
	for _, v := range values {
		if k := strings.ToLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// queryResourceGraph runs query over scope, batch after batch, handing each
// page's decoded `data` to collect.
func (c *Client) queryResourceGraph(ctx context.Context, scope ResourceGraphScope, query string, stats *QueryStats, collect func(data any) error) error {
	rg, err := c.resourceGraphClient()
	if err != nil {
		return err
	}
	for _, request := range resourceGraphRequests(scope, query) {
		stats.Batches++
		if err := queryPages(ctx, rg, request, stats, collect); err != nil {
			return err
		}
	}
	return nil
}

// queryDistinct runs query over scope and returns its rows decoded by row,
// one per key (folded to lower case: Resource Graph ids keep ARM's casing
// drift), sorted by that key. A row a later batch or page repeats counts in
// stats.Rows but is kept once.
func queryDistinct[T any](ctx context.Context, c *Client, scope ResourceGraphScope, query, what string, row func(map[string]any) (T, error), key func(T) string) ([]T, QueryStats, error) {
	var stats QueryStats
	byKey := map[string]T{}
	err := c.queryResourceGraph(ctx, scope, query, &stats, func(data any) error {
		rows, err := decodeRows(data, what, row)
		if err != nil {
			return err
		}
		stats.Rows += len(rows)
		for _, r := range rows {
			byKey[strings.ToLower(key(r))] = r
		}
		return nil
	})
	if err != nil {
		return nil, stats, err
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out, stats, nil
}

// queryPages runs one request and follows $skipToken to the last page,
// handing each page's rows to collect. A failure on any page fails the whole
// query: never a silently shorter result. So does an answer Resource Graph
// truncated without a $skipToken (a *TruncatedError, which querySummary
// resolves by splitting the subscriptions), and a paged answer without `id`
// in its rows, whose pages Resource Graph does not keep in a stable order
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/paging-results).
func queryPages(ctx context.Context, rg *armresourcegraph.Client, request armresourcegraph.QueryRequest, stats *QueryStats, collect func(data any) error) error {
	var skipToken *string
	query := ""
	if request.Query != nil {
		query = *request.Query
	}
	for page := 1; ; page++ {
		r := request
		r.Options = &armresourcegraph.QueryRequestOptions{
			ResultFormat: to.Ptr(armresourcegraph.ResultFormatObjectArray),
			Top:          to.Ptr(int32(resourceGraphPageSize)),
			SkipToken:    skipToken,
		}
		stats.Requests++
		pageCtx, c := captured(ctx)
		resp, err := rg.Resources(pageCtx, r, nil)
		if err != nil {
			return pageError(page, c.sdkError(ServiceResourceGraph, err))
		}
		if resp.Data == nil {
			return pageError(page, c.shapeError(ServiceResourceGraph, "/providers/Microsoft.ResourceGraph/resources", "the answer has no `data`"))
		}
		more := resp.SkipToken != nil && *resp.SkipToken != ""
		if !more && resp.ResultTruncated != nil && *resp.ResultTruncated == armresourcegraph.ResultTruncatedTrue {
			return &TruncatedError{Query: queryLabel(query), Subscriptions: len(request.Subscriptions),
				Returned: deref(resp.Count), Total: deref(resp.TotalRecords), RequestID: c.requestID()}
		}
		if more && !rowsHaveID(resp.Data) {
			return pageError(page, c.shapeError(ServiceResourceGraph, "/providers/Microsoft.ResourceGraph/resources",
				"the query %s is paged but its rows have no `id`, without which Resource Graph does not keep its pages in a stable order", queryLabel(query)))
		}
		if err := collect(resp.Data); err != nil {
			return pageError(page, &DecodeError{Service: ServiceResourceGraph, URL: c.url("/providers/Microsoft.ResourceGraph/resources"), RequestID: c.requestID(), Err: err})
		}
		if !more {
			return nil
		}
		skipToken = resp.SkipToken
	}
}

// rowsHaveID reports whether the rows of a page (objectArray) carry `id`.
func rowsHaveID(data any) bool {
	rows, ok := data.([]any)
	if !ok || len(rows) == 0 {
		return true
	}
	first, ok := rows[0].(map[string]any)
	if !ok {
		return true // decodeRows reports the shape
	}
	_, ok = first["id"]
	return ok
}

// queryLabel names a query in errors by its table and the resource type its
// leading `where type == '…'` selects.
func queryLabel(query string) string {
	lines := strings.Split(strings.TrimSpace(query), "\n")
	label := strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "| where type ") {
			return "`" + label + " " + l + "`"
		}
	}
	return "`" + label + "`"
}

// decodeRows maps the SDK's decoded `data` (an array of objects, the
// objectArray result format) row by row. It walks the maps instead of
// re-encoding them as JSON for an SDK model, which would cost an encoding
// and a decoding of every row. what names the rows expected, for the error.
func decodeRows[T any](data any, what string, row func(map[string]any) (T, error)) ([]T, error) {
	rows, err := rowObjects(data, what)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(rows))
	for i, r := range rows {
		v, err := row(r)
		if err != nil {
			return nil, fmt.Errorf("rows are not %s: row %d: %w", what, i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// rowObjects is the SDK's decoded `data` as rows of objects; what names the
// rows expected, for the error.
func rowObjects(data any, what string) ([]map[string]any, error) {
	list, ok := data.([]any)
	if !ok && data != nil {
		return nil, fmt.Errorf("rows are not %s: the data is %s, not an array", what, jsonKind(data))
	}
	rows := make([]map[string]any, 0, len(list))
	for i, item := range list {
		row, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rows are not %s: row %d is %s", what, i+1, jsonKind(item))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// rowValue reads one member as a T; absent and null are the zero value.
func rowValue[T string | float64 | map[string]any](m map[string]any, key, want string) (T, error) {
	var zero T
	switch v := m[key].(type) {
	case nil:
		return zero, nil
	case T:
		return v, nil
	default:
		return zero, fmt.Errorf("%s is %s, not %s", key, jsonKind(v), want)
	}
}

func rowString(m map[string]any, key string) (string, error) {
	return rowValue[string](m, key, "a string")
}

func rowObject(m map[string]any, key string) (map[string]any, error) {
	return rowValue[map[string]any](m, key, "an object")
}

func rowNumber(m map[string]any, key string) (float64, error) {
	return rowValue[float64](m, key, "a number")
}

// rowInteger takes the last part of name as the key and names the member
// by all of it in errors.
func rowInteger(m map[string]any, name string) (int64, error) {
	switch v := m[name[strings.LastIndex(name, ".")+1:]].(type) {
	case nil:
		return 0, nil
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, fmt.Errorf("%s is %v, not an integer", name, v)
		}
		return int64(v), nil
	default:
		return 0, fmt.Errorf("%s is %s, not an integer", name, jsonKind(v))
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("a %T", v)
	}
}
