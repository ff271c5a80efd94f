terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

# Every setting falls back to the ARM_* environment variables azurerm reads
# (ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_SUBSCRIPTION_ID, ...);
# a value set here wins over its variable.
provider "securescore" {}

# The Defender for Cloud secure score of the provider's subscription
# (ARM_SUBSCRIPTION_ID, or subscription_id here or on the data source).
data "securescore_defender_score" "this" {}

# The tenant's Microsoft 365 Secure Score.
data "securescore_microsoft365_score" "tenant" {}

# Scores are ratios between 0 and 1.
output "scores" {
  value = {
    defender     = format("%.1f%%", data.securescore_defender_score.this.percentage * 100)
    microsoft365 = format("%.1f%%", data.securescore_microsoft365_score.tenant.percentage * 100)
  }
}
