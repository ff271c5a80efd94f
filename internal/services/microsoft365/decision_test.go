package microsoft365

import (
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// The comparison an update or a destroy's reset makes before sending: each
// case is worked by hand from the rule "another status, notes or assignee,
// or an update in a later second than the state records".
func TestChangedSince(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	planned := recordedDecision{Status: StatusPlanned, Notes: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: "2026-11-01T08:23:07Z"}
	cases := []struct {
		name     string
		recorded recordedDecision
		latest   *client.ControlStateUpdate
		want     bool
	}{
		{"same decision, same second", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedBy: "app", UpdatedDateTime: at("2026-11-01T08:23:07Z")}, false},
		{"same second with a fraction the state does not keep", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-11-01T08:23:07.918Z")}, false},
		{"same instant in another offset", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-11-01T09:23:07+01:00")}, false},
		{"Graph's lower-case state reads as the same status", planned,
			&client.ControlStateUpdate{State: "reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-11-01T08:23:07Z")}, false},
		{"the same decision recorded again a second later", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedBy: "ciso@contoso.com", UpdatedDateTime: at("2026-11-01T08:23:08Z")}, true},
		{"another status", planned,
			&client.ControlStateUpdate{State: "Ignored", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-11-01T08:23:07Z")}, true},
		{"other notes", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "RISK ACCEPTED by CISO", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-11-01T08:23:07Z")}, true},
		{"another assignee", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", UpdatedDateTime: at("2026-11-01T08:23:07Z")}, true},
		{"an older update than the state's is no change", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com", UpdatedDateTime: at("2026-10-01T00:00:00Z")}, false},
		{"nothing recorded, and the state records nothing", recordedDecision{Status: StatusToAddress}, nil, false},
		{"nothing recorded any more", planned, nil, true},
		{"a state without a time compares the decision alone",
			recordedDecision{Status: StatusRiskAccepted, Notes: "lost in transit"},
			&client.ControlStateUpdate{State: "Ignored", Comment: "lost in transit", UpdatedDateTime: at("2026-11-02T00:00:00Z")}, false},
		{"an update without a time compares the decision alone", planned,
			&client.ControlStateUpdate{State: "Reviewed", Comment: "Q3 rollout", AssignedTo: "secops@contoso.com"}, false},
	}
	for _, tc := range cases {
		if got := changedSince(tc.recorded, tc.latest); got != tc.want {
			t.Errorf("%s: changedSince = %v, want %v", tc.name, got, tc.want)
		}
	}
}
