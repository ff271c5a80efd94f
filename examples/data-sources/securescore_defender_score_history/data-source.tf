# The last 30 days of every subscription continuous export writes to the
# workspace (its Workspace ID, a GUID).
data "securescore_defender_score_history" "month" {
  workspace_id = "5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"
  history_days = 30
}

# One subscription over a quarter, with its controls: which ones moved.
data "securescore_defender_score_history" "production" {
  workspace_id     = "5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"
  history_days     = 90
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  include_controls = true
}

locals {
  week_change = data.securescore_defender_score_history.month.percentage_change_7_days
}

# percentage values are ratios (0-1): -0.05 is 5 percentage points lost.
output "weekly_change" {
  value = local.week_change == null ? "not enough history" : format("%+.1f percentage points over 7 days", local.week_change * 100)
}

# latest holds each subscription's newest point and change, by subscription id.
output "production_points_lost_this_week" {
  value = -coalesce(one(data.securescore_defender_score_history.production.latest[*].current_score_change_7_days), 0)
}

# One point per subscription and day, only on request (30 entries a
# subscription for 30 days).
data "securescore_defender_score_history" "daily" {
  workspace_id     = "5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"
  subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  include_points   = true
}

output "production_daily_percent" {
  value = { for p in data.securescore_defender_score_history.daily.points : p.date => format("%.1f%%", p.percentage * 100) }
}

# The controls that lost points this week, biggest loss first.
output "production_controls_that_lost_points" {
  value = [
    for c in data.securescore_defender_score_history.production.control_changes :
    format("%s: %.2f points", c.display_name, c.current_score_change_7_days)
    if coalesce(c.current_score_change_7_days, 0) < 0
  ]
}
