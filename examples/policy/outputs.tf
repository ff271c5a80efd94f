# Read them with `terraform output -json`, e.g.
#   terraform output -json | jq -e '.passed.value'
output "passed" {
  description = "Whether both scores meet their minimum."
  value       = local.defender_passed && local.microsoft365_passed
}

output "defender" {
  description = "The Defender for Cloud aggregate score (ratios between 0 and 1) against its minimum."
  value = {
    percentage         = local.defender.aggregate_percentage
    minimum            = var.defender_minimum_percentage
    passed             = local.defender_passed
    subscription_count = local.defender.subscription_count
    weak_subscriptions = local.weak_subscriptions
  }
}

output "microsoft365" {
  description = "The Microsoft 365 Secure Score (ratios between 0 and 1, points) against its minimum."
  value = {
    percentage     = local.microsoft365.percentage
    minimum        = var.microsoft365_minimum_percentage
    passed         = local.microsoft365_passed
    current_score  = local.microsoft365.current_score
    max_score      = local.microsoft365.max_score
    change_30_days = local.microsoft365_change
  }
}
