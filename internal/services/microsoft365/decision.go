package microsoft365

import (
	"fmt"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// RecordedDecision is the decision a team recorded on an action: its newest
// state update when that says anything other than "to address with no notes
// and nobody assigned". nil means there is nothing a create could overwrite.
func RecordedDecision(p client.ControlProfile) *client.ControlStateUpdate {
	latest := p.LatestStateUpdate()
	if latest == nil {
		return nil
	}
	if StatusForState(latest.State) == StatusToAddress && latest.Comment == "" && latest.AssignedTo == "" {
		return nil
	}
	return latest
}

// describeDecision says what was recorded, by whom and when, for the
// diagnostic that refuses to overwrite it.
func describeDecision(u client.ControlStateUpdate) string {
	desc := fmt.Sprintf("status %s (Graph state %q)", StatusForState(u.State), u.State)
	if u.Comment != "" {
		desc += fmt.Sprintf(", notes %q", u.Comment)
	}
	if u.AssignedTo != "" {
		desc += fmt.Sprintf(", assigned to %s", u.AssignedTo)
	}
	by := u.UpdatedBy
	if by == "" {
		by = "an unknown author"
	}
	desc += ", set by " + by
	if u.UpdatedDateTime != nil {
		desc += " on " + u.UpdatedDateTime.UTC().Format(time.RFC3339)
	}
	return desc
}

// sameDecision reports whether the service shows what was sent.
func sameDecision(latest *client.ControlStateUpdate, sent client.ControlProfileUpdate) bool {
	if latest == nil {
		return StatusForState(sent.State) == StatusToAddress && sent.Comment == "" && sent.AssignedTo == ""
	}
	return StatusForState(latest.State) == StatusForState(sent.State) && latest.Comment == sent.Comment && latest.AssignedTo == sent.AssignedTo
}
