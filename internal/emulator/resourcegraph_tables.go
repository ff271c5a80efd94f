package emulator

import (
	"slices"
	"strings"
)

// The rows a Resource Graph query reads, table by table, produced while the
// query runs; and the results kept for the pages that follow the first.

// tableRows produces the rows of q's table for subs. A leading `where type
// == '…'` (q.typeHint) skips the row families that cannot pass it: a score
// query never builds per-resource assessment rows.
func (e *Emulator) tableRows(q *kqlQuery, subs []*Subscription) func(yield func(row) bool) {
	return func(yield func(row) bool) {
		if q.table == "resourcecontainers" {
			e.mu.Lock()
			rows := make([]row, 0, len(subs))
			for _, s := range subs {
				rows = append(rows, e.subscriptionContainerRowLocked(s))
			}
			e.mu.Unlock()
			for _, r := range rows {
				if !yield(r) {
					return
				}
			}
			return
		}
		want := func(types ...string) bool { return q.typeHint == "" || slices.Contains(types, q.typeHint) }
		if want("microsoft.security/securescores", "microsoft.security/securescores/securescorecontrols") {
			for _, r := range securityRows(subs) {
				if !yield(r) {
					return
				}
			}
		}
		if want("microsoft.security/assessments/governanceassignments") {
			for _, r := range e.governanceRows(subs) {
				if !yield(r) {
					return
				}
			}
		}
		if want("microsoft.security/assessments") {
			for _, s := range subs {
				var rows []row
				e.mu.Lock()
				e.assessmentRowsLocked(s, q.columns, func(r row) bool { rows = append(rows, r); return true })
				e.mu.Unlock()
				for _, r := range rows {
					if !yield(r) {
						return
					}
				}
			}
		}
	}
}

// resourceGraphResult is a query's rows, kept so that its later pages
// ($skipToken) read the same result, as the service's do, instead of
// evaluating the query again for each page.
type resourceGraphResult struct {
	key  string
	rows []row
}

const keptResults = 16

// queryRows evaluates q for a first page, or finds the result a $skipToken
// continues.
func (e *Emulator) queryRows(tenantID string, req resourceGraphRequest, q *kqlQuery, subs []*Subscription) ([]row, error) {
	key := strings.Join([]string{strings.ToLower(tenantID), req.Query, strings.Join(req.Subscriptions, ","), strings.Join(req.ManagementGroups, ",")}, "\x00")
	if req.Options.SkipToken != "" {
		e.mu.Lock()
		store := e.assessLocked()
		for i := len(store.results) - 1; i >= 0; i-- {
			if store.results[i].key == key {
				rows := store.results[i].rows
				e.mu.Unlock()
				return rows, nil
			}
		}
		e.mu.Unlock()
	}
	rows, err := q.runStream(e.tableRows(q, subs))
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []row{} // `data` is an empty array, never null
	}
	e.mu.Lock()
	store := e.assessLocked()
	store.results = append(store.results, resourceGraphResult{key, rows})
	if len(store.results) > keptResults {
		store.results = store.results[len(store.results)-keptResults:]
	}
	e.mu.Unlock()
	return rows, nil
}
