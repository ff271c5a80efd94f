data "securescore_microsoft365_improvement_action" "admin_mfa" {
  id = "AdminMFAV2"
}

output "admin_mfa" {
  value = format("%s: %s (%.2f of %.2f points)",
    data.securescore_microsoft365_improvement_action.admin_mfa.title,
    data.securescore_microsoft365_improvement_action.admin_mfa.status,
    data.securescore_microsoft365_improvement_action.admin_mfa.score,
  data.securescore_microsoft365_improvement_action.admin_mfa.max_score)
}

# Every status change, oldest first.
output "admin_mfa_history" {
  value = [
    for h in data.securescore_microsoft365_improvement_action.admin_mfa.history :
    "${h.updated_date_time} ${h.status} by ${h.updated_by}: ${h.comment}"
  ]
}
