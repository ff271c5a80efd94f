# Step 2 of "Manage improvement actions as code": every action listed in
# improvement_actions.auto.tfvars.json is managed; a pull request that edits
# that file changes the statuses. Needs Terraform 1.7 or later (OpenTofu 1.7
# or later) for import blocks with for_each.
terraform {
  required_version = ">= 1.7"

  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

provider "securescore" {}

variable "improvement_actions" {
  description = "The managed improvement actions, by control id."
  type = map(object({
    status      = string
    notes       = optional(string)
    assigned_to = optional(string)
  }))
}

# Adopts an action's current state the first time it appears in the map, so
# the first plan changes nothing; for actions already in the state it does
# nothing.
import {
  for_each = var.improvement_actions
  to       = securescore_microsoft365_improvement_action.this[each.key]
  id       = each.key
}

resource "securescore_microsoft365_improvement_action" "this" {
  for_each = var.improvement_actions

  control_id  = each.key
  status      = each.value.status
  notes       = each.value.notes
  assigned_to = each.value.assigned_to
}
