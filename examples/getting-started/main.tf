terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

# Every setting falls back to the ARM_* environment variables azurerm reads.
provider "securescore" {}

# The weighted Defender for Cloud score of every subscription the identity can read.
data "securescore_defender_scores" "all" {}

# Plan an improvement action of the Microsoft 365 Secure Score: a create
# adopts an action nobody has decided on yet.
resource "securescore_microsoft365_improvement_action" "one_admin" {
  control_id  = "OneAdmin"
  status      = "planned"
  notes       = "A second global admin account with a hardware key, by the end of the quarter."
  assigned_to = "identity-team@contoso.com"
}

output "defender_weakest_first" {
  value = [for s in data.securescore_defender_scores.all.scores : format("%s %.1f%%", s.subscription_id, s.percentage * 100)]
}
