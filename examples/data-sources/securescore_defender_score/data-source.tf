# The default initiative (ascScore) of the provider's subscription.
data "securescore_defender_score" "current" {}

# A custom initiative of another subscription.
data "securescore_defender_score" "iso27001" {
  subscription_id = "22222222-2222-2222-2222-222222222222"
  score_name      = "4f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
}

locals {
  score = data.securescore_defender_score.current
}

# percentage is the API's ratio (0-1); multiply by 100 to print a percent.
output "secure_score" {
  value = format("%s: %.2f of %d points (%.1f%%)", local.score.display_name, local.score.current_score, local.score.max_score, local.score.percentage * 100)
}
