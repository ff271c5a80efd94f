# Step 1 of "Manage improvement actions as code": lists the decisions already
# taken in the portal, in the shape the managing configuration reads.
#   terraform apply
#   terraform output -json improvement_actions |
#     jq '{improvement_actions: .}' > ../manage/improvement_actions.auto.tfvars.json
terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

provider "securescore" {}

data "securescore_microsoft365_improvement_actions" "decided" {
  statuses = ["planned", "risk_accepted", "resolved_through_third_party"]
}

output "improvement_actions" {
  description = "The actions someone already decided on, by control id. Device actions (scid_ ids, service MDATP) are left out: their status is managed in the Microsoft Defender portal, and the secure score API refuses to set it."
  value = {
    for a in data.securescore_microsoft365_improvement_actions.decided.actions : a.control_id => {
      status      = a.status
      notes       = a.notes
      assigned_to = a.assigned_to
    } if a.category != "Device" && a.service != "MDATP" && !startswith(lower(a.control_id), "scid_")
  }
}
