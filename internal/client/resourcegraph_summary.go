package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
)

// Resource Graph answers a `summarize` with its first page only: no
// $skipToken, and `resultTruncated: true` when more rows exist (the table of
// supported tabular operators,
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language).
// A summarised query is therefore run over subscription batches small
// enough that each answer fits one page, and a batch whose answer still
// comes back truncated is split in two and asked again.

// TruncatedError is an answer Resource Graph truncated without a $skipToken
// to page on: the provider refuses the shorter list.
type TruncatedError struct {
	Query         string // the query, as errors name it
	Subscriptions int    // subscriptions in the request (0: a management group or tenant scope)
	Returned      int64  // rows in the answer
	Total         int64  // rows the query matched
	RequestID     string
	Narrow        string // what the user can narrow, when known
}

func (e *TruncatedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Resource Graph truncated the answer of %s to %d of %d rows and gives no $skipToken to read the rest", e.Query, e.Returned, e.Total)
	if e.Subscriptions > 0 {
		fmt.Fprintf(&b, " (a request of %d subscription(s))", e.Subscriptions)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	b.WriteString("; the provider refuses a shorter list: ")
	if e.Narrow != "" {
		b.WriteString(e.Narrow)
	} else {
		b.WriteString("narrow the scope to fewer subscriptions")
	}
	return b.String()
}

// SummaryQuery is a summarised Resource Graph query (its answer is never
// paged) and how its answer grows with the subscriptions it covers.
type SummaryQuery struct {
	// Name says what the query reads, for errors: "recommendations by subscription".
	Name string
	KQL  string
	// RowsPerSubscription is the most rows the answer is expected to hold
	// per subscription (1 for one row per subscription, the number of
	// recommendations for a summary by subscription and recommendation); 0
	// when the answer does not grow with the subscriptions (a summary by
	// recommendation alone). An estimate too low costs a split and a
	// request more, never a row.
	RowsPerSubscription int
	// Narrow says what the user can narrow when even one subscription's
	// answer is truncated, e.g. "set `severities` or `assessment_keys`".
	Narrow string
}

// summaryBatchSize is how many subscriptions one request of q covers so
// that its answer fits one page.
func summaryBatchSize(rowsPerSubscription int) int {
	if rowsPerSubscription <= 0 {
		return resourceGraphMaxScopeCount
	}
	return max(1, min(resourceGraphMaxScopeCount, resourceGraphPageSize/rowsPerSubscription))
}

// querySummary runs q over scope so that every answer fits one page, and
// hands each answer's `data` to collect. The scope is resolved to its
// subscriptions first (a management group or tenant scope with one paged
// resourcecontainers query per 1,000 subscriptions), then asked in batches
// of summaryBatchSize subscriptions; a batch answered truncated is split in
// two, its rows discarded, and each half asked again. One subscription whose
// answer is still truncated fails the whole query with a *TruncatedError
// naming q.Name and q.Narrow: never a shorter list.
//
// collect sees one answer per batch: a row of a query summarised by
// something other than the subscription (a summary by recommendation) may
// come once per batch, and collect merges them.
func (c *Client) querySummary(ctx context.Context, scope ResourceGraphScope, q SummaryQuery, stats *QueryStats, collect func(data any) error) error {
	rg, err := c.resourceGraphClient()
	if err != nil {
		return err
	}
	subscriptions := uniqueFold(scope.SubscriptionIDs)
	if len(subscriptions) == 0 {
		visible, vstats, err := c.QueryVisibleSubscriptions(ctx, scope)
		stats.add(vstats)
		if err != nil {
			return err
		}
		for _, v := range visible {
			subscriptions = append(subscriptions, v.SubscriptionID)
		}
		if len(subscriptions) == 0 {
			return nil
		}
	}
	size := summaryBatchSize(q.RowsPerSubscription)
	var queue [][]string
	for start := 0; start < len(subscriptions); start += size {
		queue = append(queue, subscriptions[start:min(start+size, len(subscriptions))])
	}
	for len(queue) > 0 {
		batch := queue[0]
		queue = queue[1:]
		stats.Batches++
		request := armresourcegraph.QueryRequest{Query: to.Ptr(q.KQL), Subscriptions: to.SliceOfPtrs(batch...)}
		err := queryPages(ctx, rg, request, stats, collect)
		var truncated *TruncatedError
		switch {
		case err == nil:
		case errors.As(err, &truncated) && len(batch) > 1:
			half := len(batch) / 2
			queue = append([][]string{batch[:half], batch[half:]}, queue...)
		case errors.As(err, &truncated):
			truncated.Query = q.Name
			truncated.Narrow = q.Narrow
			if truncated.Narrow == "" {
				truncated.Narrow = "narrow the query"
			}
			truncated.Narrow += fmt.Sprintf(" (subscription %s alone has more rows than one page holds)", batch[0])
			return truncated
		default:
			return err
		}
	}
	return nil
}

// add sums the counters of another query into s.
func (s *QueryStats) add(o QueryStats) {
	s.Batches += o.Batches
	s.Requests += o.Requests
	s.Rows += o.Rows
}
