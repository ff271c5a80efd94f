# The demo reads the bundled emulator: `make demo` starts it and exports its
# environment (ARM_METADATA_HOSTNAME, ARM_CLIENT_ID, ...), which the empty
# provider block reads. Against Azure, the same configuration works with any
# sign-in method of the provider page.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

provider "securescore" {}

output "summary" {
  value = join("\n", concat(local.defender_lines, [""], local.microsoft365_lines))
}
