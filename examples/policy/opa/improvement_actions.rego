# METADATA
# title: Improvement actions
# description: |
#   Policy over a Terraform plan (`terraform show -json PLANFILE`): a Microsoft 365
#   improvement action may only be created or changed with the status
#   risk_accepted when its notes say why the risk is accepted.
package securescore.improvement_actions

import rego.v1

resource_type := "securescore_microsoft365_improvement_action"

# deny holds one message per planned change that breaks the policy. Run it with
#   opa eval --fail-defined --format raw \
#     --data improvement_actions.rego --input plan.json \
#     'data.securescore.improvement_actions.deny[msg]'
# which exits non-zero when anything is denied.
deny contains msg if {
	some change in input.resource_changes
	change.type == resource_type
	writes(change)
	change.change.after.status == "risk_accepted"
	not has_notes(change)
	msg := sprintf(
		"%s: improvement action %q moves to risk_accepted without notes; record why the risk is accepted, who accepted it and until when in `notes`",
		[change.address, change.change.after.control_id],
	)
}

# writes: the change creates or updates the action (a replacement is a
# delete and a create). No-ops and destroys change no status.
writes(change) if {
	some action in change.change.actions
	action in {"create", "update"}
}

has_notes(change) if {
	is_string(change.change.after.notes)
	trim_space(change.change.after.notes) != ""
}

# Notes computed from another resource are unknown at plan time; the
# resource's own validation refuses an empty string when they are known.
has_notes(change) if change.change.after_unknown.notes == true
