# Fix the biggest gain first: the top recommendations of a management group
# (each once, by what fixing it everywhere adds to the group's weighted
# score), a check on Critical risk, and a pipeline that stops when a secure
# score dropped too far in a week, naming what changed.
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

# The remediation backlog of the whole group: each unhealthy recommendation
# once, biggest gain on the group's weighted score first.
data "securescore_defender_recommendations" "backlog" {
  management_group_ids       = [var.management_group_id]
  affected_resource_id_limit = 3
}

# What changed in the last 7 days: recommendations with a resource whose
# status changed, named when the drop gate fails.
data "securescore_defender_recommendations" "changed" {
  management_group_ids = [var.management_group_id]
  changed_within_days  = 7
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

  # The recommendations that turned unhealthy on some resource this week.
  newly_unhealthy = [
    for r in data.securescore_defender_recommendations.changed.recommendations :
    format("%s (%d resource(s))", r.display_name, r.newly_unhealthy_resource_count) if r.newly_unhealthy_resource_count > 0
  ]

  # Unhealthy recommendations Defender CSPM rates Critical (none without the plan).
  critical = [for r in data.securescore_defender_recommendations.backlog.recommendations : r.display_name if r.risk_level == "Critical"]
}

# Risk does not change the score, so it is checked beside the score gate.
check "no_critical_risk" {
  assert {
    condition     = length(local.critical) == 0
    error_message = format("%d unhealthy recommendation(s) at risk level Critical: %s.", length(local.critical), join("; ", local.critical))
  }
}

# Warns in every plan; the run goes on.
check "secure_score_drop" {
  assert {
    condition = length(local.dropped) == 0
    error_message = format("%d subscription(s) lost more than %.1f percentage points of secure score over 7 days: %s. Turned unhealthy this week: %s.",
      length(local.dropped), var.max_drop_points,
      join(", ", [for id, d in local.dropped : format("%s (-%.1f)", id, d)]),
    join("; ", local.newly_unhealthy))
  }
}

# The gate: with enforce = true a drop fails `terraform plan` (exit status 1).
resource "terraform_data" "gate" {
  input = keys(local.dropped)

  lifecycle {
    precondition {
      condition = !var.enforce || length(local.dropped) == 0
      error_message = format("Secure score dropped by more than %.1f percentage points over 7 days in: %s. Turned unhealthy this week: %s.",
      var.max_drop_points, join(", ", keys(local.dropped)), join("; ", local.newly_unhealthy))
    }
  }
}

output "fix_first" {
  description = "The top recommendations: percentage points the group's score gains, the control, the subscriptions and resources affected, and the risk."
  value = [
    for r in local.backlog : {
      recommendation               = r.display_name
      control                      = r.control_display_name
      potential_aggregate_increase = r.potential_aggregate_increase
      subscriptions                = r.subscription_count
      unhealthy_resources          = r.unhealthy_resource_count
      risk_level                   = r.risk_level
      some_resources               = r.affected_resource_ids
      portal_url                   = r.portal_url
    }
  ]
}

output "changed_this_week" {
  description = "Recommendations that turned unhealthy on some resource in the last 7 days."
  value       = local.newly_unhealthy
}

output "drops" {
  description = "Percentage points lost over 7 days, per subscription."
  value       = local.drops
}
