# Tests of the gate with no tenant and no credentials: mock_provider answers
# for the securescore provider, override_data sets the scores.
# Run with `terraform init && terraform test` (Terraform 1.7 or later, OpenTofu
# 1.8 or later); the provider must be installed, for its schema.
mock_provider "securescore" {}

variables {
  defender_minimum_percentage     = 0.7
  microsoft365_minimum_percentage = 0.6
}

# Defaults for every run: both scores pass, nothing to warn about.
# `scores` (a list of nested objects) is left to the mock, which makes it
# empty: Terraform cannot override list-nested attributes of framework
# providers yet (hashicorp/terraform#38369), so the per-subscription warning
# is tested against the emulator instead (scripts/test-policy.sh).
override_data {
  target = data.securescore_defender_scores.this
  values = {
    aggregate_percentage = 0.82
    subscription_count   = 2
  }
}

override_data {
  target = data.securescore_microsoft365_score.this
  values = {
    current_score             = 260.5
    max_score                 = 400
    percentage                = 0.6513
    percentage_change_30_days = 0.021
  }
}

run "passes_when_both_scores_meet_their_minimum" {
  command = plan

  assert {
    condition     = output.passed
    error_message = "both scores are above their minimum: the gate should pass"
  }
  assert {
    condition     = output.defender.percentage == 0.82 && output.defender.passed
    error_message = "the Defender output should carry the aggregate score"
  }
  assert {
    condition     = output.microsoft365.percentage == 0.6513 && output.microsoft365.passed
    error_message = "the Microsoft 365 output should carry the tenant's score"
  }
  assert {
    condition     = length(output.defender.weak_subscriptions) == 0
    error_message = "no subscription is below the minimum"
  }
}

run "applies_when_both_scores_meet_their_minimum" {
  assert {
    condition     = terraform_data.gate.output.defender_percentage == 0.82
    error_message = "the gate should be applied with the scores"
  }
}

run "blocks_when_defender_is_below_its_minimum" {
  command = plan
  variables {
    defender_minimum_percentage = 0.9
  }
  expect_failures = [terraform_data.gate]
}

run "blocks_when_microsoft365_is_below_its_minimum" {
  command = plan
  variables {
    microsoft365_minimum_percentage = 0.7
  }
  expect_failures = [terraform_data.gate]
}

run "report_only_when_not_enforced" {
  command = plan
  variables {
    enforce                     = false
    defender_minimum_percentage = 0.9
  }

  assert {
    condition     = !output.passed && !output.defender.passed && output.microsoft365.passed
    error_message = "with enforce = false the run goes on and the outputs say what failed"
  }
}

run "warns_when_microsoft365_fell" {
  command = plan
  override_data {
    target = data.securescore_microsoft365_score.this
    values = {
      current_score             = 250
      max_score                 = 400
      percentage                = 0.625
      percentage_change_30_days = -0.05
    }
  }
  expect_failures = [check.secure_score_health]
}

run "no_history_is_no_warning" {
  command = plan
  override_data {
    target = data.securescore_microsoft365_score.this
    values = {
      current_score             = 250
      max_score                 = 400
      percentage                = 0.625
      percentage_change_30_days = null
    }
  }

  assert {
    condition     = output.microsoft365.change_30_days == null && output.passed
    error_message = "a tenant younger than 30 days has no change, and that is not a warning"
  }
}

run "blocks_when_defender_has_no_score_yet" {
  command = plan
  override_data {
    target = data.securescore_defender_scores.this
    values = {
      aggregate_percentage = null
      subscription_count   = 0
    }
  }
  expect_failures = [terraform_data.gate]
}
