# The remediation backlog of a management group: each recommendation once,
# biggest gain on the group's weighted score first.
data "securescore_defender_recommendations" "estate" {
  management_group_ids = ["contoso-production"]
}

# The same backlog in Defender CSPM's order: risk level first, then gain;
# only what is Critical or High.
data "securescore_defender_recommendations" "risk" {
  management_group_ids = ["contoso-production"]
  order_by             = "risk"
  risk_levels          = ["Critical", "High"]
}

# What changed in the last 7 days.
data "securescore_defender_recommendations" "changed" {
  management_group_ids = ["contoso-production"]
  changed_within_days  = 7
}

# One subscription: one entry per recommendation, with the control's points.
data "securescore_defender_recommendations" "production" {
  subscription_ids           = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  affected_resource_id_limit = 5
}

# One entry per recommendation and subscription across a group, High only.
data "securescore_defender_recommendations" "high" {
  management_group_ids = ["contoso-production"]
  group_by             = "subscription"
  severities           = ["High"]
}

# One control's recommendations, healthy or not, without preview ones.
data "securescore_defender_recommendations" "mfa" {
  control_names   = ["Enable MFA"]
  statuses        = ["Unhealthy", "Healthy", "NotApplicable"]
  include_preview = false
}

locals {
  top = slice(data.securescore_defender_recommendations.estate.recommendations, 0,
  min(5, data.securescore_defender_recommendations.estate.recommendation_count))
}

output "fix_first" {
  value = [
    for r in local.top : format("+%.2f percentage points (%s): %s in %d subscription(s), %d resources, risk %s",
      coalesce(r.potential_aggregate_increase, 0), coalesce(r.control_display_name, "no control"), r.display_name,
    r.subscription_count, r.unhealthy_resource_count, coalesce(r.risk_level, "not evaluated"))
  ]
}

output "changed" {
  value = { for r in data.securescore_defender_recommendations.changed.recommendations : r.display_name => r.newly_unhealthy_resource_count }
}
