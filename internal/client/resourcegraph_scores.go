package client

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
)

// ScoreQuery selects secure scores across subscriptions through Resource Graph.
type ScoreQuery struct {
	SubscriptionIDs    []string // empty with ManagementGroupIDs empty: every visible subscription
	ManagementGroupIDs []string
	Name               string
}

func (q ScoreQuery) scope() ResourceGraphScope {
	return ResourceGraphScope{SubscriptionIDs: q.SubscriptionIDs, ManagementGroupIDs: q.ManagementGroupIDs}
}

// secureScoresKQL selects the raw secure score rows of one initiative.
func secureScoresKQL(name string) string {
	return "securityresources\n" +
		"| where type == 'microsoft.security/securescores'\n" +
		"| where name =~ " + kqlQuote(name) + "\n" +
		"| project id, name, subscriptionId, properties\n" +
		"| order by subscriptionId asc"
}

// secureScoreNameKQL asks for one secure score name not in seen.
func secureScoreNameKQL(seen []string) string {
	query := "securityresources\n| where type == 'microsoft.security/securescores'\n"
	if len(seen) > 0 {
		query += "| where name !in~ " + kqlList(seen) + "\n"
	}
	return query + "| project name\n| take 1"
}

// QueryDefenderScores reads the secure scores of many subscriptions in
// Resource Graph queries: at most 1,000 subscriptions a request, 1,000 rows a
// page, one row per subscription in the result whatever the paging. The
// result is sorted by subscription id.
func (c *Client) QueryDefenderScores(ctx context.Context, q ScoreQuery) ([]DefenderScore, QueryStats, error) {
	name := q.Name
	if name == "" {
		name = DefaultSecureScoreName
	}
	return queryDistinct(ctx, c, q.scope(), secureScoresKQL(name), "secure score objects", scoreFromRow,
		func(s DefenderScore) string { return s.SubscriptionID })
}

// QueryDefenderScoreNames returns up to limit distinct secure score names
// found in q's scope (q.Name is ignored), sorted, to explain an unknown
// name. Each request asks for one name not seen yet, so the cost is one
// request per name plus one per batch, whatever the number of subscriptions.
func (c *Client) QueryDefenderScoreNames(ctx context.Context, q ScoreQuery, limit int) ([]string, QueryStats, error) {
	var stats QueryStats
	rg, err := c.resourceGraphClient()
	if err != nil {
		return nil, stats, err
	}
	var names []string
	for _, request := range resourceGraphRequests(q.scope(), "") {
		stats.Batches++
		for len(names) < limit {
			r := request
			r.Query = to.Ptr(secureScoreNameKQL(names))
			var found []string
			err := queryPages(ctx, rg, r, &stats, func(data any) error {
				rows, err := decodeRows(data, "objects with a name", func(row map[string]any) (string, error) {
					return rowString(row, "name")
				})
				found = append(found, rows...)
				return err
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
// subscriptionId, and properties in the ARM item's shape). Wrong types are
// errors, as in the armsecurity model.
func decodeScoreRows(data any) ([]DefenderScore, error) {
	return decodeRows(data, "secure score objects", scoreFromRow)
}

func scoreFromRow(row map[string]any) (DefenderScore, error) {
	var s DefenderScore
	rr := newMemberReader(row)
	s.ID, s.Name, s.SubscriptionID = rr.str("id"), rr.str("name"), rr.str("subscriptionId")
	if s.SubscriptionID == "" {
		s.SubscriptionID = SubscriptionFromID(s.ID)
	}
	properties := rr.object("properties")
	s.DisplayName, s.Weight = properties.str("displayName"), properties.integer("weight")
	score := properties.object("score")
	s.Current, s.Max, s.Percentage = score.number("current"), score.integer("max"), score.number("percentage")
	return s, rr.Err()
}
