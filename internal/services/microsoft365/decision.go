package microsoft365

import (
	"fmt"
	"strings"
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
	at := ""
	if u.UpdatedDateTime != nil {
		at = u.UpdatedDateTime.UTC().Format(time.RFC3339)
	}
	return desc + describeAuthorship(u.Comment, u.AssignedTo, u.UpdatedBy, at)
}

// describeAuthorship is the notes, assignee, author and time of a decision,
// as describeDecision words them.
func describeAuthorship(notes, assignedTo, by, at string) string {
	var desc strings.Builder
	if notes != "" {
		fmt.Fprintf(&desc, ", notes %q", notes)
	}
	if assignedTo != "" {
		fmt.Fprintf(&desc, ", assigned to %s", assignedTo)
	}
	if by == "" {
		by = "an unknown author"
	}
	desc.WriteString(", set by " + by)
	if at != "" {
		desc.WriteString(" on " + at)
	}
	return desc.String()
}

// sameDecision reports whether the service shows what was sent.
func sameDecision(latest *client.ControlStateUpdate, sent client.ControlProfileUpdate) bool {
	if latest == nil {
		return StatusForState(sent.State) == StatusToAddress && sent.Comment == "" && sent.AssignedTo == ""
	}
	return StatusForState(latest.State) == StatusForState(sent.State) && latest.Comment == sent.Comment && latest.AssignedTo == sent.AssignedTo
}

// recordedDecision is what a state recorded of the action's decision:
// status, notes ("" for none), assignee ("" for nobody) and the time of the
// newest update ("" when there was none, or the read-back did not show it).
type recordedDecision struct {
	Status, Notes, AssignedTo, UpdatedDateTime string
}

// changedSince reports whether the service's newest decision (latest, the
// placeholder live tenants send for an untouched action already left out)
// differs from what a state recorded: another status, notes or assignee,
// or an update newer than the recorded one. The state keeps times to the
// second, so a newer update is one in a later second.
func changedSince(recorded recordedDecision, latest *client.ControlStateUpdate) bool {
	if latest == nil {
		return recorded.Status != StatusToAddress || recorded.Notes != "" || recorded.AssignedTo != ""
	}
	if StatusForState(latest.State) != recorded.Status || latest.Comment != recorded.Notes || latest.AssignedTo != recorded.AssignedTo {
		return true
	}
	if latest.UpdatedDateTime == nil || recorded.UpdatedDateTime == "" {
		return false
	}
	at, err := time.Parse(time.RFC3339, recorded.UpdatedDateTime)
	if err != nil {
		// Not a time this provider wrote: only the decision itself compares.
		return false
	}
	return latest.UpdatedDateTime.UTC().Truncate(time.Second).After(at.UTC())
}
