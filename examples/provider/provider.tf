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
