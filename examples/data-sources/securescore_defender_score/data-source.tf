# The default initiative (ascScore) of the provider's subscription.
data "securescore_defender_score" "current" {}

# A custom initiative (its score_name is a GUID) of a given subscription.
data "securescore_defender_score" "iso27001" {
  subscription_id = "7444d220-dc62-4eed-8552-76d7697c3f78"
  score_name      = "49f062d0-1305-4d7c-84dc-fb04b921a0d2"
}

locals {
  score = data.securescore_defender_score.current
}

# percentage is the API's ratio (0-1); multiply by 100 to print a percent.
output "secure_score" {
  value = format("%s: %.2f of %d points (%.1f%%)", local.score.display_name, local.score.current_score, local.score.max_score, local.score.percentage * 100)
}
