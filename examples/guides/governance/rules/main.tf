# "Give every recommendation an owner", steps 1 and 2: a governance rule for
# a management group, and an override of one assignment.
terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.1"
    }
  }
}

provider "securescore" {}

variable "management_group_id" {
  description = "The management group whose subscriptions the rules cover (its id, not its display name)."
  type        = string
  default     = "contoso-production"
}

variable "security_team" {
  description = "Who owns what no resource tag names."
  type        = string
  default     = "secops@contoso.com"
}

# High severity: 7 days, owner from the resource's "owner" tag.
resource "securescore_defender_governance_rule" "high" {
  management_group_id        = var.management_group_id
  display_name               = "High severity: 7 days, owner from the owner tag"
  priority                   = 10
  remediation_timeframe_days = 7
  owner_tag                  = "owner"
  conditions                 = [{ severities = ["High"] }]
}

# Everything else: 30 days with a grace period, owned by the security team.
resource "securescore_defender_governance_rule" "rest" {
  management_group_id        = var.management_group_id
  display_name               = "Medium and low severity: 30 days, security team"
  priority                   = 20
  remediation_timeframe_days = 30
  grace_period               = true
  owner_email                = var.security_team
  conditions                 = [{ severities = ["Medium", "Low"] }]
}

# One recommendation on one machine gets another owner and more time, with
# the change ticket that explains why.
resource "securescore_defender_governance_assignment" "web01_management_ports" {
  resource_id               = "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"
  assessment_key            = "ac21c637-d558-482c-9d11-d6d9033e834e"
  owner_email               = "web-team@contoso.com"
  remediation_due_date_time = "2030-06-30T00:00:00Z"
  ticket_link               = "https://contoso.service-now.com/nav_to.do?uri=change_request.do?sys_id=4711"
}
