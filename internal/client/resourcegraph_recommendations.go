package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Defender for Cloud recommendations (assessments,
// https://learn.microsoft.com/azure/defender-for-cloud/review-security-recommendations)
// summarised in Resource Graph: one row per recommendation and subscription
// whatever the number of resources assessed, and the controls that hold
// them (securescorecontrols rows carry their definitions' assessment ids,
// https://learn.microsoft.com/azure/governance/resource-graph/samples/samples-by-table#securityresources).

// Assessment statuses (properties.status.code).
const (
	StatusHealthy       = "Healthy"
	StatusUnhealthy     = "Unhealthy"
	StatusNotApplicable = "NotApplicable"
)

// MaxAffectedResourceIDs bounds the resource ids listed per recommendation.
const MaxAffectedResourceIDs = 100

// Risk levels Defender CSPM gives an assessment (properties.risk.level,
// https://learn.microsoft.com/azure/defender-for-cloud/risk-prioritization),
// highest first.
var RiskLevels = []string{"Critical", "High", "Medium", "Low"}

// RecommendationQuery selects recommendations through Resource Graph.
type RecommendationQuery struct {
	Scope          ResourceGraphScope
	Statuses       []string // of StatusHealthy, StatusUnhealthy, StatusNotApplicable; empty: all
	Severities     []string // High, Medium, Low; empty: all
	AssessmentKeys []string // empty: all
	// ResourceIDLimit lists up to this many unhealthy resource ids per
	// recommendation (0: none, at most MaxAffectedResourceIDs).
	ResourceIDLimit int
	// ChangedSince, when set, keeps the recommendations with a resource
	// whose status changed since then, and counts the resources that
	// turned unhealthy or were first evaluated since then.
	ChangedSince time.Time
}

// Recommendation is one assessment definition summarised over one
// subscription's resources, or over the whole scope (QueryRecommendationSummary:
// SubscriptionID empty).
type Recommendation struct {
	SubscriptionID             string
	AssessmentKey              string
	DisplayName                string
	Severity                   string
	Preview                    bool
	Status                     string // Unhealthy when any resource is, else Healthy when any is, else NotApplicable
	StatusCause                string
	StatusDescription          string
	HealthyResourceCount       int64
	UnhealthyResourceCount     int64
	NotApplicableResourceCount int64
	PortalURL                  string
	AffectedResourceIDs        []string // sorted, at most the query's ResourceIDLimit
	// RiskCounts counts the unhealthy resources at each of RiskLevels.
	RiskCounts  [4]int64
	RiskFactors []string // distinct, sorted
	AttackPaths []string // distinct attack path references, sorted
	// With ChangedSince: resources whose status changed, that turned
	// unhealthy, and that were first evaluated since then.
	ChangedResourceCount        int64
	NewlyUnhealthyResourceCount int64
	NewResourceCount            int64
	// UnhealthySubscriptionIDs are, in a summary over the scope, the
	// subscriptions where the recommendation is unhealthy, sorted.
	UnhealthySubscriptionIDs []string
}

// RiskLevel is the highest risk level among the unhealthy resources; ""
// when the service gives none (without Defender CSPM).
func (r Recommendation) RiskLevel() string {
	for i, n := range r.RiskCounts {
		if n > 0 {
			return RiskLevels[i]
		}
	}
	return ""
}

// assessmentColumns are the summarised columns of one recommendation over
// one subscription's assessments.
func assessmentColumns(q RecommendationQuery) string {
	var b strings.Builder
	b.WriteString("| summarize unhealthy = countif(properties.status.code =~ 'Unhealthy'), healthy = countif(properties.status.code =~ 'Healthy'),\n" +
		"    notApplicable = countif(properties.status.code =~ 'NotApplicable'),\n" +
		"    displayName = take_any(properties.displayName), severity = take_any(properties.metadata.severity), preview = take_any(properties.metadata.preview),\n" +
		"    unhealthyCause = take_anyif(properties.status.cause, properties.status.code =~ 'Unhealthy'),\n" +
		"    unhealthyDescription = take_anyif(properties.status.description, properties.status.code =~ 'Unhealthy'),\n" +
		"    notApplicableCause = take_anyif(properties.status.cause, properties.status.code =~ 'NotApplicable'),\n" +
		"    notApplicableDescription = take_anyif(properties.status.description, properties.status.code =~ 'NotApplicable'),\n" +
		"    portal = take_any(properties.links.azurePortal), portalUri = take_any(properties.links.azurePortalUri)")
	for _, level := range RiskLevels {
		fmt.Fprintf(&b, ",\n    risk%s = countif(properties.status.code =~ 'Unhealthy' and properties.risk.level =~ '%s')", level, level)
	}
	b.WriteString(",\n    riskFactors = make_set(properties.risk.riskFactors), attackPaths = make_set(properties.risk.attackPathsReferences)")
	if !q.ChangedSince.IsZero() {
		since := "datetime('" + q.ChangedSince.UTC().Format(time.RFC3339) + "')"
		b.WriteString(",\n    changed = countif(todatetime(properties.status.statusChangeDate) >= " + since + "),\n" +
			"    newlyUnhealthy = countif(properties.status.code =~ 'Unhealthy' and todatetime(properties.status.statusChangeDate) >= " + since + "),\n" +
			"    newResources = countif(todatetime(properties.status.firstEvaluationDate) >= " + since + ")")
	}
	if q.ResourceIDLimit > 0 {
		fmt.Fprintf(&b, ",\n    resourceIds = make_list_if(properties.resourceDetails.Id, properties.status.code =~ 'Unhealthy', %d)", min(q.ResourceIDLimit, MaxAffectedResourceIDs))
	}
	b.WriteString("\n    by subscriptionId, name\n")
	return b.String()
}

// assessmentsKQL is the start of both summaries: the assessments the
// filters keep.
func assessmentsKQL(q RecommendationQuery) string {
	var b strings.Builder
	b.WriteString("securityresources\n| where type == 'microsoft.security/assessments'\n")
	if len(q.Severities) > 0 {
		b.WriteString("| where properties.metadata.severity in~ " + kqlList(q.Severities) + "\n")
	}
	if len(q.AssessmentKeys) > 0 {
		b.WriteString("| where name in~ " + kqlList(q.AssessmentKeys) + "\n")
	}
	return b.String()
}

// recommendationFilters keep the summarised rows of the statuses and, with
// a window, those with a resource that changed in it.
func recommendationFilters(q RecommendationQuery) string {
	var b strings.Builder
	if !q.ChangedSince.IsZero() {
		b.WriteString("| where changed > 0\n")
	}
	if filter := statusFilterKQL(q.Statuses); filter != "" {
		b.WriteString("| where " + filter + "\n")
	}
	return b.String()
}

// recommendationsKQL summarises the assessments in the query to one row
// per recommendation and subscription, so rows grow with recommendations,
// never with resources.
func recommendationsKQL(q RecommendationQuery) string {
	return assessmentsKQL(q) + assessmentColumns(q) + recommendationFilters(q) + "| order by subscriptionId asc, name asc"
}

// recommendationSummaryKQL summarises the per-subscription rows again, to
// one row per recommendation across the scope: a few hundred rows whatever
// the number of subscriptions, so the summarised answer fits one page.
func recommendationSummaryKQL(q RecommendationQuery) string {
	var b strings.Builder
	b.WriteString(assessmentsKQL(q) + assessmentColumns(q))
	b.WriteString("| summarize unhealthy = sum(unhealthy), healthy = sum(healthy), notApplicable = sum(notApplicable),\n" +
		"    displayName = take_any(displayName), severity = take_any(severity), preview = take_any(preview),\n" +
		"    unhealthyCause = take_anyif(unhealthyCause, unhealthy > 0), unhealthyDescription = take_anyif(unhealthyDescription, unhealthy > 0),\n" +
		"    notApplicableCause = take_anyif(notApplicableCause, notApplicable > 0), notApplicableDescription = take_anyif(notApplicableDescription, notApplicable > 0),\n" +
		"    portal = take_any(portal), portalUri = take_any(portalUri)")
	for _, level := range RiskLevels {
		fmt.Fprintf(&b, ", risk%s = sum(risk%s)", level, level)
	}
	b.WriteString(",\n    riskFactors = make_set(riskFactors), attackPaths = make_set(attackPaths)")
	if !q.ChangedSince.IsZero() {
		b.WriteString(",\n    changed = sum(changed), newlyUnhealthy = sum(newlyUnhealthy), newResources = sum(newResources)")
	}
	if q.ResourceIDLimit > 0 {
		fmt.Fprintf(&b, ",\n    resourceIds = make_list(resourceIds, %d)", min(q.ResourceIDLimit, MaxAffectedResourceIDs))
	}
	b.WriteString(",\n    unhealthySubscriptions = make_list_if(subscriptionId, unhealthy > 0)\n    by name\n")
	b.WriteString(recommendationFilters(q) + "| order by name asc")
	return b.String()
}

// recommendationKeysKQL counts the recommendations the filters keep: no
// subscription has more rows than that in recommendationsKQL's answer.
func recommendationKeysKQL(q RecommendationQuery) string {
	return assessmentsKQL(q) + "| summarize by name\n| summarize recommendations = count()"
}

// statusFilterKQL keeps the summarised rows of the statuses: a
// recommendation is Unhealthy when a resource is, else Healthy when one is,
// else NotApplicable.
func statusFilterKQL(statuses []string) string {
	want := map[string]bool{}
	for _, s := range statuses {
		want[strings.ToLower(s)] = true
	}
	if len(want) == 0 || len(want) == 3 {
		return ""
	}
	var terms []string
	if want["unhealthy"] {
		terms = append(terms, "unhealthy > 0")
	}
	if want["healthy"] {
		terms = append(terms, "(unhealthy == 0 and healthy > 0)")
	}
	if want["notapplicable"] {
		terms = append(terms, "(unhealthy == 0 and healthy == 0)")
	}
	return strings.Join(terms, " or ")
}

// QueryRecommendations reads the recommendations of q's scope, one per
// assessment key and subscription, sorted by subscription id then key.
//
// A summarised answer is not paged by Resource Graph, so the query runs
// over batches of subscriptions small enough that each answer fits one
// page (querySummary): a subscription has at most as many rows as there are
// distinct recommendations, counted first in one summarised request, so a
// batch holds 1,000 ÷ that many subscriptions.
func (c *Client) QueryRecommendations(ctx context.Context, q RecommendationQuery) ([]Recommendation, QueryStats, error) {
	var stats QueryStats
	var keys int64
	err := c.queryResourceGraph(ctx, q.Scope, recommendationKeysKQL(q), &stats, func(data any) error {
		rows, err := decodeRows(data, "recommendation counts", func(row map[string]any) (int64, error) { return rowInteger(row, "recommendations") })
		for _, n := range rows {
			keys = max(keys, n)
		}
		return err
	})
	if err != nil || keys == 0 {
		return nil, stats, err
	}
	summary := SummaryQuery{
		Name: "the recommendations by subscription", KQL: recommendationsKQL(q), RowsPerSubscription: int(keys),
		Narrow: "set `severities` or `control_names`, or use `group_by = \"recommendation\"`",
	}
	seen := map[string]bool{}
	var out []Recommendation
	err = c.querySummary(ctx, q.Scope, summary, &stats, func(data any) error {
		rows, err := decodeRows(data, "summarised assessments", recommendationFromRow)
		if err != nil {
			return err
		}
		stats.Rows += len(rows)
		for _, r := range rows {
			if k := strings.ToLower(r.SubscriptionID + "/" + r.AssessmentKey); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, stats, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].SubscriptionID), strings.ToLower(out[j].SubscriptionID)
		if a != b {
			return a < b
		}
		return strings.ToLower(out[i].AssessmentKey) < strings.ToLower(out[j].AssessmentKey)
	})
	return out, stats, nil
}

