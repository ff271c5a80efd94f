# The demo reads the bundled emulator; against Azure, drop the endpoint block
# and sign in with any method of the provider page.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "authority_host" {
  type = string
}

variable "resource_manager_endpoint" {
  type = string
}

variable "microsoft_graph_endpoint" {
  type = string
}

provider "securescore" {
  endpoint = {
    active_directory_authority_host = var.authority_host
    resource_manager_endpoint       = var.resource_manager_endpoint
    microsoft_graph_endpoint        = var.microsoft_graph_endpoint
  }
}

output "summary" {
  value = join("\n", concat(local.defender_lines, [""], local.microsoft365_lines))
}
