package microsoft365

import (
	"strings"
	"unicode"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// The portal's status words for an improvement action.
const (
	StatusToAddress                          = "to_address"
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
var statusToState = map[string]string{
	StatusToAddress:                 StateDefault,
	StatusPlanned:                   StateReviewed,
	StatusRiskAccepted:              StateIgnored,
	StatusResolvedThroughThirdParty: StateThirdParty,
}

// stateToStatus maps Graph's states, and the words of Microsoft's
// managed-tenants API that a live tenant may also return, to the portal's
// status words. Keys are lower-cased.
var stateToStatus = map[string]string{
	"default":                            StatusToAddress,
	"reviewed":                           StatusPlanned,
	"ignored":                            StatusRiskAccepted,
	"thirdparty":                         StatusResolvedThroughThirdParty,
	"toaddress":                          StatusToAddress,
	"planned":                            StatusPlanned,
	"riskaccepted":                       StatusRiskAccepted,
	"resolvedby3rdparty":                 StatusResolvedThroughThirdParty,
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

// ProfileStatus is an action's status: completed when it already earns its
// full points (that wins over any state), otherwise its newest state update.
func ProfileStatus(profile client.ControlProfile, score float64) string {
	if maxScore := float64(profile.MaxScore); maxScore > 0 && score >= maxScore {
		return StatusCompleted
	}
	if latest := profile.LatestStateUpdate(); latest != nil {
		return StatusForState(latest.State)
	}
	return StatusToAddress
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
