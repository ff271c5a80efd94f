# "Give every recommendation an owner", step 3: fail the pipeline when
# anything is more than var.max_days_overdue days overdue, and warn about
# unhealthy recommendations nobody owns.
terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

provider "securescore" {}

variable "management_group_id" {
  description = "The management group to check (its id)."
  type        = string
  default     = "contoso-production"
}

variable "max_days_overdue" {
  description = "How many days past its due date an assignment may be before the pipeline fails."
  type        = number
  default     = 14
}

data "securescore_defender_governance_assignments" "this" {
  management_group_ids   = [var.management_group_id]
  overdue_threshold_days = var.max_days_overdue
}

locals {
  governance = data.securescore_defender_governance_assignments.this
  late       = [for a in local.governance.assignments : a if a.overdue && coalesce(a.days_overdue, 0) >= var.max_days_overdue]
}

output "overdue_beyond_threshold" {
  description = "Assignments more than max_days_overdue days overdue, for the pipeline's log."
  value       = [for a in local.late : { owner = a.owner_email, recommendation = a.recommendation_display_name, resource = a.resource_id, days_overdue = a.days_overdue }]
  precondition {
    condition     = local.governance.overdue_beyond_threshold_count == 0
    error_message = "${local.governance.overdue_beyond_threshold_count} governance assignments are more than ${var.max_days_overdue} days overdue; see the output overdue_beyond_threshold, or the portal's Recommendations > Owner view."
  }
}

output "summary" {
  value = {
    assignments       = local.governance.assignment_count
    overdue           = local.governance.overdue_count
    in_grace_period   = local.governance.in_grace_period_count
    unowned_unhealthy = local.governance.unowned_unhealthy_count
  }
}

check "every_unhealthy_recommendation_has_an_owner" {
  assert {
    condition     = local.governance.unowned_unhealthy_count == 0
    error_message = "${local.governance.unowned_unhealthy_count} unhealthy recommendations have no owner: widen a governance rule's conditions."
  }
}
