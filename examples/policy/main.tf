# A secure score gate: reads the Defender for Cloud and Microsoft 365 secure
# scores, warns about weak spots (check block), blocks the run when a score is
# below its minimum (precondition), and leaves outputs a pipeline can parse
# with `terraform output -json`. See the guide "Gate a pipeline on secure score".
terraform {
  required_version = ">= 1.5" # check blocks; the tests need 1.7 (mock_provider)

  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the ARM_* environment variables of the pipeline
# (OIDC, a service principal, a managed identity or the Azure CLI).
provider "securescore" {}

data "securescore_defender_scores" "this" {
  subscription_ids     = var.subscription_ids
  management_group_ids = var.management_group_ids
}

data "securescore_microsoft365_score" "this" {}

locals {
  defender     = data.securescore_defender_scores.this
  microsoft365 = data.securescore_microsoft365_score.this

  # aggregate_percentage is null when no subscription in scope has a weighted
  # score: no score is no pass.
  defender_passed     = local.defender.aggregate_percentage == null ? false : local.defender.aggregate_percentage >= var.defender_minimum_percentage
  microsoft365_passed = local.microsoft365.percentage >= var.microsoft365_minimum_percentage

  # Subscriptions below the minimum on their own, even when the weighted
  # aggregate passes.
  weak_subscriptions = [
    for s in local.defender.scores : s.subscription_id if s.percentage < var.defender_minimum_percentage
  ]
  # null when Graph has no score from 30 days ago.
  microsoft365_change = local.microsoft365.percentage_change_30_days
}

# Warnings only: Terraform reports a failed check and carries on.
check "secure_score_health" {
  assert {
    condition = length(local.weak_subscriptions) == 0
    error_message = format("%d subscription(s) score below %.1f%% on their own: %s.",
    length(local.weak_subscriptions), var.defender_minimum_percentage * 100, join(", ", local.weak_subscriptions))
  }

  assert {
    condition = coalesce(local.microsoft365_change, 0) >= 0
    error_message = format("The Microsoft 365 Secure Score fell by %.1f points of percentage over the last 30 days.",
    -coalesce(local.microsoft365_change, 0) * 100)
  }
}

# The gate: a failed precondition is an error, so `terraform plan` and
# `terraform apply` fail and the pipeline stops. With enforce = false the
# run only reports (output "passed").
resource "terraform_data" "gate" {
  input = {
    defender_percentage     = local.defender.aggregate_percentage
    microsoft365_percentage = local.microsoft365.percentage
  }

  lifecycle {
    precondition {
      condition = !var.enforce || local.defender_passed
      error_message = (local.defender.aggregate_percentage == null ?
        format("No subscription in scope has a Defender for Cloud secure score yet, so it cannot meet the minimum of %.1f%% (defender_minimum_percentage).", var.defender_minimum_percentage * 100) :
        format("The Defender for Cloud secure score is %.1f%% over %d subscriptions, below the minimum of %.1f%% (defender_minimum_percentage).",
      local.defender.aggregate_percentage * 100, local.defender.subscription_count, var.defender_minimum_percentage * 100))
    }

    precondition {
      condition = !var.enforce || local.microsoft365_passed
      error_message = format("The Microsoft 365 Secure Score is %.1f%% (%.2f of %.2f points), below the minimum of %.1f%% (microsoft365_minimum_percentage).",
        local.microsoft365.percentage * 100, local.microsoft365.current_score, local.microsoft365.max_score,
      var.microsoft365_minimum_percentage * 100)
    }
  }
}
