package client

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"
)

// DefaultSecureScoreName is Defender for Cloud's default initiative.
const DefaultSecureScoreName = "ascScore"

// SubscriptionIDPattern is the API's pattern for subscription ids.
var SubscriptionIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$`)

// Resource Graph limits: rows per page and subscriptions per request.
const (
	resourceGraphPageSize      = 1000
	resourceGraphMaxScopeCount = 1000
)

// DefenderScore is a subscription's secure score (ARM or Resource Graph row).
type DefenderScore struct {
	ID             string
	Name           string
	SubscriptionID string
	DisplayName    string
	Current        float64
	Max            int64
	Percentage     float64
	Weight         int64
}

// DefenderControl is a security control and its resource counts.
type DefenderControl struct {
	ID                         string
	Name                       string
	DisplayName                string
	Current                    float64
	Max                        int64
	Percentage                 float64
	Weight                     int64
	HealthyResourceCount       int64
	UnhealthyResourceCount     int64
	NotApplicableResourceCount int64
	Definition                 *DefenderControlDefinition // with $expand=definition
}

// DefenderControlDefinition describes a control; Description is only
// present in the definitions lists, not in the expanded copies.
type DefenderControlDefinition struct {
	ID                      string
	Name                    string
	Type                    string
	DisplayName             string
	Description             string
	MaxScore                int64
	SourceType              string
	AssessmentDefinitionIDs []string
}

// DefenderScore gets one secure score of a subscription.
func (c *Client) DefenderScore(ctx context.Context, subscriptionID, name string) (*DefenderScore, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	ctx, capt := captured(ctx)
	resp, err := f.NewSecureScoresClient().Get(ctx, name, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.ID == nil || resp.Properties == nil {
		return nil, capt.shapeError(ServiceARM, "", "the secure score has no `id` or `properties`")
	}
	score := scoreFromItem(resp.SecureScoreItem, subscriptionID)
	return &score, nil
}

// DefenderScores lists every secure score of a subscription.
func (c *Client) DefenderScores(ctx context.Context, subscriptionID string) ([]DefenderScore, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	var scores []DefenderScore
	pager := f.NewSecureScoresClient().NewListPager(nil)
	for page := 1; pager.More(); page++ {
		resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.SecureScoresClientListResponse) bool { return r.Value != nil })
		if err != nil {
			return nil, err
		}
		for _, item := range resp.Value {
			if item != nil {
				scores = append(scores, scoreFromItem(*item, subscriptionID))
			}
		}
	}
	return scores, nil
}

// DefenderControls lists a subscription's security controls with their
// definitions, for one initiative or (scoreName "") all of them.
func (c *Client) DefenderControls(ctx context.Context, subscriptionID, scoreName string) ([]DefenderControl, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	expand := to.Ptr(armsecurity.ExpandControlsEnumDefinition)
	var controls []DefenderControl
	collect := func(values []*armsecurity.SecureScoreControlDetails) {
		for _, v := range values {
			if v != nil {
				controls = append(controls, controlFromDetails(*v))
			}
		}
	}
	client := f.NewSecureScoreControlsClient()
	if scoreName == "" {
		pager := client.NewListPager(&armsecurity.SecureScoreControlsClientListOptions{Expand: expand})
		for page := 1; pager.More(); page++ {
			resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.SecureScoreControlsClientListResponse) bool { return r.Value != nil })
			if err != nil {
				return nil, err
			}
			collect(resp.Value)
		}
		return controls, nil
	}
	pager := client.NewListBySecureScorePager(scoreName, &armsecurity.SecureScoreControlsClientListBySecureScoreOptions{Expand: expand})
	for page := 1; pager.More(); page++ {
		resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.SecureScoreControlsClientListBySecureScoreResponse) bool { return r.Value != nil })
		if err != nil {
			return nil, err
		}
		collect(resp.Value)
	}
	return controls, nil
}

// DefenderControlDefinitions lists the control definitions of the tenant
// (subscriptionID "") or of one subscription.
func (c *Client) DefenderControlDefinitions(ctx context.Context, subscriptionID string) ([]DefenderControlDefinition, error) {
	f, err := c.securityFactory(subscriptionID)
	if err != nil {
		return nil, err
	}
	var definitions []DefenderControlDefinition
	collect := func(values []*armsecurity.SecureScoreControlDefinitionItem) {
		for _, v := range values {
			if v != nil {
				definitions = append(definitions, definitionFromItem(*v))
			}
		}
	}
	client := f.NewSecureScoreControlDefinitionsClient()
	if subscriptionID == "" {
		pager := client.NewListPager(nil)
		for page := 1; pager.More(); page++ {
			resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.SecureScoreControlDefinitionsClientListResponse) bool { return r.Value != nil })
			if err != nil {
				return nil, err
			}
			collect(resp.Value)
		}
		return definitions, nil
	}
	pager := client.NewListBySubscriptionPager(nil)
	for page := 1; pager.More(); page++ {
		resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.SecureScoreControlDefinitionsClientListBySubscriptionResponse) bool {
			return r.Value != nil
		})
		if err != nil {
			return nil, err
		}
		collect(resp.Value)
	}
	return definitions, nil
}

// ScoreQuery selects secure scores across subscriptions through Resource Graph.
type ScoreQuery struct {
	SubscriptionIDs    []string // empty with ManagementGroupIDs empty: every visible subscription
	ManagementGroupIDs []string
	Name               string
}

// QueryStats says how the query was split, for logs and benchmarks.
type QueryStats struct {
	Batches  int // requests scopes (at most 1,000 subscriptions or management groups each)
	Requests int // Resource Graph requests, pages of every batch included
	Rows     int // rows received, before de-duplication by subscription
}

// kqlQuote writes s as a single-quoted KQL string literal.
func kqlQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// scoreScopes splits q into Resource Graph requests of at most 1,000
// subscriptions (or management groups) each. Subscription ids are
// de-duplicated case-insensitively first, so a repeated id cannot make a
// batch exceed the limit or a row appear twice.
func scoreScopes(q ScoreQuery, query string) []armresourcegraph.QueryRequest {
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
	case len(q.SubscriptionIDs) > 0:
		return batch(uniqueFold(q.SubscriptionIDs), func(r *armresourcegraph.QueryRequest, ids []*string) { r.Subscriptions = ids })
	case len(q.ManagementGroupIDs) > 0:
		return batch(uniqueFold(q.ManagementGroupIDs), func(r *armresourcegraph.QueryRequest, ids []*string) { r.ManagementGroups = ids })
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

// queryPages runs one request and follows $skipToken to the last page,
// handing each page's rows to collect. A failure on any page fails the whole
// query: never a silently shorter result.
func queryPages(ctx context.Context, rg *armresourcegraph.Client, request armresourcegraph.QueryRequest, stats *QueryStats, collect func(data any) error) error {
	var skipToken *string
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
		if err := collect(resp.Data); err != nil {
			return pageError(page, &DecodeError{Service: ServiceResourceGraph, URL: c.url("/providers/Microsoft.ResourceGraph/resources"), RequestID: c.requestID(), Err: err})
		}
		if resp.SkipToken == nil || *resp.SkipToken == "" {
			return nil
		}
		skipToken = resp.SkipToken
	}
}

// QueryDefenderScores reads the secure scores of many subscriptions in
// Resource Graph queries: at most 1,000 subscriptions a request, 1,000 rows a
// page, one row per subscription in the result whatever the paging. The
// result is sorted by subscription id.
func (c *Client) QueryDefenderScores(ctx context.Context, q ScoreQuery) ([]DefenderScore, QueryStats, error) {
	var stats QueryStats
	rg, err := c.resourceGraph()
	if err != nil {
		return nil, stats, err
	}
	name := q.Name
	if name == "" {
		name = DefaultSecureScoreName
	}
	query := "securityresources\n" +
		"| where type == 'microsoft.security/securescores'\n" +
		"| where name =~ " + kqlQuote(name) + "\n" +
		"| project id, name, subscriptionId, properties\n" +
		"| order by subscriptionId asc"

	bySubscription := map[string]DefenderScore{}
	for _, request := range scoreScopes(q, query) {
		stats.Batches++
		err := queryPages(ctx, rg, request, &stats, func(data any) error {
			rows, err := decodeScoreRows(data)
			if err != nil {
				return err
			}
			stats.Rows += len(rows)
			for _, row := range rows {
				bySubscription[strings.ToLower(row.SubscriptionID)] = row
			}
			return nil
		})
		if err != nil {
			return nil, stats, err
		}
	}
	scores := make([]DefenderScore, 0, len(bySubscription))
	for _, s := range bySubscription {
		scores = append(scores, s)
	}
	sort.Slice(scores, func(i, j int) bool {
		return strings.ToLower(scores[i].SubscriptionID) < strings.ToLower(scores[j].SubscriptionID)
	})
	return scores, stats, nil
}

// QueryDefenderScoreNames returns up to limit distinct secure score names
// found in q's scope (q.Name is ignored), sorted, to explain an unknown
// name. Each request asks for one name not seen yet, so the cost is one
// request per name plus one per batch, whatever the number of subscriptions.
func (c *Client) QueryDefenderScoreNames(ctx context.Context, q ScoreQuery, limit int) ([]string, QueryStats, error) {
	var stats QueryStats
	rg, err := c.resourceGraph()
	if err != nil {
		return nil, stats, err
	}
	var names []string
	for _, request := range scoreScopes(q, "") {
		stats.Batches++
		for len(names) < limit {
			query := "securityresources\n| where type == 'microsoft.security/securescores'\n"
			if len(names) > 0 {
				quoted := make([]string, len(names))
				for i, n := range names {
					quoted[i] = kqlQuote(n)
				}
				query += "| where name !in~ (" + strings.Join(quoted, ", ") + ")\n"
			}
			query += "| project name\n| take 1"
			r := request
			r.Query = to.Ptr(query)
			var found []string
			err := queryPages(ctx, rg, r, &stats, func(data any) error {
				rows, err := rowObjects(data, "objects with a name")
				if err != nil {
					return err
				}
				for i, row := range rows {
					name, err := rowString(row, "name")
					if err != nil {
						return fmt.Errorf("rows are not objects with a name: row %d: %w", i+1, err)
					}
					found = append(found, name)
				}
				return nil
			})
			if err != nil {
				return nil, stats, err
			}
			if len(found) == 0 || slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, found[0]) }) {
				break
			}
			names = append(names, found[0])
		}
	}
	sort.Strings(names)
	return names, stats, nil
}

// decodeScoreRows reads the rows of the projected raw columns (id, name,
// subscriptionId, and properties in the ARM item's shape) from the SDK's
// decoded JSON. It walks the maps instead of re-encoding them for the
// armsecurity model: for 1,000 rows that took 14 ms and 4 MB, a walk takes
// a fraction of a millisecond. Wrong types are errors, as in the model.
func decodeScoreRows(data any) ([]DefenderScore, error) {
	rows, err := rowObjects(data, "secure score objects")
	if err != nil {
		return nil, err
	}
	scores := make([]DefenderScore, 0, len(rows))
	for i, row := range rows {
		s, err := scoreFromRow(row)
		if err != nil {
			return nil, fmt.Errorf("rows are not secure score objects: row %d: %w", i+1, err)
		}
		scores = append(scores, s)
	}
	return scores, nil
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

func scoreFromRow(row map[string]any) (DefenderScore, error) {
	var s DefenderScore
	var err error
	if s.ID, err = rowString(row, "id"); err != nil {
		return s, err
	}
	if s.Name, err = rowString(row, "name"); err != nil {
		return s, err
	}
	if s.SubscriptionID, err = rowString(row, "subscriptionId"); err != nil {
		return s, err
	}
	if s.SubscriptionID == "" {
		s.SubscriptionID = SubscriptionFromID(s.ID)
	}
	properties, err := rowObject(row, "properties")
	if err != nil || properties == nil {
		return s, err
	}
	if s.DisplayName, err = rowString(properties, "displayName"); err != nil {
		return s, err
	}
	if s.Weight, err = rowInteger(properties, "properties.weight"); err != nil {
		return s, err
	}
	score, err := rowObject(properties, "score")
	if err != nil || score == nil {
		return s, err
	}
	if s.Current, err = rowNumber(score, "current"); err != nil {
		return s, err
	}
	if s.Max, err = rowInteger(score, "score.max"); err != nil {
		return s, err
	}
	s.Percentage, err = rowNumber(score, "percentage")
	return s, err
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

func scoreFromItem(item armsecurity.SecureScoreItem, subscriptionID string) DefenderScore {
	s := DefenderScore{ID: deref(item.ID), Name: deref(item.Name), SubscriptionID: subscriptionID}
	if s.SubscriptionID == "" {
		s.SubscriptionID = SubscriptionFromID(s.ID)
	}
	if p := item.Properties; p != nil {
		s.DisplayName = deref(p.DisplayName)
		s.Weight = deref(p.Weight)
		if p.Score != nil {
			s.Current = deref(p.Score.Current)
			s.Max = int64(deref(p.Score.Max))
			s.Percentage = deref(p.Score.Percentage)
		}
	}
	return s
}

func controlFromDetails(d armsecurity.SecureScoreControlDetails) DefenderControl {
	c := DefenderControl{ID: deref(d.ID), Name: deref(d.Name)}
	if p := d.Properties; p != nil {
		c.DisplayName = deref(p.DisplayName)
		c.Weight = deref(p.Weight)
		c.HealthyResourceCount = int64(deref(p.HealthyResourceCount))
		c.UnhealthyResourceCount = int64(deref(p.UnhealthyResourceCount))
		c.NotApplicableResourceCount = int64(deref(p.NotApplicableResourceCount))
		if p.Score != nil {
			c.Current = deref(p.Score.Current)
			c.Max = int64(deref(p.Score.Max))
			c.Percentage = deref(p.Score.Percentage)
		}
		if p.Definition != nil {
			def := definitionFromItem(*p.Definition)
			c.Definition = &def
		}
	}
	return c
}

func definitionFromItem(item armsecurity.SecureScoreControlDefinitionItem) DefenderControlDefinition {
	d := DefenderControlDefinition{ID: deref(item.ID), Name: deref(item.Name), Type: deref(item.Type)}
	if p := item.Properties; p != nil {
		d.DisplayName = deref(p.DisplayName)
		d.Description = deref(p.Description)
		d.MaxScore = int64(deref(p.MaxScore))
		if p.Source != nil && p.Source.SourceType != nil {
			d.SourceType = string(*p.Source.SourceType)
		}
		for _, a := range p.AssessmentDefinitions {
			if a != nil && a.ID != nil {
				d.AssessmentDefinitionIDs = append(d.AssessmentDefinitionIDs, *a.ID)
			}
		}
	}
	return d
}

// SubscriptionFromID extracts the subscription id of an ARM resource id
// ("" when the id has no /subscriptions/{id} segment).
func SubscriptionFromID(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "subscriptions") {
			return parts[i+1]
		}
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