// QueryRecommendationSummary reads the recommendations of q's scope, one
// per assessment key across every subscription of the scope, sorted by
// key: a few hundred rows whatever the number of subscriptions, so one
// page. The scope is resolved to its subscriptions and asked 1,000 at a
// time (querySummary); the rows of each request are added up here.
func (c *Client) QueryRecommendationSummary(ctx context.Context, q RecommendationQuery) ([]Recommendation, QueryStats, error) {
	var stats QueryStats
	byKey := map[string]*Recommendation{}
	var keys []string
	summary := SummaryQuery{
		Name: "the recommendations across the scope", KQL: recommendationSummaryKQL(q),
		Narrow: "set `severities` or `control_names`",
	}
	err := c.querySummary(ctx, q.Scope, summary, &stats, func(data any) error {
		rows, err := decodeRows(data, "summarised recommendations", recommendationFromRow)
		if err != nil {
			return err
		}
		stats.Rows += len(rows)
		for _, r := range rows {
			// make_list of the subscriptions' lists holds up to the limit of each
			r.AffectedResourceIDs = r.AffectedResourceIDs[:min(len(r.AffectedResourceIDs), q.ResourceIDLimit)]
			k := strings.ToLower(r.AssessmentKey)
			if prev := byKey[k]; prev != nil {
				prev.addUp(r, q.ResourceIDLimit)
				continue
			}
			kept := r
			byKey[k] = &kept
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return nil, stats, err
	}
	sort.Strings(keys)
	out := make([]Recommendation, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out, stats, nil
}

// addUp adds the summary of other subscriptions (another request's row) to r.
func (r *Recommendation) addUp(o Recommendation, idLimit int) {
	if r.UnhealthyResourceCount == 0 && o.UnhealthyResourceCount > 0 || r.Status == StatusNotApplicable && o.Status == StatusHealthy {
		r.Status, r.StatusCause, r.StatusDescription = o.Status, o.StatusCause, o.StatusDescription
	}
	r.HealthyResourceCount += o.HealthyResourceCount
	r.UnhealthyResourceCount += o.UnhealthyResourceCount
	r.NotApplicableResourceCount += o.NotApplicableResourceCount
	for i := range r.RiskCounts {
		r.RiskCounts[i] += o.RiskCounts[i]
	}
	r.RiskFactors = sortedUnion(r.RiskFactors, o.RiskFactors)
	r.AttackPaths = sortedUnion(r.AttackPaths, o.AttackPaths)
	r.ChangedResourceCount += o.ChangedResourceCount
	r.NewlyUnhealthyResourceCount += o.NewlyUnhealthyResourceCount
	r.NewResourceCount += o.NewResourceCount
	r.UnhealthySubscriptionIDs = sortedUnion(r.UnhealthySubscriptionIDs, o.UnhealthySubscriptionIDs)
	if r.AffectedResourceIDs != nil || o.AffectedResourceIDs != nil {
		ids := sortedUnion(r.AffectedResourceIDs, o.AffectedResourceIDs)
		r.AffectedResourceIDs = ids[:min(len(ids), idLimit)]
	}
}

// sortedUnion is the distinct values of a and b, sorted.
func sortedUnion(a, b []string) []string {
	set := map[string]bool{}
	for _, v := range append(append([]string{}, a...), b...) {
		set[v] = true
	}
	if len(set) == 0 {
		return a
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func recommendationFromRow(row map[string]any) (Recommendation, error) {
	var r Recommendation
	rr := newMemberReader(row)
	r.SubscriptionID, r.AssessmentKey, r.DisplayName, r.Severity = rr.str("subscriptionId"), rr.str("name"), rr.str("displayName"), rr.str("severity")
	unhealthyCause, unhealthyDescription := rr.str("unhealthyCause"), rr.str("unhealthyDescription")
	notApplicableCause, notApplicableDescription := rr.str("notApplicableCause"), rr.str("notApplicableDescription")
	r.HealthyResourceCount, r.UnhealthyResourceCount = rr.integer("healthy"), rr.integer("unhealthy")
	r.NotApplicableResourceCount = rr.integer("notApplicable")
	for i, level := range RiskLevels {
		r.RiskCounts[i] = rr.integer("risk" + level)
	}
	r.ChangedResourceCount, r.NewlyUnhealthyResourceCount, r.NewResourceCount = rr.integer("changed"), rr.integer("newlyUnhealthy"), rr.integer("newResources")
	if err := rr.Err(); err != nil {
		return r, err
	}
	switch p := row["preview"].(type) {
	case nil:
	case bool:
		r.Preview = p
	case string: // a dynamic value Resource Graph may write as text
		r.Preview = strings.EqualFold(p, "true")
	default:
		return r, fmt.Errorf("preview is %s, not a boolean", jsonKind(p))
	}
	// The cause of the resources that give the recommendation its status.
	switch {
	case r.UnhealthyResourceCount > 0:
		r.Status, r.StatusCause, r.StatusDescription = StatusUnhealthy, unhealthyCause, unhealthyDescription
	case r.HealthyResourceCount > 0:
		r.Status = StatusHealthy
	default:
		r.Status, r.StatusCause, r.StatusDescription = StatusNotApplicable, notApplicableCause, notApplicableDescription
	}
	portal, portalURI := rr.str("portal"), rr.str("portalUri")
	if err := rr.Err(); err != nil {
		return r, err
	}
	r.PortalURL = portalURL(firstNonEmpty(portalURI, portal))
	var err error
	if r.AffectedResourceIDs, err = stringLeaves(row, "resourceIds"); err != nil {
		return r, err
	}
	if r.RiskFactors, err = stringLeaves(row, "riskFactors"); err != nil {
		return r, err
	}
	if r.AttackPaths, err = stringLeaves(row, "attackPaths"); err != nil {
		return r, err
	}
	if r.UnhealthySubscriptionIDs, err = stringLeaves(row, "unhealthySubscriptions"); err != nil {
		return r, err
	}
	r.AffectedResourceIDs = r.AffectedResourceIDs[:min(len(r.AffectedResourceIDs), MaxAffectedResourceIDs)]
	return r, nil
}

// stringLeaves reads an array column as its distinct strings, sorted: the
// strings of nested arrays too, since make_set of an array column (and of
// a set of sets, in the summary over the scope) may nest them. Absent or
// null is nil.
func stringLeaves(row map[string]any, key string) ([]string, error) {
	v, ok := row[key]
	if !ok || v == nil {
		return nil, nil
	}
	set := map[string]bool{}
	var walk func(v any, at string) error
	walk = func(v any, at string) error {
		switch t := v.(type) {
		case nil:
		case string:
			set[t] = true
		case []any:
			for i, item := range t {
				if err := walk(item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s is %s, not a string", at, jsonKind(v))
		}
		return nil
	}
	if _, isArray := v.([]any); !isArray {
		return nil, fmt.Errorf("%s is %s, not an array", key, jsonKind(v))
	}
	if err := walk(v, key); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// portalURL gives the service's portal link a scheme: assessments' links
// read "portal.azure.com/#blade/…" (the REST API names them azurePortalUri,
// https://learn.microsoft.com/rest/api/defenderforcloud/assessments/get).
func portalURL(link string) string {
	if link == "" || strings.Contains(link, "://") {
		return link
	}
	return "https://" + link
}

// ControlPoints is a security control of one subscription's initiative with
// the assessment keys its definition holds.
type ControlPoints struct {
	SubscriptionID string
	Name           string
	DisplayName    string
	Current        float64
	Max            int64
	AssessmentKeys []string
}

// controlsKQL reads the controls of one initiative with their definitions'
// assessments (the rows' ids are …/secureScores/{name}/secureScoreControls/…).
func controlsKQL(scoreName string) string {
	return "securityresources\n" +
		"| where type == 'microsoft.security/securescores/securescorecontrols'\n" +
		"| where id contains " + kqlQuote("/securescores/"+scoreName+"/securescorecontrols/") + "\n" +
		"| project id, subscriptionId, name, displayName = properties.displayName, current = properties.score.current,\n" +
		"    max = properties.score.max, assessments = properties.definition.properties.assessmentDefinitions\n" +
		"| order by id asc"
}

// QueryControlPoints reads the controls of scoreName ("" = ascScore) in scope.
func (c *Client) QueryControlPoints(ctx context.Context, scope ResourceGraphScope, scoreName string) ([]ControlPoints, QueryStats, error) {
	var stats QueryStats
	if scoreName == "" {
		scoreName = DefaultSecureScoreName
	}
	var out []ControlPoints
	err := c.queryResourceGraph(ctx, scope, controlsKQL(scoreName), &stats, func(data any) error {
		rows, err := decodeRows(data, "security controls", controlPointsFromRow)
		if err != nil {
			return err
		}
		stats.Rows += len(rows)
		out = append(out, rows...)
		return nil
	})
	return out, stats, err
}

func controlPointsFromRow(row map[string]any) (ControlPoints, error) {
	var c ControlPoints
	rr := newMemberReader(row)
	c.SubscriptionID, c.Name, c.DisplayName = rr.str("subscriptionId"), rr.str("name"), rr.str("displayName")
	c.Current, c.Max = rr.number("current"), rr.integer("max")
	if err := rr.Err(); err != nil {
		return c, err
	}
	switch list := row["assessments"].(type) {
	case nil:
	case []any:
		for i, item := range list {
			obj, ok := item.(map[string]any)
			if !ok {
				return c, fmt.Errorf("assessments[%d] is %s, not an object", i, jsonKind(item))
			}
			id, err := rowString(obj, "id")
			if err != nil {
				return c, fmt.Errorf("assessments[%d].%w", i, err)
			}
			if id != "" {
				c.AssessmentKeys = append(c.AssessmentKeys, id[strings.LastIndex(id, "/")+1:])
			}
		}
	default:
		return c, fmt.Errorf("assessments is %s, not an array", jsonKind(list))
	}
	return c, nil
}
