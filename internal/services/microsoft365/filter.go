package microsoft365

// ActionFilter selects actions; empty sets select everything. Categories and
// services match case- and space-insensitively (matchKey), statuses exactly.
type ActionFilter struct {
	Categories        []string
	Services          []string
	Statuses          []string
	IncludeDeprecated bool
	IncludeNotInScore bool
	OnlyQuickWins     bool
}

// Match reports whether a passes the filter.
func (f ActionFilter) Match(a Action) bool {
	switch {
	case a.Deprecated && !f.IncludeDeprecated,
		!a.InScore && !a.Deprecated && !f.IncludeNotInScore,
		f.OnlyQuickWins && !a.QuickWin:
		return false
	}
	return matchesAny(f.Categories, a.Category, matchKey) &&
		matchesAny(f.Services, a.Service, matchKey) &&
		matchesAny(f.Statuses, a.Status, func(s string) string { return s })
}

func matchesAny(wanted []string, value string, key func(string) string) bool {
	if len(wanted) == 0 {
		return true
	}
	for _, w := range wanted {
		if key(w) == key(value) {
			return true
		}
	}
	return false
}

// FilterActions keeps the actions that pass f, in order.
func FilterActions(actions []Action, f ActionFilter) []Action {
	out := make([]Action, 0, len(actions))
	for _, a := range actions {
		if f.Match(a) {
			out = append(out, a)
		}
	}
	return out
}

// filterStatuses are the statuses the `statuses` filter accepts.
var filterStatuses = []string{
	StatusCompleted, StatusInProgress, StatusToAddress, StatusPlanned, StatusRiskAccepted,
	StatusResolvedThroughThirdParty, StatusResolvedThroughAlternateMitigation,
}
