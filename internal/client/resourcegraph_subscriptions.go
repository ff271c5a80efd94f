package client

import "context"

// The subscriptions of a scope, from Resource Graph's resourcecontainers
// table (https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources).

// VisibleSubscription is a subscription Resource Graph lets the identity read.
type VisibleSubscription struct {
	SubscriptionID string
	DisplayName    string
}

const visibleSubscriptionsKQL = "resourcecontainers\n" +
	"| where type == 'microsoft.resources/subscriptions'\n" +
	"| project id, subscriptionId, name\n" +
	"| order by id asc"

// QueryVisibleSubscriptions lists the subscriptions of scope the identity
// can read (resourcecontainers), to tell a subscription without a secure
// score from one that cannot be read.
func (c *Client) QueryVisibleSubscriptions(ctx context.Context, scope ResourceGraphScope) ([]VisibleSubscription, QueryStats, error) {
	var stats QueryStats
	var out []VisibleSubscription
	err := c.queryResourceGraph(ctx, scope, visibleSubscriptionsKQL, &stats, func(data any) error {
		rows, err := decodeRows(data, "subscriptions", func(row map[string]any) (VisibleSubscription, error) {
			var v VisibleSubscription
			var err error
			if v.SubscriptionID, err = rowString(row, "subscriptionId"); err != nil {
				return v, err
			}
			v.DisplayName, err = rowString(row, "name")
			return v, err
		})
		stats.Rows += len(rows)
		out = append(out, rows...)
		return err
	})
	return out, stats, err
}
