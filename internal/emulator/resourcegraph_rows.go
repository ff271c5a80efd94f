package emulator

import "sync"

// subscriptionRows caches each subscription's securityresources rows.
// Subscriptions never change once created (AddSubscriptions makes new ones)
// and the KQL evaluator never writes to its input rows, so the rows are
// built once: a query over thousands of subscriptions then costs the
// evaluation, not the rebuilding of every control's JSON.
var subscriptionRows sync.Map // *Subscription -> []row

func cachedSubscriptionRows(s *Subscription) []row {
	if rows, ok := subscriptionRows.Load(s); ok {
		return rows.([]row)
	}
	rows, _ := subscriptionRows.LoadOrStore(s, buildSubscriptionRows(s))
	return rows.([]row)
}
