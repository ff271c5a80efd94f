data "securescore_microsoft365_improvement_action" "admin_mfa" {
  control_id = "AdminMFAV2"
}

output "admin_mfa" {
  value = format("%s: %s (%.2f of %.2f points)",
    data.securescore_microsoft365_improvement_action.admin_mfa.title,
    data.securescore_microsoft365_improvement_action.admin_mfa.status,
    data.securescore_microsoft365_improvement_action.admin_mfa.current_score,
  data.securescore_microsoft365_improvement_action.admin_mfa.max_score)
}

# Every status change, oldest first. updated_by and comment are null when the
# service has none, so coalesce gives them a placeholder.
output "admin_mfa_history" {
  value = [
    for h in data.securescore_microsoft365_improvement_action.admin_mfa.history :
    "${h.updated_date_time} ${h.status} by ${coalesce(h.updated_by, "unknown")}: ${coalesce(h.notes, "-")}"
  ]
}
