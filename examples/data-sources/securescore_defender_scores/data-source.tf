# Every subscription the identity can read, in one Resource Graph query.
data "securescore_defender_scores" "all" {}

# The subscriptions of a management group (its id, not its display name).
data "securescore_defender_scores" "production" {
  management_group_ids = ["contoso-production"]
}

# An explicit list: any length, sent 1,000 subscriptions a request.
data "securescore_defender_scores" "selected" {
  subscription_ids = [
    "da33051b-d48d-4764-a425-4063eca91a0d",
    "aa8b259b-0fa9-4a3f-9dc4-b3d3e3389c46",
  ]
}

locals {
  production = data.securescore_defender_scores.production
}

# aggregate_percentage is a ratio (0-1), null when no subscription in scope
# has a weighted score; multiply by 100 to print a percent.
output "weighted_score_percent" {
  value = (local.production.aggregate_percentage == null ? "no score yet" :
  format("%.1f%% over %d subscriptions", local.production.aggregate_percentage * 100, local.production.subscription_count))
}

# scores is ordered weakest first.
output "weakest_subscription" {
  value = try(data.securescore_defender_scores.all.scores[0].subscription_id, null)
}

# A for expression keys the list by subscription, to find one whatever its
# rank (ids are lower case).
locals {
  selected_by_id = { for s in data.securescore_defender_scores.selected.scores : s.subscription_id => s }
}

output "selected_percentage" {
  value = try(local.selected_by_id["da33051b-d48d-4764-a425-4063eca91a0d"].percentage, null)
}

# One aggregate per management group; a group the identity cannot read is
# restricted (with a warning), never a silent 0.
data "securescore_defender_scores" "groups" {
  management_group_ids = ["contoso-production", "contoso-nonproduction"]
}

output "group_scores" {
  value = {
    for g in data.securescore_defender_scores.groups.management_groups :
    g.management_group_id => g.restricted ? "restricted" : (g.aggregate_percentage == null ? "no score yet" : format("%.1f%%", g.aggregate_percentage * 100))
  }
}

# Subscriptions Defender for Cloud has not scored yet (not 0 %).
output "waiting_for_a_score" {
  value = data.securescore_defender_scores.all.not_calculated_subscription_ids
}
