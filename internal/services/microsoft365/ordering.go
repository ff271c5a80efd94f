package microsoft365

import "sort"

// The orders the improvement actions data source offers (order_by).
const (
	OrderByPointsRemaining = "points_remaining"
	OrderByRank            = "rank"
)

// OrderBy lists the accepted order_by values; the first is the default.
var OrderBy = []string{OrderByPointsRemaining, OrderByRank}

// SortActions orders actions by one documented rule (not the portal's own
// order, which Microsoft does not document):
//
//   - points_remaining: the points still to gain, most first; then
//     Microsoft's rank (1 first); then control id.
//   - rank: Microsoft's rank, 1 first; then control id.
//
// Actions not in the score come after those in it whatever the order; with
// quickWinsFirst the quick wins come before everything else.
func SortActions(actions []Action, orderBy string, quickWinsFirst bool) {
	sort.SliceStable(actions, func(i, j int) bool {
		a, b := actions[i], actions[j]
		if quickWinsFirst && a.QuickWin != b.QuickWin {
			return a.QuickWin
		}
		if a.InScore != b.InScore {
			return a.InScore
		}
		if orderBy != OrderByRank && a.PointsRemaining != b.PointsRemaining {
			return a.PointsRemaining > b.PointsRemaining
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.ID < b.ID
	})
}
