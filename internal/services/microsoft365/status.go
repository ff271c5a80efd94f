package microsoft365

import (
	"strings"
	"unicode"
)

// The portal's status words for an improvement action.
const (
	StatusToAddress                          = "to_address"
	StatusInProgress                         = "in_progress"
	StatusPlanned                            = "planned"
	StatusRiskAccepted                       = "risk_accepted"
	StatusResolvedThroughThirdParty          = "resolved_through_third_party"
	StatusResolvedThroughAlternateMitigation = "resolved_through_alternate_mitigation"
	StatusCompleted                          = "completed"
)

// Graph's controlStateUpdates states that the resource can send.
const (
	StateDefault    = "Default"
	StateReviewed   = "Reviewed"
	StateIgnored    = "Ignored"
	StateThirdParty = "ThirdParty"
)

// SettableStatuses are the statuses the resource accepts, in the portal's order.
var SettableStatuses = []string{StatusToAddress, StatusPlanned, StatusRiskAccepted, StatusResolvedThroughThirdParty}

// statusToState maps a settable status to the state PATCH sends.
//
// Microsoft documents no mapping between the portal's statuses and Graph's
// states. This one is inferred from the states' descriptions and the words
// of Microsoft's managed-tenants API, and chosen so that nothing is lost:
// every state Graph returns maps to a status, and every settable status to
// the one state that reads back as that status.
var statusToState = map[string]string{
	StatusToAddress:                 StateDefault,
	StatusPlanned:                   StateReviewed,
	StatusRiskAccepted:              StateIgnored,
	StatusResolvedThroughThirdParty: StateThirdParty,
}

// stateToStatus maps Graph's states, and the words of Microsoft's
// managed-tenants API that a live tenant may also return, to the portal's
// status words. Keys are lower-cased: the live service accepts and returns
// lower-case states such as thirdParty.
var stateToStatus = map[string]string{
	"default":                            StatusToAddress,
	"reviewed":                           StatusPlanned,
	"ignored":                            StatusRiskAccepted,
	"thirdparty":                         StatusResolvedThroughThirdParty,
	"toaddress":                          StatusToAddress,
	"planned":                            StatusPlanned,
	"riskaccepted":                       StatusRiskAccepted,
	"resolvedby3rdparty":                 StatusResolvedThroughThirdParty,
	"resolvedthroughthirdparty":          StatusResolvedThroughThirdParty,
	"resolvedthroughalternatemitigation": StatusResolvedThroughAlternateMitigation,
	"completed":                          StatusCompleted,
}

// StateForStatus is the Graph state PATCH sends for a settable status.
func StateForStatus(status string) (string, bool) {
	state, ok := statusToState[status]
	return state, ok
}

// StatusForState maps a controlStateUpdates state to the status vocabulary;
// an unknown state is shown lower_snake_cased, never an error. "" (no
// update) is to address.
func StatusForState(state string) string {
	if state == "" {
		return StatusToAddress
	}
	if status, ok := stateToStatus[strings.ToLower(state)]; ok {
		return status
	}
	return snakeCase(state)
}

// ActionStatus is the portal's status of an action from its newest
// recorded state and its points, following Microsoft's documentation
// ("Assess your security posture with Microsoft Secure Score"):
//
//  1. Resolved through third party and resolved through alternate
//     mitigation are the team's word and earn the action's points: an
//     explicit state of either wins over the score.
//  2. Completed is confirmed through Microsoft's data: an action that earns
//     its full points (max > 0) is completed whatever else was recorded.
//  3. Otherwise the recorded status (planned, risk accepted, …) stands; an
//     action with no recorded status (to address) that earns part of its
//     points, 0 < score < max, is in progress.
func ActionStatus(state string, score, maxScore float64) string {
	recorded := StatusForState(state)
	switch {
	case recorded == StatusResolvedThroughThirdParty, recorded == StatusResolvedThroughAlternateMitigation:
		return recorded
	case maxScore > 0 && score >= maxScore:
		return StatusCompleted
	case recorded == StatusToAddress && score > 0:
		return StatusInProgress
	}
	return recorded
}

// openStatus reports the statuses whose remaining points a team can still
// gain by work: to address, in progress and planned.
func openStatus(status string) bool {
	switch status {
	case StatusToAddress, StatusInProgress, StatusPlanned:
		return true
	}
	return false
}

func snakeCase(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		case r == '-' || r == ' ' || r == '.':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
