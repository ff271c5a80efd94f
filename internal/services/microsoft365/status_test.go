package microsoft365

import (
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestStatusForState(t *testing.T) {
	for state, want := range map[string]string{
		"":                                   StatusToAddress,
		"Default":                            StatusToAddress,
		"Reviewed":                           StatusPlanned,
		"Ignored":                            StatusRiskAccepted,
		"ThirdParty":                         StatusResolvedThroughThirdParty,
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
	if _, ok := StateForStatus(StatusCompleted); ok {
		t.Error("completed must not be settable")
	}
}

func TestProfileStatusCompletedWins(t *testing.T) {
	now := time.Now()
	p := client.ControlProfile{MaxScore: 10, ControlStateUpdates: []client.ControlStateUpdate{{State: "Ignored", UpdatedDateTime: &now}}}
	if got := ProfileStatus(p, 10); got != StatusCompleted {
		t.Errorf("full points: %s", got)
	}
	if got := ProfileStatus(p, 9.5); got != StatusRiskAccepted {
		t.Errorf("partial points: %s", got)
	}
	if got := ProfileStatus(client.ControlProfile{}, 0); got != StatusToAddress {
		t.Errorf("max 0 with no updates: %s", got)
	}
}
