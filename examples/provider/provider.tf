terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the ARM_* environment variables (ARM_TENANT_ID,
# ARM_CLIENT_ID, ARM_CLIENT_SECRET, ...) unless set here.
provider "securescore" {
  subscription_id = "00000000-0000-0000-0000-000000000000"
}

# The subscription's Defender for Cloud secure score.
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
