# A change the policy denies (scripts/test-policy.sh plans it against the
# emulator): a risk acceptance with no notes. The planned action next to it
# needs none.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

provider "securescore" {}

resource "securescore_microsoft365_improvement_action" "password_expiry" {
  control_id = "PWAgePolicyNew"
  status     = "risk_accepted"
}

resource "securescore_microsoft365_improvement_action" "admin_mfa" {
  control_id = "OneAdmin"
  status     = "planned"
}
