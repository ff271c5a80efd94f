package microsoft365

import "testing"

func TestStatusForState(t *testing.T) {
	for state, want := range map[string]string{
		"":                                   StatusToAddress,
		"Default":                            StatusToAddress,
		"Reviewed":                           StatusPlanned,
		"Ignored":                            StatusRiskAccepted,
		"ThirdParty":                         StatusResolvedThroughThirdParty,
		"thirdParty":                         StatusResolvedThroughThirdParty, // the live service's lower case
		"toAddress":                          StatusToAddress,
		"planned":                            StatusPlanned,
		"riskAccepted":                       StatusRiskAccepted,
		"resolvedBy3rdParty":                 StatusResolvedThroughThirdParty,
		"resolvedThroughAlternateMitigation": StatusResolvedThroughAlternateMitigation,
		"SomethingNew":                       "something_new",
		"HTTPRedirected":                     "http_redirected",
		"waiting-for-vendor":                 "waiting_for_vendor",
	} {
		if got := StatusForState(state); got != want {
			t.Errorf("%q: got %q, want %q", state, got, want)
		}
	}
}

func TestStatusRoundTrip(t *testing.T) {
	for _, status := range SettableStatuses {
		state, ok := StateForStatus(status)
		if !ok || StatusForState(state) != status {
			t.Errorf("%s -> %s -> %s", status, state, StatusForState(state))
		}
	}
	for _, status := range []string{StatusCompleted, StatusInProgress, StatusResolvedThroughAlternateMitigation} {
		if _, ok := StateForStatus(status); ok {
			t.Errorf("%s must not be settable", status)
		}
	}
}

// Worked cases of Microsoft's documented rules ("Assess your security
// posture with Microsoft Secure Score"): third party and alternate
// mitigation earn the points and are the team's word; completed is
// Microsoft's data; risk accepted earns none; in progress is an action with
// no recorded status that earns part of its points.
func TestActionStatusWorkedCases(t *testing.T) {
	for _, tc := range []struct {
		name            string
		state           string
		score, maxScore float64
		want            string
	}{
		{"third party with full points stays third party", "ThirdParty", 8, 8, StatusResolvedThroughThirdParty},
		{"third party before the recalculation", "ThirdParty", 0, 8, StatusResolvedThroughThirdParty},
		{"alternate mitigation with full points", "resolvedThroughAlternateMitigation", 5, 5, StatusResolvedThroughAlternateMitigation},
		{"full points with no update is completed", "", 10, 10, StatusCompleted},
		{"full points overrides planned", "Reviewed", 10, 10, StatusCompleted},
		{"full points overrides risk accepted", "Ignored", 1, 1, StatusCompleted},
		{"part of the points with no decision is in progress", "Default", 4, 8, StatusInProgress},
		{"part of the points with no update at all", "", 0.5, 8, StatusInProgress},
		{"part of the points, planned, stays planned", "Reviewed", 2, 10, StatusPlanned},
		{"part of the points, risk accepted", "Ignored", 0.5, 1, StatusRiskAccepted},
		{"no points, no decision", "Default", 0, 3, StatusToAddress},
		{"max 0 is never completed", "", 0, 0, StatusToAddress},
		{"an unknown state is kept", "SomethingNew", 1, 5, "something_new"},
	} {
		if got := ActionStatus(tc.state, tc.score, tc.maxScore); got != tc.want {
			t.Errorf("%s: ActionStatus(%q, %v, %v) = %q, want %q", tc.name, tc.state, tc.score, tc.maxScore, got, tc.want)
		}
	}
}

func TestNormalizeLevel(t *testing.T) {
	for in, want := range map[string]string{
		"Low": "Low", "low": "Low", "Moderate": "Moderate", "moderate": "Moderate", "Medium": "Moderate", "medium": "Moderate",
		"High": "High", "high": "High", "Unknown": "Unknown", "unknown": "Unknown", "": "", "\tLow\n": "Low", "Severe": "Severe",
	} {
		if got := NormalizeLevel(in); got != want {
			t.Errorf("NormalizeLevel(%q) = %q, want %q", in, got, want)
		}
	}
}
