# Fix the biggest gain first: the top recommendations of a management group,
# and a pipeline that stops when a secure score dropped too far in a week.
# See the guide "Fix the biggest gain first".
terraform {
  required_version = ">= 1.5" # check blocks

  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

provider "securescore" {}

variable "management_group_id" {
  description = "The management group whose subscriptions are read (its id, not its display name)."
  type        = string
}

variable "workspace_id" {
  description = "The Log Analytics workspace continuous export writes secure scores to (its Workspace ID, a GUID)."
  type        = string
}

variable "max_drop_points" {
  description = "The most percentage points a subscription's score may lose over 7 days (5 means 80% -> 75%)."
  type        = number
  default     = 5
}

variable "enforce" {
  description = "Fail the plan when a score dropped more than max_drop_points; false only warns (check block)."
  type        = bool
  default     = false
}

variable "top" {
  description = "How many recommendations the backlog lists."
  type        = number
  default     = 10
}

# The remediation backlog: unhealthy recommendations, biggest gain first.
data "securescore_defender_recommendations" "backlog" {
  management_group_ids       = [var.management_group_id]
  affected_resource_id_limit = 3
}

# A week and a day of history, so every day of the week has a point.
data "securescore_defender_score_history" "week" {
  workspace_id = var.workspace_id
  history_days = 8
}

locals {
  backlog = slice(data.securescore_defender_recommendations.backlog.recommendations, 0,
  min(var.top, data.securescore_defender_recommendations.backlog.recommendation_count))

  # Percentage points lost over 7 days, per subscription (ratios x 100).
  drops = {
    for s in data.securescore_defender_score_history.week.latest :
    s.subscription_id => tonumber(format("%.2f", -s.percentage_change_7_days * 100)) if s.percentage_change_7_days != null
  }
  dropped = { for id, d in local.drops : id => d if d > var.max_drop_points }
}

# Warns in every plan; the run goes on.
check "secure_score_drop" {
  assert {
    condition = length(local.dropped) == 0
    error_message = format("%d subscription(s) lost more than %.1f percentage points of secure score over 7 days: %s.",
      length(local.dropped), var.max_drop_points,
    join(", ", [for id, d in local.dropped : format("%s (-%.1f)", id, d)]))
  }
}

# The gate: with enforce = true a drop fails `terraform plan` (exit status 1).
resource "terraform_data" "gate" {
  input = keys(local.dropped)

  lifecycle {
    precondition {
      condition     = !var.enforce || length(local.dropped) == 0
      error_message = format("Secure score dropped by more than %.1f percentage points over 7 days in: %s.", var.max_drop_points, join(", ", keys(local.dropped)))
    }
  }
}

output "fix_first" {
  description = "The top recommendations: points to gain, the control, and the recommendation."
  value = [
    for r in local.backlog : {
      subscription_id          = r.subscription_id
      recommendation           = r.display_name
      control                  = r.control_display_name
      potential_score_increase = r.potential_score_increase
      unhealthy_resources      = r.unhealthy_resource_count
      some_resources           = r.affected_resource_ids
      portal_url               = r.portal_url
    }
  ]
}

output "drops" {
  description = "Percentage points lost over 7 days, per subscription."
  value       = local.drops
}
