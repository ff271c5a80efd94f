# The remediation backlog of one subscription, biggest gain first.
data "securescore_defender_recommendations" "production" {
  subscription_ids           = ["7444d220-dc62-4eed-8552-76d7697c3f78"]
  affected_resource_id_limit = 5
}

# High-severity recommendations across a management group.
data "securescore_defender_recommendations" "high" {
  management_group_ids = ["contoso-production"]
  severities           = ["High"]
}

# One control's recommendations, healthy or not.
data "securescore_defender_recommendations" "mfa" {
  control_names = ["Enable MFA"]
  statuses      = ["Unhealthy", "Healthy", "NotApplicable"]
}

locals {
  top = slice(data.securescore_defender_recommendations.production.recommendations, 0,
  min(5, data.securescore_defender_recommendations.production.recommendation_count))
}

output "fix_first" {
  value = [
    for r in local.top : format("+%.2f points (%s): %s on %d resources",
    coalesce(r.potential_score_increase, 0), coalesce(r.control_display_name, "no control"), r.display_name, r.unhealthy_resource_count)
  ]
}
