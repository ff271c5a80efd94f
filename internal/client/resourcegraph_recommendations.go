package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
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

// RecommendationQuery selects recommendations through Resource Graph.
type RecommendationQuery struct {
	Scope          ResourceGraphScope
	Statuses       []string // of StatusHealthy, StatusUnhealthy, StatusNotApplicable; empty: all
	Severities     []string // High, Medium, Low; empty: all
	AssessmentKeys []string // empty: all
	// ResourceIDLimit lists up to this many unhealthy resource ids per
	// recommendation (0: none, at most MaxAffectedResourceIDs).
	ResourceIDLimit int
}

// Recommendation is one assessment definition summarised over one
// subscription's resources.
type Recommendation struct {
	SubscriptionID             string
	AssessmentKey              string
	DisplayName                string
	Severity                   string
	Status                     string // the subscription-level status: Unhealthy when any resource is
	StatusCause                string
	StatusDescription          string
	HealthyResourceCount       int64
	UnhealthyResourceCount     int64
	NotApplicableResourceCount int64
	PortalURL                  string
	AffectedResourceIDs        []string // sorted, at most the query's ResourceIDLimit
}

// recommendationsKQL summarises the assessments in the query, so rows grow
// with recommendations, never with resources.
func recommendationsKQL(q RecommendationQuery) string {
	var b strings.Builder
	b.WriteString("securityresources\n| where type == 'microsoft.security/assessments'\n")
	if len(q.Severities) > 0 {
		b.WriteString("| where properties.metadata.severity in~ " + kqlList(q.Severities) + "\n")
	}
	if len(q.AssessmentKeys) > 0 {
		b.WriteString("| where name in~ " + kqlList(q.AssessmentKeys) + "\n")
	}
	b.WriteString("| summarize unhealthy = countif(properties.status.code =~ 'Unhealthy'), healthy = countif(properties.status.code =~ 'Healthy'),\n" +
		"    notApplicable = countif(properties.status.code =~ 'NotApplicable'),\n" +
		"    displayName = take_any(properties.displayName), severity = take_any(properties.metadata.severity),\n" +
		"    unhealthyCause = take_anyif(properties.status.cause, properties.status.code =~ 'Unhealthy'),\n" +
		"    unhealthyDescription = take_anyif(properties.status.description, properties.status.code =~ 'Unhealthy'),\n" +
		"    notApplicableCause = take_anyif(properties.status.cause, properties.status.code =~ 'NotApplicable'),\n" +
		"    notApplicableDescription = take_anyif(properties.status.description, properties.status.code =~ 'NotApplicable'),\n" +
		"    portal = take_any(properties.links.azurePortal), portalUri = take_any(properties.links.azurePortalUri)")
	if q.ResourceIDLimit > 0 {
		fmt.Fprintf(&b, ",\n    resourceIds = make_list_if(properties.resourceDetails.Id, properties.status.code =~ 'Unhealthy', %d)", min(q.ResourceIDLimit, MaxAffectedResourceIDs))
	}
	b.WriteString("\n    by subscriptionId, name\n")
	if filter := statusFilterKQL(q.Statuses); filter != "" {
		b.WriteString("| where " + filter + "\n")
	}
	b.WriteString("| order by subscriptionId asc, name asc")
	return b.String()
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
func (c *Client) QueryRecommendations(ctx context.Context, q RecommendationQuery) ([]Recommendation, QueryStats, error) {
	var stats QueryStats
	seen := map[string]bool{}
	var out []Recommendation
	summary := SummaryQuery{
		Name: "the recommendations by subscription", KQL: recommendationsKQL(q),
		// Defender assesses at most a few hundred recommendations per
		// subscription; an estimate too low costs a split, never a row.
		RowsPerSubscription: 100,
		Narrow:              "set `severities` or `assessment_keys`",
	}
	if n := len(q.AssessmentKeys); n > 0 {
		summary.RowsPerSubscription = n
	}
	err := c.querySummary(ctx, q.Scope, summary, &stats, func(data any) error {
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

func recommendationFromRow(row map[string]any) (Recommendation, error) {
	var r Recommendation
	rr := newMemberReader(row)
	r.SubscriptionID, r.AssessmentKey, r.DisplayName, r.Severity = rr.str("subscriptionId"), rr.str("name"), rr.str("displayName"), rr.str("severity")
	unhealthyCause, unhealthyDescription := rr.str("unhealthyCause"), rr.str("unhealthyDescription")
	notApplicableCause, notApplicableDescription := rr.str("notApplicableCause"), rr.str("notApplicableDescription")
	r.HealthyResourceCount, r.UnhealthyResourceCount = rr.integer("healthy"), rr.integer("unhealthy")
	r.NotApplicableResourceCount = rr.integer("notApplicable")
	if err := rr.Err(); err != nil {
		return r, err
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
	switch ids := row["resourceIds"].(type) {
	case nil:
	case []any:
		for i, v := range ids {
			s, ok := v.(string)
			if !ok {
				return r, fmt.Errorf("resourceIds[%d] is %s, not a string", i, jsonKind(v))
			}
			r.AffectedResourceIDs = append(r.AffectedResourceIDs, s)
		}
		sort.Strings(r.AffectedResourceIDs)
	default:
		return r, fmt.Errorf("resourceIds is %s, not an array", jsonKind(ids))
	}
	return r, nil
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
