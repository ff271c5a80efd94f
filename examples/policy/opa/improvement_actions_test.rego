package securescore.improvement_actions_test

import rego.v1

import data.securescore.improvement_actions

action_change(actions, before, after) := {
	"address": "securescore_microsoft365_improvement_action.this",
	"type": "securescore_microsoft365_improvement_action",
	"change": {
		"actions": actions,
		"before": before,
		"after": after,
		"after_unknown": {},
	},
}

plan(changes) := {"format_version": "1.2", "resource_changes": changes}

test_risk_accepted_without_notes_is_denied if {
	change := action_change(["create"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": null})
	count(improvement_actions.deny) == 1 with input as plan([change])
}

test_update_to_risk_accepted_without_notes_is_denied if {
	change := action_change(
		["update"],
		{"control_id": "AdminMFAV2", "status": "planned", "notes": null},
		{"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": null},
	)
	some msg in improvement_actions.deny with input as plan([change])
	contains(msg, `"AdminMFAV2" moves to risk_accepted without notes`)
}

test_blank_notes_are_no_notes if {
	change := action_change(["update"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": "  "})
	count(improvement_actions.deny) == 1 with input as plan([change])
}

test_removing_the_notes_of_an_accepted_risk_is_denied if {
	change := action_change(
		["update"],
		{"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": "Accepted by the CISO until 2026-06."},
		{"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": null},
	)
	count(improvement_actions.deny) == 1 with input as plan([change])
}

test_replacement_is_checked if {
	change := action_change(["delete", "create"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted"})
	count(improvement_actions.deny) == 1 with input as plan([change])
}

test_risk_accepted_with_notes_is_allowed if {
	change := action_change(["create"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": "Accepted by the CISO until 2026-06."})
	count(improvement_actions.deny) == 0 with input as plan([change])
}

test_unknown_notes_are_allowed if {
	change := object.union(
		action_change(["create"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted"}),
		{"change": {"after_unknown": {"notes": true}}},
	)
	count(improvement_actions.deny) == 0 with input as plan([change])
}

test_other_statuses_need_no_notes if {
	change := action_change(["create"], null, {"control_id": "AdminMFAV2", "status": "planned", "notes": null})
	count(improvement_actions.deny) == 0 with input as plan([change])
}

test_unchanged_actions_are_not_checked if {
	state := {"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": null}
	change := action_change(["no-op"], state, state)
	count(improvement_actions.deny) == 0 with input as plan([change])
}

test_destroy_is_not_checked if {
	change := action_change(["delete"], {"control_id": "AdminMFAV2", "status": "risk_accepted", "notes": null}, null)
	count(improvement_actions.deny) == 0 with input as plan([change])
}

test_other_resource_types_are_ignored if {
	change := object.union(
		action_change(["create"], null, {"control_id": "AdminMFAV2", "status": "risk_accepted"}),
		{"type": "terraform_data"},
	)
	count(improvement_actions.deny) == 0 with input as plan([change])
}
