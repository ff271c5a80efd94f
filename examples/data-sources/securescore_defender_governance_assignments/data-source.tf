# The governance assignments of a management group's subscriptions, and the
# unhealthy recommendations nobody owns.
data "securescore_defender_governance_assignments" "production" {
  management_group_ids   = ["contoso-production"]
  overdue_threshold_days = 14
}

locals {
  governance = data.securescore_defender_governance_assignments.production
}

# Fail the plan when anything is more than 14 days overdue.
output "overdue_for_more_than_14_days" {
  value = local.governance.overdue_beyond_threshold_count
  precondition {
    condition = local.governance.overdue_beyond_threshold_count == 0
    error_message = format("%d governance assignments are more than 14 days overdue: %s", local.governance.overdue_beyond_threshold_count,
    join(", ", [for a in local.governance.assignments : "${a.owner_email == null ? "nobody" : a.owner_email} (${a.days_overdue} days)" if a.overdue && coalesce(a.days_overdue, 0) >= 14]))
  }
}

# Warn, without failing, about unhealthy recommendations without an owner.
check "every_recommendation_has_an_owner" {
  assert {
    condition     = local.governance.unowned_unhealthy_count == 0
    error_message = "${local.governance.unowned_unhealthy_count} unhealthy recommendations have no owner: add a governance rule that covers them."
  }
}

output "owners_of_overdue_items" {
  value = distinct([for a in local.governance.assignments : a.owner_email if a.overdue && a.owner_email != null])
}
