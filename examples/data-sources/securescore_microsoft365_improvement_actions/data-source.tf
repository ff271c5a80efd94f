# Open quick wins in Identity and Apps, most points remaining first.
data "securescore_microsoft365_improvement_actions" "quick_wins" {
  categories      = ["Identity", "Apps"]
  statuses        = ["to_address", "planned"]
  only_quick_wins = true
}

output "quick_wins" {
  value = [
    for a in data.securescore_microsoft365_improvement_actions.quick_wins.actions :
    format("+%.2f %s (%s)", a.points_remaining, a.title, a.action_url)
  ]
}

# Every risk-accepted action, with who accepted it and why.
data "securescore_microsoft365_improvement_actions" "risk_accepted" {
  statuses = ["risk_accepted"]
}

output "risk_accepted" {
  value = {
    for a in data.securescore_microsoft365_improvement_actions.risk_accepted.actions :
    a.control_id => "${coalesce(a.updated_by, "unknown")}: ${coalesce(a.notes, "no notes")}"
  }
}
